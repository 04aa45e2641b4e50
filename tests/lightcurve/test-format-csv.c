/* test-format-csv.c: general long CSV with a mapping, and a folder of CSVs (SDSS RR Lyrae) */
#include "lc-format.h"
#include "testutil.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static char *tmp_dir;

/* The RR Lyrae archive extracted into a fresh folder. */
static char *
extract_rrlyrae (void)
{
  return tu_extract_shared_archive ("data/sdss_s82_rrlyrae/rrlyrae_sesar2010_lightcurves.tar.gz", tmp_dir,
                                    "rrlyrae");
}

static gsize
object_index (const LcDataset *ds, const char *id)
{
  for (gsize i = 0; i < ds->n_objects; i++)
    if (strcmp (ds->objects[i].id, id) == 0)
      return i;
  g_error ("no object %s", id);
  return 0;
}

static void
check_rrlyrae (const LcDataset *ds)
{
  const char *bands[] = { "u", "g", "r", "i", "z" };
  const int per_band[] = { 26906, 27161, 27607, 27463, 27059 };
  int counts[5] = { 0 };
  const LcObject *o;
  int period;

  g_assert_cmpint (ds->source, ==, LC_SOURCE_CSV);
  g_assert_cmpint (ds->value_kind, ==, LC_VALUE_MAGNITUDE);
  g_assert_false (ds->on_grid);
  g_assert_cmpuint (ds->n_objects, ==, 483);
  g_assert_cmpuint (ds->n_obs, ==, 136196);
  g_assert_cmpuint (ds->n_skipped, ==, 0);
  g_assert_cmpint (ds->n_bands, ==, 5);
  for (int b = 0; b < 5; b++)
    g_assert_cmpstr (ds->band_names[b], ==, bands[b]);
  for (gsize i = 0; i < ds->n_obs; i++)
    counts[ds->band[i]]++;
  for (int b = 0; b < 5; b++)
    g_assert_cmpint (counts[b], ==, per_band[b]);

  /* labels from periods.csv: names sorted, ids 0..K-1 */
  g_assert_cmpint (ds->n_classes, ==, 2);
  g_assert_cmpstr (ds->classes[0].name, ==, "ab");
  g_assert_cmpint (ds->classes[0].count, ==, 379);
  g_assert_cmpstr (ds->classes[1].name, ==, "c");
  g_assert_cmpint (ds->classes[1].count, ==, 104);
  g_assert_cmpint (ds->n_meta, ==, 1);
  g_assert_cmpstr (ds->meta_names[0], ==, "period");
  period = 0;

  /* objects in numeric order of their file names */
  g_assert_cmpstr (ds->objects[0].id, ==, "4099");
  o = &ds->objects[object_index (ds, "4099")];
  g_assert_cmpint (o->n_obs, ==, 284);
  g_assert_cmpint (o->label, ==, 0);
  g_assert_cmpfloat_with_epsilon (o->meta[period], 0.641754351271f, 1e-7);
  g_assert_cmpfloat (ds->time[o->first], ==, 51075.300784);
  g_assert_cmpfloat (ds->value[o->first], ==, 16.654f);
  g_assert_cmpfloat (ds->error[o->first], ==, 0.004f);
  g_assert_cmpstr (ds->band_names[ds->band[o->first]], ==, "r");
  g_assert_cmpstr (ds->band_names[ds->band[o->first + 2]], ==, "u");
  for (int k = 1; k < o->n_obs; k++)
    g_assert_cmpfloat (ds->time[o->first + k - 1], <=, ds->time[o->first + k]);
}

typedef struct
{
  int calls;
  int stop_at;     /* 0: never */
  double last;
} Progress;

static gboolean
on_progress (double fraction, gpointer user_data)
{
  Progress *p = user_data;

  g_assert_cmpfloat (fraction, >=, p->last);
  p->last = fraction;
  return ++p->calls != p->stop_at;
}

static void
test_rrlyrae_folder (void)
{
  g_autofree char *dir = extract_rrlyrae ();
  g_autofree char *curves = g_build_filename (dir, "light-curves", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (LcDataset) from_curves = NULL;

  g_assert_cmpint (lc_format_detect (dir), ==, LC_FORMAT_CSV_FOLDER);
  ds = lc_load (dir, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  check_rrlyrae (ds);
  g_assert_true (g_str_has_suffix (ds->meta_path, "periods.csv"));

  /* the light-curves folder itself finds periods.csv one level up */
  g_assert_cmpint (lc_format_detect (curves), ==, LC_FORMAT_CSV_FOLDER);
  {
    Progress progress = { 0, 0, 0 };
    from_curves = lc_load (curves, NULL, on_progress, &progress, &error);
    g_assert_no_error (error);
    check_rrlyrae (from_curves);
    /* once per file */
    g_assert_cmpint (progress.calls, ==, 483);
    g_assert_cmpfloat (progress.last, ==, 1.0);
  }
  {
    Progress progress = { 0, 10, 0 };
    g_autoptr (LcDataset) cancelled = lc_load (dir, NULL, on_progress, &progress, &error);
    g_assert_null (cancelled);
    g_assert_error (error, LC_ERROR, LC_ERROR_CANCELLED);
    g_assert_cmpint (progress.calls, ==, 10);
    g_clear_error (&error);
  }
  tu_remove_tree (dir);
}

static void
test_mapping_guess (void)
{
  const char *sdss[] = { "time", "mag", "magerr", "band", NULL };
  const char *flux[] = { "ID", "MJD", "filter", "flux", "flux_err", "Class", NULL };
  const char *none[] = { "a", "b", NULL };
  g_autoptr (LcCsvMapping) m = lc_csv_mapping_guess (sdss);
  g_autoptr (LcCsvMapping) f = lc_csv_mapping_guess (flux);
  g_autoptr (LcCsvMapping) copy = lc_csv_mapping_copy (f);

  g_assert_cmpstr (m->time_column, ==, "time");
  g_assert_cmpstr (m->value_column, ==, "mag");
  g_assert_cmpstr (m->error_column, ==, "magerr");
  g_assert_cmpstr (m->band_column, ==, "band");
  g_assert_null (m->object_column);
  g_assert_cmpint (m->value_kind, ==, LC_VALUE_MAGNITUDE);

  g_assert_cmpstr (copy->object_column, ==, "ID");
  g_assert_cmpstr (copy->time_column, ==, "MJD");
  g_assert_cmpstr (copy->band_column, ==, "filter");
  g_assert_cmpstr (copy->error_column, ==, "flux_err");
  g_assert_cmpstr (copy->label_column, ==, "Class");
  g_assert_cmpint (copy->value_kind, ==, LC_VALUE_FLUX);
  g_assert_null (lc_csv_mapping_guess (none));
}

static void
test_long_csv_mapping (void)
{
  g_autofree char *path = tu_write_file (tmp_dir, "long.csv",
                                     "when,src,filt,f,fe,det,kind\n"
                                     "3.0,b,1,5.0,0.5,1,42\n"
                                     "1.0,a,0,1.0,0.1,0,90\n"
                                     "2.0,b,0,\"4.0\",,true,42\n"
                                     "4.0,a,5,nan,0.1,1,90\n"
                                     "0.5,a,1,2.0,0.1,1,\n");
  LcCsvMapping mapping = {
    .object_column = "src", .time_column = "when", .band_column = "filt", .value_column = "f",
    .error_column = "fe", .detected_column = "det", .label_column = "kind", .value_kind = LC_VALUE_FLUX,
  };
  LcLoadOptions options = { .format = LC_FORMAT_CSV, .mapping = &mapping };
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load (path, &options, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_objects, ==, 2);
  g_assert_cmpstr (ds->objects[0].id, ==, "b");
  g_assert_cmpstr (ds->objects[1].id, ==, "a");
  /* the NaN value row is a missing measurement: left out, counted */
  g_assert_cmpuint (ds->n_skipped, ==, 1);
  g_assert_cmpuint (ds->n_obs, ==, 4);
  /* numbered bands in numeric order; band 5 only appeared on the skipped row */
  g_assert_cmpint (ds->n_bands, ==, 2);
  g_assert_cmpstr (ds->band_names[0], ==, "0");
  g_assert_cmpstr (ds->band_names[1], ==, "1");
  /* object b: times 2, 3 */
  g_assert_cmpfloat (ds->time[0], ==, 2.0);
  g_assert_cmpfloat (ds->value[0], ==, 4.0f);
  g_assert_true (isnan (ds->error[0]));
  g_assert_cmpint (ds->detected[0], ==, 1);
  g_assert_cmpint (ds->band[1], ==, 1);
  /* object a: 0.5 then 1.0 */
  g_assert_cmpfloat (ds->time[2], ==, 0.5);
  g_assert_cmpint (ds->detected[3], ==, 0);
  g_assert_cmpint (ds->n_classes, ==, 2);
  g_assert_cmpint (ds->classes[ds->objects[0].label].id, ==, 42);
  g_assert_cmpint (ds->classes[ds->objects[1].label].id, ==, 90);
}

/* lc_load on a CSV that is not PLAsTiCC asks for a mapping; a guessed one
 * (as the mapping dialog pre-fills it) then loads it. */
static void
test_mapping_needed (void)
{
  g_autofree char *guessable = tu_write_file (tmp_dir, "obs.csv", "id,mjd,band,mag,magerr\nx,1,g,18.5,0.1\nx,2,r,18.0,0.1\n");
  g_autofree char *unknown = tu_write_file (tmp_dir, "mystery.csv", "alpha,beta\n1,2\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) none = lc_load (guessable, NULL, NULL, NULL, &error);
  g_autoptr (LcDataset) ds = NULL;
  g_auto (GStrv) header = NULL;
  g_autoptr (LcCsvMapping) guess = NULL;
  LcLoadOptions options = { 0 };

  g_assert_null (none);
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "obs.csv:1: not a PLAsTiCC file"));
  g_assert_nonnull (strstr (error->message, "choose the columns"));
  g_assert_nonnull (strstr (error->message, "id,mjd,band,mag,magerr"));
  g_clear_error (&error);

  header = lc_csv_read_header (guessable, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (header), ==, 5);
  g_assert_cmpstr (header[3], ==, "mag");
  guess = lc_csv_mapping_guess ((const char *const *) header);
  options.mapping = guess;
  ds = lc_load (guessable, &options, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lc_format_detect (guessable), ==, LC_FORMAT_CSV);
  g_assert_cmpuint (ds->n_objects, ==, 1);
  g_assert_cmpint (ds->value_kind, ==, LC_VALUE_MAGNITUDE);
  g_assert_cmpstr (ds->band_names[0], ==, "g");

  none = lc_load (unknown, NULL, NULL, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "alpha,beta"));
  g_clear_error (&error);

}

typedef struct
{
  const char *content;
  const char *message;
} BadCsv;

static const BadCsv bad_csv[] = {
  { "", "bad.csv: the file is empty" },
  { "id,t,v\n", "bad.csv: no observations after the header" },
  { "id,time,v\n", "bad.csv:1: no “t” column" },
  { "id,t,v\nx,1,2\nx,abc,2\n", "bad.csv:3: field “t”: expected a finite number, found “abc”" },
  { "id,t,v\nx,1,2\nx,2,2e\n", "bad.csv:3: field “v”: expected a number (empty or nan when missing), found “2e”" },
  { "id,t,v\nx,1,2,3\n", "bad.csv:2: expected 3 fields as in the header, found 4" },
  { "id,t,v\n,1,2\n", "bad.csv:2: field “id”: expected an object id, found “(empty)”" },
  { "id,t,v,l\nx,1,2,a\nx,2,2,b\n", "bad.csv:3: field “l”: object “x” already has another label, found “b”" },
  { "id,t,v,l\nx,1,2,a\nx,inf,2,a\n", "bad.csv:3: field “t”: expected a finite number, found “inf”" },
  { "id,t,v,e\nx,1,2,1\nx,2,1e39,1\n", "bad.csv:3: field “v”: “1e39” is out of range (at most ±3.4e+38)" },
  { "id,t,v,e\nx,1,2,-1e39\n", "bad.csv:2: field “e”: “-1e39” is out of range" },
  { "id,t,v\nx,1e999,2\n", "bad.csv:2: field “t”: “1e999” is out of range (at most ±1.8e+308)" },
  /* found by the explicit-mapping fuzz target: a band name that is not text */
  { "id,t,v,b\nx,1,2,\xa5\xa5g\n", "bad.csv:2: field “b”: expected a band name (UTF-8 text) or number, found “��g”" },
};

static void
test_bad_csv (gconstpointer data)
{
  const BadCsv *bad = data;
  g_autofree char *path = tu_write_file (tmp_dir, "bad.csv", bad->content);
  LcCsvMapping mapping = { .object_column = "id", .time_column = "t", .value_column = "v", .label_column = NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;

  if (strstr (bad->content, ",l\n") != NULL)
    mapping.label_column = "l";
  if (strstr (bad->content, ",e\n") != NULL)
    mapping.error_column = "e";
  if (g_str_has_prefix (bad->content, "id,t,v,b\n"))
    mapping.band_column = "b";
  ds = lc_load_csv (path, &mapping, NULL, NULL, &error);
  g_assert_null (ds);
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  if (strstr (error->message, bad->message) == NULL)
    g_error ("message “%s” lacks “%s”", error->message, bad->message);
}

static void
test_bad_folder (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "folder", NULL);
  g_autofree char *empty = g_build_filename (tmp_dir, "empty", NULL);
  g_autofree char *a = g_build_filename (dir, "1.csv", NULL);
  g_autofree char *b = g_build_filename (dir, "2.csv", NULL);
  g_autofree char *labels = g_build_filename (dir, "labels.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;

  g_mkdir_with_parents (dir, 0700);
  g_mkdir_with_parents (empty, 0700);
  g_file_set_contents (a, "time,mag,magerr,band\n1,18,0.1,g\n", -1, NULL);
  g_file_set_contents (b, "time,mag,magerr,band\n1,18,0.1,g\n2,oops,0.1,g\n", -1, NULL);
  ds = lc_load_csv_folder (dir, NULL, NULL, NULL, NULL, &error);
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "2.csv:3: field “mag”: expected a number"));
  g_clear_error (&error);

  g_file_set_contents (b, "time,mag,magerr,band\n1,18,0.1,g\n", -1, NULL);
  g_file_set_contents (labels, "id,label,period\n1,ab,0.5\n2,c,zero\n", -1, NULL);
  ds = lc_load_csv_folder (dir, NULL, NULL, NULL, NULL, &error);
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "labels.csv:3: field 3 of object “2”: expected a number, found “zero”"));
  g_clear_error (&error);

  g_file_set_contents (labels, "id,label\n1,ab\n", -1, NULL);
  ds = lc_load_csv_folder (dir, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ds->objects[0].label, ==, 0);
  g_assert_cmpint (ds->objects[1].label, ==, -1);
  g_clear_pointer (&ds, lc_dataset_unref);

  ds = lc_load_csv_folder (empty, NULL, NULL, NULL, NULL, &error);
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "no CSV light curves"));
  g_clear_error (&error);

  /* a table of metadata numbers too large for a float: out of range, not "not a number" */
  g_file_set_contents (labels, "id,label,period\n1,ab,0.5\n2,c,1e39\n", -1, NULL);
  ds = lc_load_csv_folder (dir, NULL, NULL, NULL, NULL, &error);
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "labels.csv:3: field 3 of object “2”: “1e39” is out of range"));
  g_assert_true (g_str_has_prefix (error->message, labels));
  g_clear_error (&error);
  g_unlink (labels);

  /* every value missing (found by the explicit-mapping fuzz target): no
   * observation, so no band either; refused, not a dataset without bands */
  g_file_set_contents (a, "time,mag,magerr,band\n1,nan,0.1,g\n", -1, NULL);
  g_file_set_contents (b, "time,mag,magerr,band\n1,,0.1,g\n", -1, NULL);
  ds = lc_load_csv_folder (dir, NULL, NULL, NULL, NULL, &error);
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  if (strstr (error->message, "no observations in any of its 2 .csv files") == NULL)
    g_error ("unexpected message: %s", error->message);
  g_clear_error (&error);
  tu_remove_tree (dir);
  tu_remove_tree (empty);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("passband-csv-XXXXXX", NULL);
  g_test_add_func ("/format/csv/rrlyrae-folder", test_rrlyrae_folder);
  g_test_add_func ("/format/csv/mapping-guess", test_mapping_guess);
  g_test_add_func ("/format/csv/long-mapping", test_long_csv_mapping);
  g_test_add_func ("/format/csv/mapping-needed", test_mapping_needed);
  g_test_add_func ("/format/csv/bad-folder", test_bad_folder);
  for (guint i = 0; i < G_N_ELEMENTS (bad_csv); i++)
    {
      g_autofree char *name = g_strdup_printf ("/format/csv/bad/%u", i);
      g_test_add_data_func (name, &bad_csv[i], test_bad_csv);
    }
  status = g_test_run ();
  tu_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
