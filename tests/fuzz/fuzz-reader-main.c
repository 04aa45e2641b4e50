/* fuzz-reader-main.c: the libFuzzer entry point of one target of
 * fuzz-readers.c, chosen at build time with -DFUZZ_TARGET=function. */
#include "fuzz-readers.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  return FUZZ_TARGET (data, size);
}
