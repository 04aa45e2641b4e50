/* fuzz-load.h: the fuzz target shared by the libFuzzer binary and the corpus test */
#pragma once

#include <glib.h>
#include <stddef.h>

#include "lc-format.h"

G_BEGIN_DECLS

int      LLVMFuzzerTestOneInput (const guint8 *data, size_t size);
void     fuzz_check_dataset     (const LcDataset *ds);
gboolean fuzz_load_path         (const char *path, char **message);

G_END_DECLS
