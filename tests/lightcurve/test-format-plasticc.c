/* test-format-plasticc.c: the PLAsTiCC reader on the real sample files and on broken variants */
#include "lc-format.h"
#include "lc-dataset-builder.h"
#include "testutil.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static char *tmp_dir;

static char *
bad_file (const char *name)
{
  g_autofree char *dir = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "tests", "lightcurve",
                                           "bad-files", NULL);
  return g_build_filename (dir, name, NULL);
}

static gboolean
times_sorted (const LcDataset *ds)
{
  for (gsize i = 0; i < ds->n_objects; i++)
    for (int k = 1; k < ds->objects[i].n_obs; k++)
      if (ds->time[ds->objects[i].first + k - 1] > ds->time[ds->objects[i].first + k])
        return FALSE;
  return TRUE;
}

static void
test_training_sample (void)
{
  g_autofree char *csv = tu_shared_path ("data/plasticc_training_sample/training_set_first10.csv");
  g_autofree char *meta = tu_shared_path ("data/plasticc_training_sample/training_set_metadata_first10.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load_plasticc (csv, meta, NULL, NULL, &error);
  const LcObject *first;
  int distmod, photoz;
  struct { int id; int count; } expected[] = { { 42, 2 }, { 65, 2 }, { 88, 1 }, { 90, 4 }, { 92, 1 } };

  g_assert_no_error (error);
  g_assert_nonnull (ds);
  g_assert_cmpint (ds->source, ==, LC_SOURCE_PLASTICC);
  g_assert_cmpint (ds->value_kind, ==, LC_VALUE_FLUX);
  g_assert_false (ds->on_grid);
  g_assert_cmpuint (ds->n_objects, ==, 10);
  g_assert_cmpuint (ds->n_obs, ==, 3279);
  g_assert_cmpint (ds->n_bands, ==, 6);
  g_assert_cmpstr (ds->band_names[0], ==, "u");
  g_assert_cmpstr (ds->band_names[5], ==, "y");
  g_assert_cmpstr (ds->meta_path, ==, meta);

  g_assert_cmpint (ds->n_classes, ==, G_N_ELEMENTS (expected));
  for (guint c = 0; c < G_N_ELEMENTS (expected); c++)
    {
      g_assert_cmpint (ds->classes[c].id, ==, expected[c].id);
      g_assert_cmpint (ds->classes[c].count, ==, expected[c].count);
      g_assert_cmpstr (ds->classes[c].name, ==, lc_plasticc_class_name (expected[c].id));
    }

  /* meta: every column but object_id and target, names kept */
  g_assert_cmpint (ds->n_meta, ==, 10);
  g_assert_cmpstr (ds->meta_names[0], ==, "ra");
  g_assert_cmpstr (ds->meta_names[9], ==, "mwebv");
  distmod = 8;
  photoz = 6;
  g_assert_cmpstr (ds->meta_names[distmod], ==, "distmod");

  first = &ds->objects[0];
  g_assert_cmpstr (first->id, ==, "615");
  g_assert_cmpint (ds->classes[first->label].id, ==, 92);
  g_assert_true (isnan (first->meta[distmod]));
  g_assert_cmpfloat (first->meta[photoz], ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (first->meta[0], 349.046051f, 1e-4);
  g_assert_cmpfloat_with_epsilon (ds->objects[1].meta[distmod], 45.4063f, 1e-4);
  g_assert_cmpstr (ds->objects[1].id, ==, "713");
  g_assert_cmpint (ds->classes[ds->objects[1].label].id, ==, 88);

  /* first row of the file: 615,59750.4229,2,-544.810303,3.622952,1 */
  g_assert_cmpfloat_with_epsilon (ds->time[first->first], 59750.4229, 1e-9);
  g_assert_cmpfloat (ds->value[first->first], ==, -544.810303f);
  g_assert_cmpfloat (ds->error[first->first], ==, 3.622952f);
  g_assert_cmpint (ds->band[first->first], ==, 2);
  g_assert_cmpint (ds->detected[first->first], ==, 1);

  g_assert_true (times_sorted (ds));
  for (gsize i = 1; i < ds->n_objects; i++)
    g_assert_cmpuint (ds->objects[i].first, ==, ds->objects[i - 1].first + ds->objects[i - 1].n_obs);
}

/* Without --meta the reader finds training_set_metadata_first10.csv by its ids. */
static void
test_metadata_found_beside (void)
{
  g_autofree char *csv = tu_shared_path ("data/plasticc_training_sample/training_set_first10.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load_plasticc (csv, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ds->meta_path);
  g_assert_true (g_str_has_suffix (ds->meta_path, "training_set_metadata_first10.csv"));
  g_assert_cmpint (ds->n_classes, ==, 5);
  g_assert_cmpint (ds->n_meta, ==, 10);
}

static void
test_starter_kit (void)
{
  g_autofree char *csv = tu_shared_path ("data/plasticc_starter_kit_examples/fake030.csv");
  g_autofree char *stub = tu_shared_path ("data/plasticc_starter_kit_examples/plasticc_training_set_metadata_stub.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load_plasticc (csv, NULL, NULL, NULL, &error);
  g_autoptr (LcDataset) with_stub = NULL;

  /* detected_bool column; the stub describes other objects, so no labels */
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_objects, ==, 1);
  g_assert_cmpuint (ds->n_obs, ==, 341);
  g_assert_cmpstr (ds->objects[0].id, ==, "30");
  g_assert_cmpint (ds->objects[0].label, ==, -1);
  g_assert_null (ds->meta_path);
  g_assert_cmpint (ds->n_meta, ==, 0);
  g_assert_true (times_sorted (ds));

  /* given explicitly, a metadata file that lacks the object is an error */
  with_stub = lc_load_plasticc (csv, stub, NULL, NULL, &error);
  g_assert_error (error, LC_ERROR, LC_ERROR_MISMATCH);
  g_assert_null (with_stub);
  g_assert_nonnull (strstr (error->message, "“30”"));
}

/* The stub's pre-release metadata names (gall, galb, ddf_bool) become meta features. */
static void
test_starter_kit_metadata_names (void)
{
  g_autofree char *stub = tu_shared_path ("data/plasticc_starter_kit_examples/plasticc_training_set_metadata_stub.csv");
  g_autofree char *csv = tu_write_file (tmp_dir, "kit.csv",
                                    "object_id,mjd,passband,flux,flux_err,detected_bool\n"
                                    "713,59000.5,0,1.5,0.5,True\n"
                                    "713,59001.5,1,2.5,0.5,False\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load_plasticc (csv, stub, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (ds->n_meta, ==, 10);
  g_assert_cmpstr (ds->meta_names[2], ==, "gall");
  g_assert_cmpstr (ds->meta_names[4], ==, "ddf_bool");
  g_assert_cmpfloat_with_epsilon (ds->objects[0].meta[6], 1.6153f, 1e-5);
  g_assert_cmpint (ds->classes[ds->objects[0].label].id, ==, 88);
  g_assert_cmpint (ds->detected[0], ==, 1);
  g_assert_cmpint (ds->detected[1], ==, 0);
}

/* Objects whose rows are interleaved and out of time order are grouped and sorted. */
static void
test_interleaved (void)
{
  g_autofree char *csv = tu_write_file (tmp_dir, "mixed.csv",
                                    "\xef\xbb\xbfobject_id,mjd,passband,flux,flux_err,detected\r\n"
                                    "7,3.0,0,30,1,1\r\n"
                                    "5,2.0,1,20,1,0\r\n"
                                    "7,1.0,2,10,1,1\r\n"
                                    "\r\n"
                                    "5,1.0,3,1e1,1,1\r\n"
                                    "7,2.0,4,-2.0E+1,1,0\r\n"
                                    "5,2.0,5,21,1,1");
  g_autofree char *meta = tu_write_file (tmp_dir, "mixed_meta.csv",
                                     "object_id,hostgal_photoz,target\n"
                                     "5,0.5,\n"
                                     "9,0.1,42\n"
                                     "7,nan,90\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load_plasticc (csv, meta, NULL, NULL, &error);
  const double want_time[] = { 1, 2, 3, 1, 2, 2 };
  const float want_value[] = { 10, -20, 30, 10, 20, 21 };

  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_objects, ==, 2);
  g_assert_cmpstr (ds->objects[0].id, ==, "7");
  g_assert_cmpstr (ds->objects[1].id, ==, "5");
  g_assert_cmpint (ds->objects[0].n_obs, ==, 3);
  g_assert_cmpint (ds->objects[1].n_obs, ==, 3);
  for (int i = 0; i < 6; i++)
    {
      g_assert_cmpfloat (ds->time[i], ==, want_time[i]);
      g_assert_cmpfloat (ds->value[i], ==, want_value[i]);
    }
  /* equal times keep file order (stable sort): 20 then 21 */
  g_assert_cmpint (ds->band[4], ==, 1);
  g_assert_cmpint (ds->band[5], ==, 5);
  /* unlabelled object and a NaN meta value */
  g_assert_cmpint (ds->objects[1].label, ==, -1);
  g_assert_cmpint (ds->n_classes, ==, 1);
  g_assert_cmpint (ds->classes[0].id, ==, 90);
  g_assert_cmpint (ds->classes[0].count, ==, 1);
  g_assert_true (isnan (ds->objects[0].meta[0]));
  g_assert_cmpfloat (ds->objects[1].meta[0], ==, 0.5f);
}

/* Among several *_metadata*.csv files the one that describes every object wins. */
static void
test_metadata_search (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "search", NULL);
  g_autofree char *csv = g_build_filename (dir, "batch.csv", NULL);
  g_autofree char *a = g_build_filename (dir, "a_metadata_notes.csv", NULL);
  g_autofree char *b = g_build_filename (dir, "b_metadata.csv", NULL);
  g_autofree char *c = g_build_filename (dir, "c_metadata.csv", NULL);
  g_autofree char *d = g_build_filename (dir, "d_metadata.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;
  const char *paths[] = { csv, a, b, c, d };

  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (csv, "object_id,mjd,passband,flux,flux_err,detected\n1,1,0,1,1,1\n2,1,0,1,1,1\n", -1, NULL);
  g_file_set_contents (a, "note\nnot a table of objects\n", -1, NULL);
  g_file_set_contents (b, "object_id,mwebv,target\n8,0.1,90\n9,0.1,90,extra\n", -1, NULL);
  g_file_set_contents (c, "object_id,mwebv,target\n1,0.2,42\n", -1, NULL);

  /* only a partial match: an error that names the object without a row */
  ds = lc_load_plasticc (csv, NULL, NULL, NULL, &error);
  g_assert_null (ds);
  g_assert_error (error, LC_ERROR, LC_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "c_metadata.csv: no metadata row for object “2”"));
  g_clear_error (&error);

  g_file_set_contents (d, "object_id,hostgal_photoz\n2,0.5\n1,0.25\n", -1, NULL);
  ds = lc_load_plasticc (csv, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ds->meta_path, ==, d);
  g_assert_cmpint (ds->n_meta, ==, 1);
  g_assert_cmpstr (ds->meta_names[0], ==, "hostgal_photoz");
  g_assert_cmpfloat (ds->objects[0].meta[0], ==, 0.25f);
  /* d has no target: the partial candidate's labels must not leak through */
  g_assert_cmpint (ds->objects[0].label, ==, -1);
  g_assert_cmpint (ds->n_classes, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    g_unlink (paths[i]);
  g_rmdir (dir);
}

typedef struct
{
  const char *file;       /* in tests/lightcurve/bad-files */
  const char *meta;       /* NULL: look beside */
  LcError code;
  const char *message;    /* substring the message must contain */
} BadCase;

static const BadCase bad_cases[] = {
  { "empty.csv", NULL, LC_ERROR_FORMAT, "empty.csv: the file is empty" },
  { "header-only.csv", NULL, LC_ERROR_FORMAT, "header-only.csv: no observations" },
  { "missing-flux-err.csv", NULL, LC_ERROR_FORMAT, "missing-flux-err.csv:1: no “flux_err” column" },
  { "bad-flux.csv", NULL, LC_ERROR_FORMAT, "bad-flux.csv:3: field “flux”: expected a finite number, found “abc”" },
  { "nan-mjd.csv", NULL, LC_ERROR_FORMAT, "nan-mjd.csv:2: field “mjd”: expected a finite number, found “nan”" },
  { "bad-passband.csv", NULL, LC_ERROR_FORMAT, "bad-passband.csv:2: field “passband”: expected a passband 0..5" },
  { "bad-detected.csv", NULL, LC_ERROR_FORMAT, "bad-detected.csv:4: field “detected”: expected 0 or 1, found “2”" },
  { "truncated.csv", NULL, LC_ERROR_FORMAT, "truncated.csv:4: expected 6 fields as in the header, found 3" },
  { "extra-field.csv", NULL, LC_ERROR_FORMAT, "extra-field.csv:3: expected 6 fields as in the header, found 7" },
  { "empty-id.csv", NULL, LC_ERROR_FORMAT, "empty-id.csv:2: field “object_id”: expected an object id, found “(empty)”" },
  { "huge-flux.csv", NULL, LC_ERROR_FORMAT, "huge-flux.csv:2: field “flux”: “1e999” is out of range (at most ±3.4e+38)" },
  /* finite as a double, too large for the float it is stored in */
  { "float-overflow-flux.csv", NULL, LC_ERROR_FORMAT,
    "float-overflow-flux.csv:2: field “flux”: “1e39” is out of range (at most ±3.4e+38)" },
  { "good.csv", "meta-out-of-range.csv", LC_ERROR_FORMAT,
    "meta-out-of-range.csv:3: field 2 of object “2”: “1e39” is out of range" },
  { "unclosed-quote.csv", NULL, LC_ERROR_FORMAT, "unclosed-quote.csv:3: field 1: a quoted field is not closed" },
  { "good.csv", "meta-bad-value.csv", LC_ERROR_FORMAT, "meta-bad-value.csv:3: field 2 of object “2”: expected a number or nan, found “x1”" },
  { "good.csv", "meta-bad-target.csv", LC_ERROR_FORMAT, "meta-bad-target.csv:2: field “target”: expected a class number, found “SN”" },
  { "good.csv", "meta-missing-object.csv", LC_ERROR_MISMATCH, "meta-missing-object.csv: no metadata row for object “2” (1 of 2 objects missing)" },
  { "good.csv", "meta-duplicate.csv", LC_ERROR_MISMATCH, "meta-duplicate.csv:4: field “object_id”: object “1” has a second metadata row" },
  { "good.csv", "meta-no-id.csv", LC_ERROR_FORMAT, "meta-no-id.csv:1: no “object_id” column" },
  { "good.csv", "does-not-exist.csv", LC_ERROR_OPEN, "does-not-exist.csv: cannot open" },
};

static void
test_bad_file (gconstpointer data)
{
  const BadCase *bad = data;
  g_autofree char *csv = bad_file (bad->file);
  g_autofree char *meta = bad->meta != NULL ? bad_file (bad->meta) : NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load_plasticc (csv, meta, NULL, NULL, &error);

  g_assert_null (ds);
  g_assert_error (error, LC_ERROR, (gint) bad->code);
  if (strstr (error->message, bad->message) == NULL)
    g_error ("message “%s” lacks “%s”", error->message, bad->message);
}

/* The good file of the bad-files folder loads (so the cases above fail for their own reason). */
static void
test_good_file (void)
{
  g_autofree char *csv = bad_file ("good.csv");
  g_autofree char *meta = bad_file ("good_metadata.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load_plasticc (csv, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_objects, ==, 2);
  g_assert_cmpstr (ds->meta_path, ==, meta);
  g_assert_cmpint (ds->n_classes, ==, 2);
}

typedef struct
{
  int calls;
  double last;
  gboolean monotonic;
  int cancel_at;    /* 0: never */
} Progress;

static gboolean
on_progress (double fraction, gpointer user_data)
{
  Progress *p = user_data;

  if (fraction < p->last || fraction < 0 || fraction > 1)
    p->monotonic = FALSE;
  p->last = fraction;
  p->calls++;
  return p->cancel_at == 0 || p->calls < p->cancel_at;
}

static char *
write_big_file (int rows)
{
  GString *s = g_string_new ("object_id,mjd,passband,flux,flux_err,detected\n");
  char *path;

  for (int i = 0; i < rows; i++)
    g_string_append_printf (s, "%d,%.4f,%d,%.3f,%.3f,%d\n", i / 100, 59000 + i * 0.01, i % 6,
                            (i % 17) - 8.5, 1.0 + (i % 5), i % 2);
  path = tu_write_file (tmp_dir, "big.csv", s->str);
  g_string_free (s, TRUE);
  return path;
}

static void
test_progress_and_cancel (void)
{
  g_autofree char *csv = write_big_file (200000);
  g_autoptr (GError) error = NULL;
  Progress p = { 0, 0, TRUE, 0 };
  g_autoptr (LcDataset) ds = lc_load_plasticc (csv, NULL, on_progress, &p, &error);
  g_autoptr (LcDataset) cancelled = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_obs, ==, 200000);
  g_assert_cmpuint (ds->n_objects, ==, 2000);
  /* every 64k rows, then once at the end */
  g_assert_cmpint (p.calls, ==, 4);
  g_assert_true (p.monotonic);
  g_assert_cmpfloat (p.last, ==, 1.0);
  g_assert_cmpfloat_with_epsilon (ds->value[199999], (199999 % 17) - 8.5, 1e-6);

  p = (Progress) { 0, 0, TRUE, 2 };
  cancelled = lc_load_plasticc (csv, NULL, on_progress, &p, &error);
  g_assert_null (cancelled);
  g_assert_error (error, LC_ERROR, LC_ERROR_CANCELLED);
  g_assert_cmpint (p.calls, ==, 2);
}

static void
remove_tmp_dir (void)
{
  g_autoptr (GDir) dir = g_dir_open (tmp_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (tmp_dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("passband-plasticc-XXXXXX", NULL);
  g_test_add_func ("/format/plasticc/training-sample", test_training_sample);
  g_test_add_func ("/format/plasticc/metadata-found-beside", test_metadata_found_beside);
  g_test_add_func ("/format/plasticc/starter-kit", test_starter_kit);
  g_test_add_func ("/format/plasticc/starter-kit-metadata-names", test_starter_kit_metadata_names);
  g_test_add_func ("/format/plasticc/interleaved", test_interleaved);
  g_test_add_func ("/format/plasticc/good-file", test_good_file);
  g_test_add_func ("/format/plasticc/metadata-search", test_metadata_search);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/format/plasticc/bad/%u-%s%s%s", i, bad_cases[i].file,
                                               bad_cases[i].meta ? "+" : "",
                                               bad_cases[i].meta ? bad_cases[i].meta : "");
      g_test_add_data_func (name, &bad_cases[i], test_bad_file);
    }
  g_test_add_func ("/format/plasticc/progress-and-cancel", test_progress_and_cancel);
  status = g_test_run ();
  remove_tmp_dir ();
  g_free (tmp_dir);
  return status;
}
