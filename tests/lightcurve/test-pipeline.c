/* test-pipeline.c: the training pipeline's issue-8 additions: training on
 * given rows, augmentation of the training split, seed ensembles stored in
 * one model file, and scoring given rows; preparing with progress, a stop
 * while preparing, and the same bytes from one or two encoding threads. */
#include <math.h>
#include <string.h>

#include "lc.h"
#include "lc-augment.h"
#include "lc-dataset-builder.h"
#include "testutil.h"

static LcDataset *
simulated (int n)
{
  LcSimulateOptions o;
  g_autoptr (GError) error = NULL;
  LcDataset *ds;
  lc_simulate_options_default (&o);
  o.n_objects = n;
  o.seed = 5;
  o.with_meta = TRUE;
  ds = lc_simulate (&o, NULL, NULL, &error);
  g_assert_no_error (error);
  return ds;
}

static NnModelDoc *
small_spec (const char *extra_fields)
{
  g_autofree char *text = g_strdup_printf (
    "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"t\",\n"
    " \"layers\": [{\"type\": \"gru\", \"units\": 8},\n"
    "            {\"type\": \"concat_metadata\"},\n"
    "            {\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
    " \"training\": {\"epochs\": 2, \"batch_size\": 32, \"seed\": 3, \"val_fraction\": 0.25}%s}",
    extra_fields);
  g_autoptr (GError) error = NULL;
  NnModelDoc *doc = nn_model_doc_load_from_data (text, -1, "spec.json", &error);
  g_assert_no_error (error);
  return doc;
}

/* Every small preset of models/, as shipped but for a cap on the epochs,
 * learns the simulated sample: its best validation accuracy is far above
 * always guessing the commonest class. */
static void
test_small_presets_learn (void)
{
  static const char *const presets[] = { "small-gru.json", "small-lstm.json", "small-simplernn.json",
                                         "small-conv1d.json", NULL };
  g_autoptr (LcDataset) ds = simulated (500);
  g_autofree int *counts = g_new0 (int, ds->n_classes);
  int commonest = 0;

  for (gsize i = 0; i < ds->n_objects; i++)
    if (ds->objects[i].label >= 0)
      counts[ds->objects[i].label]++;
  for (int c = 0; c < (int) ds->n_classes; c++)
    commonest = MAX (commonest, counts[c]);
  for (int i = 0; presets[i] != NULL; i++)
    {
      const char *src = g_getenv ("PASSBAND_SOURCE_DIR");
      g_autofree char *path = g_build_filename (src != NULL ? src : ".", "models", presets[i], NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (NnModelDoc) spec = nn_model_doc_load (path, &error);
      g_autoptr (LcTrainRun) run = NULL;
      LcTrainOverrides o;
      const NnEpochStats *best;

      g_assert_no_error (error);
      lc_train_overrides_init (&o);
      o.epochs = 15;
      run = lc_train_run_prepare (ds, spec, &o, &error);
      g_assert_no_error (error);
      g_assert_true (lc_train_run_train (run, NULL, &error));
      g_assert_no_error (error);
      best = &g_array_index (run->history->epochs, NnEpochStats, run->history->best_epoch);
      g_test_message ("%s: best validation accuracy %.3f (epoch %d; commonest class %.3f)", presets[i],
                      best->val_accuracy, best->epoch + 1, (double) commonest / ds->n_objects);
      g_assert_cmpfloat (best->val_accuracy, >=, 0.7);
      g_assert_cmpfloat (best->val_accuracy, >=, 2.0 * commonest / ds->n_objects);
    }
}

static void
test_augmented_training (void)
{
  g_autoptr (LcDataset) ds = simulated (120);
  g_autoptr (NnModelDoc) spec = small_spec (
    ", \"augmentation\": {\"copies\": 2, \"noise\": 1, \"time_shift\": 5, \"drop_fraction\": 0.1}");
  g_autoptr (LcTrainRun) run = NULL;
  g_autoptr (LcTrainRun) plain = NULL;
  g_autoptr (GError) error = NULL;
  LcTrainOverrides o;

  run = lc_train_run_prepare (ds, spec, NULL, &error);
  g_assert_no_error (error);
  /* about 1/4 of 120 for validation (rounded per class), untouched; every
   * training object with two copies */
  g_assert_cmpint (run->n_val, >=, 27);
  g_assert_cmpint (run->n_val, <=, 33);
  g_assert_cmpint (run->val->n, ==, run->n_val);
  g_assert_cmpint (run->train->n, ==, 3 * (120 - run->n_val));
  g_assert_cmpint (run->n_augmented, ==, 2 * (120 - run->n_val));
  g_assert_true (lc_train_run_train (run, NULL, &error));
  g_assert_no_error (error);
  /* the trained model says how it was trained */
  g_assert_nonnull (run->doc->augmentation);

  /* --augment 0 turns it off */
  lc_train_overrides_init (&o);
  o.augment_copies = 0;
  plain = lc_train_run_prepare (ds, spec, &o, &error);
  g_assert_no_error (error);
  g_assert_cmpint (plain->train->n, ==, 120 - plain->n_val);
  g_assert_null (plain->doc->augmentation);
}

static void
test_prepare_rows (void)
{
  g_autoptr (LcDataset) ds = simulated (120);
  g_autoptr (NnModelDoc) spec = small_spec ("");
  g_autoptr (LcTrainRun) run = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree int *labels = lc_split_labels_from_dataset (ds);
  g_autofree int *fold = lc_split_kfold (labels, (int) ds->n_objects, 4, 1, &error);
  g_autofree int *train_rows = NULL, *test_rows = NULL;
  int n_train, n_test;

  g_assert_no_error (error);
  train_rows = lc_split_fold_rows (fold, (int) ds->n_objects, 0, FALSE, &n_train);
  test_rows = lc_split_fold_rows (fold, (int) ds->n_objects, 0, TRUE, &n_test);
  run = lc_train_run_prepare_rows (ds, train_rows, n_train, spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run->train->n + run->n_val, ==, n_train);
  /* no validation object comes from the held-out fold */
  for (int i = 0; i < run->n_val; i++)
    g_assert_cmpint (fold[run->val_rows[i]], !=, 0);
}

static void
test_ensemble (void)
{
  g_autoptr (LcDataset) ds = simulated (100);
  g_autoptr (NnModelDoc) spec = small_spec (", \"ensemble\": {\"members\": 3}");
  g_autoptr (LcTrainRun) run = NULL;
  g_autoptr (LcPredictor) p = NULL;
  g_autoptr (NnModelDoc) loaded = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree float *probs = NULL;
  g_autofree float *m0 = NULL, *m1 = NULL, *m2 = NULL;
  g_autoptr (NnData) data = NULL;
  int rows[] = { 0, 1, 2, 3, 4 };
  int k;

  run = lc_train_run_prepare (ds, spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run->n_members, ==, 3);
  g_assert_true (lc_train_run_train (run, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nn_model_doc_n_members (run->doc), ==, 3);

  /* one file holds every member */
  text = nn_model_doc_to_data (run->doc, NULL);
  loaded = nn_model_doc_load_from_data (text, -1, "ensemble.json", &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->ensemble_members, ==, 3);
  g_assert_cmpint (nn_model_doc_n_members (loaded), ==, 3);
  {
    g_autofree char *again = nn_model_doc_to_data (loaded, NULL);
    g_assert_cmpstr (text, ==, again);
  }

  p = lc_predictor_new (loaded, &error);
  g_assert_no_error (error);
  g_assert_cmpint (p->n_models, ==, 3);
  probs = lc_predictor_predict (p, ds, rows, 5, 1, NULL, &error);
  g_assert_no_error (error);

  /* the prediction is the mean of the members', and the members differ */
  k = p->n_classes;
  data = lc_encoder_encode (p->encoder, ds, rows, 5, &error);
  m0 = g_new (float, 5 * k);
  m1 = g_new (float, 5 * k);
  m2 = g_new (float, 5 * k);
  g_assert_true (nn_model_predict (p->models[0], data, m0, 1, &error));
  g_assert_true (nn_model_predict (p->models[1], data, m1, 1, &error));
  g_assert_true (nn_model_predict (p->models[2], data, m2, 1, &error));
  g_assert_cmpfloat (fabs (m0[0] - m1[0]) + fabs (m0[1] - m1[1]), >, 1e-6);
  /* the mean, calibrated with the temperature fitted on the validation split */
  for (int i = 0; i < 5 * k; i++)
    m0[i] = (m0[i] + m1[i] + m2[i]) / 3.0f;
  nn_calibration_apply (m0, 5, k, loaded->temperature);
  for (int i = 0; i < 5 * k; i++)
    g_assert_cmpfloat (fabs (probs[i] - m0[i]), <, 1e-6);
}

static void
test_ensemble_file_errors (void)
{
  const char *too_many =
    "{\"format\": \"passband-model\", \"version\": 1,\n"
    " \"layers\": [{\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
    " \"ensemble\": {\"members\": 2, \"models\": [{\"weights\": []}, {\"weights\": []}]}}";
  const char *unknown =
    "{\"format\": \"passband-model\", \"version\": 1,\n"
    " \"layers\": [{\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
    " \"ensemble\": {\"members\": 2, \"seeds\": [1, 2]}}";
  const char *zero =
    "{\"format\": \"passband-model\", \"version\": 1,\n"
    " \"layers\": [{\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
    " \"ensemble\": {\"members\": 0}}";
  const char *const bad[] = { too_many, unknown, zero };
  const char *const says[] = { "models", "seeds", "members" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NnModelDoc) doc = nn_model_doc_load_from_data (bad[i], -1, "bad.json", &error);
      g_assert_null (doc);
      g_assert_error (error, NN_ERROR, NN_ERROR_FILE);
      g_assert_nonnull (strstr (error->message, "bad.json"));
      g_assert_nonnull (strstr (error->message, says[i]));
    }
}

static void
test_evaluate_rows (void)
{
  g_autoptr (LcDataset) ds = simulated (80);
  g_autoptr (NnModelDoc) spec = small_spec ("");
  g_autoptr (LcTrainRun) run = NULL;
  g_autoptr (LcPredictor) p = NULL;
  g_autoptr (LcEvaluation) some = NULL;
  g_autoptr (LcEvaluation) all = NULL;
  g_autoptr (GError) error = NULL;
  int rows[] = { 7, 3, 50 };

  run = lc_train_run_prepare (ds, spec, NULL, &error);
  g_assert_true (lc_train_run_train (run, NULL, &error));
  p = lc_predictor_new (run->doc, &error);
  g_assert_no_error (error);
  some = lc_predictor_evaluate_rows (p, ds, rows, 3, 1, &error);
  all = lc_predictor_evaluate (p, ds, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (some->n_rows, ==, 3);
  g_assert_cmpint (some->rows[0], ==, 7);
  g_assert_cmpint (some->rows[2], ==, 50);
  /* the same object gets the same probabilities either way (up to the BLAS
   * summation order of another batch) */
  for (int c = 0; c < p->n_classes; c++)
    g_assert_cmpfloat (fabs (some->probs[2 * p->n_classes + c] - all->probs[50 * p->n_classes + c]), <, 1e-5);
}

/* Three grid objects, two bands of 5 steps: band 0 is the ramp k * (1..5),
 * band 1 the constant 10^k. */
static LcDataset *
two_band_grid (void)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_TS, LC_VALUE_FLUX, "bands.ts");
  g_autoptr (GError) error = NULL;
  LcDataset *ds;
  lc_dataset_builder_set_on_grid (b, TRUE);
  lc_dataset_builder_set_bands (b, 2, (const char *[]) { "g", "r" });
  for (int k = 1; k <= 3; k++)
    {
      g_autofree char *id = g_strdup_printf ("o%d", k);
      lc_dataset_builder_begin_object (b, id, k);
      for (int t = 0; t < 5; t++)
        {
          lc_dataset_builder_add_observation (b, t, (float) (k * (t + 1)), NAN, 0, TRUE);
          lc_dataset_builder_add_observation (b, t, (float) pow (10, k), NAN, 1, TRUE);
        }
    }
  ds = lc_dataset_builder_finish (b, &error);
  g_assert_no_error (error);
  return ds;
}

static int
meta_index (const LcEncoder *enc, const char *name)
{
  for (int k = 0; k < lc_encoder_meta_features (enc); k++)
    if (strcmp (lc_encoder_meta_feature_name (enc, k), name) == 0)
      return k;
  g_error ("no static feature %s", name);
  return -1;
}

static void
test_band_features (void)
{
  static const char *const none[] = { NULL };
  g_autoptr (LcDataset) ds = two_band_grid ();
  g_autoptr (LcEncoder) enc = NULL;
  g_autoptr (LcEncoder) back = NULL;
  g_autoptr (NnData) data = NULL;
  g_autoptr (NnData) again = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autoptr (GError) error = NULL;
  LcEncoderOptions o;
  double med[3], mean = 0, sd = 0;
  int k_med, k_max, k_std;

  lc_encoder_options_default (&o);
  o.with_features = FALSE;
  o.with_band_features = TRUE;
  o.meta_columns = none;
  enc = lc_encoder_new (&o);
  g_assert_true (lc_encoder_fit (enc, ds, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lc_encoder_meta_features (enc), ==, 12);
  k_med = meta_index (enc, "asinh_median_r");
  k_max = meta_index (enc, "asinh_max_g");
  k_std = meta_index (enc, "asinh_std_r");
  data = lc_encoder_encode (enc, ds, NULL, 0, &error);
  g_assert_no_error (error);

  /* asinh median of band r is asinh(10^k), standardised over the three objects */
  for (int k = 0; k < 3; k++)
    {
      med[k] = asinh (pow (10, k + 1));
      mean += med[k] / 3;
    }
  for (int k = 0; k < 3; k++)
    sd += (med[k] - mean) * (med[k] - mean) / 3;
  sd = sqrt (sd);
  for (int k = 0; k < 3; k++)
    {
      g_assert_cmpfloat (fabs (data->meta[k * 12 + k_med] - (med[k] - mean) / sd), <, 1e-4);
      /* a constant band has no spread: the same value for every object, 0 once standardised */
      g_assert_cmpfloat (fabs (data->meta[k * 12 + k_std]), <, 1e-6);
    }
  /* the brightest point of the ramp grows with k */
  g_assert_cmpfloat (data->meta[0 * 12 + k_max], <, data->meta[1 * 12 + k_max]);
  g_assert_cmpfloat (data->meta[1 * 12 + k_max], <, data->meta[2 * 12 + k_max]);

  /* saved with the model and read back, it encodes the same */
  json = lc_encoder_to_json (enc);
  back = lc_encoder_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_true (lc_encoder_get_options (back)->with_band_features);
  again = lc_encoder_encode (back, ds, NULL, 0, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 3 * 12; i++)
    g_assert_cmpfloat (fabs (again->meta[i] - data->meta[i]), <, 1e-6);
}

static void
assert_same_data (const NnData *a, const NnData *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpint (a->n, ==, b->n);
  g_assert_cmpint (a->steps, ==, b->steps);
  g_assert_cmpint (a->features, ==, b->features);
  g_assert_cmpint (a->meta_features, ==, b->meta_features);
  g_assert_cmpmem (a->x, sizeof (float) * a->n * a->steps * a->features,
                   b->x, sizeof (float) * b->n * b->steps * b->features);
  g_assert_cmpmem (a->meta, sizeof (float) * a->n * a->meta_features,
                   b->meta, sizeof (float) * b->n * b->meta_features);
  g_assert_cmpmem (a->lengths, sizeof (int) * a->n, b->lengths, sizeof (int) * b->n);
  g_assert_cmpmem (a->labels, sizeof (int) * a->n, b->labels, sizeof (int) * b->n);
}

static char *
encoder_text (const LcEncoder *enc)
{
  g_autoptr (JsonNode) node = lc_encoder_to_json (enc);
  return json_to_string (node, FALSE);
}

#define PERIOD_SPEC ", \"preprocessing\": {\"with_band_features\": true, \"with_period_features\": true}"

static LcTrainRun *
prepare_with_progress (const LcDataset *ds, const NnModelDoc *spec, int threads, TuProgress *p,
                       GError **error)
{
  LcTrainOverrides o;

  lc_train_overrides_init (&o);
  o.threads = threads;
  return lc_train_run_prepare_full (ds, NULL, 0, spec, &o, tu_progress_cb, p, error);
}

/* TuProgress starts at 0, never goes back, ends at 1, and is called often
 * enough to stop on; one or two threads give the same bytes. */
static void
test_prepare_progress (void)
{
  g_autoptr (LcDataset) ds = simulated (160);
  g_autoptr (NnModelDoc) spec = small_spec (PERIOD_SPEC);
  g_autoptr (GArray) one = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) two = g_array_new (FALSE, FALSE, sizeof (double));
  TuProgress p1 = { one, 0, 0 }, p2 = { two, 0, 0 };
  g_autoptr (LcTrainRun) run1 = NULL;
  g_autoptr (LcTrainRun) run2 = NULL;
  g_autoptr (LcTrainRun) plain = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *enc1 = NULL, *enc2 = NULL, *enc_plain = NULL;
  gint64 t0 = g_get_monotonic_time ();

  run1 = prepare_with_progress (ds, spec, 1, &p1, &error);
  g_assert_no_error (error);
  g_test_message ("1 thread: %.2f s, %u calls", (g_get_monotonic_time () - t0) / 1e6, one->len);
  t0 = g_get_monotonic_time ();
  run2 = prepare_with_progress (ds, spec, 2, &p2, &error);
  g_assert_no_error (error);
  g_test_message ("2 threads: %.2f s, %u calls", (g_get_monotonic_time () - t0) / 1e6, two->len);

  for (int k = 0; k < 2; k++)
    {
      GArray *f = k == 0 ? one : two;
      /* fit (120 rows), train (120), val (40): dozens of calls at 4 objects each */
      g_assert_cmpuint (f->len, >=, 20);
      g_assert_cmpfloat (g_array_index (f, double, 0), ==, 0.0);
      g_assert_cmpfloat (g_array_index (f, double, f->len - 1), ==, 1.0);
      for (guint i = 1; i < f->len; i++)
        {
          g_assert_cmpfloat (g_array_index (f, double, i), >=, g_array_index (f, double, i - 1));
          g_assert_cmpfloat (g_array_index (f, double, i), <=, 1.0);
        }
    }

  /* the period features are in, and the bytes do not depend on the threads
   * nor on the progress function */
  g_assert_cmpint (meta_index (run1->encoder, "period_log10"), >=, 0);
  plain = lc_train_run_prepare (ds, spec, NULL, &error);
  g_assert_no_error (error);
  assert_same_data (run1->train, run2->train);
  assert_same_data (run1->val, run2->val);
  assert_same_data (run1->train, plain->train);
  assert_same_data (run1->val, plain->val);
  enc1 = encoder_text (run1->encoder);
  enc2 = encoder_text (run2->encoder);
  enc_plain = encoder_text (plain->encoder);
  g_assert_cmpstr (enc1, ==, enc2);
  g_assert_cmpstr (enc1, ==, enc_plain);
}

/* Returning FALSE at the first calls, in the fit, in the training and the
 * validation encoding, or at the end fails with LC_ERROR_CANCELLED, at once
 * (no call after it) and without leaks (the ASan build).  With two threads
 * the number of calls varies, so the later stops are by fraction: of 80
 * objects, 60 are fitted on (0 to 0.43), 60 encoded (to 0.86), 20 validate. */
static void
test_prepare_cancel (void)
{
  g_autoptr (LcDataset) ds = simulated (80);
  g_autoptr (NnModelDoc) spec = small_spec (PERIOD_SPEC);
  static const int stop_calls[] = { 1, 2 };
  static const double stop_fractions[] = { 0.2, 0.6, 0.9, 0.9999 };

  for (int threads = 1; threads <= 2; threads++)
    for (guint k = 0; k < G_N_ELEMENTS (stop_calls) + G_N_ELEMENTS (stop_fractions); k++)
      {
        g_autoptr (GArray) seen = g_array_new (FALSE, FALSE, sizeof (double));
        TuProgress p = { seen, 0, 0 };
        g_autoptr (GError) error = NULL;
        LcTrainRun *cancelled;

        if (k < G_N_ELEMENTS (stop_calls))
          p.stop_at = stop_calls[k];
        else
          p.stop_above = stop_fractions[k - G_N_ELEMENTS (stop_calls)];
        cancelled = prepare_with_progress (ds, spec, threads, &p, &error);
        g_assert_null (cancelled);
        g_assert_error (error, LC_ERROR, LC_ERROR_CANCELLED);
        if (p.stop_at > 0)
          g_assert_cmpint (seen->len, ==, p.stop_at);
        else
          {
            /* the call that said stop was the last */
            g_assert_cmpfloat (g_array_index (seen, double, seen->len - 1), >, p.stop_above);
            for (guint i = 0; i + 1 < seen->len; i++)
              g_assert_cmpfloat (g_array_index (seen, double, i), <=, p.stop_above);
          }
      }
}

/* Straight through the encoder, with more rows than one block of the
 * static pass: fit and encode with two threads give one thread's bytes, and
 * a stop in the second block leaves the encoder unfitted. */
static void
test_encoder_threads (void)
{
  static const char *const none[] = { NULL };
  g_autoptr (LcDataset) ds = simulated (1300);
  g_autoptr (LcEncoder) one = NULL;
  g_autoptr (LcEncoder) two = NULL;
  g_autoptr (NnData) data1 = NULL;
  g_autoptr (NnData) data2 = NULL;
  g_autoptr (GArray) seen = g_array_new (FALSE, FALSE, sizeof (double));
  TuProgress p = { seen, 0, 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *text1 = NULL, *text2 = NULL;
  LcEncoderOptions o;

  lc_encoder_options_default (&o);
  o.with_band_features = TRUE;
  o.meta_columns = none;
  one = lc_encoder_new (&o);
  two = lc_encoder_new (&o);
  lc_encoder_set_threads (two, 2);
  lc_encoder_set_progress (two, tu_progress_cb, &p);
  g_assert_true (lc_encoder_fit (one, ds, NULL, 0, &error));
  g_assert_true (lc_encoder_fit (two, ds, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (g_array_index (seen, double, seen->len - 1), ==, 1.0);
  text1 = encoder_text (one);
  text2 = encoder_text (two);
  g_assert_cmpstr (text1, ==, text2);

  g_array_set_size (seen, 0);
  data1 = lc_encoder_encode (one, ds, NULL, 0, &error);
  data2 = lc_encoder_encode (two, ds, NULL, 0, &error);
  g_assert_no_error (error);
  assert_same_data (data1, data2);
  {
    /* the caller's thread count, not the encoder's: how a shared predictor encodes */
    g_autoptr (NnData) data3 = lc_encoder_encode_window (one, ds, NULL, 0, 0, 0.0, 2, &error);

    g_assert_no_error (error);
    assert_same_data (data1, data3);
  }
  for (guint i = 1; i < seen->len; i++)
    g_assert_cmpfloat (g_array_index (seen, double, i), >=, g_array_index (seen, double, i - 1));
  g_assert_cmpfloat (g_array_index (seen, double, seen->len - 1), ==, 1.0);

  /* a stop past the first block of 1024 objects */
  g_array_set_size (seen, 0);
  p.stop_above = 1100.0 / 1300;
  g_assert_null (lc_encoder_encode (two, ds, NULL, 0, &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpfloat (g_array_index (seen, double, seen->len - 1), >, 1100.0 / 1300);
  g_assert_cmpfloat (g_array_index (seen, double, seen->len - 1), <, 1.0);
  g_array_set_size (seen, 0);
  g_assert_false (lc_encoder_fit (two, ds, NULL, 0, &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_CANCELLED);
  g_assert_false (lc_encoder_is_fitted (two));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pipeline/small-presets-learn", test_small_presets_learn);
  g_test_add_func ("/pipeline/augmented-training", test_augmented_training);
  g_test_add_func ("/pipeline/prepare-rows", test_prepare_rows);
  g_test_add_func ("/pipeline/ensemble", test_ensemble);
  g_test_add_func ("/pipeline/ensemble-file-errors", test_ensemble_file_errors);
  g_test_add_func ("/pipeline/evaluate-rows", test_evaluate_rows);
  g_test_add_func ("/pipeline/band-features", test_band_features);
  g_test_add_func ("/pipeline/prepare-progress", test_prepare_progress);
  g_test_add_func ("/pipeline/prepare-cancel", test_prepare_cancel);
  g_test_add_func ("/pipeline/encoder-threads", test_encoder_threads);
  return g_test_run ();
}
