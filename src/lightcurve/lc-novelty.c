/* lc-novelty.c: novelty histogram, ranking, the class-99 column and the
 * leave-one-class-out measurement of the scores. */
#include "config.h"

#include "lc-novelty.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "lc-plasticc-metric.h"
#include "nn-atomic.h"
#include "lc-split.h"
#include "nn-density.h"
#include "nn-metrics.h"

double
lc_novelty_score_max (LcNoveltyScore kind, int k)
{
  k = MAX (k, 2);
  switch (kind)
    {
    case LC_NOVELTY_MAX_PROB:
      return 1.0 - 1.0 / k;
    case LC_NOVELTY_ENTROPY:
      return log (k);
    case LC_NOVELTY_P99:
    default:
      /* Π(1 − p_c) under Σ p_c = 1 is largest when every p_c = 1/k */
      return pow (1.0 - 1.0 / k, k);
    }
}

double
lc_novelty_default_threshold (LcNoveltyScore kind, int k)
{
  return 0.5 * lc_novelty_score_max (kind, k);
}

/* −T log Σ_c exp (z_c / T) of each row of logits (n, k), added to out with weight w. */
static void
add_energy (const float *logits, int n, int k, double t, double w, double *out)
{
  for (int i = 0; i < n; i++)
    {
      const float *z = logits + (gsize) i * k;
      double top = -INFINITY, sum = 0.0;
      for (int c = 0; c < k; c++)
        top = MAX (top, z[c] / t);
      for (int c = 0; c < k; c++)
        sum += exp (z[c] / t - top);
      out[i] += w * -t * (top + log (sum));
    }
}

gboolean
lc_novelty_energy (const LcPredictor *p, const NnData *data, double *out, GError **error)
{
  double t = p->doc->temperature;
  int k = p->n_classes;

  for (int i = 0; i < data->n; i++)
    out[i] = 0.0;
  for (int m = 0; m < p->n_models; m++)
    {
      const NnModel *model = p->models[m];
      g_autoptr (NnWorkspace) ws = NULL;
      g_autofree int *rows = g_new (int, NN_PREDICT_BATCH), *len_buf = g_new (int, NN_PREDICT_BATCH);
      g_autofree float *x_buf = NULL, *meta_buf = NULL;

      if (!model->fused_softmax)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                       _("%s: the energy score needs logits: the network must end in a softmax"),
                       p->doc->source);
          return FALSE;
        }
      if (!nn_model_check_data (model, data, FALSE, _("data"), error))
        return FALSE;
      ws = nn_workspace_new_inference (model, NN_PREDICT_BATCH);
      x_buf = g_new (float, (gsize) NN_PREDICT_BATCH * MAX (data->steps, 1) * data->features);
      meta_buf = data->meta_features > 0 ? g_new (float, (gsize) NN_PREDICT_BATCH * data->meta_features) : NULL;
      for (int start = 0; start < data->n; start += NN_PREDICT_BATCH)
        {
          int n = MIN (NN_PREDICT_BATCH, data->n - start);
          NnBatch batch;

          for (int i = 0; i < n; i++)
            rows[i] = start + i;
          nn_data_gather (data, rows, n, x_buf, len_buf, meta_buf, NULL, &batch);
          add_energy (nn_model_forward (model, ws, &batch, FALSE), n, k, t, 1.0 / p->n_models, out + start);
        }
    }
  return TRUE;
}

/* The features every row of data gives model (a member of p): (data->n, *width). */
static float *
model_embeddings (const LcPredictor *p, NnModel *model, const NnData *data, int *width, GError **error)
{
  g_autofree float *out = NULL;

  *width = nn_model_embedding_width (model);
  if (*width <= 0)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                   _("%s: a distance in feature space needs a vector of features before the last layer"),
                   p->doc->source);
      return NULL;
    }
  out = g_new (float, (gsize) MAX (data->n, 1) * *width);
  if (!nn_model_embed (model, data, out, error))
    return NULL;
  return g_steal_pointer (&out);
}

/* The features every row of data gives member m of predictor: (data->n, *width). */
static float *
member_embeddings (const LcPredictor *p, int m, const NnData *data, int *width, GError **error)
{
  return model_embeddings (p, p->models[m], data, width, error);
}

gboolean
lc_novelty_mahalanobis (const LcPredictor *p, const NnData *train, const NnData *data, double *out,
                        GError **error)
{
  g_autofree double *one = g_new (double, MAX (data->n, 1));

  for (int i = 0; i < data->n; i++)
    out[i] = 0.0;
  for (int m = 0; m < p->n_models; m++)
    {
      g_autofree float *ref = NULL, *x = NULL;
      g_autoptr (NnGaussians) g = NULL;
      int width;

      ref = member_embeddings (p, m, train, &width, error);
      if (ref == NULL || (x = member_embeddings (p, m, data, &width, error)) == NULL)
        return FALSE;
      g = nn_gaussians_fit (ref, train->labels, train->n, width, p->n_classes, LC_NOVELTY_SHRINKAGE, error);
      if (g == NULL)
        {
          g_prefix_error (error, "%s: ", p->doc->source);
          return FALSE;
        }
      nn_gaussians_min_distance (g, x, data->n, one);
      for (int i = 0; i < data->n; i++)
        out[i] += one[i] / p->n_models;
    }
  return TRUE;
}

/* Rows of x (n, d) scaled to unit length in place (zero rows stay zero). */
static void
normalise_rows (float *x, int n, int d)
{
  for (int i = 0; i < n; i++)
    {
      double norm = 0.0;
      for (int j = 0; j < d; j++)
        norm += (double) x[(gsize) i * d + j] * x[(gsize) i * d + j];
      if (norm > 0.0)
        for (int j = 0; j < d; j++)
          x[(gsize) i * d + j] = (float) (x[(gsize) i * d + j] / sqrt (norm));
    }
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

gboolean
lc_novelty_fit (LcTrainRun *run, GError **error)
{
  NnModelDoc *doc = run->doc;
  g_autoptr (LcPredictor) predictor = NULL;
  int n_members;

  g_ptr_array_set_size (doc->novelty_reference, 0);
  doc->novelty_k = 0;
  doc->novelty_threshold = 0.0;
  if (run->train == NULL || run->train->n == 0 || nn_model_doc_n_members (doc) == 0)
    return TRUE;
  predictor = lc_predictor_new (doc, error);
  if (predictor == NULL)
    return FALSE;
  n_members = predictor->n_models;
  for (int m = 0; m < n_members; m++)
    if (nn_model_embedding_width (predictor->models[m]) <= 0)
      return TRUE;
  for (int m = 0; m < n_members; m++)
    {
      int width, shape[2];
      g_autofree float *ref = member_embeddings (predictor, m, run->train, &width, error);
      NnTensorData *t;

      if (ref == NULL)
        return FALSE;
      normalise_rows (ref, run->train->n, width);
      shape[0] = run->train->n;
      shape[1] = width;
      t = g_new0 (NnTensorData, 1);
      t->layer = m;
      t->name = g_strdup ("reference");
      t->ndim = 2;
      memcpy (t->shape, shape, sizeof shape);
      t->size = (size_t) shape[0] * shape[1];
      t->data = g_steal_pointer (&ref);
      g_ptr_array_add (doc->novelty_reference, t);
    }
  doc->novelty_k = LC_NOVELTY_KNN_K;
  if (run->val != NULL && run->val->n > 0)
    {
      g_autoptr (LcPredictor) fitted = lc_predictor_new (doc, error);
      g_autofree double *scores = g_new (double, run->val->n);
      if (fitted == NULL || !lc_predictor_novelty (fitted, run->val, scores, error))
        return FALSE;
      qsort (scores, run->val->n, sizeof (double), compare_doubles);
      doc->novelty_threshold = scores[MIN (run->val->n - 1, (int) ceil (0.95 * run->val->n) - 1)];
    }
  return TRUE;
}

gboolean
lc_predictor_has_novelty (const LcPredictor *p)
{
  return p->doc->novelty_reference->len == (guint) p->n_models && p->doc->novelty_k > 0;
}

gboolean
lc_predictor_novelty (const LcPredictor *p, const NnData *data, double *out, GError **error)
{
  return lc_predictor_novelty_members (p, p->models, data, out, error);
}

gboolean
lc_predictor_novelty_members (const LcPredictor *p, NnModel *const *members, const NnData *data, double *out,
                              GError **error)
{
  g_autofree double *one = g_new (double, MAX (data->n, 1));

  if (!lc_predictor_has_novelty (p))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                   _("%s: the model keeps no features of its training objects to measure novelty against "
                     "(train it again)"), p->doc->source);
      return FALSE;
    }
  for (int i = 0; i < data->n; i++)
    out[i] = 0.0;
  for (int m = 0; m < p->n_models; m++)
    {
      const NnTensorData *ref = g_ptr_array_index (p->doc->novelty_reference, m);
      g_autofree float *x = NULL;
      int width;

      x = model_embeddings (p, members[m], data, &width, error);
      if (x == NULL)
        return FALSE;
      if (ref->shape[1] != width)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                       _("%s: the stored novelty features are %d wide, the network gives %d"), p->doc->source,
                       ref->shape[1], width);
          return FALSE;
        }
      nn_knn_distance (ref->data, ref->shape[0], x, data->n, width, p->doc->novelty_k, TRUE, one);
      for (int i = 0; i < data->n; i++)
        out[i] += one[i] / p->n_models;
    }
  return TRUE;
}

double *
lc_predictor_novelty_of_dataset (const LcPredictor *p, const LcDataset *ds, GError **error)
{
  g_autoptr (NnData) data = NULL;
  g_autofree double *out = NULL;

  if (!lc_predictor_has_novelty (p))
    return NULL;
  data = lc_predictor_encode (p, ds, NULL, 0, 1, error);
  if (data == NULL)
    return NULL;
  out = g_new (double, MAX (data->n, 1));
  if (!lc_predictor_novelty (p, data, out, error))
    return NULL;
  return g_steal_pointer (&out);
}

double
lc_novelty_auroc (const double *scores, const gboolean *novel, int n)
{
  /* nn_metrics_roc_auc on two columns: the score, and class 0 = novel */
  g_autofree float *probs = g_new0 (float, (gsize) MAX (n, 1) * 2);
  g_autofree int *labels = g_new (int, MAX (n, 1));
  int used = 0;

  for (int i = 0; i < n; i++)
    {
      if (isnan (scores[i]))
        continue;
      probs[(gsize) used * 2] = (float) scores[i];
      labels[used++] = novel[i] ? 0 : 1;
    }
  return nn_metrics_roc_auc (probs, labels, used, 2, 0);
}

int
lc_novelty_histogram (const double *scores, int n, double lo, double hi, int n_bins, int *counts)
{
  int counted = 0;
  for (int b = 0; b < n_bins; b++)
    counts[b] = 0;
  if (n_bins <= 0 || !(hi > lo))
    return 0;
  for (int i = 0; i < n; i++)
    {
      double s = scores[i];
      int b;
      if (isnan (s) || s < lo || s > hi)
        continue;
      b = MIN ((int) ((s - lo) / (hi - lo) * n_bins), n_bins - 1);
      counts[b]++;
      counted++;
    }
  return counted;
}

static int
compare_by_score (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const double *scores = user_data;
  int i = *(const int *) a, j = *(const int *) b;
  if (scores[i] != scores[j])
    return scores[i] > scores[j] ? -1 : 1;
  return i - j;
}

int *
lc_novelty_rank (const double *scores, int n, double threshold, int *n_out)
{
  int *rows = g_new (int, MAX (n, 1));
  int m = 0;
  for (int i = 0; i < n; i++)
    if (!isnan (scores[i]) && scores[i] >= threshold)
      rows[m++] = i;
  g_qsort_with_data (rows, m, sizeof (int), compare_by_score, (gpointer) scores);
  *n_out = m;
  return rows;
}

void
lc_novelty_append_p99 (const float *probs, const double *distance, int n, int k, float *out)
{
  g_autofree double *fallback = NULL;
  const double *scores = distance;
  double top = LC_NOVELTY_DISTANCE_MAX;

  if (scores == NULL)
    {
      fallback = g_new (double, MAX (n, 1));
      lc_novelty_scores (probs, n, k, LC_NOVELTY_DEFAULT, fallback);
      scores = fallback;
      top = lc_novelty_score_max (LC_NOVELTY_DEFAULT, k);
    }
  for (int i = 0; i < n; i++)
    {
      const float *row = probs + (gsize) i * k;
      float *dst = out + (gsize) i * (k + 1);
      double q = isnan (scores[i]) ? 0.0 : CLAMP (scores[i] / top, 0.0, 1.0) / (k + 2);
      for (int c = 0; c < k; c++)
        dst[c] = (float) (row[c] * (1.0 - q));
      dst[k] = (float) q;
    }
}

/* The rows of ds whose label is class_index (every one), and the test part's
 * other labelled rows. */
static int *
leave_out_test_rows (const LcDataset *ds, const LcSplit *split, int class_index, int *n_out)
{
  int *rows = g_new (int, MAX (ds->n_objects, 1));
  int n = 0;

  for (gsize i = 0; i < ds->n_objects; i++)
    if (ds->objects[i].label == class_index)
      rows[n++] = (int) i;
  for (int j = 0; j < split->n_test; j++)
    {
      int label = ds->objects[split->test[j]].label;
      if (label >= 0 && label != class_index)
        rows[n++] = split->test[j];
    }
  *n_out = n;
  return rows;
}

gboolean
lc_novelty_leave_one_out (const LcDataset *ds, const NnModelDoc *spec,
                          const LcTrainOverrides *overrides, int class_index, double test_fraction,
                          guint64 seed, int threads, LcNoveltyFold *out, GError **error)
{
  g_autofree int *labels = lc_split_labels_from_dataset (ds);
  g_autofree int *train_rows = NULL, *test_rows = NULL;
  g_autofree gboolean *novel = NULL;
  g_autofree double *scores = NULL;
  g_autofree float *probs = NULL;
  g_autoptr (NnData) data = NULL;
  g_autoptr (LcSplit) split = NULL;
  g_autoptr (LcTrainRun) run = NULL;
  g_autoptr (LcPredictor) predictor = NULL;
  gint64 start = g_get_monotonic_time ();
  int n_train = 0, n_test = 0, right = 0;

  if (class_index < 0 || class_index >= ds->n_classes)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH, _("%s: there is no class %d to leave out"),
                   ds->path, class_index);
      return FALSE;
    }
  memset (out, 0, sizeof *out);
  out->class_id = ds->classes[class_index].id;
  split = lc_split_stratified (labels, (int) ds->n_objects, 0.0, test_fraction, seed, error);
  if (split == NULL)
    return FALSE;
  train_rows = g_new (int, MAX (split->n_train, 1));
  for (int j = 0; j < split->n_train; j++)
    if (labels[split->train[j]] >= 0 && labels[split->train[j]] != class_index)
      train_rows[n_train++] = split->train[j];
  test_rows = leave_out_test_rows (ds, split, class_index, &n_test);

  run = lc_train_run_fit_rows (ds, train_rows, n_train, spec, overrides, error);
  if (run == NULL)
    return FALSE;
  predictor = lc_predictor_new (run->doc, error);
  if (predictor == NULL)
    return FALSE;
  data = lc_predictor_encode (predictor, ds, test_rows, n_test, threads, error);
  if (data == NULL)
    return FALSE;
  probs = lc_predictor_predict_data (predictor, data, threads, error);
  if (probs == NULL)
    return FALSE;

  novel = g_new (gboolean, MAX (n_test, 1));
  for (int i = 0; i < n_test; i++)
    {
      const LcObject *o = &ds->objects[test_rows[i]];
      novel[i] = o->label == class_index;
      if (novel[i])
        out->n_novel++;
      else
        {
          int top = nn_metrics_argmax (probs + (gsize) i * predictor->n_classes, predictor->n_classes);
          out->n_known++;
          right += predictor->class_ids[top] == ds->classes[o->label].id;
        }
    }
  out->known_accuracy = out->n_known > 0 ? (double) right / out->n_known : NAN;
  scores = g_new (double, MAX (n_test, 1));
  for (int kind = 0; kind < LC_NOVELTY_N_SCORES; kind++)
    {
      lc_novelty_scores (probs, n_test, predictor->n_classes, kind, scores);
      out->auroc[kind] = lc_novelty_auroc (scores, novel, n_test);
    }
  if (!lc_novelty_energy (predictor, data, scores, error))
    return FALSE;
  out->auroc[LC_NOVELTY_ENERGY_COLUMN] = lc_novelty_auroc (scores, novel, n_test);
  if (!lc_novelty_mahalanobis (predictor, run->train, data, scores, error))
    return FALSE;
  out->auroc[LC_NOVELTY_MAHALANOBIS_COLUMN] = lc_novelty_auroc (scores, novel, n_test);
  if (!lc_predictor_novelty (predictor, data, scores, error))
    return FALSE;
  out->auroc[LC_NOVELTY_KNN_COLUMN] = lc_novelty_auroc (scores, novel, n_test);
  out->seconds = (g_get_monotonic_time () - start) / 1e6;
  return TRUE;
}

gboolean
lc_novelty_write_predictions (const char *path, const char *const *ids, const float *probs,
                              const double *distance, int n, int k,
                              const int *class_ids, GError **error)
{
  g_autofree float *with99 = g_new (float, (gsize) MAX (n, 1) * (k + 1));
  GString *s = g_string_new ("object_id");
  g_autofree char *text = NULL;
  gsize len;

  for (int c = 0; c < k; c++)
    g_string_append_printf (s, ",class_%d", class_ids[c]);
  g_string_append (s, ",class_99\n");
  lc_novelty_append_p99 (probs, distance, n, k, with99);
  for (int i = 0; i < n; i++)
    {
      g_string_append (s, ids[i]);
      for (int c = 0; c <= k; c++)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          g_string_append_c (s, ',');
          g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.6g", with99[(gsize) i * (k + 1) + c]));
        }
      g_string_append_c (s, '\n');
    }
  len = s->len;
  text = g_string_free (s, FALSE);
  if (!nn_atomic_write (path, text, (gssize) len, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return TRUE;
}
