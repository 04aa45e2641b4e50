/* test-augment.c: augmented copies of light curves (lc-augment.h): seeded,
 * noise scaled by the errors, shifts, dropped observations, amplitude. */
#include <math.h>
#include <string.h>

#include "lc.h"
#include "lc-augment.h"
#include "lc-dataset-builder.h"

/* Two flux objects in two bands: "bright" (class 90) with 2000 observations of
 * flux 100, error 5 in band 0 and 0.5 in band 1; "faint" (class 42) with one
 * observation.  One metadata column. */
static LcDataset *
flux_dataset (void)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_SIMULATED, LC_VALUE_FLUX, "test");
  g_autoptr (GError) error = NULL;
  LcDataset *ds;
  gsize o;

  lc_dataset_builder_set_bands (b, 2, (const char *[]) { "g", "r" });
  lc_dataset_builder_set_meta_names (b, 1, (const char *[]) { "hostgal_photoz" });
  o = lc_dataset_builder_begin_object (b, "bright", 90);
  lc_dataset_builder_set_meta (b, o, 0, 0.25f);
  for (int i = 0; i < 2000; i++)
    lc_dataset_builder_add_observation (b, 60000.0 + i, 100.0f, i % 2 == 0 ? 5.0f : 0.5f, i % 2,
                                        i % 3 == 0);
  o = lc_dataset_builder_begin_object (b, "faint", 42);
  lc_dataset_builder_set_meta (b, o, 0, 0.5f);
  lc_dataset_builder_add_observation (b, 60010.0, 3.0f, 1.0f, 1, TRUE);
  ds = lc_dataset_builder_finish (b, &error);
  g_assert_no_error (error);
  return ds;
}

/* A .ts-like grid without errors: 3 objects, 2 bands x 12 steps, value =
 * 10 * object + step + 100 * band. */
static LcDataset *
grid_dataset (void)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_TS, LC_VALUE_FLUX, "grid.ts");
  g_autoptr (GError) error = NULL;
  LcDataset *ds;

  lc_dataset_builder_set_on_grid (b, TRUE);
  lc_dataset_builder_set_bands (b, 2, (const char *[]) { "0", "1" });
  for (int k = 0; k < 3; k++)
    {
      g_autofree char *id = g_strdup_printf ("obj%d", k);
      lc_dataset_builder_begin_object (b, id, k % 2);
      for (int band = 0; band < 2; band++)
        for (int t = 0; t < 12; t++)
          lc_dataset_builder_add_observation (b, t, (float) (10 * k + t + 100 * band), NAN, band, TRUE);
    }
  ds = lc_dataset_builder_finish (b, &error);
  g_assert_no_error (error);
  return ds;
}

static LcAugmentOptions
options_only (double noise, double shift, double drop, double jitter)
{
  LcAugmentOptions o;
  lc_augment_options_default (&o);
  o.noise = noise;
  o.time_shift = shift;
  o.drop_fraction = drop;
  o.amplitude_jitter = jitter;
  o.seed = 11;
  return o;
}

static gboolean
same_observations (const LcDataset *a, gsize oa, const LcDataset *b, gsize ob)
{
  const LcObject *x = &a->objects[oa], *y = &b->objects[ob];
  if (x->n_obs != y->n_obs)
    return FALSE;
  for (int i = 0; i < x->n_obs; i++)
    if (a->time[x->first + i] != b->time[y->first + i] || a->value[x->first + i] != b->value[y->first + i])
      return FALSE;
  return TRUE;
}

static void
test_layout (void)
{
  g_autoptr (LcDataset) ds = flux_dataset ();
  g_autoptr (LcDataset) aug = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree int *source = NULL;
  LcAugmentOptions o = options_only (1.0, 0.0, 0.1, 0.0);
  int rows[] = { 1, 0 };

  o.copies = 2;
  aug = lc_augment_dataset (ds, rows, 2, &o, &source, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aug->n_objects, ==, 6);
  /* originals first, in the order given, then the copies of each row */
  g_assert_cmpstr (aug->objects[0].id, ==, "faint");
  g_assert_cmpstr (aug->objects[1].id, ==, "bright");
  g_assert_cmpstr (aug->objects[2].id, ==, "faint~aug1");
  g_assert_cmpstr (aug->objects[3].id, ==, "faint~aug2");
  g_assert_cmpstr (aug->objects[5].id, ==, "bright~aug2");
  g_assert_cmpint (source[0], ==, 1);
  g_assert_cmpint (source[4], ==, 0);
  g_assert_true (same_observations (aug, 1, ds, 0));
  for (gsize i = 0; i < aug->n_objects; i++)
    {
      const LcObject *orig = &ds->objects[source[i]];
      g_assert_cmpint (aug->classes[aug->objects[i].label].id, ==, ds->classes[orig->label].id);
      g_assert_cmpfloat (aug->objects[i].meta[0], ==, orig->meta[0]);
    }
  g_assert_cmpint (aug->n_classes, ==, ds->n_classes);
  g_assert_cmpint (aug->classes[lc_dataset_class_index (aug, 90)].count, ==, 3);
  g_assert_cmpint (aug->n_bands, ==, 2);
  g_assert_cmpstr (aug->band_names[1], ==, "r");
  g_assert_cmpstr (aug->meta_names[0], ==, "hostgal_photoz");
  /* the single observation of "faint" survives any drop */
  g_assert_cmpint (aug->objects[2].n_obs, ==, 1);
}

static void
test_seeded (void)
{
  g_autoptr (LcDataset) ds = flux_dataset ();
  g_autoptr (GError) error = NULL;
  LcAugmentOptions o = options_only (1.0, 3.0, 0.2, 0.3);
  g_autoptr (LcDataset) a = lc_augment_dataset (ds, NULL, 0, &o, NULL, &error);
  g_autoptr (LcDataset) b = lc_augment_dataset (ds, NULL, 0, &o, NULL, &error);
  g_autoptr (LcDataset) c = NULL;
  g_autoptr (LcDataset) only_bright = NULL;
  int row0 = 0;

  g_assert_no_error (error);
  g_assert_true (same_observations (a, 2, b, 2));
  g_assert_false (same_observations (a, 2, ds, 0));
  o.seed = 12;
  c = lc_augment_dataset (ds, NULL, 0, &o, NULL, &error);
  g_assert_false (same_observations (a, 2, c, 2));
  /* a copy depends on its object and the seed, not on the other rows */
  o.seed = 11;
  only_bright = lc_augment_dataset (ds, &row0, 1, &o, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (same_observations (a, 2, only_bright, 1));
}

static void
test_noise_follows_errors (void)
{
  g_autoptr (LcDataset) ds = flux_dataset ();
  g_autoptr (GError) error = NULL;
  LcAugmentOptions o = options_only (1.0, 0.0, 0.0, 0.0);
  g_autoptr (LcDataset) aug = NULL;
  double sq[2] = { 0, 0 }, mean[2] = { 0, 0 };
  int n[2] = { 0, 0 };
  const LcObject *copy;
  int row0 = 0;

  o.keep_originals = FALSE;
  aug = lc_augment_dataset (ds, &row0, 1, &o, NULL, &error);
  g_assert_no_error (error);
  copy = &aug->objects[0];
  g_assert_cmpint (copy->n_obs, ==, 2000);
  for (int i = 0; i < copy->n_obs; i++)
    {
      gsize j = copy->first + i;
      int band = aug->band[j];
      double d = aug->value[j] - 100.0;
      mean[band] += d;
      sq[band] += d * d;
      n[band]++;
      /* errors, times, flags are those of the original */
      g_assert_cmpfloat (aug->error[j], ==, band == 0 ? 5.0f : 0.5f);
      g_assert_cmpfloat (aug->time[j], ==, ds->time[ds->objects[0].first + i]);
      g_assert_cmpint (aug->detected[j], ==, ds->detected[ds->objects[0].first + i]);
    }
  /* 1000 draws per band: the std is within 10 % of the error, the mean near 0 */
  g_assert_cmpfloat (fabs (sqrt (sq[0] / n[0]) - 5.0), <, 0.5);
  g_assert_cmpfloat (fabs (sqrt (sq[1] / n[1]) - 0.5), <, 0.05);
  g_assert_cmpfloat (fabs (mean[0] / n[0]), <, 0.5);
  g_assert_cmpfloat (fabs (mean[1] / n[1]), <, 0.05);
}

static void
test_scatter_without_errors (void)
{
  g_autoptr (LcDataset) ds = grid_dataset ();
  g_autoptr (GError) error = NULL;
  /* a ramp of slope 1: every step differs by 1 */
  double expect = 1.4826 / G_SQRT2;
  LcAugmentOptions o = options_only (2.0, 0.0, 0.0, 0.0);
  g_autoptr (LcDataset) aug = NULL;
  double sq = 0.0;
  int n = 0;

  g_assert_cmpfloat_with_epsilon (lc_augment_band_scatter (ds, 0, 0), expect, 1e-9);
  g_assert_cmpfloat_with_epsilon (lc_augment_band_scatter (ds, 2, 1), expect, 1e-9);
  o.copies = 200;
  o.keep_originals = FALSE;
  aug = lc_augment_dataset (ds, NULL, 0, &o, NULL, &error);
  g_assert_no_error (error);
  for (gsize k = 0; k < aug->n_objects; k++)
    {
      const LcObject *c = &aug->objects[k];
      int obj = (int) k / 200;
      for (int i = 0; i < c->n_obs; i++)
        {
          gsize j = c->first + i;
          double orig = 10 * obj + aug->time[j] + 100 * aug->band[j];
          sq += (aug->value[j] - orig) * (aug->value[j] - orig);
          n++;
          g_assert_true (isnan (aug->error[j]));
        }
    }
  g_assert_cmpfloat (fabs (sqrt (sq / n) - 2.0 * expect), <, 0.05 * 2.0 * expect);
}

static void
test_drop_fraction (void)
{
  g_autoptr (LcDataset) ds = flux_dataset ();
  g_autoptr (GError) error = NULL;
  LcAugmentOptions o = options_only (0.0, 0.0, 0.3, 0.0);
  g_autoptr (LcDataset) aug = NULL;
  int row0 = 0, kept = 0, k_orig = 0;

  o.copies = 5;
  o.keep_originals = FALSE;
  aug = lc_augment_dataset (ds, &row0, 1, &o, NULL, &error);
  g_assert_no_error (error);
  for (gsize k = 0; k < aug->n_objects; k++)
    kept += aug->objects[k].n_obs;
  g_assert_cmpfloat (fabs (kept / 10000.0 - 0.7), <, 0.02);
  /* what is kept is unchanged (no noise) and in time order */
  for (int i = 0; i < aug->objects[0].n_obs; i++)
    {
      gsize j = aug->objects[0].first + i;
      g_assert_cmpfloat (aug->value[j], ==, 100.0f);
      if (i > 0)
        g_assert_cmpfloat (aug->time[j], >, aug->time[j - 1]);
      while (ds->time[ds->objects[0].first + k_orig] != aug->time[j])
        k_orig++;
      g_assert_cmpint (aug->band[j], ==, ds->band[ds->objects[0].first + k_orig]);
    }
}

static void
test_grid_shift (void)
{
  g_autoptr (LcDataset) ds = grid_dataset ();
  g_autoptr (GError) error = NULL;
  LcAugmentOptions o = options_only (0.0, 3.0, 0.0, 0.0);
  g_autoptr (LcDataset) aug = NULL;
  gboolean seen_shift[7] = { FALSE };

  o.copies = 60;
  o.keep_originals = FALSE;
  aug = lc_augment_dataset (ds, NULL, 0, &o, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (aug->on_grid);
  for (gsize k = 0; k < aug->n_objects; k++)
    {
      const LcObject *c = &aug->objects[k];
      int obj = (int) k / 60;
      /* the shift is the same for every cell: value - original step */
      gsize j0 = c->first;
      double shift = aug->time[j0] - (aug->value[j0] - 10 * obj - 100 * aug->band[j0]);
      g_assert_cmpfloat (shift, ==, round (shift));
      g_assert_cmpfloat (fabs (shift), <=, 3.0);
      seen_shift[(int) shift + 3] = TRUE;
      /* cells off the grid are gone: 12 - |shift| per band */
      g_assert_cmpint (c->n_obs, ==, 2 * (12 - (int) fabs (shift)));
      for (int i = 0; i < c->n_obs; i++)
        {
          gsize j = c->first + i;
          g_assert_cmpfloat (aug->time[j], >=, 0.0);
          g_assert_cmpfloat (aug->time[j], <=, 11.0);
          g_assert_cmpfloat (aug->value[j], ==, (float) (10 * obj + aug->time[j] - shift + 100 * aug->band[j]));
        }
    }
  for (int s = 0; s < 7; s++)
    g_assert_true (seen_shift[s]);
}

static void
test_amplitude (void)
{
  g_autoptr (LcDataset) ds = flux_dataset ();
  g_autoptr (GError) error = NULL;
  LcAugmentOptions o = options_only (0.0, 0.0, 0.0, 0.5);
  g_autoptr (LcDataset) aug = NULL;
  double log_sum = 0.0, log_sq = 0.0;
  int row0 = 0;

  o.copies = 400;
  o.keep_originals = FALSE;
  aug = lc_augment_dataset (ds, &row0, 1, &o, NULL, &error);
  g_assert_no_error (error);
  for (gsize k = 0; k < aug->n_objects; k++)
    {
      const LcObject *c = &aug->objects[k];
      double factor = aug->value[c->first] / 100.0;
      for (int i = 0; i < c->n_obs; i += 97)
        {
          gsize j = c->first + i;
          /* one factor for the whole copy; the signal-to-noise ratio is kept */
          g_assert_cmpfloat (fabs (aug->value[j] / 100.0 - factor), <, 1e-5 * factor);
          g_assert_cmpfloat (fabs (aug->value[j] / aug->error[j] - (i % 2 == 0 ? 20.0 : 200.0)), <, 1e-3);
        }
      log_sum += log (factor);
      log_sq += log (factor) * log (factor);
    }
  g_assert_cmpfloat (fabs (log_sum / 400), <, 0.1);
  g_assert_cmpfloat (fabs (sqrt (log_sq / 400) - 0.5), <, 0.07);
}

/* Magnitudes: a brighter copy is a smaller magnitude, by the same amount for
 * every point, and the errors (in magnitudes) stay. */
static void
test_amplitude_magnitudes (void)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_CSV, LC_VALUE_MAGNITUDE, "mags");
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (LcDataset) aug = NULL;
  g_autoptr (GError) error = NULL;
  LcAugmentOptions o = options_only (0.0, 0.0, 0.0, 0.4);

  lc_dataset_builder_set_bands (b, 1, (const char *[]) { "g" });
  lc_dataset_builder_begin_object (b, "star", 0);
  for (int i = 0; i < 20; i++)
    lc_dataset_builder_add_observation (b, i, 16.0f + 0.05f * i, 0.02f, 0, TRUE);
  ds = lc_dataset_builder_finish (b, &error);
  g_assert_no_error (error);
  o.copies = 20;
  o.keep_originals = FALSE;
  aug = lc_augment_dataset (ds, NULL, 0, &o, NULL, &error);
  g_assert_no_error (error);
  for (gsize k = 0; k < aug->n_objects; k++)
    {
      const LcObject *c = &aug->objects[k];
      double offset = aug->value[c->first] - 16.0;
      g_assert_cmpfloat (fabs (offset), >, 0.0);
      for (int i = 0; i < c->n_obs; i++)
        {
          gsize j = c->first + i;
          g_assert_cmpfloat (fabs (aug->value[j] - (16.0 + 0.05 * i) - offset), <, 1e-4);
          g_assert_cmpfloat (aug->error[j], ==, 0.02f);
        }
    }
}

static void
test_bad_input (void)
{
  g_autoptr (LcDataset) ds = flux_dataset ();
  LcAugmentOptions o = options_only (1.0, 0.0, 0.0, 0.0);
  int twice[] = { 0, 0 }, outside[] = { 2 };

  {
    g_autoptr (GError) error = NULL;
    g_assert_null (lc_augment_dataset (ds, twice, 2, &o, NULL, &error));
    g_assert_error (error, LC_ERROR, LC_ERROR_MISMATCH);
    g_assert_nonnull (strstr (error->message, "bright"));
  }
  {
    g_autoptr (GError) error = NULL;
    g_assert_null (lc_augment_dataset (ds, outside, 1, &o, NULL, &error));
    g_assert_error (error, LC_ERROR, LC_ERROR_MISMATCH);
  }
  {
    g_autoptr (GError) error = NULL;
    o.drop_fraction = 1.0;
    g_assert_null (lc_augment_dataset (ds, NULL, 0, &o, NULL, &error));
    g_assert_nonnull (strstr (error->message, "drop_fraction"));
  }
  o = options_only (NAN, 0, 0, 0);
  {
    g_autoptr (GError) error = NULL;
    g_assert_null (lc_augment_dataset (ds, NULL, 0, &o, NULL, &error));
    g_assert_nonnull (strstr (error->message, "noise"));
  }
  g_assert_false (lc_augment_options_active (&(LcAugmentOptions) { .copies = 3 }));
  g_assert_false (lc_augment_options_active (&(LcAugmentOptions) { .copies = 0, .noise = 1 }));
  g_assert_true (lc_augment_options_active (&(LcAugmentOptions) { .copies = 1, .drop_fraction = 0.1 }));
}

static JsonNode *
parse (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_json (void)
{
  LcAugmentOptions o, back;
  g_autoptr (JsonNode) node = parse ("{\"copies\": 3, \"time_shift\": 2, \"amplitude_jitter\": 0.25}");
  g_autoptr (JsonNode) written = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (lc_augment_options_from_json (node, &o, &error));
  g_assert_no_error (error);
  g_assert_cmpint (o.copies, ==, 3);
  g_assert_cmpfloat (o.time_shift, ==, 2.0);
  g_assert_cmpfloat (o.amplitude_jitter, ==, 0.25);
  g_assert_cmpfloat (o.noise, ==, 1.0);   /* the default */
  written = lc_augment_options_to_json (&o);
  g_assert_true (lc_augment_options_from_json (written, &back, &error));
  g_assert_cmpint (back.copies, ==, 3);
  g_assert_cmpfloat (back.drop_fraction, ==, o.drop_fraction);
  g_assert_true (back.keep_originals);

  {
    g_autoptr (JsonNode) bad = parse ("{\"copies\": 2, \"nosie\": 1}");
    g_autoptr (GError) e = NULL;
    g_assert_false (lc_augment_options_from_json (bad, &o, &e));
    g_assert_error (e, LC_ERROR, LC_ERROR_FORMAT);
    g_assert_nonnull (strstr (e->message, "nosie"));
  }
  {
    g_autoptr (JsonNode) bad = parse ("{\"drop_fraction\": 1.5}");
    g_autoptr (GError) e = NULL;
    g_assert_false (lc_augment_options_from_json (bad, &o, &e));
    g_assert_nonnull (strstr (e->message, "drop_fraction"));
  }
  {
    g_autoptr (JsonNode) bad = parse ("{\"copies\": 1.5}");
    g_autoptr (GError) e = NULL;
    g_assert_false (lc_augment_options_from_json (bad, &o, &e));
    g_assert_nonnull (strstr (e->message, "copies"));
  }
  {
    g_autoptr (JsonNode) bad = parse ("{\"keep_originals\": \"yes\"}");
    g_autoptr (GError) e = NULL;
    g_assert_false (lc_augment_options_from_json (bad, &o, &e));
    g_assert_nonnull (strstr (e->message, "keep_originals"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/augment/layout", test_layout);
  g_test_add_func ("/augment/seeded", test_seeded);
  g_test_add_func ("/augment/noise-follows-errors", test_noise_follows_errors);
  g_test_add_func ("/augment/scatter-without-errors", test_scatter_without_errors);
  g_test_add_func ("/augment/drop-fraction", test_drop_fraction);
  g_test_add_func ("/augment/grid-shift", test_grid_shift);
  g_test_add_func ("/augment/amplitude", test_amplitude);
  g_test_add_func ("/augment/amplitude-magnitudes", test_amplitude_magnitudes);
  g_test_add_func ("/augment/bad-input", test_bad_input);
  g_test_add_func ("/augment/json", test_json);
  return g_test_run ();
}
