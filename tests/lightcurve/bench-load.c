/* bench-load.c: lc_load on a 1.4-million-row PLAsTiCC CSV against pandas.read_csv.
 *
 * Usage: bench-load [FILE.csv]   (without a file, a synthetic one is written to a
 * temporary folder).  Prints one JSON line: both times, their ratio, and the
 * peak resident memory of this process relative to the file size.
 */
#include "lc-format.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <sys/resource.h>

#define N_ROWS 1400000
#define ROWS_PER_OBJECT 175

/* Rows shaped like PLAsTiCC's training_set.csv (same widths of numbers). */
static gboolean
write_synthetic (const char *path, GError **error)
{
  FILE *out = fopen (path, "w");
  guint32 state = 12345;

  if (out == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot write %s", path);
      return FALSE;
    }
  fputs ("object_id,mjd,passband,flux,flux_err,detected\n", out);
  for (int i = 0; i < N_ROWS; i++)
    {
      int object = 615 + (i / ROWS_PER_OBJECT) * 97;
      double mjd = 59580.0343 + (i % ROWS_PER_OBJECT) * 5.7312;
      double flux, err;
      state = state * 1664525u + 1013904223u;
      flux = ((double) (state >> 8) / (1 << 24) - 0.5) * 2000.0;
      err = 1.0 + (state % 1000) / 37.0;
      fprintf (out, "%d,%.4f,%d,%.6f,%.6f,%d\n", object, mjd, i % 6, flux, err, fabs (flux) > 5 * err);
    }
  return fclose (out) == 0;
}

static double
time_pandas (const char *path)
{
  g_autofree char *script = g_strdup_printf ("import time, pandas\n"
                                             "t = time.perf_counter()\n"
                                             "pandas.read_csv(%s)\n"
                                             "print(time.perf_counter() - t)\n", "__import__('sys').argv[1]");
  const char *argv[] = { "/usr/bin/python3", "-c", script, path, NULL };
  g_autofree char *out = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    return NAN;
  return g_ascii_strtod (out, NULL);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp_dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr (LcDataset) ds = NULL;
  struct rusage usage;
  GStatBuf st;
  gint64 start;
  double ours, pandas;

  if (argc > 1)
    path = g_strdup (argv[1]);
  else
    {
      tmp_dir = g_dir_make_tmp ("passband-bench-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (tmp_dir, "bench_set.csv", NULL);
      if (!write_synthetic (path, &error))
        g_error ("%s", error->message);
    }
  if (g_stat (path, &st) != 0)
    g_error ("cannot stat %s", path);

  start = g_get_monotonic_time ();
  ds = lc_load (path, NULL, NULL, NULL, &error);
  ours = (g_get_monotonic_time () - start) / 1e6;
  if (ds == NULL)
    g_error ("%s", error->message);
  getrusage (RUSAGE_SELF, &usage);
  pandas = time_pandas (path);

  printf ("{\"benchmark\":\"load-plasticc\",\"rows\":%" G_GSIZE_FORMAT ",\"objects\":%" G_GSIZE_FORMAT
          ",\"file_mb\":%.1f,\"lc_load_s\":%.3f,\"pandas_read_csv_s\":%.3f,\"speedup\":%.2f"
          ",\"peak_rss_mb\":%.1f,\"peak_rss_over_file\":%.2f}\n",
          ds->n_obs, ds->n_objects, st.st_size / 1e6, ours, pandas, pandas / ours,
          usage.ru_maxrss / 1024.0, usage.ru_maxrss * 1024.0 / (double) st.st_size);

  if (tmp_dir != NULL)
    {
      g_unlink (path);
      g_rmdir (tmp_dir);
    }
  return 0;
}
