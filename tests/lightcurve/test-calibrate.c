/* test-calibrate.c: temperature scaling in the pipeline (fitted on the
 * validation split after training, stored in the model file, applied by
 * every prediction) and the leave-one-class-out novelty measurement, on small
 * simulated data. */
#include <math.h>
#include <string.h>

#include "lc.h"
#include "nn-density.h"
#include "testutil.h"

static LcDataset *
simulated (int n, guint64 seed)
{
  LcSimulateOptions o;
  g_autoptr (GError) error = NULL;
  LcDataset *ds;
  lc_simulate_options_default (&o);
  o.n_objects = n;
  o.seed = seed;
  o.with_meta = TRUE;
  ds = lc_simulate (&o, NULL, NULL, &error);
  g_assert_no_error (error);
  return ds;
}

static NnModelDoc *
small_spec (double val_fraction, int epochs)
{
  g_autofree char *text = g_strdup_printf (
    "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"t\",\n"
    " \"layers\": [{\"type\": \"gru\", \"units\": 16},\n"
    "            {\"type\": \"concat_metadata\"},\n"
    "            {\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
    " \"training\": {\"epochs\": %d, \"batch_size\": 32, \"seed\": 3, \"learning_rate\": 0.01,"
    " \"val_fraction\": %g}}", epochs, val_fraction);
  g_autoptr (GError) error = NULL;
  NnModelDoc *doc = nn_model_doc_load_from_data (text, -1, "spec.json", &error);
  g_assert_no_error (error);
  return doc;
}

static LcTrainRun *
trained (const LcDataset *ds, const NnModelDoc *spec)
{
  g_autoptr (GError) error = NULL;
  LcTrainRun *run = lc_train_run_prepare (ds, spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lc_train_run_train (run, NULL, &error));
  g_assert_no_error (error);
  return run;
}

/* The fitted temperature lowers the validation log loss, every prediction
 * applies it, and the model file keeps it. */
static void
test_fitted_on_validation (void)
{
  g_autoptr (LcDataset) ds = simulated (300, 5);
  g_autoptr (NnModelDoc) spec = small_spec (0.3, 12);
  g_autoptr (LcTrainRun) run = trained (ds, spec);
  g_autoptr (NnModelDoc) plain_doc = nn_model_doc_copy (run->doc);
  g_autoptr (NnModelDoc) loaded = NULL;
  g_autoptr (LcPredictor) p = NULL, plain = NULL, from_file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree float *val_probs = NULL, *probs = NULL, *raw = NULL, *again = NULL;
  g_autofree char *text = NULL;
  const NnCalibrationRecord *rec = &run->doc->calibration;
  int n = (int) ds->n_objects, k;

  g_assert_cmpint (rec->rows, ==, run->n_val);
  g_assert_cmpfloat (run->doc->temperature, >=, NN_CALIBRATION_T_MIN);
  g_assert_cmpfloat (run->doc->temperature, <=, NN_CALIBRATION_T_MAX);
  g_assert_cmpfloat (run->doc->temperature, !=, 1.0);
  g_assert_cmpfloat (rec->nll_after, <, rec->nll_before);

  /* the record is what the predictor gives on the validation rows */
  p = lc_predictor_new (run->doc, &error);
  g_assert_no_error (error);
  k = p->n_classes;
  val_probs = lc_predictor_predict_data (p, run->val, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (nn_metrics_log_loss (val_probs, run->val->labels, run->val->n, k),
                                  rec->nll_after, 1e-5);
  g_assert_cmpfloat_with_epsilon (nn_metrics_ece (val_probs, run->val->labels, run->val->n, k),
                                  rec->ece_after, 1e-9);

  /* predictions are softmax (log (p) / T) of the uncalibrated ones */
  plain_doc->temperature = 1.0;
  plain = lc_predictor_new (plain_doc, &error);
  g_assert_no_error (error);
  probs = lc_predictor_predict (p, ds, NULL, 0, 1, NULL, &error);
  g_assert_no_error (error);
  raw = lc_predictor_predict (plain, ds, NULL, 0, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (fabs (probs[0] - raw[0]) + fabs (probs[1] - raw[1]), >, 1e-6);
  nn_calibration_apply (raw, n, k, run->doc->temperature);
  g_assert_cmpmem (probs, sizeof (float) * n * k, raw, sizeof (float) * n * k);

  /* what Passband writes, it reads back: the same temperature, the same bits */
  text = nn_model_doc_to_data (run->doc, NULL);
  loaded = nn_model_doc_load_from_data (text, -1, "model.json", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (loaded->temperature, ==, run->doc->temperature);
  g_assert_cmpint (loaded->calibration.rows, ==, rec->rows);
  from_file = lc_predictor_new (loaded, &error);
  g_assert_no_error (error);
  again = lc_predictor_predict (from_file, ds, NULL, 0, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (probs, sizeof (float) * n * k, again, sizeof (float) * n * k);
}

/* With a prior correction, the model stores −tau ln (the training rows'
 * class priors) and every prediction adds them after the temperature: the
 * rare classes get more of the probability, and the file keeps them. */
static void
test_prior_correction (void)
{
  g_autoptr (LcDataset) ds = simulated (300, 5);
  g_autoptr (NnModelDoc) spec = small_spec (0.3, 6);
  g_autoptr (LcTrainRun) run = NULL;
  g_autoptr (NnModelDoc) plain_doc = NULL, loaded = NULL;
  g_autoptr (LcPredictor) p = NULL, plain = NULL, from_file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree float *probs = NULL, *raw = NULL, *again = NULL, *expect = NULL;
  g_autofree char *text = NULL;
  LcTrainOverrides o;
  int n = (int) ds->n_objects, k, rare = 0;
  double rare_before = 0.0, rare_after = 0.0;

  lc_train_overrides_init (&o);
  o.prior_correction = 1.0;
  run = lc_train_run_prepare (ds, spec, &o, &error);
  g_assert_no_error (error);
  g_assert_true (lc_train_run_train (run, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (run->doc->training.prior_correction, ==, 1.0f);
  g_assert_nonnull (run->doc->class_offsets);
  k = lc_encoder_n_classes (run->encoder);
  expect = g_new (float, k);
  nn_calibration_prior_offsets (run->train->labels, run->train->n, k, NULL, 1.0, expect);
  g_assert_cmpmem (run->doc->class_offsets, sizeof (float) * k, expect, sizeof (float) * k);
  for (int c = 1; c < k; c++)
    if (expect[c] > expect[rare])
      rare = c;

  p = lc_predictor_new (run->doc, &error);
  g_assert_no_error (error);
  plain_doc = nn_model_doc_copy (run->doc);
  g_clear_pointer (&plain_doc->class_offsets, g_free);
  plain = lc_predictor_new (plain_doc, &error);
  g_assert_no_error (error);
  probs = lc_predictor_predict (p, ds, NULL, 0, 1, NULL, &error);
  g_assert_no_error (error);
  raw = lc_predictor_predict (plain, ds, NULL, 0, 1, NULL, &error);
  g_assert_no_error (error);
  for (int i = 0; i < n; i++)
    {
      rare_before += raw[i * k + rare];
      rare_after += probs[i * k + rare];
    }
  g_assert_cmpfloat (rare_after, >, rare_before);
  /* raw is already at the temperature: the offsets alone are what is left */
  nn_calibration_apply_offsets (raw, n, k, 1.0, run->doc->class_offsets);
  for (int i = 0; i < n * k; i++)
    g_assert_cmpfloat_with_epsilon (probs[i], raw[i], 1e-6);

  text = nn_model_doc_to_data (run->doc, NULL);
  loaded = nn_model_doc_load_from_data (text, -1, "model.json", &error);
  g_assert_no_error (error);
  from_file = lc_predictor_new (loaded, &error);
  g_assert_no_error (error);
  again = lc_predictor_predict (from_file, ds, NULL, 0, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (probs, sizeof (float) * n * k, again, sizeof (float) * n * k);
}

/* Distances in the network's feature space: training stores every
 * training row's unit-length features and a threshold from the validation
 * rows; the model file keeps them; the shipped score is the distance to the
 * k-th nearest of them, the Mahalanobis score the one nn-density gives on the
 * training rows' features; objects whose inputs were pushed far away score
 * higher than the real ones. */
static void
test_feature_scores (void)
{
  g_autoptr (LcDataset) ds = simulated (240, 9);
  g_autoptr (NnModelDoc) spec = small_spec (0.2, 4);
  g_autoptr (LcTrainRun) run = trained (ds, spec);
  g_autoptr (LcPredictor) p = NULL, from_file = NULL, without = NULL;
  g_autoptr (NnModelDoc) loaded = NULL, bare = NULL;
  g_autoptr (NnData) data = NULL, far = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree double *maha = NULL, *knn = NULL, *again = NULL, *maha_far = NULL, *knn_far = NULL,
                    *direct = NULL;
  g_autofree float *ref = NULL, *emb = NULL;
  g_autofree char *text = NULL;
  const NnTensorData *stored;
  int n, width, farther = 0, knn_farther = 0, above = 0;

  p = lc_predictor_new (run->doc, &error);
  g_assert_no_error (error);
  width = nn_model_embedding_width (p->model);
  g_assert_cmpint (width, >, 0);
  g_assert_true (lc_predictor_has_novelty (p));
  g_assert_cmpint (run->doc->novelty_k, ==, LC_NOVELTY_KNN_K);
  stored = g_ptr_array_index (run->doc->novelty_reference, 0);
  g_assert_cmpint (stored->shape[0], ==, run->train->n);
  g_assert_cmpint (stored->shape[1], ==, width);
  for (int i = 0; i < stored->shape[0]; i++)
    {
      double norm = 0.0;
      for (int j = 0; j < width; j++)
        norm += stored->data[i * width + j] * stored->data[i * width + j];
      g_assert_true (fabs (norm - 1.0) < 1e-5 || norm == 0.0);
    }

  data = lc_predictor_encode (p, ds, NULL, (int) ds->n_objects, 1, &error);
  g_assert_no_error (error);
  n = data->n;
  maha = g_new (double, n);
  knn = g_new (double, n);
  g_assert_true (lc_novelty_mahalanobis (p, run->train, data, maha, &error));
  g_assert_true (lc_predictor_novelty (p, data, knn, &error));
  g_assert_no_error (error);

  /* the threshold: 5 % of the validation rows score above it */
  {
    g_autofree double *val = g_new (double, run->val->n);
    g_assert_true (lc_predictor_novelty (p, run->val, val, &error));
    g_assert_cmpfloat (run->doc->novelty_threshold, >, 0.0);
    for (int i = 0; i < run->val->n; i++)
      above += val[i] > run->doc->novelty_threshold;
    g_assert_cmpint (above, <=, (int) ceil (0.05 * run->val->n));
  }

  ref = g_new (float, (gsize) run->train->n * width);
  emb = g_new (float, (gsize) n * width);
  g_assert_true (nn_model_embed (p->model, run->train, ref, &error));
  g_assert_true (nn_model_embed (p->model, data, emb, &error));
  direct = g_new (double, n);
  {
    g_autoptr (NnGaussians) g = nn_gaussians_fit (ref, run->train->labels, run->train->n, width,
                                                  p->n_classes, LC_NOVELTY_SHRINKAGE, &error);
    g_assert_no_error (error);
    nn_gaussians_min_distance (g, emb, n, direct);
  }
  for (int i = 0; i < n; i++)
    {
      g_assert_cmpfloat (maha[i], >=, 0.0);
      g_assert_cmpfloat_with_epsilon (maha[i], direct[i], 1e-9 * MAX (1.0, direct[i]));
      g_assert_true (isfinite (knn[i]) && knn[i] >= 0.0 && knn[i] <= 2.0);
    }

  /* what Passband writes, it reads back: the same scores */
  text = nn_model_doc_to_data (run->doc, NULL);
  loaded = nn_model_doc_load_from_data (text, -1, "model.json", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (loaded->novelty_threshold, ==, run->doc->novelty_threshold);
  from_file = lc_predictor_new (loaded, &error);
  g_assert_no_error (error);
  again = g_new (double, n);
  g_assert_true (lc_predictor_novelty (from_file, data, again, &error));
  g_assert_cmpmem (knn, sizeof (double) * n, again, sizeof (double) * n);

  /* a model without the features says so */
  bare = nn_model_doc_copy (run->doc);
  g_ptr_array_set_size (bare->novelty_reference, 0);
  without = lc_predictor_new (bare, &error);
  g_assert_no_error (error);
  g_assert_false (lc_predictor_has_novelty (without));
  g_assert_false (lc_predictor_novelty (without, data, again, &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_MISMATCH);
  g_clear_error (&error);

  /* the same objects with their metadata far outside anything seen */
  far = nn_data_subset (data, (int[]) { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 10);
  for (int i = 0; i < 10 * far->meta_features; i++)
    far->meta[i] = far->meta[i] * 40.0f + 25.0f;
  maha_far = g_new (double, 10);
  knn_far = g_new (double, 10);
  g_assert_true (lc_novelty_mahalanobis (p, run->train, far, maha_far, &error));
  g_assert_true (lc_predictor_novelty (p, far, knn_far, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 10; i++)
    {
      farther += maha_far[i] > maha[i];
      knn_farther += knn_far[i] > knn[i];
    }
  g_assert_cmpint (farther, ==, 10);
  g_assert_cmpint (knn_farther, >=, 8);
}

/* The energy score is −T log Σ exp (z / T) of the network's logits, which
 * are log p up to a constant per row: z = log softmax (z) + logsumexp (z). */
static void
test_energy (void)
{
  g_autoptr (LcDataset) ds = simulated (200, 8);
  g_autoptr (NnModelDoc) spec = small_spec (0.3, 4);
  g_autoptr (LcTrainRun) run = trained (ds, spec);
  g_autoptr (LcPredictor) p = NULL;
  g_autoptr (NnData) data = NULL;
  g_autoptr (NnWorkspace) ws = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree double *energy = NULL;
  int rows[] = { 0, 1, 2, 3, 4, 5, 6 }, n = 7, lengths[7];
  g_autofree float *x = NULL, *meta = NULL;
  const float *logits;
  NnBatch batch;
  double t;

  p = lc_predictor_new (run->doc, &error);
  g_assert_no_error (error);
  t = run->doc->temperature;
  data = lc_predictor_encode (p, ds, rows, n, 1, &error);
  g_assert_no_error (error);
  energy = g_new (double, n);
  g_assert_true (lc_novelty_energy (p, data, energy, &error));
  g_assert_no_error (error);

  ws = nn_workspace_new_inference (p->model, n);
  x = g_new (float, (gsize) n * data->steps * data->features);
  meta = g_new (float, (gsize) n * MAX (data->meta_features, 1));
  nn_data_gather (data, (int[]) { 0, 1, 2, 3, 4, 5, 6 }, n, x, lengths, meta, NULL, &batch);
  logits = nn_model_forward (p->model, ws, &batch, FALSE);
  for (int i = 0; i < n; i++)
    {
      double sum = 0.0;
      for (int c = 0; c < p->n_classes; c++)
        sum += exp (logits[i * p->n_classes + c] / t);
      g_assert_cmpfloat_with_epsilon (energy[i], -t * log (sum), 1e-4);
    }
}

/* Without a validation split nothing is fitted; a trained model given as
 * the spec does not pass its temperature on to the new weights. */
static void
test_no_validation_split (void)
{
  g_autoptr (LcDataset) ds = simulated (120, 6);
  g_autoptr (NnModelDoc) spec = small_spec (0.0, 2);
  g_autoptr (LcTrainRun) run = NULL;
  g_autofree char *text = NULL;

  spec->temperature = 3.0;
  run = trained (ds, spec);
  g_assert_cmpfloat (run->doc->temperature, ==, 1.0);
  g_assert_cmpint (run->doc->calibration.rows, ==, 0);
  text = nn_model_doc_to_data (run->doc, NULL);
  g_assert_null (strstr (text, "\"calibration\""));
}

/* One leave-one-class-out measurement: every object of the left-out class
 * is scored as novel, the test part of the others as known, and each score
 * gets an AUROC. */
static void
test_leave_one_out (void)
{
  g_autoptr (LcDataset) ds = simulated (300, 7);
  g_autoptr (NnModelDoc) spec = small_spec (0.2, 6);
  g_autoptr (GError) error = NULL;
  g_autofree int *labels = lc_split_labels_from_dataset (ds);
  g_autoptr (LcSplit) split = NULL;
  LcNoveltyFold fold;
  int left_out = 1, n_class = 0, n_known = 0;

  g_assert_true (lc_novelty_leave_one_out (ds, spec, NULL, left_out, 0.25, 11, 1, &fold, &error));
  g_assert_no_error (error);
  for (gsize i = 0; i < ds->n_objects; i++)
    n_class += labels[i] == left_out;
  split = lc_split_stratified (labels, (int) ds->n_objects, 0.0, 0.25, 11, &error);
  for (int j = 0; j < split->n_test; j++)
    n_known += labels[split->test[j]] >= 0 && labels[split->test[j]] != left_out;
  g_assert_cmpint (fold.class_id, ==, ds->classes[left_out].id);
  g_assert_cmpint (fold.n_novel, ==, n_class);
  g_assert_cmpint (fold.n_known, ==, n_known);
  g_assert_cmpfloat (fold.known_accuracy, >=, 0.0);
  for (int s = 0; s < LC_NOVELTY_N_MEASURED; s++)
    {
      g_assert_cmpfloat (fold.auroc[s], >=, 0.0);
      g_assert_cmpfloat (fold.auroc[s], <=, 1.0);
    }

  g_assert_false (lc_novelty_leave_one_out (ds, spec, NULL, ds->n_classes, 0.25, 11, 1, &fold, &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_MISMATCH);
}

/* The imbalance settings reach the trainer: effective-number weights over
 * the training rows (mean weight 1), class-balanced sampling with its power,
 * and the epoch re-weighting starts from. */
static void
test_balancing_reaches_trainer (void)
{
  g_autoptr (LcDataset) ds = simulated (200, 7);
  g_autoptr (NnModelDoc) spec = small_spec (0.2, 2);
  g_autoptr (GError) error = NULL;
  LcTrainOverrides o;

  lc_train_overrides_init (&o);
  o.balance = NN_BALANCE_EFFECTIVE;
  o.effective_beta = 0.99;
  o.reweight_from_epoch = 4;
  {
    g_autoptr (LcTrainRun) run = lc_train_run_prepare (ds, spec, &o, &error);
    int k;
    g_autofree float *expect = NULL;
    double mean = 0.0;

    g_assert_no_error (error);
    k = lc_encoder_n_classes (run->encoder);
    expect = lc_class_weights_effective (NULL, run->train->n, run->train->labels, k, 0.99f);
    g_assert_nonnull (run->class_weights);
    g_assert_true (run->config.loss.class_weights == run->class_weights);
    g_assert_cmpmem (run->class_weights, sizeof (float) * k, expect, sizeof (float) * k);
    for (int i = 0; i < run->train->n; i++)
      mean += run->class_weights[run->train->labels[i]] / run->train->n;
    g_assert_cmpfloat_with_epsilon (mean, 1.0, 1e-5);
    g_assert_cmpint (run->config.reweight_from_epoch, ==, 4);
    g_assert_false (run->config.class_sampling);
  }

  lc_train_overrides_init (&o);
  o.balance = NN_BALANCE_SAMPLE;
  o.sampling_power = 0.25;
  {
    g_autoptr (LcTrainRun) run = lc_train_run_prepare (ds, spec, &o, &error);
    g_assert_no_error (error);
    g_assert_null (run->class_weights);
    g_assert_true (run->config.class_sampling);
    g_assert_cmpfloat (run->config.sampling_power, ==, 0.25f);
    g_assert_cmpint (run->config.reweight_from_epoch, ==, 0);
  }

  /* a beta of 1 is no effective number: refused before anything is trained */
  lc_train_overrides_init (&o);
  o.balance = NN_BALANCE_EFFECTIVE;
  o.effective_beta = 1.0;
  {
    g_autoptr (LcTrainRun) run = lc_train_run_prepare (ds, spec, &o, &error);
    g_assert_null (run);
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "effective_beta"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/calibrate/fitted-on-validation", test_fitted_on_validation);
  g_test_add_func ("/calibrate/no-validation-split", test_no_validation_split);
  g_test_add_func ("/calibrate/leave-one-out", test_leave_one_out);
  g_test_add_func ("/calibrate/energy", test_energy);
  g_test_add_func ("/calibrate/prior-correction", test_prior_correction);
  g_test_add_func ("/calibrate/balancing-reaches-trainer", test_balancing_reaches_trainer);
  g_test_add_func ("/calibrate/feature-scores", test_feature_scores);
  return g_test_run ();
}
