/* lc-pipeline.c: the training and prediction pipeline shared by the app and the CLI */
#include "lc-pipeline.h"

#include "lc-plasticc-metric.h"
#include "lc-split.h"

#include <math.h>
#include <string.h>

void
lc_train_overrides_init (LcTrainOverrides *o)
{
  memset (o, 0, sizeof *o);
  o->seed = -1;
  o->val_fraction = -1.0;
  o->balance = -1;
  o->loss = -1;
  o->patience = -1;
}

static void
apply_overrides (NnTrainingSpec *t, const LcTrainOverrides *o)
{
  if (o == NULL)
    return;
  if (o->epochs > 0)
    t->train.epochs = o->epochs;
  if (o->batch_size > 0)
    t->train.batch_size = o->batch_size;
  if (o->learning_rate > 0.0)
    t->train.optim.lr = (float) o->learning_rate;
  if (o->seed >= 0)
    t->train.seed = (guint64) o->seed;
  if (o->val_fraction >= 0.0)
    t->val_fraction = (float) o->val_fraction;
  if (o->balance >= 0)
    t->balance = (NnBalance) o->balance;
  if (o->loss >= 0)
    t->train.loss.kind = (NnLossKind) o->loss;
  if (o->threads > 0)
    t->train.threads = o->threads;
  if (o->patience >= 0)
    t->train.patience = o->patience;
}

static gboolean
spec_joins_metadata (const NnModelDoc *doc)
{
  for (guint i = 0; i < doc->layers->len; i++)
    if (g_array_index (doc->layers, NnLayerSpec, i).kind == NN_LAYER_CONCAT_METADATA)
      return TRUE;
  return FALSE;
}

/* The encoder options a spec asks for: its "preprocessing" object when it has
 * one (fitted statistics are ignored: we fit again on this training split).
 * A network without a concat_metadata layer gets no static input at all. */
static LcEncoder *
encoder_for_spec (const NnModelDoc *doc, GError **error)
{
  static const char *const no_columns[] = { NULL };
  g_autoptr (LcEncoder) from_spec = NULL;
  LcEncoderOptions options;

  if (doc->preprocessing != NULL)
    {
      from_spec = lc_encoder_from_json (doc->preprocessing, error);
      if (from_spec == NULL)
        {
          g_prefix_error (error, "%s: preprocessing: ", doc->source);
          return NULL;
        }
      options = *lc_encoder_get_options (from_spec);
    }
  else
    lc_encoder_options_default (&options);
  if (!spec_joins_metadata (doc))
    {
      options.with_features = FALSE;
      options.meta_columns = no_columns;
    }
  return lc_encoder_new (&options);
}

/* Object indices of every labelled object. */
static int *
labelled_rows (const LcDataset *ds, int *n_out)
{
  int *rows = g_new (int, MAX (ds->n_objects, 1));
  int n = 0;
  for (gsize i = 0; i < ds->n_objects; i++)
    if (ds->objects[i].label >= 0)
      rows[n++] = (int) i;
  *n_out = n;
  return rows;
}

static int *
labels_of_rows (const LcDataset *ds, const int *rows, int n)
{
  int *labels = g_new (int, MAX (n, 1));
  for (int i = 0; i < n; i++)
    labels[i] = ds->objects[rows[i]].label;
  return labels;
}

/* The classes of the encoder, named as in the dataset. */
static void
set_doc_classes (NnModelDoc *doc, const LcEncoder *encoder, const LcDataset *ds)
{
  int k = lc_encoder_n_classes (encoder);
  const int *ids = lc_encoder_class_ids (encoder);
  g_autofree const char **names = g_new0 (const char *, k + 1);
  for (int c = 0; c < k; c++)
    {
      int idx = ds != NULL ? lc_dataset_class_index (ds, ids[c]) : -1;
      names[c] = idx >= 0 ? ds->classes[idx].name : NULL;
    }
  nn_model_doc_set_classes (doc, k, ids, names);
}

LcTrainRun *
lc_train_run_prepare (const LcDataset *ds, const NnModelDoc *spec,
                      const LcTrainOverrides *overrides, GError **error)
{
  g_autoptr (LcTrainRun) run = g_new0 (LcTrainRun, 1);
  g_autofree int *rows = NULL, *labels = NULL, *train_rows = NULL;
  int n_rows, n_train = 0, n_val = 0;
  NnTrainingSpec *t;

  run->doc = nn_model_doc_copy (spec);
  t = &run->doc->training;
  apply_overrides (t, overrides);
  run->doc->has_training = TRUE;
  run->history = nn_history_new ();

  rows = labelled_rows (ds, &n_rows);
  if (n_rows < 2)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                   "%s: training needs labelled objects; this dataset has %d", ds->path, n_rows);
      return NULL;
    }
  labels = labels_of_rows (ds, rows, n_rows);

  /* split before any resampling, so no copy of a validation object is trained on */
  if (t->val_fraction > 0.0f)
    {
      g_autoptr (LcSplit) split = lc_split_stratified (labels, n_rows, t->val_fraction, 0.0,
                                                       t->train.seed, error);
      if (split == NULL)
        return NULL;
      n_train = split->n_train;
      n_val = split->n_validation;
      train_rows = g_new (int, MAX (n_train, 1));
      run->val_rows = g_new (int, MAX (n_val, 1));
      for (int i = 0; i < n_train; i++)
        train_rows[i] = rows[split->train[i]];
      for (int i = 0; i < n_val; i++)
        run->val_rows[i] = rows[split->validation[i]];
    }
  else
    {
      train_rows = g_memdup2 (rows, sizeof (int) * n_rows);
      n_train = n_rows;
    }
  run->n_val = n_val;

  if (t->balance == NN_BALANCE_RESAMPLE)
    {
      g_autofree int *all_labels = lc_split_labels_from_dataset (ds);
      int n_resampled = 0;
      int *resampled = lc_resample (train_rows, n_train, all_labels, ds->n_classes,
                                    LC_RESAMPLE_MEAN, t->train.seed, &n_resampled);
      g_free (train_rows);
      train_rows = resampled;
      n_train = n_resampled;
    }

  run->encoder = encoder_for_spec (run->doc, error);
  if (run->encoder == NULL || !lc_encoder_fit (run->encoder, ds, train_rows, n_train, error))
    return NULL;
  set_doc_classes (run->doc, run->encoder, ds);
  run->train = lc_encoder_encode (run->encoder, ds, train_rows, n_train, error);
  if (run->train == NULL)
    return NULL;
  if (n_val > 0)
    {
      run->val = lc_encoder_encode (run->encoder, ds, run->val_rows, n_val, error);
      if (run->val == NULL)
        return NULL;
    }

  if (t->balance == NN_BALANCE_WEIGHTS)
    {
      /* in the encoder's class indices, which is what the loss sees */
      run->class_weights = lc_class_weights_balanced (NULL, run->train->n, run->train->labels,
                                                      lc_encoder_n_classes (run->encoder));
    }

  run->model = nn_model_doc_build (run->doc, run->train->features, run->train->meta_features,
                                   lc_encoder_n_classes (run->encoder),
                                   MAX (run->train->steps, run->val != NULL ? run->val->steps : 0),
                                   error);
  if (run->model == NULL)
    return NULL;

  run->config = t->train;
  run->config.loss.class_weights = run->class_weights;
  return g_steal_pointer (&run);
}

gboolean
lc_train_run_train (LcTrainRun *run, const NnTrainCallbacks *callbacks, GError **error)
{
  g_autoptr (GError) local = NULL;
  gboolean ok = nn_train (run->model, run->train, run->val, &run->config, callbacks, run->history,
                          &local);
  /* a stopped or diverged run still keeps its best weights and history */
  nn_model_doc_take_model (run->doc, run->model);
  nn_model_doc_set_history (run->doc, run->history);
  if (run->doc->preprocessing != NULL)
    json_node_unref (run->doc->preprocessing);
  run->doc->preprocessing = lc_encoder_to_json (run->encoder);
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

void
lc_train_run_free (LcTrainRun *run)
{
  if (run == NULL)
    return;
  nn_model_doc_free (run->doc);
  lc_encoder_free (run->encoder);
  nn_data_free (run->train);
  nn_data_free (run->val);
  g_free (run->val_rows);
  g_free (run->class_weights);
  nn_model_free (run->model);
  nn_history_free (run->history);
  g_free (run);
}

/* ---- prediction ---- */

LcPredictor *
lc_predictor_new (const NnModelDoc *doc, GError **error)
{
  g_autoptr (LcPredictor) p = g_new0 (LcPredictor, 1);
  if (doc->preprocessing == NULL || doc->weights->len == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FILE,
                   "%s: not a trained model (it has no %s); train it first", doc->source,
                   doc->weights->len == 0 ? "weights" : "preprocessing");
      return NULL;
    }
  p->doc = nn_model_doc_copy (doc);
  p->encoder = lc_encoder_from_json (doc->preprocessing, error);
  if (p->encoder == NULL)
    {
      g_prefix_error (error, "%s: preprocessing: ", doc->source);
      return NULL;
    }
  p->n_classes = lc_encoder_n_classes (p->encoder);
  p->class_ids = g_memdup2 (lc_encoder_class_ids (p->encoder), sizeof (int) * MAX (p->n_classes, 1));
  p->model = nn_model_doc_build (doc, lc_encoder_step_features (p->encoder),
                                 lc_encoder_meta_features (p->encoder), p->n_classes, 0, error);
  if (p->model == NULL)
    return NULL;
  return g_steal_pointer (&p);
}

LcPredictor *
lc_predictor_load (const char *model_path, GError **error)
{
  g_autoptr (NnModelDoc) doc = nn_model_doc_load (model_path, error);
  if (doc == NULL)
    return NULL;
  return lc_predictor_new (doc, error);
}

void
lc_predictor_free (LcPredictor *p)
{
  if (p == NULL)
    return;
  nn_model_doc_free (p->doc);
  lc_encoder_free (p->encoder);
  nn_model_free (p->model);
  g_free (p->class_ids);
  g_free (p);
}

/* Sequences longer than the model was built for keep their first max_steps steps. */
float *
lc_predictor_predict (const LcPredictor *p, const LcDataset *ds, const int *rows, int n_rows,
                      int threads, int **labels_out, GError **error)
{
  g_autoptr (NnData) data = NULL;
  g_autofree float *probs = NULL;
  if (rows == NULL)
    n_rows = (int) ds->n_objects;
  data = lc_encoder_encode (p->encoder, ds, rows, n_rows, error);
  if (data == NULL)
    return NULL;
  probs = g_new (float, (gsize) MAX (data->n, 1) * p->n_classes);
  if (data->n > 0 && !nn_model_predict (p->model, data, probs, threads, error))
    return NULL;
  if (labels_out != NULL)
    *labels_out = g_memdup2 (data->labels, sizeof (int) * MAX (data->n, 1));
  return g_steal_pointer (&probs);
}

LcEvaluation *
lc_predictor_evaluate (const LcPredictor *p, const LcDataset *ds, int threads, GError **error)
{
  g_autoptr (LcEvaluation) ev = g_new0 (LcEvaluation, 1);
  g_autofree int *all_labels = NULL;
  g_autofree float *all_probs = NULL;
  g_autofree double *weights = NULL;
  int k = p->n_classes, n = 0;

  all_probs = lc_predictor_predict (p, ds, NULL, 0, threads, &all_labels, error);
  if (all_probs == NULL)
    return NULL;
  /* keep the objects whose class the model knows */
  ev->rows = g_new (int, MAX (ds->n_objects, 1));
  ev->labels = g_new (int, MAX (ds->n_objects, 1));
  ev->probs = g_new (float, (gsize) MAX (ds->n_objects, 1) * k);
  for (gsize i = 0; i < ds->n_objects; i++)
    {
      if (all_labels[i] < 0)
        {
          ev->n_skipped++;
          continue;
        }
      ev->rows[n] = (int) i;
      ev->labels[n] = all_labels[i];
      memcpy (ev->probs + (gsize) n * k, all_probs + i * k, sizeof (float) * k);
      n++;
    }
  ev->n_rows = n;
  if (n == 0)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                   "%s: no object has a class the model knows; evaluation needs labelled data",
                   ds->path);
      return NULL;
    }
  weights = g_new (double, k);
  lc_plasticc_weights (p->class_ids, k, weights);
  ev->report = nn_class_report_new (ev->probs, ev->labels, n, k, weights);
  return g_steal_pointer (&ev);
}

void
lc_evaluation_free (LcEvaluation *ev)
{
  if (ev == NULL)
    return;
  nn_class_report_free (ev->report);
  g_free (ev->rows);
  g_free (ev->probs);
  g_free (ev->labels);
  g_free (ev);
}
