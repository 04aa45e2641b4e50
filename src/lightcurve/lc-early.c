/* lc-early.c: early-classification curves. */
#include "config.h"

#include "lc-early.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "lc-plasticc-metric.h"
#include "nn-names.h"

static const NnNameEntry axis_names[] = {
  { LC_EARLY_OBSERVATIONS, "observations" },
  { LC_EARLY_DAYS, "days" },
};

const char *
lc_early_axis_to_string (LcEarlyAxis axis)
{
  return nn_name_lookup_name (axis_names, G_N_ELEMENTS (axis_names), axis, "observations");
}

gboolean
lc_early_axis_from_string (const char *name, LcEarlyAxis *axis)
{
  int value;

  if (!nn_name_lookup_value (axis_names, G_N_ELEMENTS (axis_names), name, &value))
    return FALSE;
  *axis = value;
  return TRUE;
}

LcEvaluation *
lc_early_evaluate (const LcPredictor *p, const LcDataset *ds, const int *rows, int n_rows,
                   LcEarlyAxis axis, double amount, int threads, GError **error)
{
  g_autoptr (NnData) data = NULL;
  g_autofree float *probs = NULL;
  int first_k = axis == LC_EARLY_OBSERVATIONS && amount > 0 ? (int) ceil (amount) : 0;
  double first_days = axis == LC_EARLY_DAYS && amount > 0 ? amount : 0.0;

  if (rows == NULL)
    n_rows = (int) ds->n_objects;
  data = lc_encoder_encode_window (p->encoder, ds, rows, n_rows, first_k, first_days, threads, error);
  if (data == NULL)
    return NULL;
  probs = lc_predictor_predict_data (p, data, threads, error);
  if (probs == NULL)
    return NULL;
  return lc_evaluation_new (p, ds, rows, n_rows, probs, data->labels, error);
}

double *
lc_early_default_amounts (const LcDataset *ds, LcEarlyAxis axis, int *n)
{
  static const double obs[] = { 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256 };
  static const double days[] = { 0.5, 2, 5, 10, 20, 50, 100, 200, 500, 1000 };
  GArray *a = g_array_new (FALSE, FALSE, sizeof (double));
  double longest = 0, zero = 0;

  for (gsize i = 0; i < ds->n_objects; i++)
    {
      const LcObject *o = &ds->objects[i];
      if (o->n_obs == 0)
        continue;
      if (axis == LC_EARLY_OBSERVATIONS)
        longest = MAX (longest, o->n_obs);
      else
        longest = MAX (longest, ds->time[o->first + o->n_obs - 1] - ds->time[o->first]);
    }
  if (axis == LC_EARLY_OBSERVATIONS)
    {
      for (guint i = 0; i < G_N_ELEMENTS (obs) && obs[i] < longest; i++)
        g_array_append_val (a, obs[i]);
    }
  else
    for (guint i = 0; i < G_N_ELEMENTS (days) && days[i] < longest; i++)
      g_array_append_val (a, days[i]);
  g_array_append_val (a, zero);
  *n = a->len;
  return (double *) g_array_free (a, FALSE);
}

void
lc_early_curve_free (LcEarlyCurve *c)
{
  if (c == NULL)
    return;
  g_free (c->amount);
  g_free (c->accuracy);
  g_free (c->macro_f1);
  g_free (c->macro_auc);
  g_free (c->class_recall);
  g_free (c->class_auc);
  g_free (c);
}

LcEarlyCurve *
lc_early_curve_copy (const LcEarlyCurve *c)
{
  LcEarlyCurve *copy;
  gsize per_class;

  if (c == NULL)
    return NULL;
  per_class = (gsize) c->n_points * (gsize) c->n_classes;
  copy = g_memdup2 (c, sizeof *c);
  copy->amount = g_memdup2 (c->amount, c->n_points * sizeof (double));
  copy->accuracy = g_memdup2 (c->accuracy, c->n_points * sizeof (double));
  copy->macro_f1 = g_memdup2 (c->macro_f1, c->n_points * sizeof (double));
  copy->macro_auc = g_memdup2 (c->macro_auc, c->n_points * sizeof (double));
  copy->class_recall = g_memdup2 (c->class_recall, per_class * sizeof (double));
  copy->class_auc = g_memdup2 (c->class_auc, per_class * sizeof (double));
  return copy;
}

LcEarlyCurve *
lc_early_curve_new (const LcPredictor *p, const LcDataset *ds, const int *rows, int n_rows,
                    LcEarlyAxis axis, const double *amounts, int n_amounts, int threads,
                    LcProgressFunc progress, gpointer user_data, GError **error)
{
  g_autoptr (LcEarlyCurve) c = g_new0 (LcEarlyCurve, 1);
  g_autofree double *defaults = NULL;
  int k = p->n_classes;

  if (amounts == NULL)
    amounts = defaults = lc_early_default_amounts (ds, axis, &n_amounts);
  c->axis = axis;
  c->n_points = n_amounts;
  c->n_classes = k;
  c->amount = g_memdup2 (amounts, sizeof (double) * MAX (n_amounts, 1));
  c->accuracy = g_new (double, MAX (n_amounts, 1));
  c->macro_f1 = g_new (double, MAX (n_amounts, 1));
  c->macro_auc = g_new (double, MAX (n_amounts, 1));
  c->class_recall = g_new (double, (gsize) MAX (n_amounts, 1) * k);
  c->class_auc = g_new (double, (gsize) MAX (n_amounts, 1) * k);
  for (int i = 0; i < n_amounts; i++)
    {
      g_autoptr (LcEvaluation) ev = lc_early_evaluate (p, ds, rows, n_rows, axis, amounts[i], threads,
                                                       error);
      if (ev == NULL)
        return NULL;
      c->n_rows = ev->n_rows;
      c->accuracy[i] = ev->report->accuracy;
      c->macro_f1[i] = ev->report->macro_f1;
      c->macro_auc[i] = ev->report->macro_auc;
      memcpy (c->class_recall + (gsize) i * k, ev->report->recall, sizeof (double) * k);
      memcpy (c->class_auc + (gsize) i * k, ev->report->auc, sizeof (double) * k);
      if (progress != NULL && !progress ((double) (i + 1) / n_amounts, user_data))
        {
          g_set_error (error, LC_ERROR, LC_ERROR_CANCELLED, _("early classification stopped"));
          return NULL;
        }
    }
  return g_steal_pointer (&c);
}
