/* pb-loader.c: datasets are read off the main thread */
#include "config.h"

#include <glib/gi18n.h>

#include "lc-simulate.h"
#include "pb-loader.h"

/* Shared by the worker and the idle callbacks it posts; freed by the last one. */
typedef struct
{
  GMainContext *context;
  GObject *owner;
  PbLoadProgressFunc func;
  GCancellable *cancellable;
  gint pending;         /* an idle callback is queued */
  gint permille;        /* latest fraction, in thousandths */
} Progress;

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
  Progress *progress;
} LoadJob;

static void
progress_free (gpointer data)
{
  Progress *progress = data;

  g_main_context_unref (progress->context);
  g_clear_object (&progress->owner);
  g_clear_object (&progress->cancellable);
}

/* Drops one hold on the shared progress record. */
static void
progress_release_cb (gpointer data)
{
  g_atomic_rc_box_release_full (data, progress_free);
}

static gboolean
progress_idle_cb (gpointer data)
{
  Progress *progress = data;

  g_atomic_int_set (&progress->pending, 0);
  if (progress->func != NULL && !g_cancellable_is_cancelled (progress->cancellable))
    progress->func (g_atomic_int_get (&progress->permille) / 1000.0, progress->owner);
  return G_SOURCE_REMOVE;
}

/* Runs in the worker: remember the fraction and post at most one idle at a time,
 * so a fast loader cannot flood the main loop. */
static gboolean
worker_progress_cb (double fraction, gpointer data)
{
  Progress *progress = data;

  if (g_cancellable_is_cancelled (progress->cancellable))
    return FALSE;
  g_atomic_int_set (&progress->permille, (int) (CLAMP (fraction, 0, 1) * 1000));
  if (progress->func != NULL && g_atomic_int_compare_and_exchange (&progress->pending, 0, 1))
    g_main_context_invoke_full (progress->context, G_PRIORITY_DEFAULT, progress_idle_cb,
                                g_atomic_rc_box_acquire (progress),
                                progress_release_cb);
  return TRUE;
}

static void
load_job_free (gpointer data)
{
  LoadJob *job = data;

  g_free (job->path);
  g_free (job->meta_path);
  g_free (job->labels_path);
  g_free (job->npy_split);
  lc_csv_mapping_free (job->mapping);
  g_atomic_rc_box_release_full (job->progress, progress_free);
  g_free (job);
}

static void
load_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  LoadJob *job = task_data;
  GError *error = NULL;
  LcDataset *ds;

  if (job->sample)
    {
      LcSimulateOptions options;

      lc_simulate_options_default (&options);
      options.n_objects = job->sample_objects;
      options.seed = job->sample_seed;
      options.with_meta = TRUE;
      ds = lc_simulate (&options, worker_progress_cb, job->progress, &error);
    }
  else
    ds = lc_load (job->path, &job->options, worker_progress_cb, job->progress, &error);

  if (ds == NULL && error == NULL)
    g_set_error (&error, LC_ERROR, LC_ERROR_FORMAT, _("%s: could not be read"), job->path);
  if (ds != NULL && g_cancellable_is_cancelled (cancellable))
    {
      g_clear_pointer (&ds, lc_dataset_unref);
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Loading was cancelled"));
    }
  if (ds != NULL)
    g_task_return_pointer (task, ds, (GDestroyNotify) lc_dataset_unref);
  else
    g_task_return_error (task, error);
}

static LoadJob *
load_job_new (GObject *source_object, GCancellable *cancellable, PbLoadProgressFunc func)
{
  LoadJob *job = g_new0 (LoadJob, 1);
  Progress *progress = g_atomic_rc_box_new0 (Progress);

  progress->context = g_main_context_ref_thread_default ();
  progress->owner = source_object != NULL ? g_object_ref (source_object) : NULL;
  progress->func = func;
  progress->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  job->progress = progress;
  return job;
}

static void
run_job (GObject *source_object, LoadJob *job, GCancellable *cancellable,
         GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source_object, cancellable, callback, user_data);

  g_task_set_source_tag (task, pb_load_async);
  g_task_set_task_data (task, job, load_job_free);
  /* the worker checks the cancellable itself through the progress callback */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, load_thread);
}

void
pb_load_async (GObject *source_object, const char *path, const LcLoadOptions *options,
               GCancellable *cancellable, PbLoadProgressFunc progress,
               GAsyncReadyCallback callback, gpointer user_data)
{
  LoadJob *job = load_job_new (source_object, cancellable, progress);

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
  LoadJob *job = load_job_new (source_object, cancellable, progress);

  job->sample = TRUE;
  job->sample_objects = n_objects;
  job->sample_seed = seed;
  job->path = g_strdup_printf ("sim:%d:%" G_GUINT64_FORMAT, n_objects, seed);
  run_job (source_object, job, cancellable, callback, user_data);
}

LcDataset *
pb_load_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
pb_load_error_is_cancelled (const GError *error)
{
  return g_error_matches (error, LC_ERROR, LC_ERROR_CANCELLED)
         || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}
