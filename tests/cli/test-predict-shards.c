/* test-predict-shards.c: passband-cli predict --shard I/N: each shard writes
 * one contiguous range of the objects, and the shards' files concatenated in
 * shard order (the header once) are byte for byte the file of one whole run,
 * for a PLAsTiCC file read row by row and for data loaded whole. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "lc-stream.h"
#include "testutil.h"

static char *tmp_dir;
static char *data_csv;   /* 700 simulated objects: three prediction batches (256 objects) */
static char *model;

static char *
read_file (const char *path)
{
  char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static char *
predict (const char *data, const char *out, const char *shard, const char *threads, const char *chunk)
{
  g_autoptr (TuCliResult) r = NULL;

  if (shard != NULL)
    r = tu_run_cli ("predict", "--model", model, "--data", data, "--out", out, "--threads", threads,
                    "--chunk-objects", chunk, "--shard", shard, NULL);
  else
    r = tu_run_cli ("predict", "--model", model, "--data", data, "--out", out, "--threads", threads,
                    "--chunk-objects", chunk, NULL);
  if (r->status != 0)
    g_error ("predict %s failed: %s", shard != NULL ? shard : "", r->err);
  return read_file (out);
}

static int
count_lines (const char *text)
{
  int n = 0;
  for (const char *c = text; *c != '\0'; c++)
    n += *c == '\n';
  return n;
}

/* Runs every shard of n and checks each against the whole run. */
static void
check_shards (const char *data, const char *whole, int n, const char *threads, const char *chunk)
{
  const char *rows_of_whole = strchr (whole, '\n') + 1;
  g_autofree char *header = g_strndup (whole, rows_of_whole - whole);
  GString *joined = g_string_new (header);
  g_autofree char *text = NULL;

  for (int i = 0; i < n; i++)
    {
      g_autofree char *shard = g_strdup_printf ("%d/%d", i, n);
      g_autofree char *name = g_strdup_printf ("part-%d-of-%d.csv", i, n);
      g_autofree char *out = g_build_filename (tmp_dir, name, NULL);
      g_autofree char *got = predict (data, out, shard, threads, chunk);
      int rows = count_lines (got) - 1;

      /* every shard's file is a submission of its own */
      g_assert_true (g_str_has_prefix (got, header));
      /* ranges are cut at whole prediction batches */
      if (i < n - 1)
        g_assert_cmpint (rows % LC_STREAM_PREDICT_BATCH, ==, 0);
      g_string_append (joined, got + strlen (header));
    }
  text = g_string_free (joined, FALSE);
  g_assert_cmpint (count_lines (text), ==, count_lines (whole));
  g_assert_cmpstr (text, ==, whole);
}

static void
test_csv_shards_concatenate (void)
{
  g_autofree char *out = g_build_filename (tmp_dir, "whole.csv", NULL);
  g_autofree char *whole = predict (data_csv, out, NULL, "1", "1024");

  g_assert_cmpint (count_lines (whole), ==, 701);
  check_shards (data_csv, whole, 2, "1", "1024");
  /* chunks that straddle the shards' ends, two threads */
  check_shards (data_csv, whole, 2, "2", "7");
  /* 5 shards of 3 batches: some shards are empty (the header alone) */
  check_shards (data_csv, whole, 5, "1", "100");
}

static void
test_loaded_shards_concatenate (void)
{
  g_autofree char *out = g_build_filename (tmp_dir, "whole-sim.csv", NULL);
  g_autofree char *whole = predict ("sim:600:4", out, NULL, "2", "1024");

  g_assert_cmpint (count_lines (whole), ==, 601);
  /* slices that straddle the shards' ends */
  check_shards ("sim:600:4", whole, 3, "2", "50");
}

static void
test_bad_shard (void)
{
  const char *bad[] = { "2/2", "/2", "1/0", "-1/2", "a/b", "1/2x" };
  g_autofree char *out = g_build_filename (tmp_dir, "bad.csv", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (TuCliResult) r = tu_run_cli ("predict", "--model", model, "--data", data_csv, "--out", out,
                                              "--shard", bad[i], NULL);
      g_assert_cmpint (r->status, ==, 2);
      g_assert_nonnull (strstr (r->err, "--shard"));
      g_assert_nonnull (strstr (r->err, bad[i]));
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    }
}

static void
make_fixtures (void)
{
  tu_predict_fixture (tmp_dir, 700, "sim:200:3", &data_csv, &model);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("passband-predict-shards-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  make_fixtures ();
  g_test_add_func ("/predict-shards/csv-concatenate", test_csv_shards_concatenate);
  g_test_add_func ("/predict-shards/loaded-concatenate", test_loaded_shards_concatenate);
  g_test_add_func ("/predict-shards/bad-shard", test_bad_shard);
  status = g_test_run ();
  tu_remove_tree (tmp_dir);
  g_free (data_csv);
  g_free (model);
  g_free (tmp_dir);
  return status;
}
