/* nn-layer-lstm.c: LSTM with PyTorch's gate order i, f, g, o:
 *   a = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
 *   c_t = σ(a_f) c_{t-1} + σ(a_i) tanh(a_g),   h_t = σ(a_o) tanh(c_t)
 * The driver in nn-recurrent.c does the GEMMs; this file is the fused per-step loops. */
/* The fused loops below must vectorise: allow it at -O2 (dynamic cost model) and let
 * the clamps in the fast activations become selects (no FP traps are ever enabled). */
#if defined (__GNUC__) && !defined (__clang__)
#pragma GCC optimize ("no-trapping-math", "vect-cost-model=dynamic")
#endif

#include "nn-recurrent.h"

/* The per-row kernels take plain restrict pointers so the compiler vectorises them.
 * Each is written once, with `first` for step 0 (c_{-1} = 0, c_prev unused); the
 * kernels below pass it as a constant, so each is compiled with its branch folded. */
static inline G_ALWAYS_INLINE void
lstm_forward_row_body (float *restrict g, const float *restrict bi, const float *restrict bh,
                       const float *restrict c_prev, float *restrict c, float *restrict h, int H,
                       gboolean first)
{
  for (int j = 0; j < H; j++)
    {
      float ig = nn_fast_sigmoid (g[j] + bi[j] + bh[j]);
      float fg = nn_fast_sigmoid (g[H + j] + bi[H + j] + bh[H + j]);
      float gg = nn_fast_tanh (g[2 * H + j] + bi[2 * H + j] + bh[2 * H + j]);
      float og = nn_fast_sigmoid (g[3 * H + j] + bi[3 * H + j] + bh[3 * H + j]);
      float ct = first ? ig * gg : fg * c_prev[j] + ig * gg;
      g[j] = ig;
      g[H + j] = fg;
      g[2 * H + j] = gg;
      g[3 * H + j] = og;
      c[j] = ct;
      h[j] = og * nn_fast_tanh (ct);
    }
}

NN_SIMD_CLONES static void
lstm_forward_row (float *restrict g, const float *restrict bi, const float *restrict bh,
                  const float *restrict c_prev, float *restrict c, float *restrict h, int H)
{
  lstm_forward_row_body (g, bi, bh, c_prev, c, h, H, FALSE);
}

NN_SIMD_CLONES static void
lstm_forward_row_first (float *restrict g, const float *restrict bi, const float *restrict bh,
                        float *restrict c, float *restrict h, int H)
{
  lstm_forward_row_body (g, bi, bh, NULL, c, h, H, TRUE);
}

static void
lstm_forward_step (const NnRecurrentStep *s)
{
  int H = s->units;

  for (int r = 0; r < s->n; r++)
    {
      size_t row = (size_t) r * H;
      if (s->aux_prev != NULL)
        lstm_forward_row (s->gates + 4 * row, s->b_ih, s->b_hh, s->aux_prev + row,
                          s->aux + row, s->h + row, H);
      else
        lstm_forward_row_first (s->gates + 4 * row, s->b_ih, s->b_hh, s->aux + row, s->h + row, H);
    }
}

/* In: activated gates g, c_t, c_{t-1}, dh, dc (from later steps).
 * Out: g = dL/d(pre-activation gates), dc = dL/dc_{t-1}. */
static inline G_ALWAYS_INLINE void
lstm_backward_row_body (float *restrict g, const float *restrict c, const float *restrict c_prev,
                        const float *restrict dh, float *restrict dc, int H, gboolean first)
{
  for (int j = 0; j < H; j++)
    {
      float ig = g[j], fg = g[H + j], gg = g[2 * H + j], og = g[3 * H + j];
      float tc = nn_fast_tanh (c[j]);
      float dct = dc[j] + dh[j] * og * (1.0f - tc * tc);
      g[j] = dct * gg * ig * (1.0f - ig);
      g[H + j] = first ? 0.0f : dct * c_prev[j] * fg * (1.0f - fg);
      g[2 * H + j] = dct * ig * (1.0f - gg * gg);
      g[3 * H + j] = dh[j] * tc * og * (1.0f - og);
      dc[j] = dct * fg;
    }
}

NN_SIMD_CLONES static void
lstm_backward_row (float *restrict g, const float *restrict c, const float *restrict c_prev,
                   const float *restrict dh, float *restrict dc, int H)
{
  lstm_backward_row_body (g, c, c_prev, dh, dc, H, FALSE);
}

NN_SIMD_CLONES static void
lstm_backward_row_first (float *restrict g, const float *restrict c,
                         const float *restrict dh, float *restrict dc, int H)
{
  lstm_backward_row_body (g, c, NULL, dh, dc, H, TRUE);
}

static void
lstm_backward_step (const NnRecurrentStep *s)
{
  int H = s->units;

  for (int r = 0; r < s->n; r++)
    {
      size_t row = (size_t) r * H;
      if (s->aux_prev != NULL)
        lstm_backward_row (s->gates + 4 * row, s->aux + row, s->aux_prev + row,
                           s->dh + row, s->dc + row, H);
      else
        lstm_backward_row_first (s->gates + 4 * row, s->aux + row, s->dh + row, s->dc + row, H);
    }
}

static const NnRecurrentCell lstm_cell = {
  .name = "lstm",
  .gates = 4,
  .has_aux = TRUE,
  .carries_c = TRUE,
  .forward_step = lstm_forward_step,
  .backward_step = lstm_backward_step,
};

static gboolean
lstm_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  return nn_recurrent_setup (layer, &lstm_cell, in, error);
}

static void
lstm_init (const NnLayer *layer, float *params, float *state, NnRng *rng)
{
  int H = layer->cfg.units;

  nn_recurrent_init (layer, &lstm_cell, params, rng);
  /* forget-gate bias 1 (Keras unit_forget_bias); the hidden-side bias stays 0 so the sum is 1 */
  for (int d = 0; d < (layer->cfg.bidirectional ? 2 : 1); d++)
    {
      int idx = nn_recurrent_tensor_index (layer, d, 2);
      if (idx < 0)
        continue;
      for (int j = 0; j < H; j++)
        params[layer->tensors[idx].offset + H + j] = 1.0f;
    }
}

static size_t
lstm_workspace_size (const NnLayer *layer, int max_batch, int max_steps)
{
  return nn_recurrent_workspace_size (layer, &lstm_cell, max_batch, max_steps);
}

static void
lstm_forward (const NnLayer *layer, NnPass *pass, const NnAct *x, NnAct *y)
{
  nn_recurrent_forward (layer, &lstm_cell, pass, x, y);
}

static void
lstm_backward (const NnLayer *layer, NnPass *pass, const NnAct *x, const NnAct *y,
               float *dy, float *dx)
{
  nn_recurrent_backward (layer, &lstm_cell, pass, x, y, dy, dx);
}

static double
lstm_flops (const NnLayer *layer)
{
  return nn_recurrent_flops (layer, &lstm_cell);
}

const NnLayerOps nn_lstm_ops = {
  .kind = NN_LAYER_LSTM,
  .name = "lstm",
  .setup = lstm_setup,
  .init = lstm_init,
  .workspace_size = lstm_workspace_size,
  .forward = lstm_forward,
  .backward = lstm_backward,
  .flops = lstm_flops,
};
