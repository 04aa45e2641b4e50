/* nn-layer-gru.c: GRU with PyTorch's gates r, z, n and its placement of the reset gate:
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r (W_hn h + b_hn)),  h_t = (1 - z) n + z h_{t-1}
 * The driver in nn-recurrent.c does the GEMMs; this file is the fused per-step loops. */
/* The fused loops below must vectorise: allow it at -O2 (dynamic cost model) and let
 * the clamps in the fast activations become selects (no FP traps are ever enabled). */
#if defined (__GNUC__) && !defined (__clang__)
#pragma GCC optimize ("no-trapping-math", "vect-cost-model=dynamic")
#endif

#include "nn-recurrent.h"

/* The per-row kernels take plain restrict pointers so the compiler vectorises them.
 * g: the x-projection of the 3 gates in, activated r, z, n out; hg: h_{t-1}·W_hhᵀ;
 * ghn out: W_hn h + b_hn, which the backward step needs.
 * Each is written once, with `first` for step 0 (h_{-1} = 0: hg and h_prev unused,
 * the hidden-side products are just the biases); the kernels below pass it as a
 * constant, so each is compiled with its branches folded.  The first-step
 * expressions drop the zero terms rather than adding 0, which would cost
 * instructions and could turn a -0 into +0. */
static inline G_ALWAYS_INLINE void
gru_forward_row_body (float *restrict g, const float *restrict hg, const float *restrict bi,
                      const float *restrict bh, const float *restrict h_prev,
                      float *restrict ghn, float *restrict h, int H, gboolean first)
{
  for (int j = 0; j < H; j++)
    {
      float rg = nn_fast_sigmoid (first ? g[j] + bi[j] + bh[j]
                                        : g[j] + bi[j] + hg[j] + bh[j]);
      float zg = nn_fast_sigmoid (first ? g[H + j] + bi[H + j] + bh[H + j]
                                        : g[H + j] + bi[H + j] + hg[H + j] + bh[H + j]);
      float hn = first ? bh[2 * H + j] : hg[2 * H + j] + bh[2 * H + j];
      float ng = nn_fast_tanh (g[2 * H + j] + bi[2 * H + j] + rg * hn);
      g[j] = rg;
      g[H + j] = zg;
      g[2 * H + j] = ng;
      ghn[j] = hn;
      h[j] = first ? ng - zg * ng : ng + zg * (h_prev[j] - ng);
    }
}

NN_SIMD_CLONES static void
gru_forward_row (float *restrict g, const float *restrict hg, const float *restrict bi,
                 const float *restrict bh, const float *restrict h_prev, float *restrict ghn,
                 float *restrict h, int H)
{
  gru_forward_row_body (g, hg, bi, bh, h_prev, ghn, h, H, FALSE);
}

NN_SIMD_CLONES static void
gru_forward_row_first (float *restrict g, const float *restrict bi, const float *restrict bh,
                       float *restrict ghn, float *restrict h, int H)
{
  gru_forward_row_body (g, NULL, bi, bh, NULL, ghn, h, H, TRUE);
}

static void
gru_forward_step (const NnRecurrentStep *s)
{
  int H = s->units;

  for (int r = 0; r < s->n; r++)
    {
      size_t row = (size_t) r * H;
      if (s->h_prev != NULL)
        gru_forward_row (s->gates + 3 * row, s->gh + 3 * row, s->b_ih, s->b_hh, s->h_prev + row,
                         s->aux + row, s->h + row, H);
      else
        gru_forward_row_first (s->gates + 3 * row, s->b_ih, s->b_hh, s->aux + row, s->h + row, H);
    }
}

/* In: activated r, z, n in g, W_hn h + b_hn in ghn, dh = dL/dh_t.
 * Out: g = hidden-side gate gradients [dr, dz, dn * r], ghn = input-side dn,
 * dh = z * dh, the part of dL/dh_{t-1} that does not go through W_hh. */
static inline G_ALWAYS_INLINE void
gru_backward_row_body (float *restrict g, float *restrict ghn, const float *restrict h_prev,
                       float *restrict dh, int H, gboolean first)
{
  for (int j = 0; j < H; j++)
    {
      float rg = g[j], zg = g[H + j], ng = g[2 * H + j];
      float d = dh[j];
      float dn_pre = d * (1.0f - zg) * (1.0f - ng * ng);
      g[j] = dn_pre * ghn[j] * rg * (1.0f - rg);
      g[H + j] = (first ? -d * ng : d * (h_prev[j] - ng)) * zg * (1.0f - zg);
      g[2 * H + j] = dn_pre * rg;
      ghn[j] = dn_pre;
      dh[j] = d * zg;
    }
}

NN_SIMD_CLONES static void
gru_backward_row (float *restrict g, float *restrict ghn, const float *restrict h_prev,
                  float *restrict dh, int H)
{
  gru_backward_row_body (g, ghn, h_prev, dh, H, FALSE);
}

NN_SIMD_CLONES static void
gru_backward_row_first (float *restrict g, float *restrict ghn, float *restrict dh, int H)
{
  gru_backward_row_body (g, ghn, NULL, dh, H, TRUE);
}

static void
gru_backward_step (const NnRecurrentStep *s)
{
  int H = s->units;

  for (int r = 0; r < s->n; r++)
    {
      size_t row = (size_t) r * H;
      if (s->h_prev != NULL)
        gru_backward_row (s->gates + 3 * row, s->aux + row, s->h_prev + row, s->dh + row, H);
      else
        gru_backward_row_first (s->gates + 3 * row, s->aux + row, s->dh + row, H);
    }
}

static const NnRecurrentCell gru_cell = {
  .name = "gru",
  .gates = 3,
  .has_aux = TRUE,
  .separate_gh = TRUE,
  .direct_h = TRUE,
  .split_ih_last = TRUE,
  .forward_step = gru_forward_step,
  .backward_step = gru_backward_step,
};

static gboolean
gru_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  return nn_recurrent_setup (layer, &gru_cell, in, error);
}

static void
gru_init (const NnLayer *layer, float *params, float *state, NnRng *rng)
{
  nn_recurrent_init (layer, &gru_cell, params, rng);
}

static size_t
gru_workspace_size (const NnLayer *layer, int max_batch, int max_steps)
{
  return nn_recurrent_workspace_size (layer, &gru_cell, max_batch, max_steps);
}

static void
gru_forward (const NnLayer *layer, NnPass *pass, const NnAct *x, NnAct *y)
{
  nn_recurrent_forward (layer, &gru_cell, pass, x, y);
}

static void
gru_backward (const NnLayer *layer, NnPass *pass, const NnAct *x, const NnAct *y,
              float *dy, float *dx)
{
  nn_recurrent_backward (layer, &gru_cell, pass, x, y, dy, dx);
}

static double
gru_flops (const NnLayer *layer)
{
  return nn_recurrent_flops (layer, &gru_cell);
}

const NnLayerOps nn_gru_ops = {
  .kind = NN_LAYER_GRU,
  .name = "gru",
  .setup = gru_setup,
  .init = gru_init,
  .workspace_size = gru_workspace_size,
  .forward = gru_forward,
  .backward = gru_backward,
  .flops = gru_flops,
};
