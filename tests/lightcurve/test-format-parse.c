/* test-format-parse.c: the number parser, the CSV tokenizer and the dataset builder */
#include "lc-csv.h"
#include "lc-dataset-builder.h"
#include "lc-format.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static gboolean
parse (const char *s, double *out)
{
  return lc_parse_double (s, strlen (s), out);
}

static void
assert_parses_as_strtod (const char *s)
{
  double got = 0, want = strtod (s, NULL);

  if (!parse (s, &got))
    g_error ("“%s” was rejected", s);
  if (memcmp (&got, &want, sizeof got) != 0 && !(isnan (got) && isnan (want)))
    g_error ("“%s”: got %.17g, strtod %.17g", s, got, want);
}

static void
test_parse_double_exact (void)
{
  const char *formats[] = { "%.17g", "%.6f", "%.4f", "%.9e", "%g", "%.3e", "%.1f", "%.12f" };
  GRand *rand = g_rand_new_with_seed (42);
  char buffer[128];

  /* everything the fast path takes must be correctly rounded (= strtod) */
  for (int i = 0; i < 200000; i++)
    {
      double magnitude = pow (10.0, g_rand_double_range (rand, -30, 30));
      double x = g_rand_boolean (rand) ? magnitude : -magnitude;
      g_snprintf (buffer, sizeof buffer, formats[i % G_N_ELEMENTS (formats)], x);
      assert_parses_as_strtod (buffer);
    }
  /* PLAsTiCC-like values and edge cases */
  {
    const char *cases[] = {
      "59750.4229", "-544.810303", "3.622952", "0", "-0", "+1", "1.", ".5", "-.5", "1e5", "1E-5",
      "1e+05", "123456789012345678901234567890", "0.000000000000000000000000001234", "1e308", "2.2250738585072014e-308",
      "4.9e-324", "1e-400", "9007199254740993", "18446744073709551615", "0.1", "0.3", "1e22", "1e23",
      "00012.5000", "  7.25 ", "\t-3\t", "1.7976931348623157e308",
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      assert_parses_as_strtod (cases[i]);
  }
  g_rand_free (rand);
}

static void
test_parse_double_special (void)
{
  double v;
  const char *rejected[] = {
    "", " ", "abc", "1.2.3", "1e", "e5", ".", "-", "+", "--1", "1-", "0x10", "1,5", "nanx", "infinit",
    "1e+", "1 2", "١", "1\xff", "∞", "NaN(1)", "1d5", "1_000",
  };

  g_assert_true (parse ("nan", &v) && isnan (v));
  g_assert_true (parse ("NaN", &v) && isnan (v));
  g_assert_true (parse ("-nan", &v) && isnan (v));
  g_assert_true (parse ("inf", &v) && isinf (v) && v > 0);
  g_assert_true (parse ("-Infinity", &v) && isinf (v) && v < 0);
  g_assert_true (parse ("1e99999999999", &v) && isinf (v));
  g_assert_true (parse ("1e-99999999999", &v) && v == 0);
  for (guint i = 0; i < G_N_ELEMENTS (rejected); i++)
    if (parse (rejected[i], &v))
      g_error ("“%s” was accepted as %g", rejected[i], v);
}

static void
test_parse_int (void)
{
  gint64 v;

  g_assert_true (lc_parse_int64 ("615", 3, &v) && v == 615);
  g_assert_true (lc_parse_int64 (" -7 ", 4, &v) && v == -7);
  g_assert_true (lc_parse_int64 ("9223372036854775807", 19, &v) && v == G_MAXINT64);
  g_assert_false (lc_parse_int64 ("9223372036854775808", 19, &v));
  g_assert_false (lc_parse_int64 ("99999999999999999999", 20, &v));
  g_assert_false (lc_parse_int64 ("1.0", 3, &v));
  g_assert_false (lc_parse_int64 ("", 0, &v));
  g_assert_false (lc_parse_int64 ("-", 1, &v));
}

static void
test_tokenizer (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-parse-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "t.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcCsvReader) reader = NULL;
  GString *long_line = g_string_new ("\xef\xbb\xbf" "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\n  \r\n");
  gsize len;

  /* a field longer than the first buffer forces it to grow */
  g_string_append (long_line, "x,");
  for (int i = 0; i < 100000; i++)
    g_string_append_c (long_line, 'y');
  g_string_append (long_line, "\nlast,,");
  g_file_set_contents (path, long_line->str, -1, &error);
  g_assert_no_error (error);
  g_string_free (long_line, TRUE);

  reader = lc_csv_reader_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (lc_csv_reader_next (reader, &error));
  g_assert_cmpint (lc_csv_reader_n_fields (reader), ==, 3);
  g_assert_cmpstr (lc_csv_reader_field (reader, 0, NULL), ==, "a");
  g_assert_cmpstr (lc_csv_reader_field (reader, 1, NULL), ==, "b,c");
  g_assert_cmpstr (lc_csv_reader_field (reader, 2, NULL), ==, "say \"hi\"");
  g_assert_cmpuint (lc_csv_reader_line (reader), ==, 1);

  g_assert_true (lc_csv_reader_next (reader, &error));
  g_assert_cmpuint (lc_csv_reader_line (reader), ==, 4);
  g_assert_cmpint (lc_csv_reader_n_fields (reader), ==, 2);
  g_assert_cmpstr (lc_csv_reader_field (reader, 1, &len), !=, NULL);
  g_assert_cmpuint (len, ==, 100000);

  g_assert_true (lc_csv_reader_next (reader, &error));
  g_assert_cmpint (lc_csv_reader_n_fields (reader), ==, 3);
  g_assert_cmpstr (lc_csv_reader_field (reader, 2, &len), ==, "");
  g_assert_cmpfloat (lc_csv_reader_fraction (reader), ==, 1.0);
  g_assert_false (lc_csv_reader_next (reader, &error));
  g_assert_no_error (error);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_describe_field (void)
{
  g_autofree char *junk = lc_describe_field ("a\x01\xff", 3);
  g_autofree char *empty = lc_describe_field ("", 0);
  char long_text[100];
  g_autofree char *cut = NULL;

  memset (long_text, 'z', sizeof long_text);
  cut = lc_describe_field (long_text, sizeof long_text);
  g_assert_true (g_utf8_validate (junk, -1, NULL));
  g_assert_nonnull (strstr (junk, "\\x01"));
  g_assert_cmpstr (empty, ==, "(empty)");
  g_assert_true (g_str_has_suffix (cut, "…"));
  g_assert_cmpuint (strlen (cut), <, 50);
}

/* ---- builder ---- */

static void
test_builder_grouping (void)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_CSV, LC_VALUE_MAGNITUDE, "x.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;
  const char *meta[] = { "period" };

  lc_dataset_builder_set_bands (b, 2, (const char *[]) { "g", "r" });
  g_assert_cmpuint (lc_dataset_builder_begin_object (b, "A", -1), ==, 0);
  lc_dataset_builder_add_observation (b, 5.0, 50, 0.5f, 0, TRUE);
  g_assert_cmpuint (lc_dataset_builder_begin_object (b, "B", 7), ==, 1);
  lc_dataset_builder_add_observation (b, 1.0, 10, 0.1f, 1, FALSE);
  /* A continues after B: interleaved */
  g_assert_cmpuint (lc_dataset_builder_begin_object (b, "A", 3), ==, 0);
  lc_dataset_builder_add_observation (b, 2.0, 20, 0.2f, 1, TRUE);
  lc_dataset_builder_add_observation (b, 5.0, 51, 0.5f, 1, TRUE);
  lc_dataset_builder_begin_object (b, "C", -1);
  g_assert_cmpint (lc_dataset_builder_find_object (b, "B"), ==, 1);
  g_assert_cmpint (lc_dataset_builder_find_object (b, "Z"), ==, -1);
  /* metadata named after the objects exist */
  lc_dataset_builder_set_meta_names (b, 1, meta);
  lc_dataset_builder_set_meta (b, 1, 0, 0.25f);
  lc_dataset_builder_add_class (b, 9, "unused");
  lc_dataset_builder_add_class (b, 7, "seven");
  lc_dataset_builder_add_skipped (b, 2);

  ds = lc_dataset_builder_finish (b, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ds->ref_count, ==, 1);
  g_assert_cmpuint (ds->n_objects, ==, 3);
  g_assert_cmpuint (ds->n_obs, ==, 4);
  g_assert_cmpuint (ds->n_skipped, ==, 2);
  g_assert_cmpint (ds->objects[0].n_obs, ==, 3);
  g_assert_cmpuint (ds->objects[1].first, ==, 3);
  g_assert_cmpint (ds->objects[2].n_obs, ==, 0);
  /* A sorted by time, the two at 5.0 in insertion order */
  g_assert_cmpfloat (ds->time[0], ==, 2.0);
  g_assert_cmpfloat (ds->value[1], ==, 50.0f);
  g_assert_cmpfloat (ds->value[2], ==, 51.0f);
  g_assert_cmpfloat (ds->value[3], ==, 10.0f);
  g_assert_cmpint (ds->detected[3], ==, 0);
  /* classes sorted by id, undeclared 3 gets a default name, 9 kept with count 0 */
  g_assert_cmpint (ds->n_classes, ==, 3);
  g_assert_cmpint (ds->classes[0].id, ==, 3);
  g_assert_cmpstr (ds->classes[0].name, ==, "Class 3");
  g_assert_cmpstr (ds->classes[1].name, ==, "seven");
  g_assert_cmpint (ds->classes[2].count, ==, 0);
  g_assert_cmpint (ds->objects[0].label, ==, 0);
  g_assert_cmpint (ds->objects[1].label, ==, 1);
  g_assert_cmpint (ds->objects[2].label, ==, -1);
  g_assert_true (isnan (ds->objects[0].meta[0]));
  g_assert_cmpfloat (ds->objects[1].meta[0], ==, 0.25f);
  g_assert_cmpstr (ds->meta_names[0], ==, "period");
  g_assert_cmpstr (ds->band_names[1], ==, "r");
}

static void
test_builder_bands (void)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_PLASTICC, LC_VALUE_FLUX, "p.csv");
  g_autoptr (LcDatasetBuilder) bad = lc_dataset_builder_new (LC_SOURCE_CSV, LC_VALUE_FLUX, "bad.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;
  LcDataset *none;

  g_assert_cmpint (lc_dataset_builder_add_band (b, "r"), ==, 0);
  g_assert_cmpint (lc_dataset_builder_add_band (b, "g"), ==, 1);
  g_assert_cmpint (lc_dataset_builder_add_band (b, "r"), ==, 0);
  lc_dataset_builder_begin_object (b, "1", 90);
  lc_dataset_builder_add_observation (b, 1, 1, 1, 0, TRUE);
  lc_dataset_builder_add_observation (b, 2, 2, 1, 1, TRUE);
  lc_dataset_builder_reorder_bands (b, (const int[]) { 1, 0 });
  ds = lc_dataset_builder_finish (b, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ds->band_names[0], ==, "g");
  g_assert_cmpint (ds->band[0], ==, 1);
  g_assert_cmpint (ds->band[1], ==, 0);
  g_assert_cmpstr (ds->classes[0].name, ==, "SN Ia");

  lc_dataset_builder_set_bands (bad, 1, (const char *[]) { "only" });
  lc_dataset_builder_begin_object (bad, "1", -1);
  lc_dataset_builder_add_observation (bad, 1, 1, 1, 3, TRUE);
  none = lc_dataset_builder_finish (bad, &error);
  g_assert_null (none);
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "bad.csv"));
}

static void
test_builder_large (void)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_SIMULATED, LC_VALUE_FLUX, "sim:1000");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;

  lc_dataset_builder_set_bands (b, 1, (const char *[]) { "0" });
  /* 1000 objects added round-robin with decreasing times: regroup and sort */
  for (int k = 0; k < 100; k++)
    for (int i = 0; i < 1000; i++)
      {
        char id[16];
        g_snprintf (id, sizeof id, "%d", i);
        lc_dataset_builder_begin_object (b, id, i % 3);
        lc_dataset_builder_add_observation (b, 100 - k, (float) (i * 1000 + k), 0, 0, TRUE);
      }
  ds = lc_dataset_builder_finish (b, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < ds->n_objects; i++)
    {
      const LcObject *o = &ds->objects[i];
      g_assert_cmpint (o->n_obs, ==, 100);
      g_assert_cmpuint (o->first, ==, i * 100);
      for (int k = 0; k < 100; k++)
        {
          g_assert_cmpfloat (ds->time[o->first + k], ==, k + 1);
          g_assert_cmpfloat (ds->value[o->first + k], ==, (float) (i * 1000 + 99 - k));
        }
    }
  g_assert_cmpint (ds->classes[0].count, ==, 334);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/format/parse/double-exact", test_parse_double_exact);
  g_test_add_func ("/format/parse/double-special", test_parse_double_special);
  g_test_add_func ("/format/parse/int", test_parse_int);
  g_test_add_func ("/format/parse/tokenizer", test_tokenizer);
  g_test_add_func ("/format/parse/describe-field", test_describe_field);
  g_test_add_func ("/format/builder/grouping", test_builder_grouping);
  g_test_add_func ("/format/builder/bands", test_builder_bands);
  g_test_add_func ("/format/builder/large", test_builder_large);
  return g_test_run ();
}
