/* lc-onnx.h: a trained model as an ONNX file, for ONNX Runtime and the
 * alert brokers that run classifiers through it (DESIGN §12).
 *
 * The graph takes exactly what the encoder produces (lc_predictor_encode,
 * lc_tensors_write):
 *   sequence    float (B, T, F)  padded steps may hold anything; T may differ
 *                                from the model's max_steps (longer sequences
 *                                keep their first max_steps steps, as in Passband)
 *   lengths     int64 (B)        real steps of each row, 1 <= lengths
 *   metadata    float (B, S)     only when the network joins metadata
 * and gives
 *   probabilities float (B, K)   the mean over the ensemble members, then the
 *                                temperature when it is not 1
 * with a dynamic batch size.  Recurrent layers are the standard RNN, GRU
 * (linear_before_reset = 1) and LSTM operators with sequence_lens, so padding
 * never changes a result.  metadata_props hold what a consumer needs: classes,
 * bands, feature order, the encoder's settings and statistics, the version.
 *
 * Opset 17, IR version 8 (what Debian's onnx 1.12 checks).
 */
#pragma once

#include <glib.h>

#include "lc-pipeline.h"

G_BEGIN_DECLS

#define LC_ONNX_OPSET      17
#define LC_ONNX_IR_VERSION 8

typedef struct
{
  /* Calibration: p_cal = softmax (log (p) / temperature) of the ensemble
   * mean; 0 (the default) takes the model file's own, 1.0 exports none. */
  double temperature;
} LcOnnxOptions;

void     lc_onnx_options_default (LcOnnxOptions *options);

/* Whether the graph has the metadata input (the network joins metadata). */
gboolean lc_onnx_takes_metadata (const LcPredictor *predictor);

/* The serialised ModelProto of a trained model; errors name the layer that
 * cannot be expressed. */
GBytes  *lc_onnx_export_bytes (const LcPredictor *predictor, const LcOnnxOptions *options,
                               GError **error);
/* Writes the file atomically (a temporary name renamed over path). */
gboolean lc_onnx_export       (const LcPredictor *predictor, const LcOnnxOptions *options,
                               const char *path, GError **error);

G_END_DECLS
