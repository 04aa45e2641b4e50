/* lc-pipeline.c: the training and prediction pipeline shared by the app and the CLI */
#include "config.h"

#include "lc-pipeline.h"

#include "lc-novelty.h"

#include "lc-augment.h"
#include "lc-plasticc-metric.h"
#include "lc-split.h"
#include "nn-calibration.h"

#include <glib/gi18n-lib.h>
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
  o->focal_gamma = -1.0;
  o->logit_adjust = -1.0;
  o->class_weight_power = -1.0;
  o->prior_correction = -1.0;
  o->sampling_power = -1.0;
  o->effective_beta = -1.0;
  o->label_smoothing = -1.0;
  o->reweight_from_epoch = -1;
  o->patience = -1;
  o->augment_copies = -1;
  o->ensemble_members = 0;
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
  if (o->class_weight_power >= 0.0)
    t->class_weight_power = (float) o->class_weight_power;
  if (o->loss >= 0)
    t->train.loss.kind = (NnLossKind) o->loss;
  if (o->focal_gamma >= 0.0)
    t->train.loss.gamma = (float) o->focal_gamma;
  if (o->logit_adjust >= 0.0)
    t->train.loss.logit_adjust = (float) o->logit_adjust;
  if (o->prior_correction >= 0.0)
    t->prior_correction = (float) o->prior_correction;
  if (o->sampling_power >= 0.0)
    t->train.sampling_power = (float) o->sampling_power;
  if (o->effective_beta >= 0.0)
    t->effective_beta = (float) o->effective_beta;
  if (o->label_smoothing >= 0.0)
    t->train.loss.label_smoothing = (float) o->label_smoothing;
  if (o->reweight_from_epoch >= 0)
    t->train.reweight_from_epoch = o->reweight_from_epoch;
  if (o->threads > 0)
    t->train.threads = o->threads;
  if (o->patience >= 0)
    t->train.patience = o->patience;
}

/* The overrides that live outside the training section: augmentation copies
 * and ensemble size. */
static gboolean
apply_model_overrides (NnModelDoc *doc, const LcTrainOverrides *o, GError **error)
{
  if (o == NULL)
    return TRUE;
  if (o->ensemble_members > 0)
    doc->ensemble_members = o->ensemble_members;
  if (o->augment_copies == 0)
    g_clear_pointer (&doc->augmentation, json_node_unref);
  else if (o->augment_copies > 0)
    {
      LcAugmentOptions aug;
      lc_augment_options_default (&aug);
      if (doc->augmentation != NULL
          && !lc_augment_options_from_json (doc->augmentation, &aug, error))
        {
          g_prefix_error (error, "%s: ", doc->source);
          return FALSE;
        }
      aug.copies = o->augment_copies;
      g_clear_pointer (&doc->augmentation, json_node_unref);
      doc->augmentation = lc_augment_options_to_json (&aug);
    }
  return TRUE;
}

/* Whatever training saves must load: the settings after the overrides
 * (--learning-rate 1e-60 is 0 as a float), checked by the reader now rather
 * than after the training. */
static gboolean
settings_read_back (const NnModelDoc *doc, GError **error)
{
  g_autofree char *text = nn_model_doc_to_data (doc, NULL);
  g_autoptr (NnModelDoc) again = nn_model_doc_load_from_data (text, -1, doc->source, error);
  if (again == NULL)
    {
      g_prefix_error (error, _("the model would be saved with settings it cannot read back: "));
      return FALSE;
    }
  return TRUE;
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
          g_prefix_error (error, "%s: ", doc->source);
          return NULL;
        }
      options = *lc_encoder_get_options (from_spec);
    }
  else
    lc_encoder_options_default (&options);
  if (!spec_joins_metadata (doc))
    {
      options.with_features = FALSE;
      options.with_band_features = FALSE;
      options.with_period_features = FALSE;
      options.meta_columns = no_columns;
    }
  return lc_encoder_new (&options);
}

/* The labelled ones of rows[0..n_rows) (NULL: every object). */
static int *
labelled_rows (const LcDataset *ds, const int *rows, int n_rows, int *n_out)
{
  int total = rows != NULL ? n_rows : (int) ds->n_objects;
  int *out = g_new (int, MAX (total, 1));
  int n = 0;
  for (int i = 0; i < total; i++)
    {
      int row = rows != NULL ? rows[i] : i;
      if (row >= 0 && (gsize) row < ds->n_objects && ds->objects[row].label >= 0)
        out[n++] = row;
    }
  *n_out = n;
  return out;
}

/* Replaces the training rows by the originals plus augmented copies, in a
 * new dataset (*aug_ds) that lives while the rows are encoded. */
static gboolean
augment_training_rows (const LcDataset *ds, const NnModelDoc *doc, int **train_rows, int *n_train,
                       LcDataset **aug_ds, int *n_augmented, GError **error)
{
  LcAugmentOptions aug;
  int n;

  *n_augmented = 0;
  if (doc->augmentation == NULL)
    return TRUE;
  if (!lc_augment_options_from_json (doc->augmentation, &aug, error))
    {
      g_prefix_error (error, "%s: ", doc->source);
      return FALSE;
    }
  if (!lc_augment_options_active (&aug))
    return TRUE;
  aug.keep_originals = TRUE;   /* the real objects always stay in training */
  aug.seed = doc->training.train.seed;
  *aug_ds = lc_augment_dataset (ds, *train_rows, *n_train, &aug, NULL, error);
  if (*aug_ds == NULL)
    return FALSE;
  n = (int) (*aug_ds)->n_objects;
  g_free (*train_rows);
  *train_rows = g_new (int, MAX (n, 1));
  for (int i = 0; i < n; i++)
    (*train_rows)[i] = i;
  *n_augmented = n - *n_train;
  *n_train = n;
  return TRUE;
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
  return lc_train_run_prepare_full (ds, NULL, 0, spec, overrides, NULL, NULL, error);
}

LcTrainRun *
lc_train_run_prepare_rows (const LcDataset *ds, const int *given_rows, int n_given,
                           const NnModelDoc *spec, const LcTrainOverrides *overrides,
                           GError **error)
{
  return lc_train_run_prepare_full (ds, given_rows, n_given, spec, overrides, NULL, NULL, error);
}

LcTrainRun *
lc_train_run_fit_rows (const LcDataset *ds, const int *rows, int n_rows, const NnModelDoc *spec,
                       const LcTrainOverrides *overrides, GError **error)
{
  g_autoptr (LcTrainRun) run = lc_train_run_prepare_rows (ds, rows, n_rows, spec, overrides, error);
  g_autoptr (GError) train_error = NULL;

  if (run == NULL)
    return NULL;
  /* a diverged run keeps its best weights, as `train` saves them */
  if (!lc_train_run_train (run, NULL, &train_error)
      && !g_error_matches (train_error, NN_ERROR, NN_ERROR_DIVERGED))
    {
      g_propagate_error (error, g_steal_pointer (&train_error));
      return NULL;
    }
  return g_steal_pointer (&run);
}

/* The encoder's progress of one stage (fit, encode train, encode val) as
 * its share of the whole preparation. */
typedef struct
{
  LcProgressFunc func;
  gpointer user_data;
  double start, span;
} ProgressStage;

static gboolean
stage_progress_cb (double fraction, gpointer user_data)
{
  ProgressStage *stage = user_data;
  return stage->func (stage->start + stage->span * CLAMP (fraction, 0.0, 1.0), stage->user_data);
}

/* The next stage, of weight rows out of total. */
static void
stage_next (ProgressStage *stage, int rows, int total)
{
  stage->start += stage->span;
  stage->span = total > 0 ? (double) rows / total : 0.0;
  /* the last stage ends at exactly 1 */
  if (stage->start + stage->span > 1.0)
    stage->span = 1.0 - stage->start;
}

static LcTrainRun *
prepare_cancelled (GError **error)
{
  g_set_error (error, LC_ERROR, LC_ERROR_CANCELLED, _("cancelled"));
  return NULL;
}

/* The loss's class weights that the balancing asks for, over the (encoded,
 * resampled) training rows in the encoder's class indices, which is what
 * the loss sees; NULL when it asks for none. */
static float *
class_weights_for (const NnTrainingSpec *t, const NnData *train, int n_classes)
{
  switch (t->balance)
    {
    case NN_BALANCE_WEIGHTS:
      return lc_class_weights_power (NULL, train->n, train->labels, n_classes, t->class_weight_power);
    case NN_BALANCE_EFFECTIVE:
      return lc_class_weights_effective (NULL, train->n, train->labels, n_classes, t->effective_beta);
    case NN_BALANCE_NONE:
    case NN_BALANCE_RESAMPLE:
    case NN_BALANCE_SAMPLE:
    default:
      return NULL;
    }
}

LcTrainRun *
lc_train_run_prepare_full (const LcDataset *ds, const int *given_rows, int n_given,
                           const NnModelDoc *spec, const LcTrainOverrides *overrides,
                           LcProgressFunc progress, gpointer user_data, GError **error)
{
  g_autoptr (LcTrainRun) run = g_new0 (LcTrainRun, 1);
  ProgressStage stage = { progress, user_data, 0.0, 0.0 };
  g_autoptr (LcDataset) aug_ds = NULL;
  g_autofree int *rows = NULL, *labels = NULL, *train_rows = NULL, *fit_rows = NULL;
  const LcDataset *train_ds = ds;
  int n_rows, n_train = 0, n_val = 0, n_fit;
  NnTrainingSpec *t;

  if (progress != NULL && !progress (0.0, user_data))
    return prepare_cancelled (error);
  run->doc = nn_model_doc_copy (spec);
  t = &run->doc->training;
  apply_overrides (t, overrides);
  if (!apply_model_overrides (run->doc, overrides, error))
    return NULL;
  run->doc->has_training = TRUE;
  if (!settings_read_back (run->doc, error))
    return NULL;
  /* a trained ensemble given as the spec: its members are trained again */
  g_ptr_array_set_size (run->doc->ensemble, 0);
  run->n_members = MAX (run->doc->ensemble_members, 1);
  run->history = nn_history_new ();

  rows = labelled_rows (ds, given_rows, n_given, &n_rows);
  if (n_rows < 2)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                   _("%s: training needs labelled objects; this dataset has %d"), ds->path, n_rows);
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

  /* statistics come from the real training objects, never from copies */
  fit_rows = g_memdup2 (train_rows, sizeof (int) * MAX (n_train, 1));
  n_fit = n_train;
  if (!augment_training_rows (ds, run->doc, &train_rows, &n_train, &aug_ds, &run->n_augmented,
                              error))
    return NULL;
  if (aug_ds != NULL)
    train_ds = aug_ds;

  if (t->balance == NN_BALANCE_RESAMPLE)
    {
      g_autofree int *all_labels = lc_split_labels_from_dataset (train_ds);
      int n_resampled = 0;
      int *resampled = lc_resample (train_rows, n_train, all_labels, train_ds->n_classes,
                                    LC_RESAMPLE_MEAN, t->train.seed, &n_resampled);
      g_free (train_rows);
      train_rows = resampled;
      n_train = n_resampled;
    }

  run->encoder = encoder_for_spec (run->doc, error);
  if (run->encoder == NULL)
    return NULL;
  /* the user's threads setting is how many cores the run may take, preparing included */
  lc_encoder_set_threads (run->encoder, t->train.threads);
  if (progress != NULL)
    lc_encoder_set_progress (run->encoder, stage_progress_cb, &stage);
  /* each stage's share is its rows: the per-object features cost the same in each */
  stage_next (&stage, n_fit, n_fit + n_train + n_val);
  if (!lc_encoder_fit (run->encoder, ds, fit_rows, n_fit, error))
    return NULL;
  set_doc_classes (run->doc, run->encoder, ds);
  stage_next (&stage, n_train, n_fit + n_train + n_val);
  run->train = lc_encoder_encode (run->encoder, train_ds, train_rows, n_train, error);
  if (run->train == NULL)
    return NULL;
  if (n_val > 0)
    {
      stage_next (&stage, n_val, n_fit + n_train + n_val);
      run->val = lc_encoder_encode (run->encoder, ds, run->val_rows, n_val, error);
      if (run->val == NULL)
        return NULL;
    }
  /* stage lives on this stack only */
  lc_encoder_set_progress (run->encoder, NULL, NULL);
  if (progress != NULL && !progress (1.0, user_data))
    return prepare_cancelled (error);

  run->class_weights = class_weights_for (t, run->train, lc_encoder_n_classes (run->encoder));

  run->model = nn_model_doc_build (run->doc, run->train->features, run->train->meta_features,
                                   lc_encoder_n_classes (run->encoder),
                                   MAX (run->train->steps, run->val != NULL ? run->val->steps : 0),
                                   error);
  if (run->model == NULL)
    return NULL;

  run->config = t->train;
  run->config.loss.class_weights = run->class_weights;
  run->config.class_sampling = t->balance == NN_BALANCE_SAMPLE;
  return g_steal_pointer (&run);
}

/* Member k (>= 1) of an ensemble: the same network from seed + k, trained on
 * the same rows with its own shuffling; its weights join the document. */
static gboolean
train_member (LcTrainRun *run, int k, const NnTrainCallbacks *callbacks, GError **error)
{
  g_autoptr (NnModelDoc) bare = nn_model_doc_copy (run->doc);
  g_autoptr (NnModel) model = NULL;
  g_autoptr (NnHistory) history = nn_history_new ();
  NnTrainConfig config = run->config;

  nn_model_doc_clear_weights (bare);
  bare->training.train.seed = run->config.seed + (guint64) k;
  config.seed = bare->training.train.seed;
  model = nn_model_doc_build (bare, run->train->features, run->train->meta_features,
                              lc_encoder_n_classes (run->encoder), run->model->max_steps, error);
  if (model == NULL)
    return FALSE;
  if (!nn_train (model, run->train, run->val, &config, callbacks, history, error))
    return FALSE;
  nn_model_doc_add_member (run->doc, model);
  return TRUE;
}

/* Temperature scaling on the validation split: the ensemble's mean
 * probabilities of the validation rows, and the T that minimises their log
 * loss, stored in the document with what it changed. */
static gboolean
calibrate_on_validation (LcTrainRun *run, GError **error)
{
  NnCalibrationRecord *rec = &run->doc->calibration;
  g_autoptr (LcPredictor) predictor = NULL;
  g_autofree float *probs = NULL;
  const int *labels;
  int n, k;
  double t;

  run->doc->temperature = 1.0;
  memset (rec, 0, sizeof *rec);
  if (run->val == NULL || run->val->n == 0 || run->val->labels == NULL)
    return TRUE;
  predictor = lc_predictor_new (run->doc, error);
  if (predictor == NULL)
    return FALSE;
  probs = lc_predictor_predict_data (predictor, run->val, MAX (run->config.threads, 1), error);
  if (probs == NULL)
    return FALSE;
  n = run->val->n;
  k = predictor->n_classes;
  labels = run->val->labels;
  t = nn_calibration_fit_temperature (probs, labels, n, k);
  rec->rows = n;
  rec->nll_before = nn_calibration_nll (probs, labels, n, k, 1.0);
  rec->ece_before = nn_metrics_ece (probs, labels, n, k);
  nn_calibration_apply (probs, n, k, t);
  rec->nll_after = nn_calibration_nll (probs, labels, n, k, 1.0);
  rec->ece_after = nn_metrics_ece (probs, labels, n, k);
  run->doc->temperature = t;
  return TRUE;
}

/* The prior correction's offsets from the training rows and their weights
 * (after the temperature, which is fitted without them: the validation
 * split has the training split's priors). */
static void
set_prior_offsets (LcTrainRun *run)
{
  double tau = run->doc->training.prior_correction;
  int k = lc_encoder_n_classes (run->encoder);

  g_clear_pointer (&run->doc->class_offsets, g_free);
  if (!(tau > 0.0) || run->train->labels == NULL || k <= 0)
    return;
  run->doc->class_offsets = g_new (float, k);
  nn_calibration_prior_offsets (run->train->labels, run->train->n, k, run->class_weights, tau,
                                run->doc->class_offsets);
}

gboolean
lc_train_run_train (LcTrainRun *run, const NnTrainCallbacks *callbacks, GError **error)
{
  g_autoptr (GError) local = NULL;
  gboolean ok;

  /* a trained model given as the spec: its calibration belonged to its weights */
  run->doc->temperature = 1.0;
  g_clear_pointer (&run->doc->class_offsets, g_free);
  if (run->resume_from != NULL)
    ok = nn_train_resume (run->model, run->train, run->val, &run->config, run->resume_from,
                          callbacks, run->history, &local);
  else
    ok = nn_train (run->model, run->train, run->val, &run->config, callbacks, run->history, &local);
  /* a stopped or diverged run still keeps its best weights and history */
  nn_model_doc_take_model (run->doc, run->model);
  nn_model_doc_set_history (run->doc, run->history);
  if (run->doc->preprocessing != NULL)
    json_node_unref (run->doc->preprocessing);
  run->doc->preprocessing = lc_encoder_to_json (run->encoder);
  g_ptr_array_set_size (run->doc->ensemble, 0);
  /* a stopped ensemble keeps the members it finished */
  for (int k = 1; ok && k < run->n_members; k++)
    ok = train_member (run, k, callbacks, &local);
  run->doc->ensemble_members = MAX (nn_model_doc_n_members (run->doc), 1);
  /* a stopped or diverged run is calibrated too: it keeps its best weights */
  if (ok)
    ok = calibrate_on_validation (run, &local);
  else
    calibrate_on_validation (run, NULL);
  set_prior_offsets (run);
  /* the novelty score's reference features belong to the final weights */
  if (ok)
    ok = lc_novelty_fit (run, &local);
  else
    lc_novelty_fit (run, NULL);
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
                   /* TRANSLATORS: the second %s is a model-file field, “weights” or “preprocessing” */
                   _("%s: not a trained model (it has no %s); train it first"), doc->source,
                   doc->weights->len == 0 ? "weights" : "preprocessing");
      return NULL;
    }
  p->doc = nn_model_doc_copy (doc);
  p->encoder = lc_encoder_from_json (doc->preprocessing, error);
  if (p->encoder == NULL)
    {
      g_prefix_error (error, "%s: ", doc->source);
      return NULL;
    }
  p->n_classes = lc_encoder_n_classes (p->encoder);
  p->class_ids = g_memdup2 (lc_encoder_class_ids (p->encoder), sizeof (int) * MAX (p->n_classes, 1));
  p->n_models = nn_model_doc_n_members (doc);
  p->models = g_new0 (NnModel *, p->n_models);
  for (int m = 0; m < p->n_models; m++)
    {
      p->models[m] = nn_model_doc_build_member (doc, m, lc_encoder_step_features (p->encoder),
                                                lc_encoder_meta_features (p->encoder),
                                                p->n_classes, 0, error);
      if (p->models[m] == NULL)
        return NULL;
    }
  p->model = p->models[0];
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
  for (int m = 0; m < p->n_models; m++)
    nn_model_free (p->models[m]);
  g_free (p->models);
  g_free (p->class_ids);
  g_free (p);
}

/* The mean of the members' probabilities into probs (zeroed). */
static gboolean
predict_mean (const LcPredictor *p, NnModel *const *models, const NnData *data, int threads,
              float *probs, GError **error)
{
  gsize size = (gsize) data->n * p->n_classes;
  g_autofree float *member = p->n_models > 1 ? g_new (float, size) : NULL;

  if (p->n_models == 1)
    return nn_model_predict (models[0], data, probs, threads, error);
  for (int m = 0; m < p->n_models; m++)
    {
      if (!nn_model_predict (models[m], data, member, threads, error))
        return FALSE;
      for (gsize i = 0; i < size; i++)
        probs[i] += member[i] / (float) p->n_models;
    }
  return TRUE;
}

void
lc_predictor_calibrate (const LcPredictor *p, float *probs, int n)
{
  nn_calibration_apply_offsets (probs, n, p->n_classes, p->doc->temperature, p->doc->class_offsets);
}

GPtrArray *
lc_predictor_members_at (const LcPredictor *p, int steps)
{
  g_autoptr (GPtrArray) models = g_ptr_array_new_with_free_func ((GDestroyNotify) nn_model_free);
  NnModelDoc view;

  g_return_val_if_fail (steps > 0, NULL);
  view = *p->doc;
  view.max_steps = steps;
  for (int m = 0; m < p->n_models; m++)
    {
      NnModel *model = nn_model_doc_build_member (&view, m, p->model->seq_features,
                                                  p->model->meta_features, p->n_classes, steps, NULL);
      if (model == NULL)
        return NULL;
      g_ptr_array_add (models, model);
    }
  return g_steal_pointer (&models);
}

/* A model file may say "max_steps": 1048576 while the data have 300 steps:
 * when the workspace for the model's length would be too large, the members
 * are built for the data's length instead, if their stored weights fit it.
 * NULL when not needed or not possible: nn_model_predict then says what it
 * would take. */
static GPtrArray *
members_for_steps (const LcPredictor *p, int steps)
{
  if (steps <= 0 || steps >= p->model->max_steps
      || nn_workspace_bytes (p->model, NN_PREDICT_BATCH, FALSE) <= NN_PREDICT_MAX_WORKSPACE)
    return NULL;
  return lc_predictor_members_at (p, steps);
}

/* data cut to its first max_steps steps (a test object longer than every
 * training object); NULL when it already fits. */
static NnData *
truncated_steps (const NnData *data, int max_steps)
{
  NnData *cut;
  if (max_steps <= 0 || data->steps <= max_steps)
    return NULL;
  cut = nn_data_new (data->n, max_steps, data->features, data->meta_features, data->n_classes);
  for (int i = 0; i < data->n; i++)
    {
      memcpy (cut->x + (gsize) i * max_steps * data->features,
              data->x + (gsize) i * data->steps * data->features,
              sizeof (float) * max_steps * data->features);
      cut->lengths[i] = MIN (data->lengths[i], max_steps);
    }
  if (data->meta_features > 0)
    memcpy (cut->meta, data->meta, sizeof (float) * data->n * data->meta_features);
  if (data->labels != NULL)
    memcpy (cut->labels, data->labels, sizeof (int) * data->n);
  return cut;
}

void
lc_predictor_window (const LcPredictor *p, int *first_k, double *first_days)
{
  const LcEncoderOptions *options = lc_encoder_get_options (p->encoder);
  int max_steps = p->model->max_steps;

  /* the fitted window, narrowed to what the network was built for */
  *first_k = options->first_k;
  if (max_steps > 0 && (*first_k <= 0 || max_steps < *first_k))
    *first_k = max_steps;
  *first_days = options->first_days;
}

NnData *
lc_predictor_encode (const LcPredictor *p, const LcDataset *ds, const int *rows, int n_rows,
                     int threads, GError **error)
{
  int first_k;
  double first_days;

  lc_predictor_window (p, &first_k, &first_days);
  return lc_encoder_encode_window (p->encoder, ds, rows, n_rows, first_k, first_days, threads, error);
}

float *
lc_predictor_predict_data (const LcPredictor *p, const NnData *data, int threads, GError **error)
{
  g_autoptr (NnData) cut = truncated_steps (data, p->model->max_steps);
  const NnData *fits = cut != NULL ? cut : data;
  g_autofree float *probs = g_new0 (float, (gsize) MAX (fits->n, 1) * p->n_classes);
  g_autoptr (GPtrArray) shorter = fits->n > 0 ? members_for_steps (p, fits->steps) : NULL;
  NnModel *const *models = shorter != NULL ? (NnModel *const *) shorter->pdata : p->models;

  if (fits->n > 0 && !predict_mean (p, models, fits, threads, probs, error))
    return NULL;
  lc_predictor_calibrate (p, probs, fits->n);
  return g_steal_pointer (&probs);
}

float *
lc_predictor_predict (const LcPredictor *p, const LcDataset *ds, const int *rows, int n_rows,
                      int threads, int **labels_out, GError **error)
{
  g_autoptr (NnData) data = NULL;
  float *probs;
  if (rows == NULL)
    n_rows = (int) ds->n_objects;
  data = lc_predictor_encode (p, ds, rows, n_rows, threads, error);
  if (data == NULL)
    return NULL;
  probs = lc_predictor_predict_data (p, data, threads, error);
  if (probs != NULL && labels_out != NULL)
    *labels_out = g_memdup2 (data->labels, sizeof (int) * MAX (data->n, 1));
  return probs;
}

LcEvaluation *
lc_evaluation_new (const LcPredictor *p, const LcDataset *ds, const int *rows, int n_rows,
                   const float *probs, const int *labels, GError **error)
{
  g_autoptr (LcEvaluation) ev = g_new0 (LcEvaluation, 1);
  g_autofree double *weights = NULL;
  int k = p->n_classes, n = 0;

  /* keep the objects whose class the model knows */
  ev->rows = g_new (int, MAX (n_rows, 1));
  ev->labels = g_new (int, MAX (n_rows, 1));
  ev->probs = g_new (float, (gsize) MAX (n_rows, 1) * k);
  for (int i = 0; i < n_rows; i++)
    {
      if (labels[i] < 0)
        {
          ev->n_skipped++;
          continue;
        }
      ev->rows[n] = rows != NULL ? rows[i] : i;
      ev->labels[n] = labels[i];
      memcpy (ev->probs + (gsize) n * k, probs + (gsize) i * k, sizeof (float) * k);
      n++;
    }
  ev->n_rows = n;
  if (n == 0)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                   _("%s: no object has a class the model knows; scoring needs labelled data"),
                   ds->path);
      return NULL;
    }
  weights = g_new (double, k);
  lc_plasticc_weights (p->class_ids, k, weights);
  ev->report = nn_class_report_new (ev->probs, ev->labels, n, k, weights);
  return g_steal_pointer (&ev);
}

LcEvaluation *
lc_predictor_evaluate (const LcPredictor *p, const LcDataset *ds, int threads, GError **error)
{
  return lc_predictor_evaluate_rows (p, ds, NULL, 0, threads, error);
}

LcEvaluation *
lc_predictor_evaluate_rows (const LcPredictor *p, const LcDataset *ds, const int *rows, int n_rows,
                            int threads, GError **error)
{
  g_autofree int *labels = NULL;
  g_autofree float *probs = NULL;

  if (rows == NULL)
    n_rows = (int) ds->n_objects;
  probs = lc_predictor_predict (p, ds, rows, n_rows, threads, &labels, error);
  if (probs == NULL)
    return NULL;
  return lc_evaluation_new (p, ds, rows, n_rows, probs, labels, error);
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
