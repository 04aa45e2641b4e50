/* nn-recurrent.h: the machinery simple_rnn, lstm and gru share.
 *
 * A recurrent layer is a "cell" (its gate count and two fused per-step loops)
 * run by one driver, nn-recurrent.c.  Inside the driver everything is
 * time-major with the batch sorted by length, longest first, so at step t the
 * sequences still running are the first n_t rows ("packed" layout: the rows of
 * step t start at row off_t = n_0 + ... + n_{t-1}).  The reverse direction of
 * a bidirectional layer is the same algorithm on each sequence's valid steps
 * read backwards, so it shares the packing.
 *
 * Forward per direction: one GEMM for the input projection of every real step,
 * then per step one GEMM h_{t-1} · W_hhᵀ over n_t rows and the cell's fused
 * loop.  Backward per step (reversed): the cell's fused loop writes the gate
 * gradients dG_t in place of the gates, one GEMM dG_t · W_hh gives dh_{t-1};
 * after the loop three large GEMMs give dW_hh, dW_ih and dX.
 */
#pragma once

#include <math.h>
#include <string.h>

#include "nn-layer.h"

G_BEGIN_DECLS

/* Everything one fused step loop reads and writes.  Row r of every block is
 * the r-th longest sequence; blocks have n rows of width H (gates: G*H). */
typedef struct
{
  int n;                     /* active rows */
  int units;                 /* H */
  const NnLayerConfig *cfg;  /* simple_rnn: activation and its parameters */
  const float *b_ih;         /* (G*H); zeros when the layer has no bias */
  const float *b_hh;         /* (G*H) */
  /* Forward: in x·W_ihᵀ (+ h·W_hhᵀ unless separate_gh), out the activated gates.
   * Backward: in the activated gates, out dL/d(pre-activation), hidden side. */
  float *gates;
  const float *gh;           /* separate_gh cells: h_{t-1}·W_hhᵀ without bias; NULL at t = 0 */
  const float *h_prev;       /* h_{t-1}; NULL at t = 0 (zero state) */
  /* LSTM: c_t.  GRU: W_hn h + b_hn; after the backward step dL/d(input-side n). */
  float *aux;
  const float *aux_prev;     /* LSTM: c_{t-1}; NULL at t = 0 */
  float *h;                  /* forward out: h_t */
  /* Backward: in dL/dh_t; out (direct_h cells) the part of dL/dh_{t-1} not through W_hh. */
  float *dh;
  float *dc;                 /* LSTM: in dL/dc_t from later steps, out dL/dc_{t-1} */
} NnRecurrentStep;

typedef struct
{
  const char *name;           /* model-file spelling, for messages */
  int gates;                  /* G: 1 simple_rnn, 4 lstm, 3 gru */
  gboolean has_aux;           /* keeps an extra (rows, H) buffer per direction */
  gboolean separate_gh;       /* the recurrent product goes to a scratch block (GRU's reset gate
                               * multiplies it) instead of being added into the gates */
  gboolean direct_h;          /* dh_{t-1} has a term besides dG_t · W_hh (GRU's z * dh) */
  gboolean carries_c;         /* LSTM: a cell-state gradient runs backwards beside dh */
  gboolean split_ih_last;     /* GRU: the last gate block's input-side gradient differs from the
                               * hidden side and lives in aux after the backward step */
  void (*forward_step)  (const NnRecurrentStep *s);
  void (*backward_step) (const NnRecurrentStep *s);
} NnRecurrentCell;

gboolean nn_recurrent_setup          (NnLayer *layer, const NnRecurrentCell *cell,
                                      const NnShape *in, GError **error);
/* Glorot-uniform weight_ih, orthogonal weight_hh per gate block, zero biases. */
void     nn_recurrent_init           (const NnLayer *layer, const NnRecurrentCell *cell,
                                      float *params, NnRng *rng);
size_t   nn_recurrent_workspace_size (const NnLayer *layer, const NnRecurrentCell *cell,
                                      int max_batch, int max_steps);
void     nn_recurrent_forward        (const NnLayer *layer, const NnRecurrentCell *cell,
                                      NnPass *pass, const NnAct *x, NnAct *y);
void     nn_recurrent_backward       (const NnLayer *layer, const NnRecurrentCell *cell,
                                      NnPass *pass, const NnAct *x, const NnAct *y,
                                      float *dy, float *dx);
double   nn_recurrent_flops          (const NnLayer *layer, const NnRecurrentCell *cell);

/* Parameter tensor of direction `dir` (0 forward, 1 reverse): 0 weight_ih, 1 weight_hh,
 * 2 bias_ih, 3 bias_hh; -1 if the layer has no such tensor. */
int nn_recurrent_tensor_index (const NnLayer *layer, int dir, int which);

/* The fused per-row loops are also compiled for AVX2+FMA and AVX-512 and picked at run
 * time: the default x86-64 target has only 4-wide SSE without FMA, which makes the gate
 * non-linearities 4-7 times slower (they are a large part of a step). */
#if defined (__GNUC__) && !defined (__clang__) && defined (__x86_64__) && defined (__linux__)
#define NN_SIMD_CLONES \
  __attribute__ ((target_clones ("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define NN_SIMD_CLONES
#endif

/* ---- fast, branch-free activations the compiler can vectorise ----
 * Accurate to a few float ulps (about 1e-7 relative); see test-recurrent-math. */

static inline float
nn_fast_exp (float x)
{
  const float magic = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer */
  float n, r, p, scale;
  gint32 bits;

  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  n = (x * 1.44269504088896341f + magic) - magic;
  /* Cody-Waite: ln 2 in two pieces so x - n ln 2 stays exact */
  r = x - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  bits = ((gint32) n + 127) << 23;
  memcpy (&scale, &bits, sizeof scale);
  return p * scale;
}

static inline float
nn_fast_sigmoid (float x)
{
  return 1.0f / (1.0f + nn_fast_exp (-x));
}

/* Rational approximation (as in Eigen): odd degree-13 over even degree-6 polynomial,
 * keeps full relative accuracy near 0 where 2σ(2x)-1 would cancel. */
static inline float
nn_fast_tanh (float x)
{
  float x2, p, q;

  x = x > 7.90531110763549805f ? 7.90531110763549805f : x;
  x = x < -7.90531110763549805f ? -7.90531110763549805f : x;
  x2 = x * x;
  p = -2.76076847742355e-16f;
  p = p * x2 + 2.00018790482477e-13f;
  p = p * x2 - 8.60467152213735e-11f;
  p = p * x2 + 5.12229709037114e-08f;
  p = p * x2 + 1.48572235717979e-05f;
  p = p * x2 + 6.37261928875436e-04f;
  p = p * x2 + 4.89352455891786e-03f;
  p = p * x;
  q = 1.19825839466702e-06f;
  q = q * x2 + 1.18534705686654e-04f;
  q = q * x2 + 2.26843463243900e-03f;
  q = q * x2 + 4.89352518554385e-03f;
  return p / q;
}

G_END_DECLS
