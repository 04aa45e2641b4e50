/* bench-load.c: lc_load on a 1.4-million-row PLAsTiCC CSV against pandas.read_csv.
 *
 * Usage: bench-load [FILE.csv]   (without a file, a synthetic one is written to a
 * temporary folder).  Prints one JSON line: wall-clock and CPU times of both,
 * their ratios (CPU time is the fairer one on a shared, busy machine), and
 * the peak resident memory of this process relative to the file size.
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

/* Wall and CPU seconds of pandas.read_csv (NaN when pandas is missing). */
static void
time_pandas (const char *path, double *wall, double *cpu)
{
  const char *script = "import sys, time, pandas\n"
                       "t = time.perf_counter(); c = time.process_time()\n"
                       "pandas.read_csv(sys.argv[1])\n"
                       "print(time.perf_counter() - t, time.process_time() - c)\n";
  const char *argv[] = { "/usr/bin/python3", "-c", script, path, NULL };
  g_autofree char *out = NULL;
  char *end = NULL;
  int status = 0;

  *wall = *cpu = NAN;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    return;
  *wall = g_ascii_strtod (out, &end);
  *cpu = g_ascii_strtod (end, NULL);
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
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
  double cpu_start, ours, ours_cpu, pandas, pandas_cpu;

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

  cpu_start = cpu_seconds ();
  start = g_get_monotonic_time ();
  ds = lc_load (path, NULL, NULL, NULL, &error);
  ours = (g_get_monotonic_time () - start) / 1e6;
  ours_cpu = cpu_seconds () - cpu_start;
  if (ds == NULL)
    g_error ("%s", error->message);
  getrusage (RUSAGE_SELF, &usage);
  time_pandas (path, &pandas, &pandas_cpu);

  printf ("{\"benchmark\":\"load-plasticc\",\"rows\":%" G_GSIZE_FORMAT ",\"objects\":%" G_GSIZE_FORMAT
          ",\"file_mb\":%.1f,\"lc_load_s\":%.3f,\"pandas_read_csv_s\":%.3f,\"speedup\":%.2f"
          ",\"lc_load_cpu_s\":%.3f,\"pandas_read_csv_cpu_s\":%.3f,\"cpu_speedup\":%.2f"
          ",\"peak_rss_mb\":%.1f,\"peak_rss_over_file\":%.2f}\n",
          ds->n_obs, ds->n_objects, st.st_size / 1e6, ours, pandas, pandas / ours,
          ours_cpu, pandas_cpu, pandas_cpu / ours_cpu,
          usage.ru_maxrss / 1024.0, usage.ru_maxrss * 1024.0 / (double) st.st_size);

  if (tmp_dir != NULL)
    {
      g_unlink (path);
      g_rmdir (tmp_dir);
    }
  return 0;
}
