/* lc-explain.c: attribution and band occlusion for one object. */
#include "config.h"

#include "lc-explain.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "lc-dataset-builder.h"

void
lc_explanation_free (LcExplanation *explanation)
{
  if (explanation == NULL)
    return;
  nn_attribution_free (explanation->attribution);
  nn_data_free (explanation->encoded);
  g_free (explanation->band_observations);
  g_free (explanation->band_occlusion);
  g_free (explanation->observation_attribution);
  g_free (explanation);
}

/* A dataset of object alone, without the observations of band skip (-1:
 * none), its metadata and class kept. */
static LcDataset *
object_without_band (const LcDataset *ds, int object, int skip, GError **error)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new_like (ds);
  const LcObject *o = &ds->objects[object];
  gsize row;

  row = lc_dataset_builder_begin_object (b, o->id, o->label >= 0 ? ds->classes[o->label].id : -1);
  for (int i = 0; i < o->n_obs; i++)
    {
      gsize j = o->first + i;
      if (ds->band[j] != skip)
        lc_dataset_builder_add_observation (b, ds->time[j], ds->value[j], ds->error[j], ds->band[j],
                                            ds->detected[j]);
    }
  for (int k = 0; k < ds->n_meta; k++)
    lc_dataset_builder_set_meta (b, row, k, o->meta[k]);
  return lc_dataset_builder_finish (b, error);
}

/* The probability of target the predictor gives object without band skip. */
static gboolean
probability_without_band (const LcPredictor *predictor, const LcDataset *ds, int object, int skip,
                          int target, double *p_out, GError **error)
{
  g_autoptr (LcDataset) one = object_without_band (ds, object, skip, error);
  g_autofree float *probs = NULL;

  if (one == NULL)
    return FALSE;
  probs = lc_predictor_predict (predictor, one, NULL, 1, 1, NULL, error);
  if (probs == NULL)
    return FALSE;
  *p_out = probs[target];
  return TRUE;
}

static int
arg_max (const float *v, int n)
{
  int best = 0;
  for (int i = 1; i < n; i++)
    if (v[i] > v[best])
      best = i;
  return best;
}

/* The attribution of the encoded cells, handed back to the observations
 * that filled them. */
static gboolean
observation_attribution (const LcPredictor *predictor, const LcDataset *ds, LcExplanation *ex,
                         GError **error)
{
  const NnAttribution *a = ex->attribution;
  int first_k;
  double first_days;

  ex->n_observations = ds->objects[ex->object].n_obs;
  ex->observation_attribution = g_new (double, MAX (ex->n_observations, 1));
  lc_predictor_window (predictor, &first_k, &first_days);
  return lc_encoder_cells_to_observations (predictor->encoder, ds, ex->object, first_k, first_days, a->x,
                                           a->steps, ex->observation_attribution, error);
}

static gboolean
report_progress (LcProgressFunc progress, gpointer user_data, double fraction, GError **error)
{
  if (progress == NULL || progress (fraction, user_data))
    return TRUE;
  g_set_error (error, LC_ERROR, LC_ERROR_CANCELLED, _("explanation stopped"));
  return FALSE;
}

LcExplanation *
lc_explain_object (const LcPredictor *predictor, const LcDataset *ds, int object, int target,
                   int n_points, GError **error)
{
  return lc_explain_object_full (predictor, ds, object, target, n_points, NULL, NULL, error);
}

LcExplanation *
lc_explain_object_full (const LcPredictor *predictor, const LcDataset *ds, int object, int target,
                        int n_points, LcProgressFunc progress, gpointer user_data, GError **error)
{
  g_autoptr (LcExplanation) ex = NULL;
  g_autofree float *probs = NULL;
  const LcObject *o;
  int k = predictor->n_classes, row = 0;

  if (object < 0 || (gsize) object >= ds->n_objects)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                   _("%s: object %d is outside the dataset (%zu objects)"), ds->path, object,
                   (size_t) ds->n_objects);
      return NULL;
    }
  if (target < -1 || target >= k)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                   _("class %d is outside the model's %d classes"), target, k);
      return NULL;
    }
  o = &ds->objects[object];
  ex = g_new0 (LcExplanation, 1);
  ex->object = object;
  ex->encoded = lc_predictor_encode (predictor, ds, &object, 1, 1, error);
  if (ex->encoded == NULL)
    return NULL;
  probs = lc_predictor_predict_data (predictor, ex->encoded, 1, error);
  if (probs == NULL)
    return NULL;
  ex->target = target >= 0 ? target : arg_max (probs, k);
  ex->probability = probs[ex->target];
  ex->attribution = nn_attribution_integrated_gradients (predictor->models, predictor->n_models,
                                                         predictor->doc->temperature, ex->encoded,
                                                         row, ex->target,
                                                         n_points > 0 ? n_points
                                                         : NN_ATTRIBUTION_DEFAULT_POINTS, error);
  if (ex->attribution == NULL)
    return NULL;

  if (!observation_attribution (predictor, ds, ex, error)
      || !report_progress (progress, user_data, 1.0 / (1 + ds->n_bands), error))
    return NULL;

  ex->n_bands = ds->n_bands;
  ex->band_observations = g_new0 (int, MAX (ds->n_bands, 1));
  ex->band_occlusion = g_new (double, MAX (ds->n_bands, 1));
  for (int i = 0; i < o->n_obs; i++)
    ex->band_observations[ds->band[o->first + i]]++;
  for (int b = 0; b < ds->n_bands; b++)
    {
      double p;
      ex->band_occlusion[b] = NAN;
      if (ex->band_observations[b] == 0 || ex->band_observations[b] == o->n_obs)
        continue;
      if (!probability_without_band (predictor, ds, object, b, ex->target, &p, error))
        return NULL;
      ex->band_occlusion[b] = p - ex->probability;
      if (!report_progress (progress, user_data, (2.0 + b) / (1 + ds->n_bands), error))
        return NULL;
    }
  return g_steal_pointer (&ex);
}

void
lc_explanation_step_mass (const LcExplanation *explanation, double *steps_out)
{
  const NnAttribution *a = explanation->attribution;

  for (int t = 0; t < a->steps; t++)
    {
      steps_out[t] = 0.0;
      for (int f = 0; f < a->features; f++)
        steps_out[t] += fabs (a->x[(size_t) t * a->features + f]);
    }
}

static gint
by_magnitude_desc (gconstpointer pa, gconstpointer pb, gpointer data)
{
  const double *weights = data;
  double a = fabs (weights[*(const int *) pa]), b = fabs (weights[*(const int *) pb]);

  return (a < b) - (a > b);
}

void
lc_explanation_rank_metadata (const LcExplanation *explanation, int *order_out)
{
  const NnAttribution *a = explanation->attribution;
  g_autofree double *weights = g_new (double, MAX (a->meta_features, 1));

  for (int s = 0; s < a->meta_features; s++)
    {
      weights[s] = a->meta[s];
      order_out[s] = s;
    }
  g_qsort_with_data (order_out, a->meta_features, sizeof (int), by_magnitude_desc, weights);
}

int
lc_explanation_rank_observations (const LcExplanation *explanation, int *order_out)
{
  int n = 0;

  for (int i = 0; i < explanation->n_observations; i++)
    if (isfinite (explanation->observation_attribution[i]))
      order_out[n++] = i;
  g_qsort_with_data (order_out, n, sizeof (int), by_magnitude_desc, explanation->observation_attribution);
  return n;
}
