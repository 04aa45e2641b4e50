/* lc-tensors.h: encoded inputs as NumPy files, so anyone can feed the ONNX
 * graph (lc-onnx.h) exactly what Passband feeds its network. */
#pragma once

#include <glib.h>

#include "lc-pipeline.h"

G_BEGIN_DECLS

/* A little-endian .npy file (format 1.0, C order), written atomically.
 * shape has ndim entries. */
gboolean lc_npy_save_float32 (const char *path, const float *data, int ndim, const gsize *shape,
                              GError **error);
gboolean lc_npy_save_int64   (const char *path, const gint64 *data, int ndim, const gsize *shape,
                              GError **error);

/* Encodes every object of ds for the predictor's model and writes into dir
 * (created if needed): sequence.npy float32 (N, T, F), lengths.npy int64 (N),
 * metadata.npy float32 (N, S) when the graph takes metadata, and
 * object_ids.txt, one id per line in row order.  *n_rows_out (may be NULL)
 * gets N. */
gboolean lc_tensors_write (const LcPredictor *predictor, const LcDataset *ds, const char *dir,
                           int threads, int *n_rows_out, GError **error);

G_END_DECLS
