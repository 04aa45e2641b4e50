/* test-encoder.c: the dataset → tensor encoder on hand-made objects */
#include "lc.h"
#include "lc-dataset-builder.h"
#include "testutil.h"

#include <math.h>
#include <string.h>

static const char *const ugrizy[] = { "u", "g", "r", "i", "z", "y" };
static const char *const no_columns[] = { NULL };

typedef struct
{
  double t;
  float value, error;
  int band;
  gboolean detected;
} Obs;

static void
add_object (LcDatasetBuilder *b, const char *id, int class_id, const Obs *obs, int n)
{
  lc_dataset_builder_begin_object (b, id, class_id);
  for (int i = 0; i < n; i++)
    lc_dataset_builder_add_observation (b, obs[i].t, obs[i].value, obs[i].error, obs[i].band, obs[i].detected);
}

/* Two objects: "a" (class 90) with four observations, "b" (class 42) with two. */
static LcDataset *
two_objects (void)
{
  static const Obs a[] = {
    { 10.0, 1.0f, 0.5f, 2, FALSE },
    { 12.0, 2.0f, 0.5f, 1, TRUE },
    { 12.5, 3.0f, 1.0f, 2, TRUE },
    { 20.0, 10.0f, 2.0f, 5, TRUE },
  };
  static const Obs bb[] = {
    { 3.0, -4.0f, 1.0f, 0, TRUE },
    { 4.0, 4.0f, 2.0f, 3, FALSE },
  };
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_PLASTICC, LC_VALUE_FLUX, "two.csv");
  LcDataset *ds;

  lc_dataset_builder_set_bands (b, 6, ugrizy);
  lc_dataset_builder_add_class (b, 42, "SN II");
  lc_dataset_builder_add_class (b, 90, "SN Ia");
  add_object (b, "a", 90, a, G_N_ELEMENTS (a));
  add_object (b, "b", 42, bb, G_N_ELEMENTS (bb));
  ds = lc_dataset_builder_finish (b, NULL);
  g_assert_nonnull (ds);
  return ds;
}

/* Plain options: nothing scaled or normalised, no static input. */
static void
plain_options (LcEncoderOptions *o)
{
  lc_encoder_options_default (o);
  o->value_scale = LC_SCALE_NONE;
  o->normalisation = LC_NORM_NONE;
  o->dt_log = FALSE;
  o->with_features = FALSE;
  o->meta_columns = no_columns;
}

static NnData *
fit_encode (const LcEncoderOptions *o, const LcDataset *ds, LcEncoder **out_enc)
{
  g_autoptr (GError) error = NULL;
  LcEncoder *enc = lc_encoder_new (o);
  NnData *data;

  g_assert_true (lc_encoder_fit (enc, ds, NULL, 0, &error));
  g_assert_no_error (error);
  data = lc_encoder_encode (enc, ds, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (data);
  if (out_enc != NULL)
    *out_enc = enc;
  else
    lc_encoder_free (enc);
  return data;
}

static const float *
step (const NnData *d, int row, int t)
{
  return d->x + ((gsize) row * d->steps + t) * d->features;
}

static void
assert_all_finite (const NnData *d)
{
  for (gsize i = 0; i < (gsize) d->n * d->steps * d->features; i++)
    g_assert_true (isfinite (d->x[i]));
  for (gsize i = 0; d->meta != NULL && i < (gsize) d->n * d->meta_features; i++)
    g_assert_true (isfinite (d->meta[i]));
}

/* [Δt, value, error, detected, one-hot band] per observation, padded with 0. */
static void
test_observation_layout (void)
{
  g_autoptr (LcDataset) ds = two_objects ();
  g_autoptr (LcEncoder) enc = NULL;
  g_autoptr (NnData) d = NULL;
  LcEncoderOptions o;
  const float *s;

  plain_options (&o);
  d = fit_encode (&o, ds, &enc);
  g_assert_cmpint (d->features, ==, 4 + 6);
  g_assert_cmpint (d->steps, ==, 4);
  g_assert_cmpint (d->meta_features, ==, 0);
  g_assert_cmpint (d->n_classes, ==, 2);
  g_assert_cmpstr (lc_encoder_step_feature_name (enc, 0), ==, "dt");
  g_assert_cmpstr (lc_encoder_step_feature_name (enc, 2), ==, "error");
  g_assert_cmpstr (lc_encoder_step_feature_name (enc, 6), ==, "band_r");

  /* object a: label index of class 90 is 1 (classes sorted by id) */
  g_assert_cmpint (d->lengths[0], ==, 4);
  g_assert_cmpint (d->labels[0], ==, 1);
  s = step (d, 0, 0);
  g_assert_cmpfloat (s[0], ==, 0.0f);
  g_assert_cmpfloat (s[1], ==, 1.0f);
  g_assert_cmpfloat (s[2], ==, 0.5f);
  g_assert_cmpfloat (s[3], ==, 0.0f);
  for (int b = 0; b < 6; b++)
    g_assert_cmpfloat (s[4 + b], ==, b == 2 ? 1.0f : 0.0f);
  s = step (d, 0, 2);
  g_assert_cmpfloat (s[0], ==, 0.5f);
  g_assert_cmpfloat (s[1], ==, 3.0f);
  g_assert_cmpfloat (s[3], ==, 1.0f);
  s = step (d, 0, 3);
  g_assert_cmpfloat (s[0], ==, 7.5f);
  g_assert_cmpfloat (s[4 + 5], ==, 1.0f);

  /* object b: two steps then padding */
  g_assert_cmpint (d->lengths[1], ==, 2);
  g_assert_cmpint (d->labels[1], ==, 0);
  s = step (d, 1, 1);
  g_assert_cmpfloat (s[0], ==, 1.0f);
  g_assert_cmpfloat (s[1], ==, 4.0f);
  g_assert_cmpfloat (s[2], ==, 2.0f);
  g_assert_cmpfloat (s[4 + 3], ==, 1.0f);
  for (int t = 2; t < 4; t++)
    for (int f = 0; f < d->features; f++)
      g_assert_cmpfloat (step (d, 1, t)[f], ==, 0.0f);
}

/* Rows are encoded in the order given; optional features drop out. */
static void
test_rows_and_switches (void)
{
  g_autoptr (LcDataset) ds = two_objects ();
  g_autoptr (LcEncoder) enc = NULL;
  g_autoptr (NnData) d = NULL;
  g_autoptr (GError) error = NULL;
  const int rows[] = { 1 };
  LcEncoderOptions o;

  plain_options (&o);
  o.with_error = FALSE;
  o.with_detected = FALSE;
  o.dt_log = TRUE;
  enc = lc_encoder_new (&o);
  g_assert_true (lc_encoder_fit (enc, ds, NULL, 0, &error));
  d = lc_encoder_encode (enc, ds, rows, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->n, ==, 1);
  g_assert_cmpint (d->features, ==, 2 + 6);
  g_assert_cmpint (d->steps, ==, 2);
  g_assert_cmpfloat_with_epsilon (step (d, 0, 1)[0], log1p (1.0), 1e-6);
  g_assert_cmpfloat (step (d, 0, 1)[1], ==, 4.0f);
  g_assert_cmpfloat (step (d, 0, 1)[2 + 3], ==, 1.0f);

  /* a row that is no object */
  {
    const int bad[] = { 0, 7 };
    g_assert_null (lc_encoder_encode (enc, ds, bad, 2, &error));
    g_assert_error (error, LC_ERROR, LC_ERROR_MISMATCH);
    g_assert_nonnull (strstr (error->message, "two.csv"));
  }
}

/* log scaling with the error through its derivative; per-object robust and
 * max-abs normalisation. */
static void
test_scaling_and_object_normalisation (void)
{
  static const Obs obs[] = {
    { 1.0, 1.0f, 1.0f, 0, TRUE }, { 2.0, 2.0f, 1.0f, 0, TRUE }, { 3.0, 3.0f, 1.0f, 0, TRUE },
    { 4.0, 4.0f, 1.0f, 0, TRUE }, { 5.0, 100.0f, 10.0f, 0, TRUE },
  };
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_PLASTICC, LC_VALUE_FLUX, "x");
  g_autoptr (LcDataset) ds = NULL;
  LcEncoderOptions o;

  lc_dataset_builder_set_bands (b, 6, ugrizy);
  add_object (b, "x", 90, obs, G_N_ELEMENTS (obs));
  ds = lc_dataset_builder_finish (b, NULL);

  {
    /* median 3, MAD = median(2, 1, 0, 1, 97) = 1, so the scale is 1.4826 */
    g_autoptr (NnData) d = NULL;
    plain_options (&o);
    o.normalisation = LC_NORM_OBJECT_ROBUST;
    d = fit_encode (&o, ds, NULL);
    g_assert_cmpfloat_with_epsilon (step (d, 0, 0)[1], (1.0 - 3.0) / 1.4826, 1e-5);
    g_assert_cmpfloat_with_epsilon (step (d, 0, 4)[1], (100.0 - 3.0) / 1.4826, 1e-3);
    g_assert_cmpfloat_with_epsilon (step (d, 0, 4)[2], 10.0 / 1.4826, 1e-5);
  }
  {
    g_autoptr (NnData) d = NULL;
    plain_options (&o);
    o.normalisation = LC_NORM_OBJECT_MAXABS;
    d = fit_encode (&o, ds, NULL);
    g_assert_cmpfloat_with_epsilon (step (d, 0, 1)[1], 0.02, 1e-7);
    g_assert_cmpfloat_with_epsilon (step (d, 0, 4)[1], 1.0, 1e-7);
    g_assert_cmpfloat_with_epsilon (step (d, 0, 4)[2], 0.1, 1e-7);
  }
  {
    g_autoptr (NnData) d = NULL;
    plain_options (&o);
    o.value_scale = LC_SCALE_LOG;
    d = fit_encode (&o, ds, NULL);
    g_assert_cmpfloat_with_epsilon (step (d, 0, 4)[1], log1p (100.0), 1e-5);
    g_assert_cmpfloat_with_epsilon (step (d, 0, 4)[2], 10.0 / 101.0, 1e-6);
  }
  {
    g_autoptr (NnData) d = NULL;
    plain_options (&o);
    o.value_scale = LC_SCALE_ASINH;
    d = fit_encode (&o, ds, NULL);
    g_assert_cmpfloat_with_epsilon (step (d, 0, 1)[1], asinh (2.0), 1e-6);
    g_assert_cmpfloat_with_epsilon (step (d, 0, 1)[2], 1.0 / sqrt (5.0), 1e-6);
  }
}

/* Global statistics come from the training rows only. */
static void
test_global_fit_on_training_rows (void)
{
  g_autoptr (LcDataset) ds = two_objects ();
  g_autoptr (LcEncoder) enc = NULL;
  g_autoptr (NnData) d = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) json = NULL;
  const int train[] = { 0 };
  LcEncoderOptions o;
  /* object a: values 1, 2, 3, 10: mean 4, population std sqrt(12.5) */
  double mean = 4.0, std = sqrt (12.5);

  plain_options (&o);
  o.normalisation = LC_NORM_GLOBAL;
  enc = lc_encoder_new (&o);
  g_assert_true (lc_encoder_fit (enc, ds, train, 1, &error));
  json = lc_encoder_to_json (enc);
  g_assert_cmpfloat_with_epsilon (tu_json_double (tu_json_get (json, "value_mean")), mean, 1e-9);
  g_assert_cmpfloat_with_epsilon (tu_json_double (tu_json_get (json, "value_std")), std, 1e-9);
  d = lc_encoder_encode (enc, ds, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (step (d, 1, 0)[1], (-4.0 - mean) / std, 1e-6);
  g_assert_cmpfloat_with_epsilon (step (d, 1, 0)[2], 1.0 / std, 1e-6);
}

/* max_steps keeps the first observations; first_k and first_days make the
 * early-classification windows, and the static features follow the window. */
static void
test_truncation_and_windows (void)
{
  g_autoptr (LcDataset) ds = two_objects ();
  g_autoptr (LcEncoder) enc = NULL;
  g_autoptr (GError) error = NULL;
  LcEncoderOptions o;

  plain_options (&o);
  o.max_steps = 3;
  {
    g_autoptr (NnData) d = fit_encode (&o, ds, NULL);
    g_assert_cmpint (d->steps, ==, 3);
    g_assert_cmpint (d->lengths[0], ==, 3);
    g_assert_cmpfloat (step (d, 0, 2)[1], ==, 3.0f);
  }

  plain_options (&o);
  o.with_features = TRUE;
  enc = lc_encoder_new (&o);
  g_assert_true (lc_encoder_fit (enc, ds, NULL, 0, &error));
  {
    g_autoptr (NnData) d = lc_encoder_encode_window (enc, ds, NULL, 0, 2, 0.0, 1, &error);
    g_autoptr (NnData) full = lc_encoder_encode (enc, ds, NULL, 0, &error);
    g_assert_cmpint (d->steps, ==, 2);
    g_assert_cmpint (d->lengths[0], ==, 2);
    g_assert_cmpint (d->lengths[1], ==, 2);
    /* mjd_size of object a is 2 in the window, 4 in full: different static input */
    g_assert_cmpfloat (d->meta[LC_FEATURE_MJD_SIZE], <, full->meta[LC_FEATURE_MJD_SIZE]);
  }
  {
    /* a: first detection at 12.0, so 1 day keeps 10.0, 12.0 and 12.5 */
    g_autoptr (NnData) d = lc_encoder_encode_window (enc, ds, NULL, 0, 0, 1.0, 2, &error);
    g_assert_cmpint (d->lengths[0], ==, 3);
    g_assert_cmpint (d->lengths[1], ==, 2);
    g_assert_cmpint (d->steps, ==, 3);
  }
}

/* Grid data (.ts-like): one step per time step, values per band then errors. */
static void
test_grid_layout (void)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_TS, LC_VALUE_FLUX, "g.ts");
  static const char *const bands[] = { "0", "1" };
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (LcEncoder) enc = NULL;
  g_autoptr (NnData) d = NULL;
  LcEncoderOptions o;

  lc_dataset_builder_set_on_grid (b, TRUE);
  lc_dataset_builder_set_bands (b, 2, bands);
  lc_dataset_builder_begin_object (b, "0", 1);
  for (int t = 0; t < 3; t++)
    {
      lc_dataset_builder_add_observation (b, t, 10.0f * t, NAN, 0, TRUE);
      lc_dataset_builder_add_observation (b, t, -1.0f * t, NAN, 1, TRUE);
    }
  lc_dataset_builder_begin_object (b, "1", 2);
  lc_dataset_builder_add_observation (b, 0, 5.0f, NAN, 1, TRUE);
  ds = lc_dataset_builder_finish (b, NULL);

  plain_options (&o);
  d = fit_encode (&o, ds, &enc);
  /* no errors in the data: values only */
  g_assert_cmpint (d->features, ==, 2);
  g_assert_cmpstr (lc_encoder_step_feature_name (enc, 1), ==, "value_1");
  g_assert_cmpint (d->steps, ==, 3);
  g_assert_cmpint (d->lengths[0], ==, 3);
  g_assert_cmpint (d->lengths[1], ==, 1);
  g_assert_cmpfloat (step (d, 0, 2)[0], ==, 20.0f);
  g_assert_cmpfloat (step (d, 0, 2)[1], ==, -2.0f);
  g_assert_cmpfloat (step (d, 1, 0)[0], ==, 0.0f);
  g_assert_cmpfloat (step (d, 1, 0)[1], ==, 5.0f);

  /* grid asked for irregular data */
  {
    g_autoptr (LcDataset) irregular = two_objects ();
    g_autoptr (LcEncoder) grid = NULL;
    g_autoptr (GError) error = NULL;
    o.mode = LC_ENCODE_GRID;
    grid = lc_encoder_new (&o);
    g_assert_false (lc_encoder_fit (grid, irregular, NULL, 0, &error));
    g_assert_error (error, LC_ERROR, LC_ERROR_MISMATCH);
    g_assert_nonnull (strstr (error->message, "mode"));
  }
}

/* A value for every encoded cell that says where it is: 1000 (t + 1) + f. */
static float *
cell_labels (int steps, int features)
{
  float *x = g_new (float, (gsize) steps * features);

  for (int t = 0; t < steps; t++)
    for (int f = 0; f < features; f++)
      x[(gsize) t * features + f] = 1000.0f * (t + 1) + f;
  return x;
}

static double
finite_sum (const double *v, int n)
{
  double sum = 0.0;

  for (int i = 0; i < n; i++)
    if (isfinite (v[i]))
      sum += v[i];
  return sum;
}

/* Observations mode: an observation gets its whole step; a missing value and
 * what lies past the window get NaN; the sums of the steps are kept. */
static void
test_cells_to_observations (void)
{
  static const Obs a[] = {
    { 10.0, 1.0f, 0.5f, 2, TRUE },
    { 11.0, NAN, 0.5f, 1, TRUE },
    { 12.0, 3.0f, 1.0f, 0, TRUE },
    { 13.0, 4.0f, 1.0f, 2, TRUE },
    { 14.0, 5.0f, 1.0f, 2, TRUE },
  };
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_PLASTICC, LC_VALUE_FLUX, "a.csv");
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (LcEncoder) enc = NULL;
  g_autoptr (NnData) d = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree float *x = NULL;
  double obs[5], steps_sum = 0.0;
  int f;
  LcEncoderOptions o;

  lc_dataset_builder_set_bands (b, 6, ugrizy);
  lc_dataset_builder_add_class (b, 90, "SN Ia");
  add_object (b, "a", 90, a, G_N_ELEMENTS (a));
  ds = lc_dataset_builder_finish (b, &error);
  g_assert_no_error (error);
  plain_options (&o);
  d = fit_encode (&o, ds, &enc);
  f = d->features;
  g_assert_cmpint (d->steps, ==, 4);
  x = cell_labels (d->steps, f);

  g_assert_true (lc_encoder_cells_to_observations (enc, ds, 0, 0, 0.0, x, d->steps, obs, &error));
  g_assert_no_error (error);
  /* step s holds the s-th observation with a value: 0, 2, 3, 4 */
  g_assert_cmpfloat (obs[0], ==, 1000.0 * 1 * f + f * (f - 1) / 2);
  g_assert_true (isnan (obs[1]));
  g_assert_cmpfloat (obs[2], ==, 1000.0 * 2 * f + f * (f - 1) / 2);
  g_assert_cmpfloat (obs[4], ==, 1000.0 * 4 * f + f * (f - 1) / 2);
  for (gsize i = 0; i < (gsize) d->steps * f; i++)
    steps_sum += x[i];
  g_assert_cmpfloat (finite_sum (obs, 5), ==, steps_sum);

  /* the first three observations (the missing one counts): two steps */
  g_assert_true (lc_encoder_cells_to_observations (enc, ds, 0, 3, 0.0, x, 2, obs, &error));
  g_assert_cmpfloat (obs[2], ==, 1000.0 * 2 * f + f * (f - 1) / 2);
  g_assert_true (isnan (obs[1]) && isnan (obs[3]) && isnan (obs[4]));
  /* and cut at one step */
  g_assert_true (lc_encoder_cells_to_observations (enc, ds, 0, 0, 0.0, x, 1, obs, &error));
  g_assert_true (isfinite (obs[0]) && isnan (obs[2]) && isnan (obs[4]));
}

/* Grid: an observation gets its band's value and error cells of its step;
 * a later observation in the same cell takes it over. */
static void
test_grid_cells_to_observations (void)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_TS, LC_VALUE_FLUX, "g.ts");
  static const char *const bands[] = { "0", "1" };
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (LcEncoder) enc = NULL;
  g_autoptr (NnData) d = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree float *x = NULL;
  double obs[5], cells = 0.0;
  LcEncoderOptions o;

  lc_dataset_builder_set_on_grid (b, TRUE);
  lc_dataset_builder_set_bands (b, 2, bands);
  lc_dataset_builder_begin_object (b, "0", 1);
  lc_dataset_builder_add_observation (b, 0, 1.0f, 0.1f, 0, TRUE);
  lc_dataset_builder_add_observation (b, 0, 2.0f, 0.1f, 1, TRUE);
  lc_dataset_builder_add_observation (b, 2, 3.0f, 0.1f, 1, TRUE);
  lc_dataset_builder_add_observation (b, 3, NAN, 0.1f, 0, TRUE);
  lc_dataset_builder_add_observation (b, 3, 5.0f, 0.1f, 1, TRUE);
  ds = lc_dataset_builder_finish (b, &error);
  g_assert_no_error (error);
  plain_options (&o);
  d = fit_encode (&o, ds, &enc);
  /* value_0, value_1, error_0, error_1 */
  g_assert_cmpint (d->features, ==, 4);
  g_assert_cmpint (d->steps, ==, 4);
  x = cell_labels (d->steps, d->features);
  g_assert_true (lc_encoder_cells_to_observations (enc, ds, 0, 0, 0.0, x, d->steps, obs, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (obs[0], ==, 1000.0 + 0 + 1000.0 + 2);
  g_assert_cmpfloat (obs[1], ==, 1000.0 + 1 + 1000.0 + 3);
  g_assert_cmpfloat (obs[2], ==, 3000.0 + 1 + 3000.0 + 3);
  g_assert_true (isnan (obs[3]));
  g_assert_cmpfloat (obs[4], ==, 4000.0 + 1 + 4000.0 + 3);
  /* the sum of the filled cells: every cell but step 1, band 0 of step 2 and of step 3 */
  for (int t = 0; t < d->steps; t++)
    for (int band = 0; band < 2; band++)
      if (!(t == 1 || (t == 2 && band == 0) || (t == 3 && band == 0)))
        cells += x[t * 4 + band] + x[t * 4 + 2 + band];
  g_assert_cmpfloat (finite_sum (obs, 5), ==, cells);

  /* a cell filled twice belongs to the later observation, as encode keeps it */
  {
    g_autoptr (LcDatasetBuilder) b2 = lc_dataset_builder_new_like (ds);
    g_autoptr (LcDataset) twice = NULL;
    double two[2];

    lc_dataset_builder_begin_object (b2, "t", 1);
    lc_dataset_builder_add_observation (b2, 1, 1.0f, 0.1f, 0, TRUE);
    lc_dataset_builder_add_observation (b2, 1, 2.0f, 0.1f, 0, TRUE);
    twice = lc_dataset_builder_finish (b2, &error);
    g_assert_no_error (error);
    g_assert_true (lc_encoder_cells_to_observations (enc, twice, 0, 0, 0.0, x, 2, two, &error));
    g_assert_true (isnan (two[0]));
    g_assert_cmpfloat (two[1], ==, 2000.0 + 0 + 2000.0 + 2);
  }
}

/* Aggregate features that are one constant on every training object (the
 * time span and count of a survey on a fixed grid) are no signal: an object
 * off that constant (fewer steps, a band left out) is standardised to a
 * moderate value, not divided by the rounding noise of the constant. */
static void
test_constant_feature_standardised (void)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_TS, LC_VALUE_FLUX, "c.ts");
  static const char *const bands[] = { "0" };
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (LcEncoder) enc = NULL;
  g_autoptr (NnData) d = NULL;
  g_autoptr (GError) error = NULL;
  int last;
  LcEncoderOptions o;
  NnRng rng;

  nn_rng_init (&rng, 5);
  lc_dataset_builder_set_on_grid (b, TRUE);
  lc_dataset_builder_set_bands (b, 1, bands);
  for (int i = 0; i < 201; i++)
    {
      g_autofree char *id = g_strdup_printf ("%d", i);
      /* the last one is cut short */
      int steps = i == 200 ? 20 : 36;

      lc_dataset_builder_begin_object (b, id, 1 + i % 2);
      for (int t = 0; t < steps; t++)
        lc_dataset_builder_add_observation (b, t, (float) nn_rng_normal (&rng), 0.1f, 0, TRUE);
    }
  ds = lc_dataset_builder_finish (b, &error);
  g_assert_no_error (error);
  lc_encoder_options_default (&o);
  o.meta_columns = no_columns;
  enc = lc_encoder_new (&o);
  {
    g_autofree int *rows = g_new (int, 200);
    for (int i = 0; i < 200; i++)
      rows[i] = i;
    g_assert_true (lc_encoder_fit (enc, ds, rows, 200, &error));
    g_assert_no_error (error);
  }
  last = 200;
  d = lc_encoder_encode (enc, ds, &last, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->meta_features, >, 0);
  for (int k = 0; k < d->meta_features; k++)
    g_assert_cmpfloat (fabs (d->meta[k]), <, 50.0);
}

static LcDataset *
objects_with_meta (void)
{
  static const char *const names[] = { "hostgal_photoz", "distmod", "mwebv" };
  static const Obs one[] = { { 1.0, 5.0f, 1.0f, 0, TRUE } };
  const float meta[4][3] = { { 0.0f, NAN, 0.1f }, { 0.5f, 42.0f, 0.3f }, { 1.0f, 44.0f, 0.2f }, { 0.0f, NAN, 0.9f } };
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_PLASTICC, LC_VALUE_FLUX, "m.csv");

  lc_dataset_builder_set_bands (b, 6, ugrizy);
  lc_dataset_builder_set_meta_names (b, 3, names);
  for (int i = 0; i < 4; i++)
    {
      char id[8];
      gsize obj;
      g_snprintf (id, sizeof id, "%d", i);
      obj = lc_dataset_builder_begin_object (b, id, i % 2 ? 90 : 16);
      lc_dataset_builder_add_observation (b, one[0].t, one[0].value, one[0].error, 0, TRUE);
      for (int k = 0; k < 3; k++)
        lc_dataset_builder_set_meta (b, obj, k, meta[i][k]);
    }
  return lc_dataset_builder_finish (b, NULL);
}

/* Metadata: standardised on the training rows, NaN → 0, "galactic" derived. */
static void
test_metadata (void)
{
  g_autoptr (LcDataset) ds = objects_with_meta ();
  g_autoptr (LcEncoder) enc = NULL;
  g_autoptr (NnData) d = NULL;
  g_autoptr (GError) error = NULL;
  LcEncoderOptions o;
  const int train[] = { 0, 1, 2 };

  plain_options (&o);
  o.meta_columns = NULL;   /* default choice */
  enc = lc_encoder_new (&o);
  g_assert_true (lc_encoder_fit (enc, ds, train, 3, &error));
  g_assert_cmpint (lc_encoder_meta_features (enc), ==, 4);
  g_assert_cmpstr (lc_encoder_meta_feature_name (enc, 0), ==, "hostgal_photoz");
  g_assert_cmpstr (lc_encoder_meta_feature_name (enc, 1), ==, "distmod");
  g_assert_cmpstr (lc_encoder_meta_feature_name (enc, 2), ==, "mwebv");
  g_assert_cmpstr (lc_encoder_meta_feature_name (enc, 3), ==, "galactic");
  d = lc_encoder_encode (enc, ds, NULL, 0, &error);
  g_assert_no_error (error);
  assert_all_finite (d);
  /* photoz of the training rows 0, 0.5, 1: mean 0.5, std sqrt(1/6) */
  g_assert_cmpfloat_with_epsilon (d->meta[0 * 4 + 0], -0.5 / sqrt (1.0 / 6.0), 1e-5);
  g_assert_cmpfloat_with_epsilon (d->meta[2 * 4 + 0], 0.5 / sqrt (1.0 / 6.0), 1e-5);
  /* distmod: NaN for the galactic rows becomes the mean, 0 */
  g_assert_cmpfloat (d->meta[0 * 4 + 1], ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (d->meta[1 * 4 + 1], -1.0, 1e-5);
  /* galactic flags 1, 0, 0 in training: the galactic rows are above 0 */
  g_assert_cmpfloat (d->meta[0 * 4 + 3], >, 0.0f);
  g_assert_cmpfloat (d->meta[1 * 4 + 3], <, 0.0f);
  g_assert_cmpfloat (d->meta[3 * 4 + 3], ==, d->meta[0 * 4 + 3]);

  /* a named column the data do not have */
  {
    static const char *const wrong[] = { "redshift", NULL };
    g_autoptr (LcEncoder) e2 = NULL;
    o.meta_columns = wrong;
    e2 = lc_encoder_new (&o);
    g_clear_error (&error);
    g_assert_false (lc_encoder_fit (e2, ds, NULL, 0, &error));
    g_assert_error (error, LC_ERROR, LC_ERROR_MISMATCH);
    g_assert_nonnull (strstr (error->message, "redshift"));
    /* the shape alone says the same */
    {
      int steps;
      g_clear_error (&error);
      g_assert_false (lc_encoder_shape (e2, ds, NULL, 0, &steps, &error));
      g_assert_error (error, LC_ERROR, LC_ERROR_MISMATCH);
      g_assert_nonnull (strstr (error->message, "redshift"));
    }
  }
  /* encoding a file without the fitted columns */
  {
    g_autoptr (LcDataset) plain = two_objects ();
    g_clear_error (&error);
    g_assert_null (lc_encoder_encode (enc, plain, NULL, 0, &error));
    g_assert_error (error, LC_ERROR, LC_ERROR_MISMATCH);
    g_assert_nonnull (strstr (error->message, "hostgal_photoz"));
    {
      int steps;
      g_clear_error (&error);
      g_assert_false (lc_encoder_shape (enc, plain, NULL, 0, &steps, &error));
      g_assert_error (error, LC_ERROR, LC_ERROR_MISMATCH);
      g_assert_true (lc_encoder_is_fitted (enc));
    }
  }
}

/* Labels follow class ids, so a second file with other classes maps right. */
static void
test_labels_by_class_id (void)
{
  g_autoptr (LcDataset) ds = two_objects ();   /* classes 42, 90 */
  g_autoptr (LcDataset) other = objects_with_meta ();   /* classes 16, 90 */
  g_autoptr (LcEncoder) enc = NULL;
  g_autoptr (NnData) d = NULL;
  g_autoptr (GError) error = NULL;
  LcEncoderOptions o;

  plain_options (&o);
  enc = lc_encoder_new (&o);
  g_assert_true (lc_encoder_fit (enc, ds, NULL, 0, &error));
  g_assert_cmpint (lc_encoder_n_classes (enc), ==, 2);
  g_assert_cmpint (lc_encoder_class_ids (enc)[0], ==, 42);
  d = lc_encoder_encode (enc, other, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->n_classes, ==, 2);
  g_assert_cmpint (d->labels[0], ==, -1);   /* class 16: unknown to the model */
  g_assert_cmpint (d->labels[1], ==, 1);    /* class 90 */
}

static gboolean
data_equal (const NnData *a, const NnData *b)
{
  if (a->n != b->n || a->steps != b->steps || a->features != b->features
      || a->meta_features != b->meta_features || a->n_classes != b->n_classes)
    return FALSE;
  return memcmp (a->x, b->x, sizeof (float) * a->n * a->steps * a->features) == 0
         && memcmp (a->lengths, b->lengths, sizeof (int) * a->n) == 0
         && memcmp (a->labels, b->labels, sizeof (int) * a->n) == 0
         && (a->meta_features == 0
             || memcmp (a->meta, b->meta, sizeof (float) * a->n * a->meta_features) == 0);
}

static JsonNode *
through_text (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_node_copy (json_parser_get_root (parser));
}

/* Saving and loading the fitted encoder repeats the encoding bit for bit. */
static void
test_json_round_trip (void)
{
  LcSimulateOptions sim;
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (GError) error = NULL;
  const LcNormalisation norms[] = { LC_NORM_OBJECT_ROBUST, LC_NORM_GLOBAL };

  lc_simulate_options_default (&sim);
  sim.n_objects = 200;
  ds = lc_simulate (&sim, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < G_N_ELEMENTS (norms); k++)
    {
      g_autoptr (LcEncoder) enc = NULL, back = NULL;
      g_autoptr (JsonNode) json = NULL, text_json = NULL;
      g_autoptr (NnData) a = NULL, b = NULL;
      g_autofree int *train = g_new (int, 100);
      LcEncoderOptions o;

      lc_encoder_options_default (&o);
      o.normalisation = norms[k];
      o.max_steps = 80;
      o.value_scale = k ? LC_SCALE_ASINH : LC_SCALE_LOG;
      for (int i = 0; i < 100; i++)
        train[i] = 2 * i;
      enc = lc_encoder_new (&o);
      g_assert_true (lc_encoder_fit (enc, ds, train, 100, &error));
      json = lc_encoder_to_json (enc);
      text_json = through_text (json);
      back = lc_encoder_from_json (text_json, &error);
      g_assert_no_error (error);
      a = lc_encoder_encode (enc, ds, NULL, 0, &error);
      b = lc_encoder_encode (back, ds, NULL, 0, &error);
      g_assert_no_error (error);
      assert_all_finite (a);
      g_assert_cmpint (a->meta_features, ==, LC_N_FEATURES + 5);
      g_assert_cmpint (a->steps, ==, 80);
      g_assert_true (data_equal (a, b));
      g_assert_cmpint (lc_encoder_get_options (back)->normalisation, ==, norms[k]);
    }
}

/* Each malformed field is named in the error. */
static void
test_json_errors (void)
{
  g_autoptr (LcDataset) ds = two_objects ();
  g_autoptr (LcEncoder) enc = NULL;
  LcEncoderOptions o;
  struct { const char *field; const char *json_value; } cases[] = {
    { "mode", "\"spiral\"" },
    { "value_scale", "3" },
    { "normalisation", "\"z-score\"" },
    { "max_steps", "-1" },
    { "first_days", "\"soon\"" },
    { "bands", "{}" },
    { "class_ids", "[1.5, 2]" },
    { "meta_mean", "[1, 2, 3]" },
    { "value_std", "0" },
    { "step_features", "99" },
    { "format", "\"other\"" },
    { "version", "1000" },
    { "dt_log", "1" },
    { "mode", "\"auto\"" },
    { "colour", "1" },
  };

  plain_options (&o);
  enc = lc_encoder_new (&o);
  g_assert_true (lc_encoder_fit (enc, ds, NULL, 0, NULL));
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (JsonNode) json = lc_encoder_to_json (enc);
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;
      g_autoptr (LcEncoder) back = NULL;
      JsonObject *obj = json_node_get_object (json);

      g_assert_true (json_parser_load_from_data (parser, cases[c].json_value, -1, NULL));
      json_object_set_member (obj, cases[c].field, json_node_copy (json_parser_get_root (parser)));
      back = lc_encoder_from_json (json, &error);
      if (back != NULL)
        g_error ("field %s = %s was accepted", cases[c].field, cases[c].json_value);
      g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
      if (strstr (error->message, cases[c].field) == NULL)
        g_error ("error for %s does not name it: %s", cases[c].field, error->message);
    }
  {
    g_autoptr (JsonNode) json = lc_encoder_to_json (enc);
    g_autoptr (GError) error = NULL;
    json_object_remove_member (json_node_get_object (json), "meta_std");
    g_assert_null (lc_encoder_from_json (json, &error));
    g_assert_nonnull (strstr (error->message, "meta_std"));
  }
  {
    g_autoptr (JsonNode) array = json_node_new (JSON_NODE_ARRAY);
    g_autoptr (GError) error = NULL;
    json_node_take_array (array, json_array_new ());
    g_assert_null (lc_encoder_from_json (array, &error));
    g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  }
}

/* A preset's "preprocessing" gives some options; the rest keep their defaults. */
static void
test_json_preset (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (LcEncoder) enc = NULL, again = NULL;
  g_autoptr (JsonNode) written = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = objects_with_meta ();
  g_autoptr (NnData) d = NULL;
  const LcEncoderOptions *o;

  g_assert_true (json_parser_load_from_data (parser,
      "{\"normalisation\": \"global\", \"max_steps\": 50, \"meta_columns\": [\"mwebv\"]}", -1, NULL));
  enc = lc_encoder_from_json (json_parser_get_root (parser), &error);
  g_assert_no_error (error);
  g_assert_false (lc_encoder_is_fitted (enc));
  o = lc_encoder_get_options (enc);
  g_assert_cmpint (o->normalisation, ==, LC_NORM_GLOBAL);
  g_assert_cmpint (o->max_steps, ==, 50);
  g_assert_cmpint (o->value_scale, ==, LC_SCALE_LOG);   /* default */
  g_assert_cmpint (o->mode, ==, LC_ENCODE_AUTO);
  g_assert_cmpstr (o->meta_columns[0], ==, "mwebv");
  g_assert_null (o->meta_columns[1]);

  /* not fitted: no encoding yet */
  g_assert_null (lc_encoder_encode (enc, ds, NULL, 0, &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_MISMATCH);
  g_clear_error (&error);

  /* written back as options only, read again the same */
  written = lc_encoder_to_json (enc);
  g_assert_null (tu_json_get (written, "value_mean"));
  again = lc_encoder_from_json (written, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lc_encoder_get_options (again)->max_steps, ==, 50);
  g_assert_cmpstr (lc_encoder_get_options (again)->meta_columns[0], ==, "mwebv");

  /* and fitting it works like any encoder */
  g_assert_true (lc_encoder_fit (again, ds, NULL, 0, &error));
  d = lc_encoder_encode (again, ds, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->meta_features, ==, LC_N_FEATURES + 1);

  /* a typo is an error that names it */
  g_assert_true (json_parser_load_from_data (parser, "{\"normalization\": \"global\"}", -1, NULL));
  g_assert_null (lc_encoder_from_json (json_parser_get_root (parser), &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "normalization"));
  g_clear_error (&error);
  g_assert_true (json_parser_load_from_data (parser, "{\"max_steps\": \"many\"}", -1, NULL));
  g_assert_null (lc_encoder_from_json (json_parser_get_root (parser), &error));
  g_assert_nonnull (strstr (error->message, "max_steps"));
}

/* Huge, NaN and zero values, missing errors: x and meta stay finite. */
static void
test_never_nan (void)
{
  static const Obs bad[] = {
    { 1.0, 1e30f, 1e-30f, 0, TRUE },
    { 2.0, -1e30f, 0.0f, 1, TRUE },
    { 3.0, NAN, 1.0f, 2, TRUE },
    { 3.0, 0.0f, NAN, 2, FALSE },
    { 9.0, 5.0f, INFINITY, 3, TRUE },
  };
  static const Obs flat[] = { { 1.0, 2.0f, 1.0f, 0, TRUE }, { 2.0, 2.0f, 1.0f, 0, TRUE } };
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_PLASTICC, LC_VALUE_FLUX, "bad");
  g_autoptr (LcDataset) ds = NULL;
  const LcValueScale scales[] = { LC_SCALE_NONE, LC_SCALE_LOG, LC_SCALE_ASINH };

  lc_dataset_builder_set_bands (b, 6, ugrizy);
  add_object (b, "bad", 90, bad, G_N_ELEMENTS (bad));
  add_object (b, "flat", 42, flat, G_N_ELEMENTS (flat));
  lc_dataset_builder_begin_object (b, "empty", 42);
  ds = lc_dataset_builder_finish (b, NULL);
  g_assert_nonnull (ds);

  for (guint s = 0; s < G_N_ELEMENTS (scales); s++)
    for (int norm = LC_NORM_OBJECT_ROBUST; norm <= LC_NORM_NONE; norm++)
      {
        g_autoptr (NnData) d = NULL;
        LcEncoderOptions o;
        lc_encoder_options_default (&o);
        o.value_scale = scales[s];
        o.normalisation = norm;
        d = fit_encode (&o, ds, NULL);
        assert_all_finite (d);
        /* the NaN value is skipped: four steps for "bad" */
        g_assert_cmpint (d->lengths[0], ==, 4);
        g_assert_cmpint (d->lengths[2], ==, 1);
      }
}

/* Seeded random datasets and options: odd values everywhere, never a crash,
 * never a NaN, lengths within the padding. */
static float
odd_value (NnRng *rng)
{
  const float specials[] = { 0.0f, -0.0f, NAN, INFINITY, -INFINITY, 1e38f, -1e38f, 1e-38f };
  if (nn_rng_uniform (rng) < 0.1)
    return specials[nn_rng_below (rng, G_N_ELEMENTS (specials))];
  return (float) (nn_rng_normal (rng) * pow (10.0, nn_rng_uniform_range (rng, -3.0, 6.0)));
}

/* lc_encoder_shape tells the dimensions encode gives, without computing any
 * value, for an unfitted encoder (it then stays unfitted) and a fitted one. */
static void
assert_shape_without_values (const LcEncoderOptions *o, LcDataset *ds, const NnData *d)
{
  g_autoptr (LcEncoder) fresh = lc_encoder_new (o);
  g_autoptr (GError) error = NULL;
  int steps = -1;

  g_assert_true (lc_encoder_shape (fresh, ds, NULL, 0, &steps, &error));
  g_assert_no_error (error);
  g_assert_false (lc_encoder_is_fitted (fresh));
  g_assert_cmpint (steps, ==, d->steps);
  g_assert_cmpint (lc_encoder_step_features (fresh), ==, d->features);
  g_assert_cmpint (lc_encoder_meta_features (fresh), ==, d->meta_features);
  g_assert_cmpint (lc_encoder_n_classes (fresh), ==, d->n_classes);
}

static void
test_random_datasets (void)
{
  static const char *const names[] = { "hostgal_photoz", "distmod" };
  NnRng rng;

  nn_rng_init (&rng, 2024);
  for (int trial = 0; trial < 60; trial++)
    {
      g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_PLASTICC, LC_VALUE_FLUX, "rand");
      g_autoptr (LcDataset) ds = NULL;
      g_autoptr (LcEncoder) enc = NULL;
      g_autoptr (NnData) d = NULL;
      g_autoptr (GError) error = NULL;
      int n_objects = 1 + (int) nn_rng_below (&rng, 12);
      LcEncoderOptions o;

      lc_dataset_builder_set_bands (b, 6, ugrizy);
      lc_dataset_builder_set_meta_names (b, 2, names);
      for (int i = 0; i < n_objects; i++)
        {
          char id[8];
          int n_obs = (int) nn_rng_below (&rng, 30);
          gsize obj;
          g_snprintf (id, sizeof id, "%d", i);
          obj = lc_dataset_builder_begin_object (b, id, nn_rng_uniform (&rng) < 0.5 ? 90 : 42);
          for (int k = 0; k < n_obs; k++)
            lc_dataset_builder_add_observation (b, nn_rng_uniform_range (&rng, 0.0, 100.0), odd_value (&rng),
                                                odd_value (&rng), (int) nn_rng_below (&rng, 6),
                                                nn_rng_uniform (&rng) < 0.5);
          lc_dataset_builder_set_meta (b, obj, 0, odd_value (&rng));
          lc_dataset_builder_set_meta (b, obj, 1, odd_value (&rng));
        }
      ds = lc_dataset_builder_finish (b, &error);
      g_assert_no_error (error);

      lc_encoder_options_default (&o);
      o.value_scale = nn_rng_below (&rng, 3);
      o.normalisation = nn_rng_below (&rng, 4);
      o.max_steps = (int) nn_rng_below (&rng, 20);
      o.first_k = (int) nn_rng_below (&rng, 10);
      o.first_days = nn_rng_uniform (&rng) < 0.5 ? 0.0 : nn_rng_uniform_range (&rng, 0.0, 50.0);
      o.with_features = nn_rng_uniform (&rng) < 0.7;
      o.with_band_features = nn_rng_uniform (&rng) < 0.3;
      o.with_period_features = nn_rng_uniform (&rng) < 0.3;
      enc = lc_encoder_new (&o);
      g_assert_true (lc_encoder_fit (enc, ds, NULL, 0, &error));
      d = lc_encoder_encode (enc, ds, NULL, 0, &error);
      g_assert_no_error (error);
      assert_all_finite (d);
      assert_shape_without_values (&o, ds, d);
      for (int i = 0; i < d->n; i++)
        {
          g_assert_cmpint (d->lengths[i], >=, 1);
          g_assert_cmpint (d->lengths[i], <=, d->steps);
        }
    }
}

/* Real files: the UEA LSST set is on a grid (6 bands x 36 steps, no errors);
 * the GOTO arrays carry contextual features that become the static input. */
static void
test_real_files (void)
{
  g_autofree char *ts = tu_shared_path ("data/uea_lsst/LSST_TRAIN.ts");
  g_autofree char *npy = tu_shared_path ("data/rnn_classifier_sample");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) lsst = lc_load (ts, NULL, NULL, NULL, &error);
  g_autoptr (LcDataset) goto_ds = NULL;
  g_autoptr (LcEncoder) enc = lc_encoder_new (NULL);
  g_autoptr (LcEncoder) enc2 = NULL;
  g_autoptr (NnData) d = NULL, d2 = NULL;
  LcEncoderOptions o;

  g_assert_no_error (error);
  g_assert_true (lsst->on_grid);
  g_assert_true (lc_encoder_fit (enc, lsst, NULL, 0, &error));
  d = lc_encoder_encode (enc, lsst, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->n, ==, (int) lsst->n_objects);
  g_assert_cmpint (d->features, ==, lsst->n_bands);
  g_assert_cmpint (d->steps, ==, 36);
  g_assert_cmpint (d->meta_features, ==, LC_N_FEATURES + lsst->n_meta);
  g_assert_cmpint (d->n_classes, ==, 14);
  assert_all_finite (d);
  for (int i = 0; i < d->n; i++)
    {
      g_assert_cmpint (d->labels[i], >=, 0);
      g_assert_cmpint (d->labels[i], <, 14);
      g_assert_cmpint (d->lengths[i], ==, 36);
    }

  lc_encoder_options_default (&o);
  o.with_features = FALSE;
  enc2 = lc_encoder_new (&o);
  goto_ds = lc_load (npy, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lc_encoder_fit (enc2, goto_ds, NULL, 0, &error));
  d2 = lc_encoder_encode (enc2, goto_ds, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (d2->meta_features, ==, goto_ds->n_meta);
  g_assert_cmpint (d2->meta_features, >, 0);
  assert_all_finite (d2);
}

/* A model trained on fluxes gave 483 rows for magnitudes without a word; the
 * fitted encoder now says what it measured, and refuses the other kind.
 * Files written before it said so still encode either. */
static void
test_value_kind_checked (void)
{
  g_autoptr (LcDataset) flux = two_objects ();
  g_autoptr (LcDataset) mags = two_objects ();
  g_autoptr (LcEncoder) enc = NULL;
  g_autoptr (LcEncoder) again = NULL;
  g_autoptr (LcEncoder) older = NULL;
  g_autoptr (NnData) fitted = NULL;
  g_autoptr (NnData) refused = NULL;
  g_autoptr (NnData) old_ok = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autoptr (GError) error = NULL;
  LcEncoderOptions o;

  mags->value_kind = LC_VALUE_MAGNITUDE;
  plain_options (&o);
  fitted = fit_encode (&o, flux, &enc);
  json = lc_encoder_to_json (enc);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "values"), ==, "flux");
  again = lc_encoder_from_json (json, &error);
  g_assert_no_error (error);
  refused = lc_encoder_encode (again, mags, NULL, 0, &error);
  g_assert_null (refused);
  g_assert_error (error, LC_ERROR, LC_ERROR_MISMATCH);
  g_assert_cmpstr (error->message, ==, "two.csv: the data are magnitudes, but the model was trained on "
                   "fluxes; its predictions would mean nothing");
  g_clear_error (&error);

  json_object_remove_member (json_node_get_object (json), "values");
  older = lc_encoder_from_json (json, &error);
  g_assert_no_error (error);
  old_ok = lc_encoder_encode (older, mags, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (old_ok);

  json_object_set_string_member (json_node_get_object (json), "values", "counts");
  g_assert_null (lc_encoder_from_json (json, &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "preprocessing: field “values”: expected “flux” or “magnitude”"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/encoder/observation-layout", test_observation_layout);
  g_test_add_func ("/encoder/rows-and-switches", test_rows_and_switches);
  g_test_add_func ("/encoder/scaling", test_scaling_and_object_normalisation);
  g_test_add_func ("/encoder/global-fit", test_global_fit_on_training_rows);
  g_test_add_func ("/encoder/windows", test_truncation_and_windows);
  g_test_add_func ("/encoder/grid", test_grid_layout);
  g_test_add_func ("/encoder/cells-to-observations", test_cells_to_observations);
  g_test_add_func ("/encoder/grid-cells-to-observations", test_grid_cells_to_observations);
  g_test_add_func ("/encoder/constant-feature", test_constant_feature_standardised);
  g_test_add_func ("/encoder/metadata", test_metadata);
  g_test_add_func ("/encoder/labels", test_labels_by_class_id);
  g_test_add_func ("/encoder/json-round-trip", test_json_round_trip);
  g_test_add_func ("/encoder/json-errors", test_json_errors);
  g_test_add_func ("/encoder/json-preset", test_json_preset);
  g_test_add_func ("/encoder/never-nan", test_never_nan);
  g_test_add_func ("/encoder/random-datasets", test_random_datasets);
  g_test_add_func ("/encoder/real-files", test_real_files);
  g_test_add_func ("/encoder/value-kind-checked", test_value_kind_checked);
  return g_test_run ();
}
