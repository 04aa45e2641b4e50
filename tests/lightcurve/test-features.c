/* test-features.c: the MISweeper aggregate features on tiny hand-made objects */
#include "lc.h"
#include "lc-dataset-builder.h"
#include "lc-features.h"

#include <math.h>

typedef struct
{
  double mjd;
  float flux, err;
  int band;
} Obs;

/* One object per call of add_object; classes are not needed here. */
static void
add_object (LcDatasetBuilder *b, const char *id, const Obs *obs, int n)
{
  lc_dataset_builder_begin_object (b, id, -1);
  for (int i = 0; i < n; i++)
    lc_dataset_builder_add_observation (b, obs[i].mjd, obs[i].flux, obs[i].err, obs[i].band, TRUE);
}

static LcDatasetBuilder *
new_builder (void)
{
  static const char *const bands[] = { "u", "g", "r", "i", "z", "y" };
  LcDatasetBuilder *b = lc_dataset_builder_new (LC_SOURCE_PLASTICC, LC_VALUE_FLUX, "tiny");
  lc_dataset_builder_set_bands (b, 6, bands);
  return b;
}

static const Obs tiny[] = {
  { 100.0, 10.0f, 2.0f, 0 },
  { 101.5, -4.0f, 1.0f, 2 },
  { 103.0, 25.0f, 5.0f, 2 },
  { 110.25, 3.0f, 0.5f, 5 },
  { 120.0, 7.5f, 2.5f, 1 },
};

/* Values from pandas' groupby().agg() on the same five rows (and by hand:
 * flux_ratio_sq = 25, 16, 25, 36, 9; flux * that = 250, -64, 625, 108, 67.5). */
static const double tiny_expected[LC_N_FEATURES] = {
  100.0, 120.0, 5.0,
  0.0, 5.0, 2.0, 2.0, 1.8708286933869707,
  -4.0, 25.0, 8.3, 7.5, 10.74476616776745, 0.8908221827061873,
  0.5, 5.0, 2.2, 2.0, 1.7535677916750183, 1.184576828007051,
  111.0, 0.051991838227590625,
  986.5, 1.3052255084093118,
};

static void
test_names (void)
{
  g_assert_cmpstr (lc_feature_name (LC_FEATURE_MJD_MIN), ==, "mjd_min");
  g_assert_cmpstr (lc_feature_name (LC_FEATURE_FLUX_SKEW), ==, "flux_skew");
  g_assert_cmpstr (lc_feature_name (LC_FEATURE_FLUX_BY_FLUX_RATIO_SQ_SKEW), ==, "flux_by_flux_ratio_sq_skew");
  g_assert_null (lc_feature_name (LC_N_FEATURES));
  g_assert_null (lc_feature_name (-1));
  for (int k = 0; k < LC_N_FEATURES; k++)
    g_assert_nonnull (lc_feature_name (k));
}

static void
test_tiny_object (void)
{
  g_autoptr (LcDatasetBuilder) b = new_builder ();
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (GError) error = NULL;
  float got[LC_N_FEATURES];

  add_object (b, "1", tiny, G_N_ELEMENTS (tiny));
  ds = lc_dataset_builder_finish (b, &error);
  g_assert_no_error (error);
  lc_features_compute (ds, 0, got);
  for (int k = 0; k < LC_N_FEATURES; k++)
    {
      double want = tiny_expected[k];
      if (fabs (got[k] - want) > 1e-5 * MAX (1.0, fabs (want)))
        g_error ("feature %s: got %.9g, want %.9g", lc_feature_name (k), got[k], want);
    }
}

/* One observation: no spread; two equal ones: spread 0 and, with three, skew 0. */
static void
test_degenerate_objects (void)
{
  static const Obs one[] = { { 5.0, 3.0f, 1.0f, 4 } };
  static const Obs same[] = { { 1.0, 2.0f, 1.0f, 1 }, { 2.0, 2.0f, 1.0f, 1 }, { 3.0, 2.0f, 1.0f, 1 } };
  g_autoptr (LcDatasetBuilder) b = new_builder ();
  g_autoptr (LcDataset) ds = NULL;
  g_autofree float *table = NULL;
  float *f;

  add_object (b, "one", one, 1);
  add_object (b, "same", same, 3);
  ds = lc_dataset_builder_finish (b, NULL);
  table = lc_features_table (ds, NULL, 0);

  f = table;
  g_assert_cmpfloat (f[LC_FEATURE_MJD_SIZE], ==, 1.0f);
  g_assert_cmpfloat (f[LC_FEATURE_FLUX_MEDIAN], ==, 3.0f);
  g_assert_true (isnan (f[LC_FEATURE_FLUX_STD]));
  g_assert_true (isnan (f[LC_FEATURE_FLUX_SKEW]));
  g_assert_cmpfloat (f[LC_FEATURE_FLUX_RATIO_SQ_SUM], ==, 9.0f);

  f = table + LC_N_FEATURES;
  g_assert_cmpfloat (f[LC_FEATURE_FLUX_STD], ==, 0.0f);
  g_assert_cmpfloat (f[LC_FEATURE_FLUX_SKEW], ==, 0.0f);
  g_assert_cmpfloat (f[LC_FEATURE_PASSBAND_MEAN], ==, 1.0f);
  g_assert_cmpfloat (f[LC_FEATURE_FLUX_BY_FLUX_RATIO_SQ_SUM], ==, 24.0f);
}

/* A file without errors: error statistics are NaN, flux statistics are not. */
static void
test_missing_errors (void)
{
  static const Obs obs[] = { { 1.0, 1.0f, NAN, 0 }, { 2.0, 2.0f, NAN, 0 }, { 3.0, 6.0f, NAN, 1 } };
  g_autoptr (LcDatasetBuilder) b = new_builder ();
  g_autoptr (LcDataset) ds = NULL;
  float f[LC_N_FEATURES];

  add_object (b, "x", obs, 3);
  ds = lc_dataset_builder_finish (b, NULL);
  lc_features_compute (ds, 0, f);
  g_assert_cmpfloat_with_epsilon (f[LC_FEATURE_FLUX_MEAN], 3.0, 1e-6);
  g_assert_true (isnan (f[LC_FEATURE_FLUX_ERR_MEAN]));
  g_assert_true (isnan (f[LC_FEATURE_FLUX_RATIO_SQ_SUM]));
}

/* The first k observations of an object (early classification windows). */
static void
test_range (void)
{
  g_autoptr (LcDatasetBuilder) b = new_builder ();
  g_autoptr (LcDataset) ds = NULL;
  float f[LC_N_FEATURES];

  add_object (b, "1", tiny, G_N_ELEMENTS (tiny));
  ds = lc_dataset_builder_finish (b, NULL);
  lc_features_compute_range (ds, ds->objects[0].first, 3, f);
  g_assert_cmpfloat (f[LC_FEATURE_MJD_MAX], ==, 103.0f);
  g_assert_cmpfloat (f[LC_FEATURE_FLUX_MEDIAN], ==, 10.0f);
  g_assert_cmpfloat_with_epsilon (f[LC_FEATURE_FLUX_MEAN], 31.0 / 3.0, 1e-5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/features/names", test_names);
  g_test_add_func ("/features/tiny-object", test_tiny_object);
  g_test_add_func ("/features/degenerate", test_degenerate_objects);
  g_test_add_func ("/features/missing-errors", test_missing_errors);
  g_test_add_func ("/features/range", test_range);
  return g_test_run ();
}
