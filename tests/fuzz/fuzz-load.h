/* fuzz-load.h: the fuzz target shared by the libFuzzer binary and the corpus test */
#pragma once

#include <glib.h>
#include <stddef.h>

#include "fuzz-util.h"

G_BEGIN_DECLS

int      LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

G_END_DECLS
