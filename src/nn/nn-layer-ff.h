/* nn-layer-ff.h: small helpers the feed-forward layers share (private to src/nn). */
#pragma once

#include <string.h>

#include "nn-layer.h"

G_BEGIN_DECLS

/* Upper bound on a weight tensor's size or a kernel's reach, far above any
 * sensible model: it keeps int arithmetic from overflowing on absurd settings
 * (a hand-edited model file) and refuses them with a clear error instead. */
#define NN_LAYER_MAX_SIZE (1 << 28)

/* Steps of one row of an activation: 1 for vectors. */
static inline int
nn_act_steps (const NnAct *a)
{
  return a->lengths != NULL ? a->steps : 1;
}

/* Valid steps of row b: all of them for vectors. */
static inline int
nn_act_row_length (const NnAct *a, int b)
{
  return a->lengths != NULL ? a->lengths[b] : 1;
}

/* Zeroes the padded steps (t >= lengths[b]) of a sequence; vectors have none. */
static inline void
nn_act_zero_padding (float *data, const int *lengths, int batch, int steps, int features)
{
  if (lengths == NULL)
    return;
  for (int b = 0; b < batch; b++)
    {
      size_t row = (size_t) b * steps * features;
      size_t valid = (size_t) lengths[b] * features;
      memset (data + row + valid, 0, ((size_t) steps * features - valid) * sizeof (float));
    }
}

/* Applies a fused activation to the valid steps of each row only: padded rows may
 * hold junk, and softmax would otherwise turn zeros into 1/width. */
static inline void
nn_act_apply_valid (NnActivation act, float *data, const int *lengths, int batch, int steps,
                    int features, float negative_slope, float elu_alpha)
{
  if (act == NN_ACT_LINEAR)
    return;
  if (lengths == NULL)
    {
      nn_activation_forward (act, data, (size_t) batch * features, features, negative_slope, elu_alpha);
      return;
    }
  for (int b = 0; b < batch; b++)
    nn_activation_forward (act, data + (size_t) b * steps * features, (size_t) lengths[b] * features,
                           features, negative_slope, elu_alpha);
}

/* dv = dL/dy on entry, dL/d(pre-activation) on return, on valid steps; padded steps of dv become 0. */
static inline void
nn_act_backward_valid (NnActivation act, const float *y, float *dv, const int *lengths, int batch,
                       int steps, int features, float negative_slope, float elu_alpha)
{
  nn_act_zero_padding (dv, lengths, batch, steps, features);
  if (act == NN_ACT_LINEAR)
    return;
  if (lengths == NULL)
    {
      nn_activation_backward (act, y, dv, (size_t) batch * features, features, negative_slope, elu_alpha);
      return;
    }
  for (int b = 0; b < batch; b++)
    {
      size_t off = (size_t) b * steps * features;
      nn_activation_backward (act, y + off, dv + off, (size_t) lengths[b] * features, features,
                              negative_slope, elu_alpha);
    }
}

/* Valid rows of a batch: the sum of the lengths (batch rows for vectors). */
static inline size_t
nn_valid_rows (const int *lengths, int batch)
{
  size_t n = 0;
  if (lengths == NULL)
    return (size_t) batch;
  for (int b = 0; b < batch; b++)
    n += (size_t) MAX (lengths[b], 0);
  return n;
}

/* Copies the valid steps of every row of src (B, T, width) to the front of dst,
 * one after another: the packed layout a GEMM over valid rows only needs. */
static inline void
nn_rows_gather (float *dst, const float *src, const int *lengths, int batch, int steps, int width)
{
  size_t at = 0;
  for (int b = 0; b < batch; b++)
    {
      size_t n = (size_t) MAX (lengths[b], 0) * width;
      memcpy (dst + at, src + (size_t) b * steps * width, n * sizeof (float));
      at += n;
    }
}

/* nn_rows_gather in place: packed rows never land on rows not yet moved. */
static inline void
nn_rows_pack (float *data, const int *lengths, int batch, int steps, int width)
{
  size_t at = 0;
  for (int b = 0; b < batch; b++)
    {
      size_t n = (size_t) MAX (lengths[b], 0) * width;
      memmove (data + at, data + (size_t) b * steps * width, n * sizeof (float));
      at += n;
    }
}

/* The inverse, in place: spreads packed rows back to (B, T, width), last row
 * first so that nothing is overwritten before it moves, then zeroes padding. */
static inline void
nn_rows_unpack (float *data, const int *lengths, int batch, int steps, int width)
{
  size_t at = nn_valid_rows (lengths, batch) * width;
  for (int b = batch - 1; b >= 0; b--)
    {
      size_t n = (size_t) MAX (lengths[b], 0) * width;
      at -= n;
      memmove (data + (size_t) b * steps * width, data + at, n * sizeof (float));
    }
  nn_act_zero_padding (data, lengths, batch, steps, width);
}

/* mask ? a : b for a mask of all ones or all zeros, without a branch: max
 * pooling compares random values, where a branch mispredicts half the time. */
static inline float
nn_select_bits (guint32 mask, float a, float b)
{
  guint32 ua, ub;
  memcpy (&ua, &a, sizeof ua);
  memcpy (&ub, &b, sizeof ub);
  ua = (ua & mask) | (ub & ~mask);
  memcpy (&a, &ua, sizeof a);
  return a;
}

/* Running maximum with its step: out = max (out, v), arg follows. */
static inline void
nn_max_update (float *out, int *arg, const float *v, int step, int n)
{
  for (int j = 0; j < n; j++)
    {
      guint32 mask = -(guint32) (v[j] > out[j]);
      out[j] = nn_select_bits (mask, v[j], out[j]);
      arg[j] = (int) (((guint32) arg[j] & ~mask) | ((guint32) step & mask));
    }
}

/* For kinds without parameters, state or scratch: the model may call every op. */
static inline void
nn_layer_init_nothing (const NnLayer *layer, float *params, float *state, NnRng *rng)
{
}

static inline size_t
nn_layer_no_workspace (const NnLayer *layer, int max_batch, int max_steps)
{
  return 0;
}

/* For kinds that only move data. */
static inline double
nn_layer_no_flops (const NnLayer *layer)
{
  return 0.0;
}

static inline gboolean
nn_activation_is_valid (NnActivation act)
{
  return (int) act >= NN_ACT_LINEAR && act <= NN_ACT_SOFTMAX;
}

G_END_DECLS
