/* nn-layer-conv1d.c: 1-D convolution over time (cross-correlation, as in
 * PyTorch), (B, T, C_in) -> (B, T_out, C_out), weight (C_out, C_in, K), bias
 * (C_out).  T_out = floor ((T + pad_left + pad_right - d (K - 1) - 1) / s) + 1
 * (layers_README §2); each row's output length is that rule applied to its
 * valid length, and input steps at or past the length count as zeros.
 *
 * im2col: every valid output step becomes a row of K input steps laid end to
 * end (k-major, so each piece is one memcpy of C_in floats), and the layer is
 * one GEMM against the weight transposed to (C_out, K, C_in).  Padded output
 * steps get no row, so padding costs nothing. */
/* Element-wise loops must vectorise: allow it at -O2 (dynamic cost model) and let
 * conditionals become selects (no FP traps are ever enabled), as nn-layer-gru.c does. */
#if defined (__GNUC__) && !defined (__clang__)
#pragma GCC optimize ("no-trapping-math", "vect-cost-model=dynamic")
#endif

#include "config.h"

#include "nn-layer.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "nn-blas.h"
#include "nn-layer-ff.h"

static int
receptive_field (const NnLayer *layer)
{
  return layer->cfg.dilation * (layer->cfg.kernel_size - 1) + 1;
}

/* Zeros added before step 0: half of d (K - 1) for "same", the odd one goes right. */
static int
pad_left (const NnLayer *layer)
{
  return layer->cfg.padding == NN_PADDING_SAME ? (receptive_field (layer) - 1) / 2 : 0;
}

static int
pad_total (const NnLayer *layer)
{
  return layer->cfg.padding == NN_PADDING_SAME ? receptive_field (layer) - 1 : 0;
}

/* Output steps for `steps` input steps (0 when no window fits). */
static int
conv_out_steps (const NnLayer *layer, int steps)
{
  int span = steps + pad_total (layer) - receptive_field (layer);
  if (steps <= 0 || span < 0)
    return 0;
  return span / layer->cfg.stride + 1;
}

static gboolean
conv_check_config (const NnLayer *layer, const NnShape *in, GError **error)
{
  const NnLayerConfig *cfg = &layer->cfg;

  if (!in->seq)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("Conv1D slides over time and needs a sequence input, but this input is a "
                     "vector; move it before Flatten, global pooling or the last recurrent layer."));
      return FALSE;
    }
  if (in->features < 1 || in->steps < 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("Conv1D needs a sequence with at least one step and one feature."));
      return FALSE;
    }
  if (cfg->units < 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("Conv1D needs at least one filter (it has %d); set units to 1 or more."), cfg->units);
      return FALSE;
    }
  if (cfg->kernel_size < 1 || cfg->stride < 1 || cfg->dilation < 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("Conv1D needs a kernel size, stride and dilation of at least 1 (they are %d, %d "
                     "and %d)."), cfg->kernel_size, cfg->stride, cfg->dilation);
      return FALSE;
    }
  /* limits that keep d (K - 1) + 1 and the weight size far from overflowing */
  if ((double) cfg->dilation * (cfg->kernel_size - 1) + 1 > NN_LAYER_MAX_SIZE
      || (double) cfg->units * in->features * cfg->kernel_size > NN_LAYER_MAX_SIZE)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("Conv1D is far too large (kernel size %d, dilation %d, %d filters on %d "
                     "channels); use smaller values."), cfg->kernel_size, cfg->dilation, cfg->units,
                   in->features);
      return FALSE;
    }
  if (cfg->padding == NN_PADDING_SAME && cfg->stride != 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("Conv1D padding “same” works only with stride 1 (the stride is %d); set the "
                     "stride to 1 or use padding “valid”."), cfg->stride);
      return FALSE;
    }
  if (cfg->padding == NN_PADDING_VALID && receptive_field (layer) > in->steps)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("The Conv1D kernel of %d steps is longer than the sequence of %d steps; use a "
                     "smaller kernel size or dilation, or padding “same”."),
                   receptive_field (layer), in->steps);
      return FALSE;
    }
  if (!nn_activation_is_valid (cfg->activation))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("The Conv1D layer has an unknown activation; choose linear, relu, leaky_relu, "
                     "elu, tanh, sigmoid or softmax."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
conv_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  const NnLayerConfig *cfg = &layer->cfg;
  int wshape[3] = { cfg->units, in->features, cfg->kernel_size };

  if (!conv_check_config (layer, in, error))
    return FALSE;
  layer->out = (NnShape) {
    .seq = TRUE,
    .steps = conv_out_steps (layer, in->steps),
    .features = cfg->units,
  };
  nn_layer_add_tensor (layer, "weight", 3, wshape);
  if (cfg->use_bias)
    nn_layer_add_tensor (layer, "bias", 1, &cfg->units);
  return TRUE;
}

static void
conv_init (const NnLayer *layer, float *params, float *state, NnRng *rng)
{
  /* Glorot-uniform with Keras's fans for a kernel: channels times kernel size */
  int k = layer->cfg.kernel_size;
  double fan_in = (double) layer->in.features * k, fan_out = (double) layer->cfg.units * k;
  double limit = sqrt (6.0 / (fan_in + fan_out));
  size_t n = layer->tensors[0].size;

  for (size_t i = 0; i < n; i++)
    params[i] = (float) nn_rng_uniform_range (rng, -limit, limit);
  if (layer->cfg.use_bias)
    memset (params + layer->tensors[1].offset, 0, layer->cfg.units * sizeof (float));
}

/* Workspace: the im2col matrix (kept for backward, reused for its gradient),
 * the transposed weight and its gradient. */
typedef struct
{
  float *col;   /* (valid output steps, K * C_in), at most B * T_out rows */
  float *wk;    /* (C_out, K * C_in) */
  float *dwk;   /* (C_out, K * C_in) */
} ConvWork;

static size_t
conv_col_bytes (const NnLayer *layer, int max_batch, int out_steps)
{
  size_t kc = (size_t) layer->cfg.kernel_size * layer->in.features;
  return nn_align64 ((size_t) max_batch * out_steps * kc * sizeof (float));
}

static size_t
conv_weight_bytes (const NnLayer *layer)
{
  return nn_align64 ((size_t) layer->cfg.units * layer->cfg.kernel_size * layer->in.features
                     * sizeof (float));
}

static size_t
conv_workspace_size (const NnLayer *layer, int max_batch, int max_steps)
{
  int out_steps = MAX (conv_out_steps (layer, max_steps), layer->out.steps);
  return conv_col_bytes (layer, max_batch, out_steps) + 2 * conv_weight_bytes (layer);
}

static ConvWork
conv_work (const NnLayer *layer, void *work, int batch, int out_steps)
{
  char *p = work;
  ConvWork w;
  w.col = (float *) p;
  p += conv_col_bytes (layer, batch, out_steps);
  w.wk = (float *) p;
  p += conv_weight_bytes (layer);
  w.dwk = (float *) p;
  return w;
}

static void
transpose_weight (const NnLayer *layer, const float *w, float *wk)
{
  int co = layer->cfg.units, ci = layer->in.features, k = layer->cfg.kernel_size;
  for (int o = 0; o < co; o++)
    for (int c = 0; c < ci; c++)
      for (int j = 0; j < k; j++)
        wk[((size_t) o * k + j) * ci + c] = w[((size_t) o * ci + c) * k + j];
}

/* One row of K input steps per valid output step, packed (padded output steps
 * get no row); input steps outside 0 .. length - 1 are zeros. */
static void
im2col (const NnLayer *layer, const NnAct *x, const NnAct *y, float *col)
{
  int ci = x->features, k = layer->cfg.kernel_size;
  int s = layer->cfg.stride, d = layer->cfg.dilation, pl = pad_left (layer);
  size_t kc = (size_t) k * ci;
  float *row = col;

  for (int b = 0; b < x->batch; b++)
    {
      int len = x->lengths[b];
      const float *xb = x->data + (size_t) b * x->steps * ci;
      for (int t = 0; t < y->lengths[b]; t++, row += kc)
        for (int j = 0; j < k; j++)
          {
            int tau = t * s + j * d - pl;
            if (tau >= 0 && tau < len)
              memcpy (row + (size_t) j * ci, xb + (size_t) tau * ci, ci * sizeof (float));
            else
              memset (row + (size_t) j * ci, 0, ci * sizeof (float));
          }
    }
}

static void
conv_forward (const NnLayer *layer, NnPass *pass, const NnAct *x, NnAct *y)
{
  const NnLayerConfig *cfg = &layer->cfg;
  int co = cfg->units, kc = cfg->kernel_size * x->features;
  ConvWork w = conv_work (layer, pass->work, x->batch, y->steps);
  size_t rows;

  for (int b = 0; b < x->batch; b++)
    y->lengths[b] = MIN (conv_out_steps (layer, x->lengths[b]), y->steps);
  rows = nn_valid_rows (y->lengths, y->batch);
  transpose_weight (layer, pass->params, w.wk);
  im2col (layer, x, y, w.col);
  /* valid output rows are computed packed at the front of y, then spread out */
  if (cfg->use_bias)
    {
      const float *bias = pass->params + layer->tensors[1].offset;
      for (size_t r = 0; r < rows; r++)
        memcpy (y->data + r * co, bias, co * sizeof (float));
    }
  if (rows > 0)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) rows, co, kc,
                 1.0f, w.col, kc, w.wk, kc, cfg->use_bias ? 1.0f : 0.0f, y->data, co);
  nn_activation_forward (cfg->activation, y->data, rows * co, co, cfg->negative_slope, cfg->elu_alpha);
  nn_rows_unpack (y->data, y->lengths, y->batch, y->steps, co);
}

/* dx[b][tau] += the packed dcol rows: the transpose of im2col. */
static void
col2im (const NnLayer *layer, const NnAct *x, const NnAct *y, const float *dcol, float *dx)
{
  int ci = x->features, k = layer->cfg.kernel_size;
  int s = layer->cfg.stride, d = layer->cfg.dilation, pl = pad_left (layer);
  size_t kc = (size_t) k * ci;
  const float *row = dcol;

  memset (dx, 0, (size_t) x->batch * x->steps * ci * sizeof (float));
  for (int b = 0; b < x->batch; b++)
    {
      int len = x->lengths[b];
      float *dxb = dx + (size_t) b * x->steps * ci;
      for (int t = 0; t < y->lengths[b]; t++, row += kc)
        for (int j = 0; j < k; j++)
          {
            int tau = t * s + j * d - pl;
            const float *piece = row + (size_t) j * ci;
            float *dst;
            if (tau < 0 || tau >= len)
              continue;
            dst = dxb + (size_t) tau * ci;
            for (int c = 0; c < ci; c++)
              dst[c] += piece[c];
          }
    }
}

static void
conv_backward (const NnLayer *layer, NnPass *pass, const NnAct *x, const NnAct *y,
               float *dy, float *dx)
{
  const NnLayerConfig *cfg = &layer->cfg;
  int co = cfg->units, ci = x->features, k = cfg->kernel_size, kc = k * ci;
  ConvWork w = conv_work (layer, pass->work, x->batch, y->steps);
  size_t rows = nn_valid_rows (y->lengths, y->batch);
  float *dw = pass->grads;

  nn_act_backward_valid (cfg->activation, y->data, dy, y->lengths, y->batch, y->steps, co,
                         cfg->negative_slope, cfg->elu_alpha);
  nn_rows_pack (dy, y->lengths, y->batch, y->steps, co);
  if (rows == 0)
    {
      if (dx != NULL)
        memset (dx, 0, (size_t) x->batch * x->steps * ci * sizeof (float));
      return;
    }
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, co, kc, (int) rows,
               1.0f, dy, co, w.col, kc, 0.0f, w.dwk, kc);
  for (int o = 0; o < co; o++)
    for (int c = 0; c < ci; c++)
      for (int j = 0; j < k; j++)
        dw[((size_t) o * ci + c) * k + j] += w.dwk[((size_t) o * k + j) * ci + c];
  if (cfg->use_bias)
    {
      float *dbias = pass->grads + layer->tensors[1].offset;
      for (size_t r = 0; r < rows; r++)
        for (int o = 0; o < co; o++)
          dbias[o] += dy[r * co + o];
    }
  if (dx == NULL)
    return;
  /* the im2col matrix is not needed any more: its gradient goes in its place */
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) rows, kc, co,
               1.0f, dy, co, w.wk, kc, 0.0f, w.col, kc);
  col2im (layer, x, y, w.col, dx);
}

static double
conv_flops (const NnLayer *layer)
{
  return (double) layer->out.steps * layer->cfg.units * layer->in.features * layer->cfg.kernel_size;
}

const NnLayerOps nn_conv1d_ops = {
  .kind = NN_LAYER_CONV1D,
  .name = "conv1d",
  .setup = conv_setup,
  .init = conv_init,
  .workspace_size = conv_workspace_size,
  .forward = conv_forward,
  .backward = conv_backward,
  .flops = conv_flops,
};
