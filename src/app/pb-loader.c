/* pb-loader.c: datasets are read off the main thread */
#include "config.h"

#include <glib/gi18n.h>

#include "lc-run.h"
#include "lc-simulate.h"
#include "pb-job.h"
#include "pb-loader.h"

typedef struct
{
  char *path;
  LcLoadOptions options;
  char *meta_path;
  char *labels_path;
  char *npy_split;
  LcCsvMapping *mapping;
  gboolean sample;
  int sample_objects;
  guint64 sample_seed;
  PbLoadProgressFunc progress;
} LoadJob;

static void
load_job_free (gpointer data)
{
  LoadJob *job = data;

  g_free (job->path);
  g_free (job->meta_path);
  g_free (job->labels_path);
  g_free (job->npy_split);
  lc_csv_mapping_free (job->mapping);
  g_free (job);
}

/* Main loop: the latest fraction, once per turn at most (PbJob coalesces). */
static void
load_progress_cb (gpointer owner, double fraction, gpointer data)
{
  LoadJob *job = data;

  if (job->progress != NULL)
    job->progress (fraction, owner);
}

/* Worker: the library asks between chunks whether to go on. */
static gboolean
worker_progress_cb (double fraction, gpointer data)
{
  PbJob *job = data;

  if (pb_job_is_cancelled (job))
    return FALSE;
  pb_job_post_fraction (job, fraction);
  return TRUE;
}

static void
load_job_run (PbJob *pb_job, gpointer data, GCancellable *cancellable)
{
  LoadJob *job = data;
  GError *error = NULL;
  LcDataset *ds;

  if (job->sample)
    {
      LcSimulateOptions options;

      lc_simulate_options_default (&options);
      options.n_objects = job->sample_objects;
      options.seed = job->sample_seed;
      options.with_meta = TRUE;
      ds = lc_simulate (&options, worker_progress_cb, pb_job, &error);
    }
  else
    ds = lc_load (job->path, &job->options, worker_progress_cb, pb_job, &error);

  if (ds == NULL && error == NULL)
    g_set_error (&error, LC_ERROR, LC_ERROR_FORMAT, _("%s: could not be read"), job->path);
  if (ds != NULL)
    {
      /* runs are matched to their data by it: computed here, the main loop never waits for it */
      lc_dataset_get_checksum (ds);
      pb_job_return_pointer (pb_job, ds, (GDestroyNotify) lc_dataset_unref);
    }
  else
    pb_job_return_error (pb_job, error);
}

static void
run_job (GObject *source_object, LoadJob *job, GCancellable *cancellable,
         GAsyncReadyCallback callback, gpointer user_data)
{
  static const PbJobCallbacks callbacks = { .progress = load_progress_cb };

  pb_job_run_async (source_object, load_job_run, job, load_job_free, cancellable, &callbacks, callback,
                    user_data, pb_load_async);
}

void
pb_load_async (GObject *source_object, const char *path, const LcLoadOptions *options,
               GCancellable *cancellable, PbLoadProgressFunc progress,
               GAsyncReadyCallback callback, gpointer user_data)
{
  LoadJob *job = g_new0 (LoadJob, 1);

  job->progress = progress;
  job->path = g_strdup (path);
  if (options != NULL)
    {
      job->options.format = options->format;
      job->meta_path = g_strdup (options->meta_path);
      job->labels_path = g_strdup (options->labels_path);
      job->npy_split = g_strdup (options->npy_split);
      job->mapping = options->mapping != NULL ? lc_csv_mapping_copy (options->mapping) : NULL;
    }
  job->options.meta_path = job->meta_path;
  job->options.labels_path = job->labels_path;
  job->options.npy_split = job->npy_split;
  job->options.mapping = job->mapping;
  run_job (source_object, job, cancellable, callback, user_data);
}

void
pb_load_sample_async (GObject *source_object, int n_objects, guint64 seed,
                      GCancellable *cancellable, PbLoadProgressFunc progress,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  LoadJob *job = g_new0 (LoadJob, 1);

  job->progress = progress;
  job->sample = TRUE;
  job->sample_objects = n_objects;
  job->sample_seed = seed;
  job->path = g_strdup_printf ("sim:%d:%" G_GUINT64_FORMAT, n_objects, seed);
  run_job (source_object, job, cancellable, callback, user_data);
}

LcDataset *
pb_load_finish (GAsyncResult *result, GError **error)
{
  return pb_job_propagate_pointer (result, pb_load_async, error);
}

gboolean
pb_load_error_is_cancelled (const GError *error)
{
  return g_error_matches (error, LC_ERROR, LC_ERROR_CANCELLED)
         || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}
