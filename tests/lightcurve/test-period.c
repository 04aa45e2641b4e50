/* test-period.c: the period search (lc-period) and the encoder's period features */
#include "lc-dataset-builder.h"
#include "lc-encoder.h"
#include "lc-format.h"
#include "lc-period.h"
#include "nn-rng.h"
#include "testutil.h"

#include <math.h>
#include <string.h>

static char *tmp_dir;

/* A pulsator seen irregularly in three bands with different depths and
 * amplitudes: a Fourier series with A2/A1 = 0.5, A3/A1 = 0.3 and known
 * phases, sampled at night-time hours over ~3 seasons, with Gaussian noise of
 * the stated errors. */
typedef struct
{
  double period;
  double phase[3];
  int n;
  double *time;
  float *value;
  float *error;
  guint8 *band;
} Star;

static double
star_shape (const Star *s, double t)
{
  static const double amp[3] = { 1.0, 0.5, 0.3 };
  double v = 0;
  for (int h = 0; h < 3; h++)
    v += amp[h] * cos (2 * G_PI * (h + 1) * t / s->period + s->phase[h]);
  return v;
}

static void
star_make (Star *s, double period, int n, double noise, guint64 seed)
{
  static const double offset[3] = { 17.0, 16.4, 16.2 };
  static const double scale[3] = { 0.5, 0.35, 0.3 };
  NnRng rng;

  nn_rng_init (&rng, seed);
  s->period = period;
  s->phase[0] = 0.3;
  s->phase[1] = 1.9;
  s->phase[2] = 4.0;
  s->n = n;
  s->time = g_new (double, n);
  s->value = g_new (float, n);
  s->error = g_new (float, n);
  s->band = g_new (guint8, n);
  for (int i = 0; i < n; i++)
    {
      int season = i * 3 / n;
      int b = i % 3;
      /* nights within a 120-day season, at an hour near local midnight */
      double night = floor (nn_rng_uniform (&rng) * 120.0);
      s->time[i] = 53000.0 + 365.25 * season + night + 0.1 * nn_rng_uniform (&rng);
      s->band[i] = (guint8) b;
      s->error[i] = (float) noise;
      s->value[i] = (float) (offset[b] + scale[b] * star_shape (s, s->time[i]) + noise * nn_rng_normal (&rng));
    }
}

static void
star_clear (Star *s)
{
  g_free (s->time);
  g_free (s->value);
  g_free (s->error);
  g_free (s->band);
}

static double
expected_phi (double phi_h, int h, double phi_1)
{
  double d = fmod (phi_h - h * phi_1, 2 * G_PI);
  return d < 0 ? d + 2 * G_PI : d;
}

/* The angle between two phases, wrapped to [0, π]. */
static double
phase_distance (double a, double b)
{
  double d = fabs (fmod (a - b, 2 * G_PI));
  return MIN (d, 2 * G_PI - d);
}

static void
test_recovers_period_and_shape (void)
{
  const double periods[] = { 0.31, 0.57, 0.83, 3.7 };

  for (guint k = 0; k < G_N_ELEMENTS (periods); k++)
    {
      Star s;
      LcPeriodFit fit;

      star_make (&s, periods[k], 240, 0.03, 11 + k);
      g_assert_true (lc_period_fit (s.time, s.value, s.error, s.band, s.n, 3, NULL, &fit));
      g_assert_cmpfloat_with_epsilon (fit.period, periods[k], 1e-4 * periods[k]);
      g_assert_cmpint (fit.n_used, ==, 240);
      /* the series explains nearly everything; noise is ~5 % of the spread */
      g_assert_cmpfloat (fit.power, >, 0.95);
      g_assert_cmpfloat (fit.power, <=, 1.0);
      g_assert_cmpfloat_with_epsilon (fit.r21, 0.5, 0.05);
      g_assert_cmpfloat_with_epsilon (fit.r31, 0.3, 0.05);
      g_assert_cmpfloat (phase_distance (fit.phi21, expected_phi (s.phase[1], 2, s.phase[0])), <, 0.1);
      g_assert_cmpfloat (phase_distance (fit.phi31, expected_phi (s.phase[2], 3, s.phase[0])), <, 0.15);
      g_assert_cmpfloat (fit.amplitude, >, 0.0);
      star_clear (&s);
    }
}

/* Without errors every observation weighs the same; the answer must not change. */
static void
test_without_errors (void)
{
  Star s;
  LcPeriodFit fit;

  star_make (&s, 0.47, 200, 0.05, 5);
  g_assert_true (lc_period_fit (s.time, s.value, NULL, s.band, s.n, 3, NULL, &fit));
  g_assert_cmpfloat_with_epsilon (fit.period, 0.47, 1e-4);
  star_clear (&s);
}

/* A strong outlier is clipped, not followed. */
static void
test_outlier (void)
{
  Star s;
  LcPeriodFit fit;

  star_make (&s, 0.61, 200, 0.03, 9);
  s.value[17] = 99.0f;
  s.value[18] = NAN;
  g_assert_true (lc_period_fit (s.time, s.value, s.error, s.band, s.n, 3, NULL, &fit));
  g_assert_cmpfloat_with_epsilon (fit.period, 0.61, 1e-4);
  g_assert_cmpint (fit.n_used, ==, 199);
  star_clear (&s);
}

static void
assert_no_fit (const LcPeriodFit *fit)
{
  g_assert_true (isnan (fit->period));
  g_assert_true (isnan (fit->power));
  g_assert_true (isnan (fit->r21));
  g_assert_cmpint (fit->n_used, ==, 0);
}

/* Too little to search: a clear "no period", never a made-up one. */
static void
test_degenerate (void)
{
  Star s;
  LcPeriodFit fit;
  LcPeriodOptions options;

  star_make (&s, 0.5, 60, 0.03, 3);
  g_assert_false (lc_period_fit (s.time, s.value, s.error, s.band, 0, 3, NULL, &fit));
  assert_no_fit (&fit);
  g_assert_false (lc_period_fit (s.time, s.value, s.error, s.band, 10, 3, NULL, &fit));
  assert_no_fit (&fit);

  /* every observation at one time: no baseline */
  for (int i = 0; i < s.n; i++)
    s.time[i] = 53000.0;
  g_assert_false (lc_period_fit (s.time, s.value, s.error, s.band, s.n, 3, NULL, &fit));
  assert_no_fit (&fit);

  /* nothing finite */
  star_clear (&s);
  star_make (&s, 0.5, 60, 0.03, 3);
  for (int i = 0; i < s.n; i++)
    s.value[i] = NAN;
  g_assert_false (lc_period_fit (s.time, s.value, s.error, s.band, s.n, 3, NULL, &fit));
  assert_no_fit (&fit);

  /* a search range that is empty */
  star_clear (&s);
  star_make (&s, 0.5, 60, 0.03, 3);
  lc_period_options_default (&options);
  options.min_period = 5.0;
  options.max_period = 2.0;
  g_assert_false (lc_period_fit (s.time, s.value, s.error, s.band, s.n, 3, &options, &fit));
  assert_no_fit (&fit);

  /* constant values: nothing varies, but nothing crashes either */
  for (int i = 0; i < s.n; i++)
    s.value[i] = 15.0f;
  lc_period_fit (s.time, s.value, s.error, s.band, s.n, 3, NULL, &fit);
  g_assert_true (isnan (fit.period) || (fit.power >= 0.0 && fit.power <= 1.0));
  star_clear (&s);
}

/* Real survey light curves: SDSS Stripe 82 RR Lyrae against the periods
 * Sesar et al. (2010) published.  The first 120 stars keep the test short;
 * on all 483 the search finds 96 % (464) within 1 %. */
static void
test_rrlyrae_catalogue (void)
{
  g_autofree char *folder = tu_extract_shared_archive (
    "data/sdss_s82_rrlyrae/rrlyrae_sesar2010_lightcurves.tar.gz", tmp_dir, "rrlyrae");
  g_autofree char *curves = g_build_filename (folder, "light-curves", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load (curves, NULL, NULL, NULL, &error);
  LcPeriodOptions options;
  int n = 120, found = 0;

  g_assert_no_error (error);
  g_assert_cmpint (ds->n_meta, ==, 1);
  g_assert_cmpstr (ds->meta_names[0], ==, "period");
  lc_period_options_default (&options);
  options.min_period = 0.2;
  for (int i = 0; i < n; i++)
    {
      const LcObject *o = &ds->objects[i];
      LcPeriodFit fit;
      double catalogue = o->meta[0];

      g_assert_true (lc_period_fit_range (ds, o->first, o->n_obs, &options, &fit));
      if (fabs (fit.period - catalogue) / catalogue < 0.01)
        found++;
    }
  g_test_message ("%d of %d catalogue periods found within 1 %%", found, n);
  g_assert_cmpint (found, >=, (int) (0.93 * n));
}

/* Four stars of two classes and one with too few observations to search. */
static LcDataset *
stars_dataset (void)
{
  static const double periods[] = { 0.30, 0.36, 0.58, 0.71 };
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_CSV, LC_VALUE_MAGNITUDE, "stars");
  g_autoptr (GError) error = NULL;
  LcDataset *ds;

  lc_dataset_builder_set_bands (b, 3, (const char *[]) { "g", "r", "i" });
  lc_dataset_builder_add_class (b, 0, "ab");
  lc_dataset_builder_add_class (b, 1, "c");
  for (guint k = 0; k <= G_N_ELEMENTS (periods); k++)
    {
      g_autofree char *id = g_strdup_printf ("star%u", k);
      Star s;
      int n = k < G_N_ELEMENTS (periods) ? 150 : 5;

      star_make (&s, k < G_N_ELEMENTS (periods) ? periods[k] : 0.5, n, 0.02, 100 + k);
      lc_dataset_builder_begin_object (b, id, periods[MIN (k, 3)] < 0.4 ? 1 : 0);
      for (int i = 0; i < n; i++)
        lc_dataset_builder_add_observation (b, s.time[i], s.value[i], s.error[i], s.band[i], TRUE);
      star_clear (&s);
    }
  ds = lc_dataset_builder_finish (b, &error);
  g_assert_no_error (error);
  return ds;
}

/* Field by field, bit for bit: the struct's padding bytes are undefined. */
static void
assert_same_fit (const LcPeriodFit *a, const LcPeriodFit *b)
{
  const double da[] = { a->period, a->power, a->amplitude, a->r21, a->r31, a->phi21, a->phi31 };
  const double db[] = { b->period, b->power, b->amplitude, b->r21, b->r31, b->phi21, b->phi31 };

  g_assert_cmpmem (da, sizeof da, db, sizeof db);
  g_assert_cmpint (a->n_used, ==, b->n_used);
}

/* Runs the search on s with a progress function that stops it at call stop_at (1-based, 0: never). */
static gboolean
watched_fit (const Star *s, int stop_at, TuProgress *w, LcPeriodFit *fit, GError **error)
{
  w->stop_at = stop_at;
  g_array_set_size (w->fractions, 0);
  return lc_period_fit_full (s->time, s->value, s->error, s->band, s->n, 3, NULL, tu_progress_cb, w, fit,
                             error);
}

/* Watching the search changes none of its bits; stopping it, from the start
 * or halfway through the grid or the candidates, ends it at that call with
 * LC_ERROR_CANCELLED and no period. */
static void
test_cancel (void)
{
  g_autoptr (GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  TuProgress w = { fractions, 0, 0 };
  Star s;
  LcPeriodFit plain, watched;
  GError *error = NULL;
  int n_calls, stops[3];

  star_make (&s, 0.57, 240, 0.03, 21);
  g_assert_true (lc_period_fit (s.time, s.value, s.error, s.band, s.n, 3, NULL, &plain));
  g_assert_true (watched_fit (&s, 0, &w, &watched, &error));
  g_assert_no_error (error);
  assert_same_fit (&watched, &plain);
  n_calls = fractions->len;
  g_test_message ("%d progress calls", n_calls);
  /* a few hundred chunks of the grid, then one call per candidate */
  g_assert_cmpint (n_calls, >, 20);
  g_assert_cmpfloat (g_array_index (fractions, double, 0), ==, 0.0);
  for (int i = 1; i < n_calls; i++)
    g_assert_cmpfloat (g_array_index (fractions, double, i), >=, g_array_index (fractions, double, i - 1));
  g_assert_cmpfloat (g_array_index (fractions, double, n_calls - 1), <=, 1.0);

  /* already cancelled; in the grid; among the candidates */
  stops[0] = 1;
  stops[1] = n_calls / 3;
  stops[2] = n_calls - 1;
  for (guint k = 0; k < G_N_ELEMENTS (stops); k++)
    {
      g_assert_false (watched_fit (&s, stops[k], &w, &watched, &error));
      g_assert_error (error, LC_ERROR, LC_ERROR_CANCELLED);
      g_clear_error (&error);
      /* not asked again once it said stop */
      g_assert_cmpint (fractions->len, ==, stops[k]);
      assert_no_fit (&watched);
    }

  /* the same on a dataset's range; too short is no error */
  {
    g_autoptr (LcDataset) ds = stars_dataset ();
    const LcObject *o = &ds->objects[0], *tiny = &ds->objects[4];

    w.stop_at = 1;
    g_array_set_size (fractions, 0);
    g_assert_false (lc_period_fit_range_full (ds, o->first, o->n_obs, NULL, tu_progress_cb, &w, &watched,
                                              &error));
    g_assert_error (error, LC_ERROR, LC_ERROR_CANCELLED);
    g_clear_error (&error);
    assert_no_fit (&watched);
    w.stop_at = 0;
    g_assert_false (lc_period_fit_range_full (ds, tiny->first, tiny->n_obs, NULL, tu_progress_cb, &w,
                                              &watched, &error));
    g_assert_no_error (error);
    assert_no_fit (&watched);
  }
  star_clear (&s);
}

static LcEncoder *
encoder_from_text (const char *text, GError **error)
{
  g_autoptr (JsonNode) node = json_from_string (text, NULL);
  g_assert_nonnull (node);
  return lc_encoder_from_json (node, error);
}

/* The encoder's nine period features: names, values in the order of the
 * periods, a round trip through the model file's preprocessing, and bad
 * settings refused with the field named. */
static void
test_encoder_features (void)
{
  static const char *const none[] = { NULL };
  static const char *const names[] = {
    "period_log10", "period_power", "period_log_amplitude", "period_r21", "period_r31",
    "period_phi21_cos", "period_phi21_sin", "period_phi31_cos", "period_phi31_sin",
  };
  g_autoptr (LcDataset) ds = stars_dataset ();
  g_autoptr (LcEncoder) enc = NULL, back = NULL, bad = NULL;
  g_autoptr (NnData) data = NULL, again = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autoptr (GError) error = NULL;
  LcEncoderOptions o;
  int k_period, k_r21, s;

  lc_encoder_options_default (&o);
  o.with_features = FALSE;
  o.with_period_features = TRUE;
  o.period_min = 0.2;
  o.meta_columns = none;
  enc = lc_encoder_new (&o);
  g_assert_true (lc_encoder_fit (enc, ds, NULL, 0, &error));
  g_assert_no_error (error);
  s = lc_encoder_meta_features (enc);
  g_assert_cmpint (s, ==, G_N_ELEMENTS (names));
  for (int k = 0; k < s; k++)
    g_assert_cmpstr (lc_encoder_meta_feature_name (enc, k), ==, names[k]);
  k_period = 0;  /* "period_log10", as just checked */
  k_r21 = 3;     /* "period_r21" */
  data = lc_encoder_encode (enc, ds, NULL, 0, &error);
  g_assert_no_error (error);

  /* standardised log periods keep the order of the periods */
  for (int i = 0; i + 1 < 4; i++)
    g_assert_cmpfloat (data->meta[i * s + k_period], <, data->meta[(i + 1) * s + k_period]);
  /* the same shape for all four: R21 standardises to about 0 */
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (fabs (data->meta[i * s + k_r21]), <, 2.0);
  /* five observations cannot be searched: every feature is the training mean */
  for (int k = 0; k < s; k++)
    g_assert_cmpfloat (data->meta[4 * s + k], ==, 0.0f);

  /* saved with the model and read back, it encodes the same */
  json = lc_encoder_to_json (enc);
  back = lc_encoder_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_true (lc_encoder_get_options (back)->with_period_features);
  g_assert_cmpfloat (lc_encoder_get_options (back)->period_min, ==, 0.2);
  again = lc_encoder_encode (back, ds, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (again->meta, sizeof (float) * 5 * s, data->meta, sizeof (float) * 5 * s);

  /* a preset asks for it by name; bad values name the field */
  back = (lc_encoder_free (back), encoder_from_text ("{\"with_period_features\": true, \"period_min\": 0.25}", &error));
  g_assert_no_error (error);
  g_assert_true (lc_encoder_get_options (back)->with_period_features);
  bad = encoder_from_text ("{\"with_period_features\": true, \"period_min\": -1}", &error);
  g_assert_null (bad);
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "period_min"));
  g_clear_error (&error);
  bad = encoder_from_text ("{\"with_period_features\": \"yes\"}", &error);
  g_assert_null (bad);
  g_assert_nonnull (strstr (error->message, "with_period_features"));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("passband-period-XXXXXX", NULL);
  g_test_add_func ("/period/recovers-period-and-shape", test_recovers_period_and_shape);
  g_test_add_func ("/period/without-errors", test_without_errors);
  g_test_add_func ("/period/outlier", test_outlier);
  g_test_add_func ("/period/degenerate", test_degenerate);
  g_test_add_func ("/period/cancel", test_cancel);
  g_test_add_func ("/period/rrlyrae-catalogue", test_rrlyrae_catalogue);
  g_test_add_func ("/period/encoder-features", test_encoder_features);
  status = g_test_run ();
  tu_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
