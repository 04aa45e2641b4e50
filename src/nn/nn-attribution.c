/* nn-attribution.c: integrated gradients through the core's own backward pass. */
#include "config.h"

#include "nn-attribution.h"

#include <float.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "nn-calibration.h"
#include "nn-loss.h"

void
nn_attribution_free (NnAttribution *attribution)
{
  if (attribution == NULL)
    return;
  g_free (attribution->x);
  g_free (attribution->meta);
  g_free (attribution);
}

double
nn_attribution_total (const NnAttribution *attribution)
{
  double sum = 0.0;
  size_t n = (size_t) attribution->steps * attribution->features;

  for (size_t i = 0; i < n; i++)
    sum += attribution->x[i];
  for (int s = 0; s < attribution->meta_features; s++)
    sum += attribution->meta[s];
  return sum;
}

static gboolean
check_ensemble (NnModel *const *models, int n_models, double temperature, const NnData *data,
                int row, GError **error)
{
  if (n_models < 1 || models == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_MODEL, _("no model to explain"));
      return FALSE;
    }
  if (!(temperature > 0.0 && isfinite (temperature)))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_MODEL,
                   _("the calibration temperature %g is not a positive number"), temperature);
      return FALSE;
    }
  for (int m = 0; m < n_models; m++)
    {
      const NnModel *model = models[m];
      if (!model->built || model->seq_features != models[0]->seq_features
          || model->meta_features != models[0]->meta_features
          || model->n_classes != models[0]->n_classes
          || model->max_steps != models[0]->max_steps)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_INVALID_MODEL,
                       _("ensemble member %d is not built for the same inputs and classes as "
                         "member 1"), m + 1);
          return FALSE;
        }
    }
  if (row < 0 || row >= data->n)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA, _("row %d is outside the data (%d rows)"),
                   row, data->n);
      return FALSE;
    }
  if (data->steps > models[0]->max_steps)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _("the data have %d steps, but the model was built for %d"), data->steps,
                   models[0]->max_steps);
      return FALSE;
    }
  return nn_model_check_data (models[0], data, FALSE, NULL, error);
}

/* The calibrated ensemble probabilities q (K) from the members' softmax
 * rows probs[m] (K each), in double; pbar gets the plain mean. */
static void
calibrated_mean (const float *const *probs, int n_models, int k, double temperature,
                 double *pbar, double *q)
{
  double top = -INFINITY, sum = 0.0;

  for (int j = 0; j < k; j++)
    {
      pbar[j] = 0.0;
      for (int m = 0; m < n_models; m++)
        pbar[j] += probs[m][j];
      pbar[j] /= n_models;
    }
  /* as nn_calibration_apply: log of p clipped at FLT_MIN, scaled by 1 / T */
  for (int j = 0; j < k; j++)
    {
      q[j] = log (MAX (pbar[j], (double) FLT_MIN)) / temperature;
      top = MAX (top, q[j]);
    }
  for (int j = 0; j < k; j++)
    {
      q[j] = exp (q[j] - top);
      sum += q[j];
    }
  for (int j = 0; j < k; j++)
    q[j] /= sum;
}

gboolean
nn_ensemble_row_probabilities (NnModel *const *models, int n_models, double temperature,
                               const NnData *data, int row, float *probs_out, GError **error)
{
  int k;

  if (!check_ensemble (models, n_models, temperature, data, row, error))
    return FALSE;
  k = models[0]->n_classes;
  memset (probs_out, 0, k * sizeof (float));
  for (int m = 0; m < n_models; m++)
    {
      g_autoptr (NnData) one = nn_data_subset (data, &row, 1);
      g_autofree float *p = g_new (float, k);
      if (!nn_model_predict (models[m], one, p, 1, error))
        return FALSE;
      for (int j = 0; j < k; j++)
        probs_out[j] += p[j] / n_models;
    }
  nn_calibration_apply (probs_out, 1, k, temperature);
  return TRUE;
}

/* The path from the baseline (0) to the row: point p is alpha_p * row with
 * alpha_p = p / n_points, the row's length kept. */
static void
fill_path (const NnData *data, int row, int n_points, float *x, int *lengths, float *meta)
{
  size_t row_x = (size_t) data->steps * data->features;
  const float *xr = data->x + row * row_x;
  const float *mr = data->meta != NULL ? data->meta + (size_t) row * data->meta_features : NULL;

  for (int p = 0; p <= n_points; p++)
    {
      float alpha = (float) p / (float) n_points;
      for (size_t i = 0; i < row_x; i++)
        x[p * row_x + i] = alpha * xr[i];
      for (int s = 0; s < data->meta_features; s++)
        meta[(size_t) p * data->meta_features + s] = alpha * mr[s];
      lengths[p] = data->lengths[row];
    }
}

/* d f / d logits of every member at every path point, already weighted by
 * the point's trapezoid weight.  f = q_target, q = softmax (log (pbar) / T),
 * pbar the mean of the members' softmax: dq_t/dpbar_j = q_t (d_tj - q_j) /
 * (T pbar_j) (0 where the log is clipped), then through each member's softmax
 * dpbar_j/dz_mk = p_mj (d_jk - p_mk) / M. */
static void
path_logit_gradients (float *const *probs, int n_models, int n_rows, int k, double temperature,
                      int target, float **dlogits, double *f_first, double *f_last)
{
  g_autofree double *pbar = g_new (double, k);
  g_autofree double *q = g_new (double, k);
  g_autofree double *g = g_new (double, k);
  g_autofree const float **rows = g_new (const float *, n_models);
  int n_points = n_rows - 1;

  for (int p = 0; p < n_rows; p++)
    {
      double w = (p == 0 || p == n_points) ? 0.5 / n_points : 1.0 / n_points;
      for (int m = 0; m < n_models; m++)
        rows[m] = probs[m] + (size_t) p * k;
      calibrated_mean (rows, n_models, k, temperature, pbar, q);
      if (p == 0)
        *f_first = q[target];
      if (p == n_points)
        *f_last = q[target];
      for (int j = 0; j < k; j++)
        g[j] = pbar[j] >= FLT_MIN
               ? q[target] * ((j == target) - q[j]) / (temperature * pbar[j]) : 0.0;
      for (int m = 0; m < n_models; m++)
        {
          double dot = 0.0;
          for (int j = 0; j < k; j++)
            dot += g[j] * rows[m][j];
          for (int j = 0; j < k; j++)
            dlogits[m][(size_t) p * k + j] = (float) (w * rows[m][j] * (g[j] - dot) / n_models);
        }
    }
}

NnAttribution *
nn_attribution_integrated_gradients (NnModel *const *models, int n_models, double temperature,
                                     const NnData *data, int row, int target, int n_points,
                                     GError **error)
{
  g_autoptr (NnAttribution) attr = NULL;
  g_autofree float *x = NULL, *meta = NULL, *dx = NULL, *dmeta = NULL;
  g_autofree int *lengths = NULL;
  g_autofree double *gx = NULL, *gmeta = NULL;
  g_autoptr (GPtrArray) workspaces = NULL, probs = NULL, dlogits = NULL;
  int k, T, F, S, T_max, n_rows;
  NnBatch batch;

  if (!check_ensemble (models, n_models, temperature, data, row, error))
    return NULL;
  k = models[0]->n_classes;
  if (target < 0 || target >= k)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA, _("class %d is outside the model's %d classes"),
                   target, k);
      return NULL;
    }
  if (n_points < 2 || n_points > NN_ATTRIBUTION_MAX_POINTS)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _("the path needs between 2 and %d points, not %d"),
                   NN_ATTRIBUTION_MAX_POINTS, n_points);
      return NULL;
    }
  T = data->steps;
  F = data->features;
  S = data->meta_features;
  T_max = models[0]->max_steps;
  n_rows = n_points + 1;

  x = g_new0 (float, (size_t) n_rows * T * F);
  meta = S > 0 ? g_new0 (float, (size_t) n_rows * S) : NULL;
  lengths = g_new0 (int, n_rows);
  fill_path (data, row, n_points, x, lengths, meta);
  batch = (NnBatch) { .batch = n_rows, .steps = T, .features = F, .meta_features = S,
                      .x = x, .lengths = lengths, .meta = meta, .labels = NULL };

  workspaces = g_ptr_array_new_with_free_func ((GDestroyNotify) nn_workspace_free);
  probs = g_ptr_array_new_with_free_func (g_free);
  dlogits = g_ptr_array_new_with_free_func (g_free);
  for (int m = 0; m < n_models; m++)
    {
      NnWorkspace *ws = nn_workspace_new (models[m], n_rows);
      g_ptr_array_add (workspaces, ws);
      nn_model_forward (models[m], ws, &batch, FALSE);
      g_ptr_array_add (probs, g_memdup2 (nn_model_probabilities (models[m], ws),
                                         (size_t) n_rows * k * sizeof (float)));
      g_ptr_array_add (dlogits, g_new (float, (size_t) n_rows * k));
    }

  attr = g_new0 (NnAttribution, 1);
  attr->steps = T;
  attr->length = data->lengths[row];
  attr->features = F;
  attr->meta_features = S;
  attr->target = target;
  path_logit_gradients ((float *const *) probs->pdata, n_models, n_rows, k, temperature, target,
                        (float **) dlogits->pdata, &attr->baseline_probability,
                        &attr->probability);

  dx = g_new (float, (size_t) n_rows * T_max * F);
  dmeta = S > 0 ? g_new (float, (size_t) n_rows * S) : NULL;
  gx = g_new0 (double, (size_t) T * F);
  gmeta = g_new0 (double, MAX (S, 1));
  for (int m = 0; m < n_models; m++)
    {
      nn_model_input_gradient (models[m], g_ptr_array_index (workspaces, m),
                               g_ptr_array_index (dlogits, m), dx, dmeta);
      for (int p = 0; p < n_rows; p++)
        {
          for (size_t i = 0; i < (size_t) T * F; i++)
            gx[i] += dx[(size_t) p * T_max * F + i];
          for (int s = 0; s < S; s++)
            gmeta[s] += dmeta[(size_t) p * S + s];
        }
    }

  /* attribution = (x - baseline) * mean gradient; the baseline is 0 */
  attr->x = g_new0 (float, (size_t) T * F);
  for (int t = 0; t < attr->length; t++)
    for (int f = 0; f < F; f++)
      {
        size_t i = (size_t) t * F + f;
        attr->x[i] = (float) (data->x[(size_t) row * T * F + i] * gx[i]);
      }
  if (S > 0)
    {
      attr->meta = g_new (float, S);
      for (int s = 0; s < S; s++)
        attr->meta[s] = (float) (data->meta[(size_t) row * S + s] * gmeta[s]);
    }
  return g_steal_pointer (&attr);
}
