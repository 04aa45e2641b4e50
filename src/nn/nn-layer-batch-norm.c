/* nn-layer-batch-norm.c: PyTorch BatchNorm1d (layers_README §4).  Parameters
 * weight (gamma) and bias (beta); state running_mean and running_var.
 * Training normalises with the batch statistics (biased variance) and updates
 * the running statistics with momentum and the unbiased variance; inference
 * uses the running statistics.  On a sequence the statistics are per channel
 * over every valid step of the batch. */
/* Element-wise loops must vectorise: allow it at -O2 (dynamic cost model) and let
 * conditionals become selects (no FP traps are ever enabled), as nn-layer-gru.c does. */
#if defined (__GNUC__) && !defined (__clang__)
#pragma GCC optimize ("no-trapping-math", "vect-cost-model=dynamic")
#endif

#include "config.h"

#include "nn-layer.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "nn-layer-ff.h"

static gboolean
bn_setup (NnLayer *layer, const NnShape *in, int meta_features, GError **error)
{
  const NnLayerConfig *cfg = &layer->cfg;
  int f = in->features;

  if (f < 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("Batch normalisation needs an input with at least one feature."));
      return FALSE;
    }
  if (!(cfg->momentum >= 0.0f && cfg->momentum <= 1.0f))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("The batch-normalisation momentum must be between 0 and 1 (it is %g); it is "
                     "the weight of each new batch in the running statistics, e.g. 0.1."), cfg->momentum);
      return FALSE;
    }
  if (!(cfg->epsilon > 0.0f))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("The batch-normalisation epsilon must be above 0 (it is %g), e.g. 1e-5."),
                   cfg->epsilon);
      return FALSE;
    }
  layer->out = *in;
  nn_layer_add_tensor (layer, "weight", 1, &f);
  nn_layer_add_tensor (layer, "bias", 1, &f);
  nn_layer_add_state (layer, "running_mean", 1, &f);
  nn_layer_add_state (layer, "running_var", 1, &f);
  return TRUE;
}

static void
bn_init (const NnLayer *layer, float *params, float *state, NnRng *rng)
{
  int f = layer->in.features;
  for (int j = 0; j < f; j++)
    {
      params[j] = 1.0f;      /* gamma */
      params[f + j] = 0.0f;  /* beta */
      state[j] = 0.0f;       /* running mean */
      state[f + j] = 1.0f;   /* running variance */
    }
}

/* Workspace: xhat for every row (kept for backward), per channel the mean used
 * to centre, 1/sqrt(var + eps) and backward's two coefficients, and two
 * per-channel accumulators in double. */
typedef struct
{
  float *xhat;
  float *center;
  float *inv_std;
  float *coef_dy, *coef_shift, *coef_xhat;
  double *acc1, *acc2;
} BnWork;

static size_t
bn_rows (const NnLayer *layer, int max_batch, int max_steps)
{
  return (size_t) max_batch * (layer->in.seq ? (size_t) MAX (max_steps, layer->in.steps) : 1);
}

static size_t
bn_workspace_size (const NnLayer *layer, int max_batch, int max_steps)
{
  size_t f = layer->in.features;
  return nn_align64 (bn_rows (layer, max_batch, max_steps) * f * sizeof (float))
         + 5 * nn_align64 (f * sizeof (float)) + 2 * nn_align64 (f * sizeof (double));
}

static BnWork
bn_work (const NnLayer *layer, void *work, const NnAct *x)
{
  size_t f = layer->in.features;
  char *p = work;
  BnWork w;
  w.xhat = (float *) p;
  p += nn_align64 ((size_t) x->batch * nn_act_steps (x) * f * sizeof (float));
  w.center = (float *) p;
  p += nn_align64 (f * sizeof (float));
  w.inv_std = (float *) p;
  p += nn_align64 (f * sizeof (float));
  w.coef_dy = (float *) p;
  p += nn_align64 (f * sizeof (float));
  w.coef_shift = (float *) p;
  p += nn_align64 (f * sizeof (float));
  w.coef_xhat = (float *) p;
  p += nn_align64 (f * sizeof (float));
  w.acc1 = (double *) p;
  p += nn_align64 (f * sizeof (double));
  w.acc2 = (double *) p;
  return w;
}

static size_t
bn_valid_rows (const NnAct *x)
{
  size_t n = 0;
  for (int b = 0; b < x->batch; b++)
    n += MAX (nn_act_row_length (x, b), 0);
  return n;
}

/* Per-channel mean and biased variance over the valid rows, two passes in double. */
static void
batch_statistics (const NnAct *x, size_t n, double *mean, double *var)
{
  int f = x->features, steps = nn_act_steps (x);

  memset (mean, 0, f * sizeof (double));
  memset (var, 0, f * sizeof (double));
  for (int b = 0; b < x->batch; b++)
    for (int t = 0; t < nn_act_row_length (x, b); t++)
      {
        const float *row = x->data + ((size_t) b * steps + t) * f;
        for (int j = 0; j < f; j++)
          mean[j] += row[j];
      }
  for (int j = 0; j < f; j++)
    mean[j] /= (double) n;
  for (int b = 0; b < x->batch; b++)
    for (int t = 0; t < nn_act_row_length (x, b); t++)
      {
        const float *row = x->data + ((size_t) b * steps + t) * f;
        for (int j = 0; j < f; j++)
          {
            double dev = row[j] - mean[j];
            var[j] += dev * dev;
          }
      }
  for (int j = 0; j < f; j++)
    var[j] /= (double) n;
}

static void
update_running (const NnLayer *layer, float *state, const double *mean, const double *var, size_t n)
{
  int f = layer->in.features;
  double m = layer->cfg.momentum;
  double bessel = (double) n / (double) (n - 1);

  for (int j = 0; j < f; j++)
    {
      state[j] = (float) ((1.0 - m) * state[j] + m * mean[j]);
      state[f + j] = (float) ((1.0 - m) * state[f + j] + m * var[j] * bessel);
    }
}

static void
bn_forward (const NnLayer *layer, NnPass *pass, const NnAct *x, NnAct *y)
{
  int f = x->features, steps = nn_act_steps (x);
  const float *gamma = pass->params, *beta = pass->params + f;
  BnWork w = bn_work (layer, pass->work, x);
  size_t n = bn_valid_rows (x);
  double eps = layer->cfg.epsilon;
  const float *center;

  if (pass->training)
    {
      if (n > 0)
        batch_statistics (x, n, w.acc1, w.acc2);
      for (int j = 0; j < f; j++)
        {
          w.center[j] = n > 0 ? (float) w.acc1[j] : 0.0f;
          w.inv_std[j] = n > 0 ? (float) (1.0 / sqrt (w.acc2[j] + eps)) : 0.0f;
        }
      /* with one value per channel the unbiased variance does not exist (PyTorch refuses) */
      if (pass->update_state && pass->state != NULL && n >= 2)
        update_running (layer, pass->state, w.acc1, w.acc2, n);
      center = w.center;
    }
  else
    {
      for (int j = 0; j < f; j++)
        w.inv_std[j] = (float) (1.0 / sqrt ((double) pass->state[f + j] + eps));
      center = pass->state;
    }

  for (int b = 0; b < x->batch; b++)
    for (int t = 0; t < nn_act_row_length (x, b); t++)
      {
        size_t off = ((size_t) b * steps + t) * f;
        const float *in = x->data + off;
        float *xh = w.xhat + off, *out = y->data + off;
        for (int j = 0; j < f; j++)
          {
            xh[j] = (in[j] - center[j]) * w.inv_std[j];
            out[j] = gamma[j] * xh[j] + beta[j];
          }
      }
  if (x->lengths != NULL)
    {
      memcpy (y->lengths, x->lengths, x->batch * sizeof (int));
      nn_act_zero_padding (y->data, y->lengths, y->batch, steps, f);
    }
}

static void
bn_backward (const NnLayer *layer, NnPass *pass, const NnAct *x, const NnAct *y,
             float *dy, float *dx)
{
  int f = x->features, steps = nn_act_steps (x);
  const float *gamma = pass->params;
  float *dgamma = pass->grads, *dbeta = pass->grads + f;
  BnWork w = bn_work (layer, pass->work, x);
  size_t n = bn_valid_rows (x);

  /* acc1 = sum dy, acc2 = sum dy * xhat, per channel */
  memset (w.acc1, 0, f * sizeof (double));
  memset (w.acc2, 0, f * sizeof (double));
  for (int b = 0; b < x->batch; b++)
    for (int t = 0; t < nn_act_row_length (x, b); t++)
      {
        size_t off = ((size_t) b * steps + t) * f;
        for (int j = 0; j < f; j++)
          {
            w.acc1[j] += dy[off + j];
            w.acc2[j] += (double) dy[off + j] * w.xhat[off + j];
          }
      }
  for (int j = 0; j < f; j++)
    {
      dbeta[j] += (float) w.acc1[j];
      dgamma[j] += (float) w.acc2[j];
    }
  if (dx == NULL)
    return;

  /* dx = gamma inv_std (dy - mean (dy) - xhat mean (dy xhat)) in training and
   * gamma inv_std dy in inference: per channel dx = a dy - b - c xhat */
  for (int j = 0; j < f; j++)
    {
      double a = (double) gamma[j] * w.inv_std[j];
      gboolean centred = pass->training && n > 0;
      w.coef_dy[j] = (float) a;
      w.coef_shift[j] = centred ? (float) (a * w.acc1[j] / (double) n) : 0.0f;
      w.coef_xhat[j] = centred ? (float) (a * w.acc2[j] / (double) n) : 0.0f;
    }
  if (x->lengths != NULL)
    memset (dx, 0, (size_t) x->batch * steps * f * sizeof (float));
  for (int b = 0; b < x->batch; b++)
    for (int t = 0; t < nn_act_row_length (x, b); t++)
      {
        size_t off = ((size_t) b * steps + t) * f;
        const float *g = dy + off, *xh = w.xhat + off;
        float *out = dx + off;
        for (int j = 0; j < f; j++)
          out[j] = w.coef_dy[j] * g[j] - w.coef_shift[j] - w.coef_xhat[j] * xh[j];
      }
}

static double
bn_flops (const NnLayer *layer)
{
  return 2.0 * (layer->in.seq ? layer->in.steps : 1) * layer->in.features;
}

const NnLayerOps nn_batch_norm_ops = {
  .kind = NN_LAYER_BATCH_NORM,
  .name = "batch_norm",
  .setup = bn_setup,
  .init = bn_init,
  .workspace_size = bn_workspace_size,
  .forward = bn_forward,
  .backward = bn_backward,
  .flops = bn_flops,
};
