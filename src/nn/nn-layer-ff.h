/* nn-layer-ff.h: small helpers the feed-forward layers share (private to src/nn). */
#pragma once

#include <string.h>

#include "nn-layer.h"

G_BEGIN_DECLS

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

static inline gboolean
nn_activation_is_valid (NnActivation act)
{
  return (int) act >= NN_ACT_LINEAR && act <= NN_ACT_SOFTMAX;
}

G_END_DECLS
