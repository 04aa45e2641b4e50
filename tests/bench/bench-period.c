/* bench-period.c: the period search (lc-period) and the encoder's preparation
 * with period features, on the real SDSS Stripe 82 RR Lyrae light curves
 * (483 stars, Sesar et al. 2010) against the catalogue periods beside them.
 *
 * Prints two JSON lines:
 *   {"bench": "period-search", "corename", "stars", "points_mean", "points_median",
 *    "points_max", "ms_median", "ms_mean" (wall time per light curve),
 *    "cpu_ms_median", "cpu_ms_mean" (thread CPU time: steadier on a busy machine),
 *    "within_1_percent" (fraction of stars whose period is within 1 % of the catalogue's)}
 *   {"bench": "period-prepare", "corename", "stars", "seconds_1_thread", "seconds_2_threads",
 *    "ratio" (1 thread / 2 threads), "cpu_seconds_1_thread", "cpu_seconds_2_threads",
 *    "same_bytes" (the two encodings agree)}
 * The search runs with lc_period_options_default, as the app's Find Period does;
 * the preparation is lc_encoder_fit + lc_encoder_encode of every star with the
 * preprocessing of models/rrlyrae-bigru.json (period_min 0.2).
 * Exits 77 (skipped) when the shared data are missing.
 *
 * Usage: bench-period [--stars N]   (the first N stars; default all)
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lc-encoder.h"
#include "lc-features.h"
#include "lc-format.h"
#include "lc-period.h"
#include "nn-blas.h"
#include "testutil.h"

#define ARCHIVE "data/sdss_s82_rrlyrae/rrlyrae_sesar2010_lightcurves.tar.gz"
#define CATALOGUE "data/sdss_s82_rrlyrae/periods.csv"
#define PRESET "rrlyrae-bigru.json"

static double
clock_seconds (clockid_t id)
{
  struct timespec ts;
  clock_gettime (id, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double
mean (const double *v, int n)
{
  double sum = 0;
  for (int i = 0; i < n; i++)
    sum += v[i];
  return sum / n;
}

static void
bench_search (const LcDataset *ds, int n)
{
  g_autofree double *wall = g_new (double, n);
  g_autofree double *cpu = g_new (double, n);
  g_autofree double *points = g_new (double, n);
  g_autofree double *scratch = g_new (double, n);
  LcPeriodOptions options;
  int found = 0, most = 0;

  lc_period_options_default (&options);
  for (int i = 0; i < n; i++)
    {
      const LcObject *o = &ds->objects[i];
      double catalogue = o->meta[0];
      double w0 = clock_seconds (CLOCK_MONOTONIC), c0 = clock_seconds (CLOCK_THREAD_CPUTIME_ID);
      LcPeriodFit fit;

      lc_period_fit_range (ds, o->first, o->n_obs, &options, &fit);
      wall[i] = 1e3 * (clock_seconds (CLOCK_MONOTONIC) - w0);
      cpu[i] = 1e3 * (clock_seconds (CLOCK_THREAD_CPUTIME_ID) - c0);
      points[i] = o->n_obs;
      most = MAX (most, o->n_obs);
      if (fabs (fit.period - catalogue) < 0.01 * catalogue)
        found++;
    }
  printf ("{\"bench\": \"period-search\", \"corename\": \"%s\", \"stars\": %d, \"points_mean\": %.1f, "
          "\"points_median\": %.0f, \"points_max\": %d, \"ms_median\": %.2f, \"ms_mean\": %.2f, "
          "\"cpu_ms_median\": %.2f, \"cpu_ms_mean\": %.2f, \"within_1_percent\": %.4f}\n",
          nn_blas_corename (), n, mean (points, n), lc_stat_median (points, n, scratch), most,
          lc_stat_median (wall, n, scratch), mean (wall, n), lc_stat_median (cpu, n, scratch), mean (cpu, n),
          (double) found / n);
}

/* fit + encode of rows with threads; the encoding is returned for comparison. */
static NnData *
prepare (JsonNode *preprocessing, const LcDataset *ds, const int *rows, int n, int threads,
         double *seconds, double *cpu_seconds)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcEncoder) enc = lc_encoder_from_json (preprocessing, &error);
  double w0, c0;
  NnData *data;

  if (enc == NULL)
    g_error ("%s: %s", PRESET, error->message);
  lc_encoder_set_threads (enc, threads);
  w0 = clock_seconds (CLOCK_MONOTONIC);
  c0 = clock_seconds (CLOCK_PROCESS_CPUTIME_ID);
  if (!lc_encoder_fit (enc, ds, rows, n, &error))
    g_error ("fitting: %s", error->message);
  data = lc_encoder_encode (enc, ds, rows, n, &error);
  if (data == NULL)
    g_error ("encoding: %s", error->message);
  *seconds = clock_seconds (CLOCK_MONOTONIC) - w0;
  *cpu_seconds = clock_seconds (CLOCK_PROCESS_CPUTIME_ID) - c0;
  return data;
}

static gboolean
same_data (const NnData *a, const NnData *b)
{
  return a->n == b->n && a->steps == b->steps && a->features == b->features
         && a->meta_features == b->meta_features
         && memcmp (a->x, b->x, sizeof (float) * a->n * a->steps * a->features) == 0
         && memcmp (a->meta, b->meta, sizeof (float) * a->n * a->meta_features) == 0;
}

static void
bench_prepare (const LcDataset *ds, int n)
{
  g_autofree char *path = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models", PRESET, NULL);
  g_autoptr (JsonNode) spec = tu_load_json (path);
  JsonNode *preprocessing = json_object_get_member (json_node_get_object (spec), "preprocessing");
  g_autofree int *rows = g_new (int, n);
  g_autoptr (NnData) one = NULL, two = NULL;
  double s1, s2, c1, c2;

  for (int i = 0; i < n; i++)
    rows[i] = i;
  one = prepare (preprocessing, ds, rows, n, 1, &s1, &c1);
  two = prepare (preprocessing, ds, rows, n, 2, &s2, &c2);
  printf ("{\"bench\": \"period-prepare\", \"corename\": \"%s\", \"stars\": %d, \"seconds_1_thread\": %.3f, "
          "\"seconds_2_threads\": %.3f, \"ratio\": %.2f, \"cpu_seconds_1_thread\": %.3f, "
          "\"cpu_seconds_2_threads\": %.3f, \"same_bytes\": %s}\n",
          nn_blas_corename (), n, s1, s2, s1 / s2, c1, c2, same_data (one, two) ? "true" : "false");
}

int
main (int argc, char **argv)
{
  int stars = 0;
  GOptionEntry entries[] = {
    { "stars", 0, 0, G_OPTION_ARG_INT, &stars, "Only the first N stars (all)", "N" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— period search on the SDSS RR Lyrae");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;
  g_autofree char *archive = tu_shared_path (ARCHIVE);
  g_autofree char *catalogue = tu_shared_path (CATALOGUE);
  g_autofree char *tmp = NULL, *folder = NULL, *curves = NULL;
  LcLoadOptions load = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || stars < 0
      || g_getenv ("PASSBAND_SOURCE_DIR") == NULL)
    {
      g_printerr ("usage: bench-period [--stars N] (with PASSBAND_SHARED and PASSBAND_SOURCE_DIR set)\n");
      return 2;
    }
  if (!g_file_test (archive, G_FILE_TEST_IS_REGULAR)
      || !g_file_test (catalogue, G_FILE_TEST_IS_REGULAR))
    {
      g_print ("bench-period: skipped, no %s or %s\n", archive, catalogue);
      return 77;
    }

  tmp = g_dir_make_tmp ("passband-bench-period-XXXXXX", &error);
  if (tmp == NULL)
    g_error ("%s", error->message);
  folder = tu_extract_shared_archive (ARCHIVE, tmp, "rrlyrae");
  curves = g_build_filename (folder, "light-curves", NULL);
  /* the catalogue beside the archive, not the copy inside it */
  load.labels_path = catalogue;
  ds = lc_load (curves, &load, NULL, NULL, &error);
  if (ds == NULL)
    g_error ("%s", error->message);
  if (ds->n_meta < 1 || g_strcmp0 (ds->meta_names[0], "period") != 0)
    g_error ("%s gives no period column", catalogue);
  stars = stars > 0 ? MIN (stars, (int) ds->n_objects) : (int) ds->n_objects;

  bench_search (ds, stars);
  fflush (stdout);
  bench_prepare (ds, stars);
  tu_remove_tree (tmp);
  return 0;
}
