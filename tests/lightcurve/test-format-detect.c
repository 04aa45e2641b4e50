/* test-format-detect.c: lc_format_detect and the lc_load dispatch (files, folders, sim:N) */
#include "lc-format.h"
#include "lc-simulate.h"
#include "testutil.h"

#include <math.h>
#include <glib/gstdio.h>
#include <string.h>

static char *tmp_dir;

static void
test_detect (void)
{
  g_autofree char *plasticc = tu_shared_path ("data/plasticc_training_sample/training_set_first10.csv");
  g_autofree char *kit = tu_shared_path ("data/plasticc_starter_kit_examples/fake010.csv");
  g_autofree char *kit_meta = tu_shared_path ("data/plasticc_starter_kit_examples/plasticc_training_set_metadata_stub.csv");
  g_autofree char *ts = tu_shared_path ("data/uea_lsst/LSST_TRAIN.ts");
  g_autofree char *npy_dir = tu_shared_path ("data/rnn_classifier_sample");
  g_autofree char *npy_file = tu_shared_path ("data/rnn_classifier_sample/test_time_features.npy");
  g_autofree char *csv_dir = g_build_filename (tmp_dir, "curves", NULL);
  g_autofree char *csv_in_dir = g_build_filename (csv_dir, "a.csv", NULL);
  g_autofree char *empty_dir = g_build_filename (tmp_dir, "empty", NULL);
  g_autofree char *text = g_build_filename (tmp_dir, "notes.txt", NULL);

  g_mkdir_with_parents (csv_dir, 0700);
  g_mkdir_with_parents (empty_dir, 0700);
  g_file_set_contents (csv_in_dir, "time,mag\n1,2\n", -1, NULL);
  g_file_set_contents (text, "hello\n", -1, NULL);

  g_assert_cmpint (lc_format_detect ("sim:10"), ==, LC_FORMAT_SIMULATED);
  g_assert_cmpint (lc_format_detect (plasticc), ==, LC_FORMAT_PLASTICC);
  g_assert_cmpint (lc_format_detect (kit), ==, LC_FORMAT_PLASTICC);
  /* a metadata table is not a light-curve file */
  g_assert_cmpint (lc_format_detect (kit_meta), ==, LC_FORMAT_CSV);
  g_assert_cmpint (lc_format_detect (ts), ==, LC_FORMAT_TS);
  g_assert_cmpint (lc_format_detect (npy_dir), ==, LC_FORMAT_NPY);
  g_assert_cmpint (lc_format_detect (npy_file), ==, LC_FORMAT_NPY);
  g_assert_cmpint (lc_format_detect (csv_dir), ==, LC_FORMAT_CSV_FOLDER);
  g_assert_cmpint (lc_format_detect (empty_dir), ==, LC_FORMAT_AUTO);
  g_assert_cmpint (lc_format_detect (text), ==, LC_FORMAT_AUTO);
  for (int f = LC_FORMAT_AUTO; f <= LC_FORMAT_SIMULATED; f++)
    g_assert_nonnull (lc_format_name (f));

  g_unlink (csv_in_dir);
  g_unlink (text);
  g_rmdir (csv_dir);
  g_rmdir (empty_dir);
}

static void
test_load_errors (void)
{
  g_autofree char *missing = g_build_filename (tmp_dir, "nothing-here.csv", NULL);
  g_autofree char *text = g_build_filename (tmp_dir, "notes.txt", NULL);
  g_autofree char *plasticc = tu_shared_path ("data/plasticc_training_sample/training_set_first10.csv");
  LcLoadOptions as_ts = { .format = LC_FORMAT_TS };
  g_autoptr (GError) error = NULL;
  LcDataset *ds;

  ds = lc_load (missing, NULL, NULL, NULL, &error);
  g_assert_null (ds);
  g_assert_error (error, LC_ERROR, LC_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "nothing-here.csv"));
  g_clear_error (&error);

  g_file_set_contents (text, "hello\n", -1, NULL);
  ds = lc_load (text, NULL, NULL, NULL, &error);
  g_assert_null (ds);
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "unknown format"));
  g_clear_error (&error);
  g_unlink (text);

  /* a metadata table opened as data gets a hint */
  {
    g_autofree char *stub = tu_shared_path ("data/plasticc_starter_kit_examples/plasticc_training_set_metadata_stub.csv");
    ds = lc_load (stub, NULL, NULL, NULL, &error);
    g_assert_null (ds);
    g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, "plasticc_training_set_metadata_stub.csv:1: this is a PLAsTiCC metadata table"));
    g_clear_error (&error);
  }

  /* a forced format is used as asked, and its reader explains the mismatch */
  ds = lc_load (plasticc, &as_ts, NULL, NULL, &error);
  g_assert_null (ds);
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "training_set_first10.csv:1: expected a “#” or “%” comment or an “@” header"));
  g_clear_error (&error);

  for (guint i = 0; i < 4; i++)
    {
      const char *bad[] = { "sim:", "sim:abc", "sim:0", "sim:5:x" };
      ds = lc_load (bad[i], NULL, NULL, NULL, &error);
      g_assert_null (ds);
      g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
      g_assert_nonnull (strstr (error->message, "sim:N"));
      g_clear_error (&error);
    }
}

static void
test_load_simulated (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) a = lc_load ("sim:40:7", NULL, NULL, NULL, &error);
  g_autoptr (LcDataset) b = NULL;
  g_autoptr (LcDataset) c = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (a->source, ==, LC_SOURCE_SIMULATED);
  g_assert_cmpuint (a->n_objects, ==, 40);
  g_assert_cmpint (a->n_bands, ==, 6);
  b = lc_load ("sim:40:7", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* seeded: the same seed gives the same light curves */
  g_assert_cmpuint (a->n_obs, ==, b->n_obs);
  g_assert_cmpint (memcmp (a->value, b->value, a->n_obs * sizeof (float)), ==, 0);
  c = lc_load ("sim:40:8", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (a->n_obs != c->n_obs || memcmp (a->value, c->value, a->n_obs * sizeof (float)) != 0);
}

/* A PLAsTiCC file and its metadata through lc_load, with the metadata named in the options. */
static void
test_load_plasticc_options (void)
{
  g_autofree char *kit = tu_shared_path ("data/plasticc_starter_kit_examples/fake010.csv");
  g_autofree char *meta = g_build_filename (tmp_dir, "kit_meta.csv", NULL);
  LcLoadOptions options = { .meta_path = meta };
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;

  g_file_set_contents (meta, "object_id,ddf_bool,hostgal_photoz,target\n10,0,0.3,62\n", -1, NULL);
  ds = lc_load (kit, &options, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_objects, ==, 1);
  g_assert_cmpuint (ds->n_obs, ==, 117);
  g_assert_cmpint (ds->classes[ds->objects[0].label].id, ==, 62);
  g_assert_cmpstr (ds->classes[0].name, ==, "SN Ibc");
  g_assert_cmpstr (ds->meta_names[0], ==, "ddf_bool");
  g_assert_cmpfloat (ds->objects[0].meta[1], ==, 0.3f);
  g_unlink (meta);
}

/* The simulator's PLAsTiCC writer and this reader agree: write, read back, compare. */
static void
test_simulated_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) sim = lc_load ("sim:60:3", NULL, NULL, NULL, &error);
  g_autoptr (LcDataset) back = NULL;
  g_autofree char *csv = g_build_filename (tmp_dir, "sim_set.csv", NULL);
  g_autofree char *meta = g_build_filename (tmp_dir, "sim_set_metadata.csv", NULL);

  g_assert_no_error (error);
  g_assert_true (lc_write_plasticc (sim, tmp_dir, "sim_set", &error));
  g_assert_no_error (error);
  back = lc_load (csv, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->meta_path, ==, meta);
  g_assert_cmpuint (back->n_objects, ==, sim->n_objects);
  g_assert_cmpuint (back->n_obs, ==, sim->n_obs);
  g_assert_cmpint (back->n_meta, ==, sim->n_meta);
  for (int m = 0; m < sim->n_meta; m++)
    g_assert_cmpstr (back->meta_names[m], ==, sim->meta_names[m]);
  for (gsize i = 0; i < sim->n_objects; i++)
    {
      const LcObject *a = &sim->objects[i], *b = &back->objects[i];
      g_assert_cmpstr (a->id, ==, b->id);
      g_assert_cmpint (a->n_obs, ==, b->n_obs);
      g_assert_cmpint (sim->classes[a->label].id, ==, back->classes[b->label].id);
      for (int m = 0; m < sim->n_meta; m++)
        g_assert_true ((isnan (a->meta[m]) && isnan (b->meta[m])) || fabsf (a->meta[m] - b->meta[m]) <= 1e-6f * fmaxf (1, fabsf (a->meta[m])));
    }
  for (gsize k = 0; k < sim->n_obs; k++)
    {
      g_assert_cmpfloat_with_epsilon (back->time[k], sim->time[k], 1e-6);
      g_assert_cmpfloat (back->value[k], ==, sim->value[k]);
      g_assert_cmpfloat (back->error[k], ==, sim->error[k]);
      g_assert_cmpint (back->band[k], ==, sim->band[k]);
      g_assert_cmpint (back->detected[k], ==, sim->detected[k]);
    }

  /* the folder the pair was written to loads as that pair */
  {
    g_autoptr (LcDataset) folder = NULL;
    g_assert_cmpint (lc_format_detect (tmp_dir), ==, LC_FORMAT_PLASTICC);
    folder = lc_load (tmp_dir, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (folder->path, ==, csv);
    g_assert_cmpuint (folder->n_obs, ==, sim->n_obs);
    g_assert_cmpint (folder->n_meta, ==, sim->n_meta);
  }
  g_unlink (csv);
  g_unlink (meta);
}

typedef struct
{
  int calls;
  int stop_at;
} Stopper;

static gboolean
stop_after (double fraction, gpointer user_data)
{
  Stopper *s = user_data;

  return ++s->calls < s->stop_at;
}

/* Every reader honours the progress callback's stop. */
static void
test_cancel_everywhere (void)
{
  g_autofree char *plasticc = tu_shared_path ("data/plasticc_training_sample/training_set_first10.csv");
  g_autofree char *npy_dir = tu_shared_path ("data/rnn_classifier_sample");
  g_autofree char *ts = tu_shared_path ("data/uea_lsst/LSST_TRAIN.ts");
  const char *paths[] = { plasticc, npy_dir, ts, "sim:20" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (GError) error = NULL;
      Stopper stopper = { 0, 1 };
      g_autoptr (LcDataset) ds = lc_load (paths[i], NULL, stop_after, &stopper, &error);
      g_assert_null (ds);
      g_assert_error (error, LC_ERROR, LC_ERROR_CANCELLED);
      g_assert_cmpint (stopper.calls, ==, 1);
    }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("passband-detect-XXXXXX", NULL);
  g_test_add_func ("/format/detect/formats", test_detect);
  g_test_add_func ("/format/detect/load-errors", test_load_errors);
  g_test_add_func ("/format/detect/simulated", test_load_simulated);
  g_test_add_func ("/format/detect/plasticc-options", test_load_plasticc_options);
  g_test_add_func ("/format/detect/cancel-everywhere", test_cancel_everywhere);
  g_test_add_func ("/format/detect/simulated-round-trip", test_simulated_round_trip);
  status = g_test_run ();
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
