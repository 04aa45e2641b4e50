/* test-simulate.c: the built-in simulator and the PLAsTiCC writer */
#include "lc.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static LcDataset *
simulate (int n, guint64 seed, gboolean with_meta)
{
  LcSimulateOptions options;
  g_autoptr (GError) error = NULL;
  LcDataset *ds;

  lc_simulate_options_default (&options);
  options.n_objects = n;
  options.seed = seed;
  options.with_meta = with_meta;
  ds = lc_simulate (&options, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ds);
  return ds;
}

static gboolean
same_float (float a, float b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

/* Every observation, label and metadata value equal (NaN equals NaN). */
static gboolean
datasets_equal (const LcDataset *a, const LcDataset *b)
{
  if (a->n_objects != b->n_objects || a->n_obs != b->n_obs || a->n_meta != b->n_meta
      || a->n_classes != b->n_classes || a->n_bands != b->n_bands)
    return FALSE;
  for (gsize i = 0; i < a->n_objects; i++)
    {
      const LcObject *oa = &a->objects[i], *ob = &b->objects[i];
      if (strcmp (oa->id, ob->id) != 0 || oa->n_obs != ob->n_obs
          || a->classes[oa->label].id != b->classes[ob->label].id)
        return FALSE;
      for (int k = 0; k < a->n_meta; k++)
        if (!same_float (oa->meta[k], ob->meta[k]))
          return FALSE;
      for (int k = 0; k < oa->n_obs; k++)
        {
          gsize ia = oa->first + k, ib = ob->first + k;
          if (a->time[ia] != b->time[ib] || a->value[ia] != b->value[ib] || a->error[ia] != b->error[ib]
              || a->band[ia] != b->band[ib] || a->detected[ia] != b->detected[ib])
            return FALSE;
        }
    }
  return TRUE;
}

static void
test_same_seed_same_data (void)
{
  g_autoptr (LcDataset) a = simulate (300, 7, TRUE);
  g_autoptr (LcDataset) b = simulate (300, 7, TRUE);
  g_assert_true (datasets_equal (a, b));
}

static void
test_different_seed_different_data (void)
{
  g_autoptr (LcDataset) a = simulate (300, 7, TRUE);
  g_autoptr (LcDataset) b = simulate (300, 8, TRUE);
  g_assert_false (datasets_equal (a, b));
  /* not just a relabelling: the first object's first flux differs */
  g_assert_cmpfloat (a->value[0], !=, b->value[0]);
}

static void
test_every_class_present (void)
{
  const int sizes[] = { 10, 50, 73, 500 };
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autoptr (LcDataset) ds = simulate (sizes[s], 100 + s, FALSE);
      int total = 0;
      g_assert_cmpint (ds->n_classes, ==, 10);
      for (int c = 0; c < ds->n_classes; c++)
        {
          g_assert_cmpint (ds->classes[c].count, >=, 1);
          g_assert_nonnull (lc_plasticc_class_name (ds->classes[c].id));
          g_assert_cmpstr (ds->classes[c].name, ==, lc_plasticc_class_name (ds->classes[c].id));
          total += ds->classes[c].count;
        }
      g_assert_cmpint (total, ==, sizes[s]);
      g_assert_cmpint (ds->n_meta, ==, 0);
    }
}

static gboolean
is_galactic_class (int id)
{
  return id == 16 || id == 53 || id == 65 || id == 92;
}

static int
meta_index (const LcDataset *ds, const char *name)
{
  for (int k = 0; k < ds->n_meta; k++)
    if (strcmp (ds->meta_names[k], name) == 0)
      return k;
  g_error ("no metadata column %s", name);
  return -1;
}

/* Sorted times in the survey window, six bands, finite flux, positive errors,
 * and `detected` exactly the S/N > 5 rule. */
static void
test_observations_sane (void)
{
  g_autoptr (LcDataset) ds = simulate (400, 3, TRUE);
  gsize n_detected = 0;

  g_assert_cmpint (ds->n_bands, ==, 6);
  g_assert_cmpstr (ds->band_names[0], ==, "u");
  g_assert_cmpstr (ds->band_names[5], ==, "y");
  g_assert_cmpint (ds->source, ==, LC_SOURCE_SIMULATED);
  g_assert_cmpint (ds->value_kind, ==, LC_VALUE_FLUX);
  for (gsize i = 0; i < ds->n_objects; i++)
    {
      const LcObject *o = &ds->objects[i];
      int detections = 0;
      g_assert_cmpint (o->n_obs, >=, 20);
      for (int k = 0; k < o->n_obs; k++)
        {
          gsize j = o->first + k;
          if (k > 0)
            g_assert_cmpfloat (ds->time[j], >=, ds->time[j - 1]);
          g_assert_cmpfloat (ds->time[j], >=, 59580.0);
          g_assert_cmpfloat (ds->time[j], <, 59580.0 + 1001.0);
          g_assert_cmpint (ds->band[j], <, 6);
          g_assert_true (isfinite (ds->value[j]));
          g_assert_true (isfinite (ds->error[j]) && ds->error[j] > 0.0f);
          g_assert_cmpint (ds->detected[j], ==, fabsf (ds->value[j]) / ds->error[j] > 5.0f);
          detections += ds->detected[j];
        }
      /* the survey keeps objects that triggered; a few faint ones may slip */
      n_detected += detections >= 2;
    }
  g_assert_cmpuint (n_detected, >=, ds->n_objects * 95 / 100);
}

/* Galactic objects have no host redshift and no distance; extragalactic ones do. */
static void
test_metadata_by_class (void)
{
  g_autoptr (LcDataset) ds = simulate (400, 4, TRUE);
  int photoz = meta_index (ds, "hostgal_photoz"), specz = meta_index (ds, "hostgal_specz");
  int distmod = meta_index (ds, "distmod"), mwebv = meta_index (ds, "mwebv");
  int err = meta_index (ds, "hostgal_photoz_err");

  g_assert_cmpint (ds->n_meta, ==, 10);
  for (gsize i = 0; i < ds->n_objects; i++)
    {
      const LcObject *o = &ds->objects[i];
      g_assert_cmpfloat (o->meta[mwebv], >, 0.0f);
      if (is_galactic_class (ds->classes[o->label].id))
        {
          g_assert_cmpfloat (o->meta[photoz], ==, 0.0f);
          g_assert_cmpfloat (o->meta[specz], ==, 0.0f);
          g_assert_true (isnan (o->meta[distmod]));
        }
      else
        {
          g_assert_cmpfloat (o->meta[photoz], >, 0.0f);
          g_assert_cmpfloat (o->meta[specz], >, 0.0f);
          g_assert_cmpfloat (o->meta[err], >, 0.0f);
          g_assert_cmpfloat (o->meta[distmod], >, 30.0f);
          g_assert_cmpfloat (o->meta[distmod], <, 50.0f);
        }
    }
}

/* The physics shows in simple statistics: Miras and RR Lyrae are detected
 * most of the time, kilonovae only briefly; a kilonova is redder in its
 * detections than a TDE. */
static double
detected_fraction (const LcDataset *ds, int class_id)
{
  gsize det = 0, all = 0;
  int c = lc_dataset_class_index (ds, class_id);
  for (gsize i = 0; i < ds->n_objects; i++)
    if (ds->objects[i].label == c)
      for (int k = 0; k < ds->objects[i].n_obs; k++)
        {
          det += ds->detected[ds->objects[i].first + k];
          all++;
        }
  return (double) det / all;
}

static void
test_class_physics (void)
{
  g_autoptr (LcDataset) ds = simulate (1000, 5, FALSE);
  double mira = detected_fraction (ds, 53), rrl = detected_fraction (ds, 92);
  double kn = detected_fraction (ds, 64), ia = detected_fraction (ds, 90);

  g_assert_cmpfloat (mira, >, 0.5);
  g_assert_cmpfloat (rrl, >, 0.5);
  g_assert_cmpfloat (kn, <, 0.1);
  g_assert_cmpfloat (ia, <, 0.3);
  g_assert_cmpfloat (ia, >, kn);
}

static gboolean
cancel_at_half (double fraction, gpointer user_data)
{
  int *calls = user_data;
  (*calls)++;
  return fraction < 0.5;
}

static void
test_cancel_and_bad_options (void)
{
  LcSimulateOptions options;
  g_autoptr (GError) error = NULL;
  LcDataset *ds;
  int calls = 0;

  lc_simulate_options_default (&options);
  options.n_objects = 2000;
  ds = lc_simulate (&options, cancel_at_half, &calls, &error);
  g_assert_null (ds);
  g_assert_error (error, LC_ERROR, LC_ERROR_CANCELLED);
  g_assert_cmpint (calls, >=, 2);
  g_clear_error (&error);

  options.n_objects = 0;
  g_assert_null (lc_simulate (&options, NULL, NULL, &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "n_objects"));
  g_clear_error (&error);

  options.n_objects = 10;
  options.survey_days = NAN;
  g_assert_null (lc_simulate (&options, NULL, NULL, &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "survey_days"));
}

static void
test_short_survey (void)
{
  LcSimulateOptions options;
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;

  lc_simulate_options_default (&options);
  options.n_objects = 30;
  options.survey_days = 2.0;
  ds = lc_simulate (&options, NULL, NULL, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < ds->n_objects; i++)
    g_assert_cmpint (ds->objects[i].n_obs, >=, 1);
}

static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Written files read back by the PLAsTiCC loader give the same values. */
static void
test_write_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = simulate (120, 11, TRUE);
  g_autoptr (LcDataset) back = NULL;
  g_autofree char *dir = g_dir_make_tmp ("passband-sim-XXXXXX", &error);
  g_autofree char *csv = NULL, *meta = NULL;
  g_autoptr (GDir) listing = NULL;
  int n_files = 0;

  g_assert_no_error (error);
  g_assert_true (lc_write_plasticc (ds, dir, "sample", &error));
  g_assert_no_error (error);
  csv = g_build_filename (dir, "sample.csv", NULL);
  meta = g_build_filename (dir, "sample_metadata.csv", NULL);
  /* no temporary files left behind */
  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    n_files++;
  g_assert_cmpint (n_files, ==, 2);

  back = lc_load_plasticc (csv, meta, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  for (int k = 0; k < ds->n_meta; k++)
    g_assert_cmpstr (ds->meta_names[k], ==, back->meta_names[k]);
  g_assert_true (datasets_equal (ds, back));

  /* the generic loader finds the metadata beside the data by itself */
  g_clear_pointer (&back, lc_dataset_unref);
  back = lc_load (csv, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (datasets_equal (ds, back));
  remove_dir (dir);
}

/* Without metadata the metadata file holds only object_id and target. */
static void
test_write_round_trip_without_meta (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = simulate (30, 13, FALSE);
  g_autoptr (LcDataset) back = NULL;
  g_autofree char *dir = g_dir_make_tmp ("passband-sim-XXXXXX", &error);
  g_autofree char *csv = g_build_filename (dir, "plain.csv", NULL);
  g_autofree char *meta = g_build_filename (dir, "plain_metadata.csv", NULL);
  g_autofree char *meta_text = NULL;

  g_assert_true (lc_write_plasticc (ds, dir, "plain", &error));
  g_assert_true (g_file_get_contents (meta, &meta_text, NULL, NULL));
  g_assert_true (g_str_has_prefix (meta_text, "object_id,target\n"));
  back = lc_load_plasticc (csv, meta, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (datasets_equal (ds, back));
  remove_dir (dir);
}

static void
test_write_header_exact (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = simulate (12, 12, TRUE);
  g_autofree char *dir = g_dir_make_tmp ("passband-sim-XXXXXX", &error);
  g_autofree char *csv = g_build_filename (dir, "x.csv", NULL);
  g_autofree char *meta = g_build_filename (dir, "x_metadata.csv", NULL);
  g_autofree char *csv_text = NULL, *meta_text = NULL;

  g_assert_true (lc_write_plasticc (ds, dir, "x", &error));
  g_assert_true (g_file_get_contents (csv, &csv_text, NULL, NULL));
  g_assert_true (g_file_get_contents (meta, &meta_text, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv_text, "object_id,mjd,passband,flux,flux_err,detected\n"));
  g_assert_true (g_str_has_prefix (meta_text,
                                   "object_id,ra,decl,gal_l,gal_b,ddf,hostgal_specz,hostgal_photoz,"
                                   "hostgal_photoz_err,distmod,mwebv,target\n"));
  remove_dir (dir);
}

static void
test_write_error_names_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = simulate (10, 1, FALSE);

  g_assert_false (lc_write_plasticc (ds, "/nonexistent/passband/dir", "s", &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "/nonexistent/passband/dir/s.csv"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/simulate/same-seed", test_same_seed_same_data);
  g_test_add_func ("/simulate/different-seed", test_different_seed_different_data);
  g_test_add_func ("/simulate/every-class", test_every_class_present);
  g_test_add_func ("/simulate/observations", test_observations_sane);
  g_test_add_func ("/simulate/metadata", test_metadata_by_class);
  g_test_add_func ("/simulate/physics", test_class_physics);
  g_test_add_func ("/simulate/cancel-and-bad-options", test_cancel_and_bad_options);
  g_test_add_func ("/simulate/short-survey", test_short_survey);
  g_test_add_func ("/simulate/write-round-trip", test_write_round_trip);
  g_test_add_func ("/simulate/write-round-trip-without-meta", test_write_round_trip_without_meta);
  g_test_add_func ("/simulate/write-header", test_write_header_exact);
  g_test_add_func ("/simulate/write-error", test_write_error_names_file);
  return g_test_run ();
}
