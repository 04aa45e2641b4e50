/* fuzz-json.h: the JSON fuzz targets (model files, tune search spaces), each
 * shared by its libFuzzer binary and its corpus test */
#pragma once

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

G_END_DECLS
