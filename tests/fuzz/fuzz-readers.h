/* fuzz-readers.h: fuzz targets for the readers lc_load alone does not reach */
#pragma once

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

/* The input as a general CSV read with explicit column mappings. */
int fuzz_csv_mapping_one (const guint8 *data, size_t size);
/* The input as the contextual features, the labels, y.npy or X.npy beside good arrays. */
int fuzz_npy_arrays_one  (const guint8 *data, size_t size);
/* The input as a PLAsTiCC light-curve CSV and as its metadata, read by the
 * chunked stream that predict uses. */
int fuzz_stream_one      (const guint8 *data, size_t size);

G_END_DECLS
