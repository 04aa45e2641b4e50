/* test-format-ts.c: the UEA/UCR .ts reader on LSST_TRAIN.ts and on small crafted files */
#include "lc-format.h"
#include "testutil.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static char *tmp_dir;

static void
test_lsst_train (void)
{
  g_autofree char *path = tu_shared_path ("data/uea_lsst/LSST_TRAIN.ts");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load (path, NULL, NULL, NULL, &error);
  const struct { int id; int count; } want[] = {
    { 6, 34 }, { 15, 123 }, { 16, 270 }, { 42, 381 }, { 52, 62 }, { 53, 7 }, { 62, 153 },
    { 64, 23 }, { 65, 313 }, { 67, 68 }, { 88, 120 }, { 90, 777 }, { 92, 77 }, { 95, 51 },
  };
  const LcObject *first;
  gsize g_start = 0;

  g_assert_no_error (error);
  g_assert_cmpint (lc_format_detect (path), ==, LC_FORMAT_TS);
  g_assert_cmpint (ds->source, ==, LC_SOURCE_TS);
  g_assert_true (ds->on_grid);
  g_assert_cmpuint (ds->n_objects, ==, 2459);
  g_assert_cmpuint (ds->n_obs, ==, 2459 * 6 * 36);
  g_assert_cmpuint (ds->n_skipped, ==, 0);
  g_assert_cmpint (ds->n_bands, ==, 6);
  g_assert_cmpstr (ds->band_names[0], ==, "u");
  g_assert_cmpstr (ds->band_names[1], ==, "g");
  g_assert_cmpstr (ds->band_names[5], ==, "y");
  g_assert_cmpint (ds->n_meta, ==, 0);

  g_assert_cmpint (ds->n_classes, ==, 14);
  for (int c = 0; c < 14; c++)
    {
      g_assert_cmpint (ds->classes[c].id, ==, want[c].id);
      g_assert_cmpint (ds->classes[c].count, ==, want[c].count);
      g_assert_cmpstr (ds->classes[c].name, ==, lc_plasticc_class_name (want[c].id));
    }

  first = &ds->objects[0];
  g_assert_cmpint (first->n_obs, ==, 6 * 36);
  g_assert_cmpint (ds->classes[first->label].id, ==, 6);
  /* on the grid the time is the step index: 36 steps, each with all six bands */
  for (int k = 0; k < first->n_obs; k++)
    g_assert_cmpfloat (ds->time[first->first + k], ==, k / 6);
  /* the second dimension (g) of the first case starts 8.1713, -5.8956, -21.296 */
  while (ds->band[first->first + g_start] != 1)
    g_start++;
  g_assert_cmpfloat (ds->value[first->first + g_start], ==, 8.1713f);
  g_assert_cmpfloat (ds->time[first->first + g_start], ==, 0);
  g_assert_true (isnan (ds->error[first->first]));
  g_assert_cmpint (ds->detected[first->first], ==, 1);
}

#define TS_HEADER(extra) \
  "# a comment with non-ASCII: é ü — ☄\n" \
  "@problemName Toy\n" \
  "@timeStamps false\n" \
  "@missing true\n" \
  "@univariate false\n" \
  "@dimensions 2\n" \
  extra \
  "@classLabel true flare quiet\n" \
  "@data\n"

static void
test_unequal_missing (void)
{
  g_autofree char *path = tu_write_file (tmp_dir, "toy.ts", TS_HEADER ("@equalLength false\n")
                                     "1,2,3:4,?,6:quiet\r\n"
                                     "\n"
                                     "7,NaN:8,9,10,11:flare\n"
                                     "# comment between cases\n"
                                     "1e2:-5:quiet");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load_ts (path, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_objects, ==, 3);
  g_assert_cmpint (ds->n_bands, ==, 2);
  g_assert_cmpstr (ds->band_names[0], ==, "dim0");
  g_assert_cmpstr (ds->band_names[1], ==, "dim1");
  /* "?" and NaN are left out and counted */
  g_assert_cmpuint (ds->n_skipped, ==, 2);
  g_assert_cmpint (ds->objects[0].n_obs, ==, 5);
  g_assert_cmpint (ds->objects[1].n_obs, ==, 5);
  g_assert_cmpint (ds->objects[2].n_obs, ==, 2);
  /* names in @classLabel order get ids 0..K-1 */
  g_assert_cmpint (ds->n_classes, ==, 2);
  g_assert_cmpstr (ds->classes[0].name, ==, "flare");
  g_assert_cmpstr (ds->classes[1].name, ==, "quiet");
  g_assert_cmpint (ds->objects[0].label, ==, 1);
  g_assert_cmpint (ds->objects[1].label, ==, 0);
  g_assert_cmpfloat (ds->value[ds->objects[2].first], ==, 100.0f);
  g_assert_cmpfloat (ds->value[ds->objects[2].first + 1], ==, -5.0f);
}

static void
test_timestamps (void)
{
  g_autofree char *path = tu_write_file (tmp_dir, "stamps.ts",
                                     "@problemName Stamped\n@timeStamps true\n@univariate true\n"
                                     "@classLabel true a b\n@data\n"
                                     "(0.5,1.0),(2.5,?),(1.5,3.0):b\n"
                                     "(10,4):a\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load_ts (path, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_false (ds->on_grid);
  g_assert_cmpint (ds->n_bands, ==, 1);
  g_assert_cmpuint (ds->n_skipped, ==, 1);
  g_assert_cmpint (ds->objects[0].n_obs, ==, 2);
  /* sorted by time */
  g_assert_cmpfloat (ds->time[0], ==, 0.5);
  g_assert_cmpfloat (ds->time[1], ==, 1.5);
  g_assert_cmpfloat (ds->value[1], ==, 3.0f);
  g_assert_cmpfloat (ds->time[2], ==, 10.0);
}

/* tsml writes "%" comment lines before @data, as ARFF files have them */
static void
test_percent_comments (void)
{
  g_autofree char *path = tu_write_file (tmp_dir, "percent.ts",
                                         "% This is a comment\n%\n#also\n@problemName P\n  % indented\n"
                                         "@univariate true\n@classLabel true a b\n@data\n1,2:a\n3:b\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load_ts (path, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_objects, ==, 2);
  g_assert_cmpuint (ds->n_obs, ==, 3);
}

/* sktime and aeon: time stamps may be dates, which hold colons of their own */
static void
test_timestamps_dates (void)
{
  g_autofree char *path = tu_write_file (tmp_dir, "dates.ts",
                                         "@problemName Dates\n@timeStamps true\n@missing true\n@univariate false\n"
                                         "@dimensions 2\n@equalLength false\n@classLabel true x y\n@data\n"
                                         "(2007-01-01 00:00:00,241.97),(2007-01-01 06:00:00,241.75), "
                                         "(2007-01-02,?):(2007-01-01T12:00:00Z,1.5):y\n"
                                         "(59000.25,1),(59001.5,2):(59000.5,3):x\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load_ts (path, NULL, NULL, &error);
  const LcObject *o;

  g_assert_no_error (error);
  g_assert_false (ds->on_grid);
  g_assert_cmpint (ds->n_bands, ==, 2);
  g_assert_cmpuint (ds->n_objects, ==, 2);
  g_assert_cmpuint (ds->n_skipped, ==, 1);
  o = &ds->objects[0];
  g_assert_cmpint (ds->classes[o->label].id, ==, 1);
  g_assert_cmpint (o->n_obs, ==, 3);
  /* 2007-01-01 is MJD 54101; sorted by time across the two dimensions */
  g_assert_cmpfloat_with_epsilon (ds->time[o->first], 54101.0, 1e-9);
  g_assert_cmpfloat (ds->value[o->first], ==, 241.97f);
  g_assert_cmpfloat_with_epsilon (ds->time[o->first + 1], 54101.25, 1e-9);
  g_assert_cmpfloat_with_epsilon (ds->time[o->first + 2], 54101.5, 1e-9);
  g_assert_cmpint (ds->band[o->first + 2], ==, 1);
  g_assert_cmpfloat (ds->value[o->first + 2], ==, 1.5f);
  o = &ds->objects[1];
  g_assert_cmpint (o->n_obs, ==, 3);
  g_assert_cmpfloat (ds->time[o->first], ==, 59000.25);
  g_assert_cmpfloat (ds->time[o->first + 2], ==, 59001.5);
}

/* A last line without a newline is read when it is whole. */
static void
test_no_final_newline (void)
{
  g_autofree char *path = tu_write_file (tmp_dir, "whole.ts",
                                         "@univariate true\n@equalLength true\n@classLabel true 6 67\n@data\n"
                                         "1,2:6\n1,2:67");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load_ts (path, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_objects, ==, 2);
  g_assert_cmpint (ds->classes[ds->objects[1].label].id, ==, 1);
}

/* LSST_TRAIN.ts cut inside the label of its last case: “67” became “6”, a
 * declared label too, so the case would silently turn into class 6. */
static void
test_lsst_cut_label (void)
{
  g_autofree char *source = tu_shared_path ("data/uea_lsst/LSST_TRAIN.ts");
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;
  g_autofree char *path = NULL;
  char *case67, *end;

  g_assert_true (g_file_get_contents (source, &contents, NULL, NULL));
  case67 = strstr (contents, ":67\n");
  g_assert_nonnull (case67);
  /* keep everything up to the "6" of the first case of class 67 */
  end = case67 + 2;
  *end = '\0';
  path = tu_write_file (tmp_dir, "cut.ts", contents);
  ds = lc_load_ts (path, NULL, NULL, &error);
  g_assert_null (ds);
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_true (g_str_has_prefix (error->message, path));
  if (strstr (error->message, "inside the class label “6”, which is the start of the label “62”") == NULL)
    g_error ("unexpected message: %s", error->message);
}

typedef struct
{
  const char *content;
  const char *message;
} BadTs;

static const BadTs bad_ts[] = {
  { "", "bad.ts: no “@data” line" },
  { "# only comments\n", "no “@data” line" },
  { "@problemName X\nhello\n@data\n", "bad.ts:2: expected a “#” or “%” comment or an “@” header before @data, found “hello”" },
  { "@dimensions x\n@data\n", "bad.ts:1: @dimensions: expected a number 1..255, found “x”" },
  { "@timeStamps maybe\n@data\n", "bad.ts:1: @timeStamps: expected true or false, found “maybe”" },
  { "@classLabel true\n@data\n", "bad.ts:1: @classLabel true: expected the list of class labels" },
  { "@targetLabel true\n@data\n1:2\n", "regression files are not supported" },
  { "@classLabel true a b\n@data\n", "bad.ts: no cases after @data" },
  { TS_HEADER ("") "1,2:3,4:c\n", "bad.ts:9: case 1: class label “c” is not one of @classLabel" },
  { TS_HEADER ("") "1,2:3,4\n", "bad.ts:9: case 1: expected 2 dimensions and a class label separated by “:”, found 2 fields" },
  { TS_HEADER ("") "1,2:3,4:a\n1,x:3:a\n", "class label “a”" },
  { TS_HEADER ("") "1,2:3,4:flare\n1,x:3:flare\n", "bad.ts:10: case 2, dimension 1, value 2: expected a number or ?, found “x”" },
  { TS_HEADER ("") "1,,2:3:flare\n", "bad.ts:9: case 1, dimension 1, value 2: expected a number or ?, found “(empty)”" },
  { TS_HEADER ("") "1,inf:3:flare\n", "value 2: expected a number or ?, found “inf”" },
  { TS_HEADER ("@equalLength true\n@seriesLength 2\n") "1,2:3:flare\n",
    "bad.ts:11: case 1, dimension 2: expected 2 values (@seriesLength), found 1" },
  { "@timeStamps true\n@univariate true\n@classLabel true a\n@data\n(1,2),(3:a\n",
    "bad.ts:5: case 1, dimension 1, value 2: expected a (time stamp,value) pair" },
  { "@timeStamps true\n@univariate true\n@classLabel true a\n@data\n(x,2):a\n",
    "value 1: expected a time stamp (a number or an ISO 8601 date), found “x”" },
  { "@timeStamps true\n@univariate true\n@classLabel true a\n@data\n(2007-13-01 00:00:00,2):a\n",
    "bad.ts:5: case 1, dimension 1, value 1: expected a time stamp (a number or an ISO 8601 date), "
    "found “2007-13-01 00:00:00”" },
  { "@timeStamps true\n@univariate true\n@classLabel true a\n@data\n(1e999,2):a\n",
    "bad.ts:5: case 1, dimension 1, value 1: “1e999” is out of range (at most ±1.8e+308)" },
  /* too large for a float: out of range, not "not a number" */
  { TS_HEADER ("") "1,1e39:3:flare\n", "bad.ts:9: case 1, dimension 1, value 2: “1e39” is out of range (at most ±3.4e+38)" },
  { TS_HEADER ("") "1,-1e39:3:flare\n", "value 2: “-1e39” is out of range" },
  { "@timeStamps true\n@univariate true\n@classLabel true a\n@data\n(1,1e39):a\n",
    "bad.ts:5: case 1, dimension 1, value 1: “1e39” is out of range" },
  /* @missing false and a missing value: refused, whether "?" or NaN */
  { "@missing false\n@univariate true\n@classLabel true a\n@data\n1,2:a\n1,?:a\n",
    "bad.ts:6: case 2, dimension 1, value 2: “?” is a missing value, but the header says “@missing false”" },
  { "@missing false\n@univariate true\n@classLabel true a\n@data\nNaN,2:a\n",
    "bad.ts:5: case 1, dimension 1, value 1: “NaN” is a missing value, but the header says “@missing false”" },
  { "@missing false\n@timeStamps true\n@univariate true\n@classLabel true a\n@data\n(1,2),(2,?):a\n",
    "bad.ts:6: case 1, dimension 1, value 2: “?” is a missing value" },
  /* equal length: every case as long as the first */
  { TS_HEADER ("@equalLength true\n") "1,2:3,4:flare\n1,2:3:flare\n",
    "bad.ts:11: case 2, dimension 2: expected 2 values as in case 1 (@equalLength true), found 1" },
  /* a last line cut short, without its newline */
  { TS_HEADER ("@equalLength true\n") "1,2:3,4:flare\n1,2:3",
    "bad.ts:11: case 2: expected 2 dimensions and a class label separated by “:”, found 2 fields" },
  { "@univariate true\n@classLabel true 6 67\n@data\n1,2:67\n1,2:6",
    "bad.ts:5: case 2: the file ends without a newline inside the class label “6”, which is the start of the "
    "label “67” too: the file looks cut short" },
  { "@univariate true\n@equalLength true\n@classLabel false\n@data\n1,2,3\n1,2",
    "bad.ts:6: case 2, dimension 1: the file ends without a newline after 2 values of 3 (@equalLength true): "
    "the file looks cut short" },
  { "@univariate true\n@equalLength true\n@seriesLength 3\n@classLabel false\n@data\n1,2,3\n1,2",
    "the file ends without a newline after 2 values of 3" },
};

static void
test_bad_ts (gconstpointer data)
{
  const BadTs *bad = data;
  g_autofree char *path = tu_write_file (tmp_dir, "bad.ts", bad->content);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load_ts (path, NULL, NULL, &error);

  g_assert_null (ds);
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  if (strstr (error->message, bad->message) == NULL)
    g_error ("message “%s” lacks “%s”", error->message, bad->message);
}

static gboolean
cancel_now (double fraction, gpointer user_data)
{
  (*(int *) user_data)++;
  return FALSE;
}

static void
test_cancel (void)
{
  g_autofree char *path = tu_shared_path ("data/uea_lsst/LSST_TRAIN.ts");
  g_autoptr (GError) error = NULL;
  int calls = 0;
  g_autoptr (LcDataset) ds = lc_load_ts (path, cancel_now, &calls, &error);

  g_assert_null (ds);
  g_assert_error (error, LC_ERROR, LC_ERROR_CANCELLED);
  g_assert_cmpint (calls, ==, 1);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("passband-ts-XXXXXX", NULL);
  g_test_add_func ("/format/ts/lsst-train", test_lsst_train);
  g_test_add_func ("/format/ts/unequal-missing", test_unequal_missing);
  g_test_add_func ("/format/ts/timestamps", test_timestamps);
  g_test_add_func ("/format/ts/cancel", test_cancel);
  g_test_add_func ("/format/ts/percent-comments", test_percent_comments);
  g_test_add_func ("/format/ts/timestamps-dates", test_timestamps_dates);
  g_test_add_func ("/format/ts/no-final-newline", test_no_final_newline);
  g_test_add_func ("/format/ts/lsst-cut-label", test_lsst_cut_label);
  for (guint i = 0; i < G_N_ELEMENTS (bad_ts); i++)
    {
      g_autofree char *name = g_strdup_printf ("/format/ts/bad/%u", i);
      g_test_add_data_func (name, &bad_ts[i], test_bad_ts);
    }
  status = g_test_run ();
  {
    g_autofree char *a = g_build_filename (tmp_dir, "toy.ts", NULL);
    g_autofree char *b = g_build_filename (tmp_dir, "stamps.ts", NULL);
    g_autofree char *c = g_build_filename (tmp_dir, "bad.ts", NULL);
    const char *more[] = { "percent.ts", "dates.ts", "whole.ts", "cut.ts" };
    g_unlink (a);
    g_unlink (b);
    g_unlink (c);
    for (guint i = 0; i < G_N_ELEMENTS (more); i++)
      {
        g_autofree char *other = g_build_filename (tmp_dir, more[i], NULL);
        g_unlink (other);
      }
    g_rmdir (tmp_dir);
  }
  g_free (tmp_dir);
  return status;
}
