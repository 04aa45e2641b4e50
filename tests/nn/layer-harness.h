/* layer-harness.h: runs ONE layer exactly as the model will (setup, init with
 * seed 1, a 64-byte aligned workspace of ops->workspace_size bytes, output
 * buffers of the layer's output shape) and checks its gradients by finite
 * differences.  Shared by the feed-forward and the recurrent layer tests. */
#pragma once

#include <glib.h>

#include "nn-layer.h"

G_BEGIN_DECLS

/* Owns params, grads, state, the workspace, x/y/dx/dy buffers and lengths. */
typedef struct LhRun LhRun;

/* nn_layer_setup + allocations; params and state initialised by ops->init with seed 1.
 * Returns NULL (and sets error) when setup refuses the layer. */
LhRun *lh_run_new (NnLayerKind kind, const NnLayerConfig *cfg, const NnShape *in, int meta_features,
                   int batch, GError **error);
NnLayer *lh_run_layer (LhRun *run);
/* Writable: tests may load reference values into them. */
float *lh_run_params (LhRun *run);
float *lh_run_grads (LhRun *run);
float *lh_run_state (LhRun *run);
int lh_run_batch (LhRun *run);
/* Floats in one x (batch * steps * features, or batch * features) and one y. */
gsize lh_run_x_size (LhRun *run);
gsize lh_run_y_size (LhRun *run);

/* Copies x (batch, in.steps, in.features) or (batch, in.features), lengths (NULL for
 * vectors) and meta (batch, S) or NULL, then runs forward.  The output buffer is filled
 * with junk first, so a layer that forgets to write an element is caught.  The pass's
 * rng is seeded with seed, so the same seed gives the same dropout mask; in training
 * the pass may update the state (batch-norm running statistics). */
const NnAct *lh_run_forward (LhRun *run, const float *x, const int *lengths, const float *meta,
                             gboolean training, guint64 seed);
/* Zeroes grads, runs backward of the last forward with a copy of dy (shape of y) and
 * returns dx (NULL if want_dx is FALSE; the layer then gets dx == NULL).  dmeta is
 * computed too when the layer has metadata input; read it with lh_run_dmeta. */
const float *lh_run_backward (LhRun *run, const float *dy, gboolean want_dx);
/* Like lh_run_backward but adds into grads without zeroing them first. */
const float *lh_run_backward_accumulate (LhRun *run, const float *dy, gboolean want_dx);
const float *lh_run_dmeta (LhRun *run);
void lh_run_free (LhRun *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LhRun, lh_run_free)

/* Finite-difference check of d(sum(R*y))/d(params), d/d(x) (valid steps) and, when
 * meta_features > 0, d/d(meta) against backward: central differences with step h on
 * random x (padded steps filled with large junk that must not matter), random R and
 * the given lengths (NULL for vector inputs).  Fails the test (g_test_fail and a
 * message naming the layer, tensor, index, analytic and numeric values) when the
 * mixed error |a - n| / max (1, |n|) exceeds tol, or when an analytic gradient is all
 * zeros.  Also checks that padded output steps are exactly 0, that other padded
 * input values give the same y, that dx is 0 at padded steps and that backward adds
 * into the parameter gradients.  In training the same rng seed is used for every
 * forward, so dropout keeps one mask. */
void lh_gradcheck (NnLayerKind kind, const NnLayerConfig *cfg, const NnShape *in, int meta_features,
                   int batch, const int *lengths, gboolean training, double h, double tol);

G_END_DECLS
