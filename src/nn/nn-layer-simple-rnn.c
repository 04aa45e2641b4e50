/* nn-layer-simple-rnn.c: Elman RNN, h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),
 * act = cfg.activation (model files default it to tanh; NN_ACT_LINEAR is linear).
 * The driver in nn-recurrent.c does the GEMMs; this file is the fused per-step loops. */
/* The fused loops below must vectorise: allow it at -O2 (dynamic cost model) and let
 * the clamps in the fast activations become selects (no FP traps are ever enabled). */
#if defined (__GNUC__) && !defined (__clang__)
#pragma GCC optimize ("no-trapping-math", "vect-cost-model=dynamic")
#endif

#include "nn-recurrent.h"

static void
add_biases (const NnRecurrentStep *s)
{
  int H = s->units;
  const float *restrict bi = s->b_ih, *restrict bh = s->b_hh;

  for (int r = 0; r < s->n; r++)
    {
      float *restrict a = s->gates + (size_t) r * H;
      for (int j = 0; j < H; j++)
        a[j] += bi[j] + bh[j];
    }
}

NN_SIMD_CLONES static void
tanh_forward_row (float *restrict a, const float *restrict bi, const float *restrict bh,
                  float *restrict h, int H)
{
  for (int j = 0; j < H; j++)
    {
      float v = nn_fast_tanh (a[j] + bi[j] + bh[j]);
      a[j] = v;
      h[j] = v;
    }
}

static void
rnn_forward_step (const NnRecurrentStep *s)
{
  int H = s->units;
  size_t n = (size_t) s->n * H;

  if (s->cfg->activation == NN_ACT_TANH)
    {
      for (int r = 0; r < s->n; r++)
        tanh_forward_row (s->gates + (size_t) r * H, s->b_ih, s->b_hh, s->h + (size_t) r * H, H);
      return;
    }

  /* other activations are rare here: reuse the shared activation code */
  add_biases (s);
  nn_activation_forward (s->cfg->activation, s->gates, n, H,
                         s->cfg->negative_slope, s->cfg->elu_alpha);
  memcpy (s->h, s->gates, n * sizeof (float));
}

static void
rnn_backward_step (const NnRecurrentStep *s)
{
  int H = s->units;
  size_t n = (size_t) s->n * H;

  if (s->cfg->activation == NN_ACT_TANH)
    {
      float *restrict g = s->gates;
      const float *restrict dh = s->dh;
      for (size_t i = 0; i < n; i++)
        g[i] = dh[i] * (1.0f - g[i] * g[i]);
      return;
    }

  /* gates hold the outputs h_t, which is all every supported derivative needs */
  nn_activation_backward (s->cfg->activation, s->gates, s->dh, n, H,
                          s->cfg->negative_slope, s->cfg->elu_alpha);
  memcpy (s->gates, s->dh, n * sizeof (float));
}

static const NnRecurrentCell rnn_cell = {
  .name = "simple_rnn",
  .gates = 1,
  .forward_step = rnn_forward_step,
  .backward_step = rnn_backward_step,
};

static gboolean
rnn_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  return nn_recurrent_setup (layer, &rnn_cell, in, error);
}

static void
rnn_init (const NnLayer *layer, float *params, float *state, NnRng *rng)
{
  nn_recurrent_init (layer, &rnn_cell, params, rng);
}

static size_t
rnn_workspace_size (const NnLayer *layer, int max_batch, int max_steps)
{
  return nn_recurrent_workspace_size (layer, &rnn_cell, max_batch, max_steps);
}

static void
rnn_forward (const NnLayer *layer, NnPass *pass, const NnAct *x, NnAct *y)
{
  nn_recurrent_forward (layer, &rnn_cell, pass, x, y);
}

static void
rnn_backward (const NnLayer *layer, NnPass *pass, const NnAct *x, const NnAct *y,
              float *dy, float *dx)
{
  nn_recurrent_backward (layer, &rnn_cell, pass, x, y, dy, dx);
}

static double
rnn_flops (const NnLayer *layer)
{
  return nn_recurrent_flops (layer, &rnn_cell);
}

const NnLayerOps nn_simple_rnn_ops = {
  .kind = NN_LAYER_SIMPLE_RNN,
  .name = "simple_rnn",
  .setup = rnn_setup,
  .init = rnn_init,
  .workspace_size = rnn_workspace_size,
  .forward = rnn_forward,
  .backward = rnn_backward,
  .flops = rnn_flops,
};
