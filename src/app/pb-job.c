/* pb-job.c: the app's background jobs (see pb-job.h) */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "pb-job.h"

typedef struct
{
  gpointer record;
  GDestroyNotify free;
} Posted;

struct _PbJob
{
  gint ref_count;
  GMutex lock;
  GCond cond;
  GQueue posted;             /* Posted *, guarded by lock */
  double fraction;           /* guarded by lock; < 0: none new */
  gboolean idle_pending;     /* guarded by lock */
  gboolean returned;         /* the worker let go of data; guarded by lock */
  GWeakRef owner;
  GCancellable *cancellable;
  PbJobFunc func;
  gpointer data;
  GDestroyNotify data_free;
  PbJobCallbacks callbacks;
  GMainContext *context;
  GTask *caller;             /* pb_job_run_async's task, or NULL */
  gpointer result;           /* what the worker returned for caller */
  GDestroyNotify result_free;
  GError *error;
};

static void
posted_free (Posted *p)
{
  if (p->free != NULL && p->record != NULL)
    p->free (p->record);
  g_free (p);
}

static void
clear_result (PbJob *job)
{
  if (job->result_free != NULL && job->result != NULL)
    job->result_free (job->result);
  job->result = NULL;
  job->result_free = NULL;
}

PbJob *
pb_job_ref (PbJob *job)
{
  g_atomic_int_inc (&job->ref_count);
  return job;
}

void
pb_job_unref (PbJob *job)
{
  if (job == NULL || !g_atomic_int_dec_and_test (&job->ref_count))
    return;
  g_queue_clear_full (&job->posted, (GDestroyNotify) posted_free);
  clear_result (job);
  g_clear_error (&job->error);
  g_clear_object (&job->caller);
  if (job->data_free != NULL && job->data != NULL)
    job->data_free (job->data);
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  g_weak_ref_clear (&job->owner);
  g_object_unref (job->cancellable);
  g_main_context_unref (job->context);
  g_free (job);
}

GCancellable *
pb_job_get_cancellable (PbJob *job)
{
  return job->cancellable;
}

gboolean
pb_job_is_cancelled (PbJob *job)
{
  return g_cancellable_is_cancelled (job->cancellable);
}

gpointer
pb_job_get_data (PbJob *job)
{
  return job->data;
}

/* ---- delivery on the main loop ----------------------------------------- */

/* Hands what the worker posted to the owner; nothing when it is gone or the
 * job was cancelled. */
static void
flush (PbJob *job)
{
  g_autoptr (GObject) owner = g_weak_ref_get (&job->owner);
  GQueue posted = G_QUEUE_INIT;
  GQueue records = G_QUEUE_INIT;
  double fraction;
  Posted *p;

  g_mutex_lock (&job->lock);
  posted = job->posted;
  g_queue_init (&job->posted);
  fraction = job->fraction;
  job->fraction = -1;
  job->idle_pending = FALSE;
  g_mutex_unlock (&job->lock);

  if (owner != NULL && !pb_job_is_cancelled (job))
    {
      if (fraction >= 0 && job->callbacks.progress != NULL)
        job->callbacks.progress (owner, fraction, job->data);
      for (GList *l = posted.head; l != NULL; l = l->next)
        g_queue_push_tail (&records, ((Posted *) l->data)->record);
      if (records.length > 0 && job->callbacks.records != NULL)
        job->callbacks.records (owner, &records, job->data);
      g_queue_clear (&records);
    }
  while ((p = g_queue_pop_head (&posted)) != NULL)
    posted_free (p);
}

static gboolean
flush_idle_cb (gpointer data)
{
  flush (data);
  return G_SOURCE_REMOVE;
}

/* Worker side: one idle callback at a time, below redraw priority, so
 * progress never delays drawing or input. */
static void
schedule_flush_locked (PbJob *job)
{
  GSource *source;

  if (job->idle_pending)
    return;
  job->idle_pending = TRUE;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (source, flush_idle_cb, pb_job_ref (job), (GDestroyNotify) pb_job_unref);
  g_source_set_static_name (source, "[passband] job progress");
  g_source_attach (source, job->context);
  g_source_unref (source);
}

void
pb_job_post (PbJob *job, gpointer record, GDestroyNotify record_free)
{
  Posted *p = g_new (Posted, 1);

  p->record = record;
  p->free = record_free;
  g_mutex_lock (&job->lock);
  g_queue_push_tail (&job->posted, p);
  schedule_flush_locked (job);
  g_mutex_unlock (&job->lock);
}

void
pb_job_post_fraction (PbJob *job, double fraction)
{
  g_mutex_lock (&job->lock);
  job->fraction = CLAMP (fraction, 0, 1);
  schedule_flush_locked (job);
  g_mutex_unlock (&job->lock);
}

/* ---- the worker -------------------------------------------------------- */

static void
job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  PbJob *job = task_data;

  job->func (job, job->data, job->cancellable);
  g_mutex_lock (&job->lock);
  job->returned = TRUE;
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->lock);
  g_task_return_boolean (task, TRUE);
}

/* The GIO face: the caller's callback, once; a cancelled job's result is
 * freed unseen. */
static void
return_to_caller (PbJob *job)
{
  g_autoptr (GTask) caller = g_steal_pointer (&job->caller);

  if (g_cancellable_is_cancelled (job->cancellable))
    {
      clear_result (job);
      g_clear_error (&job->error);
      g_task_return_new_error (caller, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
    }
  else if (job->error != NULL)
    {
      clear_result (job);
      g_task_return_error (caller, g_steal_pointer (&job->error));
    }
  else if (job->result != NULL)
    {
      g_task_return_pointer (caller, job->result, job->result_free);
      job->result = NULL;
      job->result_free = NULL;
    }
  else
    g_task_return_new_error (caller, G_IO_ERROR, G_IO_ERROR_FAILED, _("The job ended without a result"));
}

static void
job_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GObject) owner = NULL;

  /* records posted last come before the result */
  flush (job);
  if (job->caller != NULL)
    {
      return_to_caller (job);
      return;
    }
  owner = g_weak_ref_get (&job->owner);
  if (owner != NULL && !pb_job_is_cancelled (job) && job->callbacks.done != NULL)
    job->callbacks.done (owner, job->data);
}

static PbJob *
job_new (gpointer owner, PbJobFunc func, gpointer data, GDestroyNotify data_free, GCancellable *cancellable,
         const PbJobCallbacks *callbacks)
{
  PbJob *job = g_new0 (PbJob, 1);

  job->ref_count = 1;
  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  g_queue_init (&job->posted);
  job->fraction = -1;
  g_weak_ref_init (&job->owner, owner);
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  if (callbacks != NULL)
    job->callbacks = *callbacks;
  job->context = g_main_context_ref_thread_default ();
  return job;
}

static void
job_run (PbJob *job)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, job_done_cb, NULL);

  /* the task holds the job until the done callback ran */
  g_task_set_source_tag (task, pb_job_start);
  g_task_set_task_data (task, pb_job_ref (job), (GDestroyNotify) pb_job_unref);
  g_task_run_in_thread (task, job_thread);
}

PbJob *
pb_job_start (gpointer owner, PbJobFunc func, gpointer data, GDestroyNotify data_free,
              const PbJobCallbacks *callbacks)
{
  PbJob *job;

  g_return_val_if_fail (G_IS_OBJECT (owner), NULL);
  job = job_new (owner, func, data, data_free, NULL, callbacks);
  job_run (job);
  return job;
}

void
pb_job_run_async (gpointer source, PbJobFunc func, gpointer data, GDestroyNotify data_free,
                  GCancellable *cancellable, const PbJobCallbacks *callbacks,
                  GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
  g_autoptr (PbJob) job = NULL;

  g_return_if_fail (source == NULL || G_IS_OBJECT (source));
  job = job_new (source, func, data, data_free, cancellable, callbacks);
  job->callbacks.done = NULL;
  job->caller = g_task_new (source, cancellable, callback, user_data);
  g_task_set_source_tag (job->caller, tag);
  job_run (job);
}

static GTask *
caller_task (GAsyncResult *result, gpointer tag)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, NULL);
  return G_TASK (result);
}

gpointer
pb_job_propagate_pointer (GAsyncResult *result, gpointer tag, GError **error)
{
  GTask *task = caller_task (result, tag);

  return task != NULL ? g_task_propagate_pointer (task, error) : NULL;
}

gboolean
pb_job_propagate_boolean (GAsyncResult *result, gpointer tag, GError **error)
{
  return pb_job_propagate_pointer (result, tag, error) != NULL;
}

void
pb_job_return_pointer (PbJob *job, gpointer result, GDestroyNotify result_free)
{
  clear_result (job);
  g_clear_error (&job->error);
  job->result = result;
  job->result_free = result_free;
}

void
pb_job_return_success (PbJob *job)
{
  pb_job_return_pointer (job, GINT_TO_POINTER (TRUE), NULL);
}

void
pb_job_return_error (PbJob *job, GError *error)
{
  clear_result (job);
  g_clear_error (&job->error);
  job->error = error;
}

void
pb_job_cancel (PbJob *job)
{
  g_cancellable_cancel (job->cancellable);
}

gboolean
pb_job_wait (PbJob *job, gint64 timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;
  gboolean returned;

  g_mutex_lock (&job->lock);
  while (!job->returned)
    if (!g_cond_wait_until (&job->cond, &job->lock, deadline))
      break;
  returned = job->returned;
  g_mutex_unlock (&job->lock);
  return returned;
}

gboolean
pb_job_is_running (PbJob *job)
{
  gboolean returned;

  g_mutex_lock (&job->lock);
  returned = job->returned;
  g_mutex_unlock (&job->lock);
  return !returned;
}

void
pb_job_clear (PbJob **job)
{
  if (*job == NULL)
    return;
  pb_job_cancel (*job);
  g_clear_pointer (job, pb_job_unref);
}
