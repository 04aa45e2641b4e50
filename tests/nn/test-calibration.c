/* test-calibration.c: expected calibration error, the reliability diagram
 * and temperature scaling, against values worked out by hand, and the
 * "calibration" section of model files. */
#include <math.h>
#include <string.h>

#include "nn.h"
#include "testutil.h"

/* Four labelled rows and one unlabelled, inside three of the 15 bins:
 *   0.95 right (bin 14), 0.70 right and 0.70 wrong (bin 10), 0.55 wrong (bin 8)
 * ECE = 1/4 |1 - 0.95| + 2/4 |0.5 - 0.7| + 1/4 |0 - 0.55| = 0.0125 + 0.1 + 0.1375 */
static const float hand_probs[] = {
  0.95f, 0.05f,
  0.30f, 0.70f,
  0.70f, 0.30f,
  0.45f, 0.55f,
  0.20f, 0.80f,
};
static const int hand_labels[] = { 0, 1, 1, 0, -1 };

static void
test_reliability_by_hand (void)
{
  double conf[NN_METRICS_ECE_BINS], acc[NN_METRICS_ECE_BINS];
  int count[NN_METRICS_ECE_BINS];
  double ece = nn_metrics_reliability (hand_probs, hand_labels, 5, 2, NN_METRICS_ECE_BINS, conf, acc,
                                       count);

  g_assert_cmpfloat_with_epsilon (ece, 0.25, 1e-6);
  g_assert_cmpfloat_with_epsilon (nn_metrics_ece (hand_probs, hand_labels, 5, 2), 0.25, 1e-6);
  for (int b = 0; b < NN_METRICS_ECE_BINS; b++)
    {
      int expected = b == 14 ? 1 : b == 10 ? 2 : b == 8 ? 1 : 0;
      g_assert_cmpint (count[b], ==, expected);
      if (expected == 0)
        {
          g_assert_true (isnan (conf[b]));
          g_assert_true (isnan (acc[b]));
        }
    }
  g_assert_cmpfloat_with_epsilon (conf[14], 0.95, 1e-6);
  g_assert_cmpfloat_with_epsilon (acc[14], 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (conf[10], 0.70, 1e-6);
  g_assert_cmpfloat_with_epsilon (acc[10], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (conf[8], 0.55, 1e-6);
  g_assert_cmpfloat_with_epsilon (acc[8], 0.0, 1e-12);
}

static void
test_reliability_edges (void)
{
  /* a top probability of 1 is in the last bin; 1/3 exactly on an edge of 15
   * bins would be ambiguous in float, so the edges tested are 1 and 0.5 */
  static const float probs[] = { 1.0f, 0.0f, 0.5f, 0.5f, 0.5f, 0.5f };
  static const int labels[] = { 0, 0, 1 };
  static const int none[] = { -1, -1, 7 };
  int count[NN_METRICS_ECE_BINS];
  double ece = nn_metrics_reliability (probs, labels, 3, 2, NN_METRICS_ECE_BINS, NULL, NULL, count);

  g_assert_cmpint (count[14], ==, 1);
  g_assert_cmpint (count[7], ==, 2);   /* 0.5 * 15 = 7.5 */
  /* perfectly calibrated: 1.0 always right, 0.5 right half the time */
  g_assert_cmpfloat_with_epsilon (ece, 0.0, 1e-12);
  g_assert_true (isnan (nn_metrics_ece (probs, none, 3, 2)));
}

static void
test_report_has_reliability (void)
{
  g_autoptr (NnClassReport) r = nn_class_report_new (hand_probs, hand_labels, 5, 2, NULL);
  g_assert_cmpint (r->n_bins, ==, NN_METRICS_ECE_BINS);
  g_assert_cmpfloat_with_epsilon (r->ece, 0.25, 1e-6);
  g_assert_cmpint (r->bin_count[10], ==, 2);
}

static void
test_apply_by_hand (void)
{
  /* softmax (log p / 2) = sqrt (p) normalised: [0.8, 0.2] -> [2/3, 1/3] */
  float probs[] = { 0.8f, 0.2f, 0.25f, 0.75f };
  float same[] = { 0.8f, 0.2f, 0.25f, 0.75f };
  float sharp[] = { 0.8f, 0.2f };

  nn_calibration_apply (same, 2, 2, 1.0);
  g_assert_cmpmem (same, sizeof same, probs, sizeof probs);
  nn_calibration_apply (probs, 2, 2, 2.0);
  g_assert_cmpfloat_with_epsilon (probs[0], 2.0 / 3.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (probs[1], 1.0 / 3.0, 1e-6);
  /* sqrt (0.25) : sqrt (0.75) = 1 : sqrt 3 */
  g_assert_cmpfloat_with_epsilon (probs[2], 1.0 / (1.0 + sqrt (3.0)), 1e-6);
  /* T = 0.5 squares: 0.64 / 0.68 */
  nn_calibration_apply (sharp, 1, 2, 0.5);
  g_assert_cmpfloat_with_epsilon (sharp[0], 0.64 / 0.68, 1e-6);
}

static void
test_apply_zero_and_nll (void)
{
  /* a probability of 0 stays finite and tiny; the row still sums to 1 */
  float probs[] = { 1.0f, 0.0f, 0.0f };
  static const int labels[] = { 0 };
  nn_calibration_apply (probs, 1, 3, 3.0);
  g_assert_true (isfinite (probs[1]) && probs[1] > 0.0f && probs[1] < 1e-9f);
  g_assert_cmpfloat_with_epsilon (probs[0] + probs[1] + probs[2], 1.0, 1e-6);
  /* the NLL at T equals the log loss of the calibrated rows */
  {
    float p[] = { 0.6f, 0.3f, 0.1f, 0.2f, 0.7f, 0.1f };
    static const int y[] = { 1, 1 };
    float q[6];
    double nll = nn_calibration_nll (p, y, 2, 3, 1.7);
    memcpy (q, p, sizeof p);
    nn_calibration_apply (q, 2, 3, 1.7);
    g_assert_cmpfloat_with_epsilon (nll, nn_metrics_log_loss (q, y, 2, 3), 1e-6);
  }
  g_assert_true (isnan (nn_calibration_nll (probs, (const int[]) { -1 }, 1, 3, 1.0)));
  (void) labels;
}

/* n rows whose reported probabilities are softmax (sharpness * z) while the
 * labels are drawn from softmax (z): an over-confident classifier for
 * sharpness > 1, whose best temperature is sharpness. */
static void
simulate_miscalibrated (int n, int k, double sharpness, guint64 seed, float *probs, int *labels)
{
  NnRng rng;
  g_autofree double *z = g_new (double, k);
  nn_rng_init (&rng, seed);
  for (int i = 0; i < n; i++)
    {
      double top = -INFINITY, sum = 0.0, sharp_sum = 0.0, u, acc = 0.0;
      for (int c = 0; c < k; c++)
        {
          z[c] = 1.5 * nn_rng_normal (&rng) + (c == i % k ? 1.0 : 0.0);
          top = MAX (top, z[c]);
        }
      for (int c = 0; c < k; c++)
        {
          sum += exp (z[c] - top);
          sharp_sum += exp (sharpness * (z[c] - top));
        }
      u = nn_rng_uniform (&rng) * sum;
      labels[i] = k - 1;
      for (int c = 0; c < k; c++)
        {
          acc += exp (z[c] - top);
          if (u < acc)
            {
              labels[i] = c;
              break;
            }
        }
      for (int c = 0; c < k; c++)
        probs[(gsize) i * k + c] = (float) (exp (sharpness * (z[c] - top)) / sharp_sum);
    }
}

static void
test_fit_recovers_temperature (void)
{
  const int n = 6000, k = 5;
  const double truths[] = { 2.5, 0.6 };

  for (guint t = 0; t < G_N_ELEMENTS (truths); t++)
    {
      g_autofree float *probs = g_new (float, n * k);
      g_autofree int *labels = g_new (int, n);
      double fitted, nll_fit, ece_before, ece_after;

      simulate_miscalibrated (n, k, truths[t], 42 + t, probs, labels);
      fitted = nn_calibration_fit_temperature (probs, labels, n, k);
      g_assert_cmpfloat (fabs (fitted - truths[t]) / truths[t], <, 0.08);
      /* the fitted T is the minimum: lower than T = 1 and than its neighbours */
      nll_fit = nn_calibration_nll (probs, labels, n, k, fitted);
      g_assert_cmpfloat (nll_fit, <, nn_calibration_nll (probs, labels, n, k, 1.0) - 0.01);
      g_assert_cmpfloat (nll_fit, <=, nn_calibration_nll (probs, labels, n, k, fitted * 1.02));
      g_assert_cmpfloat (nll_fit, <=, nn_calibration_nll (probs, labels, n, k, fitted / 1.02));
      ece_before = nn_metrics_ece (probs, labels, n, k);
      nn_calibration_apply (probs, n, k, fitted);
      ece_after = nn_metrics_ece (probs, labels, n, k);
      g_assert_cmpfloat (ece_after, <, ece_before);
      g_assert_cmpfloat (ece_after, <, 0.03);
    }
}

static void
test_fit_calibrated_stays_near_one (void)
{
  const int n = 6000, k = 4;
  g_autofree float *probs = g_new (float, n * k);
  g_autofree int *labels = g_new (int, n);
  static const int none[] = { -1, -1 };

  simulate_miscalibrated (n, k, 1.0, 7, probs, labels);
  g_assert_cmpfloat (fabs (nn_calibration_fit_temperature (probs, labels, n, k) - 1.0), <, 0.08);
  g_assert_cmpfloat (nn_calibration_fit_temperature (probs, none, 2, k), ==, 1.0);
}

static NnModelDoc *
small_doc (void)
{
  NnModelDoc *doc = nn_model_doc_new ();
  NnLayerConfig cfg;
  nn_layer_config_default_for_kind (&cfg, NN_LAYER_DENSE);
  cfg.units = 3;
  nn_model_doc_add_layer (doc, NN_LAYER_DENSE, &cfg, NULL);
  return doc;
}

static void
test_model_file_round_trip (void)
{
  g_autoptr (NnModelDoc) doc = small_doc ();
  g_autoptr (NnModelDoc) back = NULL, plain = NULL;
  g_autofree char *text = NULL, *plain_text = NULL;
  g_autoptr (GError) error = NULL;

  /* absent: 1, and nothing is written */
  plain_text = nn_model_doc_to_data (doc, NULL);
  g_assert_null (strstr (plain_text, "calibration"));
  plain = nn_model_doc_load_from_data (plain_text, -1, "plain.json", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (plain->temperature, ==, 1.0);

  doc->temperature = 1.2345678901234;
  doc->calibration.rows = 369;
  doc->calibration.nll_before = 1.1;
  doc->calibration.nll_after = 0.9;
  doc->calibration.ece_before = 0.12;
  doc->calibration.ece_after = 0.02;
  text = nn_model_doc_to_data (doc, NULL);
  g_assert_nonnull (strstr (text, "\"calibration\": {\"temperature\": 1.2345678901234"));
  back = nn_model_doc_load_from_data (text, -1, "model.json", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (back->temperature, ==, doc->temperature);
  g_assert_cmpint (back->calibration.rows, ==, 369);
  g_assert_cmpfloat (back->calibration.nll_after, ==, 0.9);
  g_assert_cmpfloat (back->calibration.ece_before, ==, 0.12);

  /* a copy keeps it, clearing the weights drops it */
  {
    g_autoptr (NnModelDoc) copy = nn_model_doc_copy (back);
    g_assert_cmpfloat (copy->temperature, ==, doc->temperature);
    nn_model_doc_clear_weights (copy);
    g_assert_cmpfloat (copy->temperature, ==, 1.0);
    g_assert_cmpint (copy->calibration.rows, ==, 0);
  }
}

/* softmax (log p / T + b) worked out by hand, and the offsets of the prior
 * correction undo the priors the network learned. */
static void
test_apply_offsets (void)
{
  float probs[] = { 0.5f, 0.25f, 0.25f, 0.2f, 0.3f, 0.5f };
  float plain[6], scaled[6];
  const float offsets[] = { 0.0f, (float) G_LN2, (float) G_LN2 };

  /* 0.5 : 0.5 : 0.5 */
  nn_calibration_apply_offsets (probs, 1, 3, 1.0, offsets);
  for (int c = 0; c < 3; c++)
    g_assert_cmpfloat_with_epsilon (probs[c], 1.0 / 3.0, 1e-6);
  /* without offsets, the temperature alone, as nn_calibration_apply */
  memcpy (plain, probs + 3, sizeof (float) * 3);
  memcpy (scaled, probs + 3, sizeof (float) * 3);
  nn_calibration_apply (plain, 1, 3, 2.0);
  nn_calibration_apply_offsets (scaled, 1, 3, 2.0, NULL);
  for (int c = 0; c < 3; c++)
    g_assert_cmpfloat (plain[c], ==, scaled[c]);
  /* T 2 and offsets: weights sqrt(p) e^b = sqrt(0.2), 2 sqrt(0.3), 2 sqrt(0.5) */
  nn_calibration_apply_offsets (probs + 3, 1, 3, 2.0, offsets);
  {
    double w[] = { sqrt (0.2), 2 * sqrt (0.3), 2 * sqrt (0.5) }, sum = w[0] + w[1] + w[2];
    for (int c = 0; c < 3; c++)
      g_assert_cmpfloat_with_epsilon (probs[3 + c], w[c] / sum, 1e-6);
  }
}

static void
test_prior_offsets (void)
{
  /* 6, 3 and 1 rows; an unlabelled row does not count */
  static const int labels[] = { 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, -1 };
  static const float weights[] = { 1.0f, 2.0f, 0.5f };
  float offsets[3], prior[] = { 0.6f, 0.3f, 0.1f };

  nn_calibration_prior_offsets (labels, 11, 3, NULL, 1.0, offsets);
  g_assert_cmpfloat_with_epsilon (offsets[0], -log (0.6), 1e-6);
  g_assert_cmpfloat_with_epsilon (offsets[1], -log (0.3), 1e-6);
  g_assert_cmpfloat_with_epsilon (offsets[2], -log (0.1), 1e-6);
  /* the prior itself becomes uniform */
  nn_calibration_apply_offsets (prior, 1, 3, 1.0, offsets);
  for (int c = 0; c < 3; c++)
    g_assert_cmpfloat_with_epsilon (prior[c], 1.0 / 3.0, 1e-6);
  /* half the strength */
  nn_calibration_prior_offsets (labels, 11, 3, NULL, 0.5, offsets);
  g_assert_cmpfloat_with_epsilon (offsets[2], -0.5 * log (0.1), 1e-6);
  /* weighted classes: the loss saw n_c w_c */
  nn_calibration_prior_offsets (labels, 11, 3, weights, 1.0, offsets);
  g_assert_cmpfloat_with_epsilon (offsets[0] - offsets[1], -log (6.0 / 6.0), 1e-6);
  g_assert_cmpfloat_with_epsilon (offsets[1] - offsets[2], -log (6.0 / 0.5), 1e-6);
}

/* The prior correction's offsets and setting: written, read back, copied,
 * dropped with the weights, refused when they do not fit. */
static void
test_model_file_class_offsets (void)
{
  g_autoptr (NnModelDoc) doc = small_doc ();
  g_autoptr (NnModelDoc) back = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  const int ids[] = { 6, 15, 90 };

  nn_model_doc_set_classes (doc, 3, ids, NULL);
  doc->training.prior_correction = 0.75f;
  doc->class_offsets = g_new (float, 3);
  doc->class_offsets[0] = 0.5f;
  doc->class_offsets[1] = -1.25f;
  doc->class_offsets[2] = 3.0e-7f;
  text = nn_model_doc_to_data (doc, NULL);
  g_assert_nonnull (strstr (text, "\"class_offsets\": ["));
  g_assert_nonnull (strstr (text, "\"prior_correction\": 0.75"));
  back = nn_model_doc_load_from_data (text, -1, "model.json", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (back->training.prior_correction, ==, 0.75f);
  g_assert_nonnull (back->class_offsets);
  for (int c = 0; c < 3; c++)
    g_assert_cmpfloat (back->class_offsets[c], ==, doc->class_offsets[c]);
  {
    g_autoptr (NnModelDoc) copy = nn_model_doc_copy (back);
    g_assert_cmpfloat (copy->class_offsets[1], ==, -1.25f);
    nn_model_doc_clear_weights (copy);
    g_assert_null (copy->class_offsets);
    g_free (text);
    text = nn_model_doc_to_data (copy, NULL);
    g_assert_null (strstr (text, "class_offsets"));
  }
}

/* The "novelty" section: refused when it does not fit the model. */
static void
test_model_file_refuses_bad_novelty (void)
{
  /* 2 rows of 2 unit-length features, base64 of the little-endian floats 1 0 0 1 */
  static const char *const tensor =
    "{\"shape\": [2, 2], \"data\": \"AACAPwAAAAAAAAAAAACAPw==\"}";
  static const char *const bad[][2] = {
    { "{\"score\": \"lof\", \"k\": 1, \"members\": [{\"reference\": %s}]}", "score" },
    { "{\"score\": \"knn\", \"k\": 0, \"members\": [{\"reference\": %s}]}", "k" },
    { "{\"score\": \"knn\", \"k\": 1, \"members\": [{\"reference\": %s}, {\"reference\": %s}]}", "members" },
    { "{\"score\": \"knn\", \"k\": 1, \"members\": [{\"refrence\": %s}]}", "refrence" },
    { "{\"score\": \"knn\", \"k\": 1, \"threshold\": -1, \"members\": [{\"reference\": %s}]}", "threshold" },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) good = NULL;
  g_autofree char *good_text = g_strdup_printf (
    "{\"format\": \"passband-model\", \"version\": 1, \"layers\": [{\"type\": \"dense\", \"units\": 2}], "
    "\"novelty\": {\"score\": \"knn\", \"k\": 1, \"threshold\": 0.5, \"members\": [{\"reference\": %s}]}}", tensor);

  good = nn_model_doc_load_from_data (good_text, -1, "good.json", &error);
  g_assert_no_error (error);
  g_assert_cmpint (good->novelty_reference->len, ==, 1);
  g_assert_cmpint (good->novelty_k, ==, 1);
  g_assert_cmpfloat (good->novelty_threshold, ==, 0.5);
  g_assert_cmpfloat (((NnTensorData *) g_ptr_array_index (good->novelty_reference, 0))->data[3], ==, 1.0f);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *section = g_strdup_printf (bad[i][0], tensor, tensor);
      g_autofree char *text = g_strdup_printf (
        "{\"format\": \"passband-model\", \"version\": 1, \"layers\": [{\"type\": \"dense\", \"units\": 2}], "
        "\"novelty\": %s}", section);
      g_autoptr (NnModelDoc) doc = NULL;
      g_clear_error (&error);
      doc = nn_model_doc_load_from_data (text, -1, "bad.json", &error);
      g_assert_null (doc);
      g_assert_error (error, NN_ERROR, NN_ERROR_FILE);
      if (strstr (error->message, bad[i][1]) == NULL)
        g_error ("“%s” does not say “%s”", error->message, bad[i][1]);
    }
}

static void
expect_refused (const char *calibration, const char *message_part)
{
  g_autofree char *text = g_strdup_printf (
    "{\"format\": \"passband-model\", \"version\": 1, \"layers\": [{\"type\": \"dense\", \"units\": 2}], "
    "\"calibration\": %s}", calibration);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load_from_data (text, -1, "bad.json", &error);

  g_assert_null (doc);
  g_assert_error (error, NN_ERROR, NN_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, "bad.json"));
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not say “%s”", error->message, message_part);
}

static void
test_model_file_refuses_bad_calibration (void)
{
  expect_refused ("{\"temperature\": 0}", "temperature");
  expect_refused ("{\"temperature\": -2}", "temperature");
  expect_refused ("{\"temperature\": 1000}", "temperature");
  expect_refused ("{\"temperature\": \"warm\"}", "temperature");
  expect_refused ("{}", "temperature");
  expect_refused ("{\"temperature\": 1.5, \"tempreature\": 2}", "tempreature");
  expect_refused ("{\"temperature\": 1.5, \"ece_after\": 3}", "ece_after");
  expect_refused ("[1.5]", "calibration");
  /* the test document has no classes: offsets cannot fit */
  expect_refused ("{\"temperature\": 1, \"class_offsets\": [0.5]}", "class_offsets");
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (NnModelDoc) doc = NULL;
    static const char *const bad[] = { "[1, 2]", "[1, \"x\", 3]", "[1, 2, 1e39]", "3" };
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *text = g_strdup_printf (
          "{\"format\": \"passband-model\", \"version\": 1, \"layers\": [{\"type\": \"dense\", \"units\": 3}], "
          "\"classes\": [{\"id\": 1, \"name\": \"a\"}, {\"id\": 2, \"name\": \"b\"}, {\"id\": 3, \"name\": \"c\"}], "
          "\"calibration\": {\"temperature\": 1, \"class_offsets\": %s}}", bad[i]);
        g_clear_error (&error);
        doc = nn_model_doc_load_from_data (text, -1, "bad.json", &error);
        g_assert_null (doc);
        g_assert_error (error, NN_ERROR, NN_ERROR_FILE);
        g_assert_nonnull (strstr (error->message, "class_offsets"));
      }
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (NnModelDoc) doc = nn_model_doc_load_from_data (
      "{\"format\": \"passband-model\", \"version\": 1, \"layers\": [{\"type\": \"dense\", \"units\": 3}], "
      "\"training\": {\"prior_correction\": -0.5}}", -1, "bad.json", &error);
    g_assert_null (doc);
    g_assert_nonnull (strstr (error->message, "prior_correction"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/calibration/reliability-by-hand", test_reliability_by_hand);
  g_test_add_func ("/calibration/reliability-edges", test_reliability_edges);
  g_test_add_func ("/calibration/report", test_report_has_reliability);
  g_test_add_func ("/calibration/apply-by-hand", test_apply_by_hand);
  g_test_add_func ("/calibration/apply-zero-and-nll", test_apply_zero_and_nll);
  g_test_add_func ("/calibration/fit-recovers-temperature", test_fit_recovers_temperature);
  g_test_add_func ("/calibration/fit-calibrated", test_fit_calibrated_stays_near_one);
  g_test_add_func ("/calibration/model-file", test_model_file_round_trip);
  g_test_add_func ("/calibration/model-file-refuses", test_model_file_refuses_bad_calibration);
  g_test_add_func ("/calibration/apply-offsets", test_apply_offsets);
  g_test_add_func ("/calibration/model-file-novelty-refused", test_model_file_refuses_bad_novelty);
  g_test_add_func ("/calibration/prior-offsets", test_prior_offsets);
  g_test_add_func ("/calibration/model-file-class-offsets", test_model_file_class_offsets);
  return g_test_run ();
}
