/* pb-job.h: the one way the app runs work in the background (DESIGN §8).
 *
 * A PbJob runs a function in a worker thread with its own GCancellable.  The
 * worker may post records (progress, partial results) and a fraction done;
 * they wait in a mutex-guarded queue that at most one pending idle callback
 * hands to the main loop, in order, so a fast worker never floods it.  When
 * the worker returns, "done" runs on the main loop after the last records.
 * A cancelled job, or one whose owner is gone, delivers nothing more:
 * neither records nor its result.  The worker never touches a widget; it
 * reads only what it was given (copies or immutable data).
 *
 * Callers that follow GIO's async/finish pattern start the same jobs with
 * pb_job_run_async: the worker hands back what it made with
 * pb_job_return_pointer (or _success, _error), and the caller's callback
 * runs once, after the last progress.  A job whose cancellable fired ends
 * with G_IO_ERROR_CANCELLED and whatever the worker made is freed unseen.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _PbJob PbJob;

/* Runs in the worker; data is the job's data. */
typedef void (*PbJobFunc) (PbJob *job, gpointer data, GCancellable *cancellable);

/* Main loop callbacks; owner is alive and the job was not cancelled. */
typedef struct
{
  /* the latest fraction posted (0..1); fractions in between are dropped */
  void (*progress) (gpointer owner, double fraction, gpointer data);
  /* every record posted since the last call, oldest first (the job frees them after) */
  void (*records) (gpointer owner, GQueue *records, gpointer data);
  /* the worker returned: data holds what it made */
  void (*done) (gpointer owner, gpointer data);
} PbJobCallbacks;

/* Starts func (data, freed with data_free when the job ends) in a worker.
 * owner (a GObject, held weakly) receives the callbacks.  Returns the job;
 * keep it to cancel it, and drop it with pb_job_unref. */
PbJob        *pb_job_start          (gpointer owner, PbJobFunc func, gpointer data, GDestroyNotify data_free,
                                     const PbJobCallbacks *callbacks);
PbJob        *pb_job_ref            (PbJob *job);
void          pb_job_unref          (PbJob *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbJob, pb_job_unref)

/* The GIO face: func runs on data as for pb_job_start, with cancellable
 * (may be NULL) as the job's own; callbacks->progress and ->records (may be
 * NULL; done is not used) receive source as their owner; callback receives
 * source and a result for pb_job_propagate_pointer/_boolean.  tag names
 * the caller (its _async function). */
void          pb_job_run_async      (gpointer source, PbJobFunc func, gpointer data, GDestroyNotify data_free,
                                     GCancellable *cancellable, const PbJobCallbacks *callbacks,
                                     GAsyncReadyCallback callback, gpointer user_data, gpointer tag);
gpointer      pb_job_propagate_pointer (GAsyncResult *result, gpointer tag, GError **error);
gboolean      pb_job_propagate_boolean (GAsyncResult *result, gpointer tag, GError **error);

/* Worker side. */
void          pb_job_post           (PbJob *job, gpointer record, GDestroyNotify record_free);
void          pb_job_post_fraction  (PbJob *job, double fraction);
/* What a job started with pb_job_run_async made (the last call wins);
 * a job that returns nothing ends with an error. */
void          pb_job_return_pointer (PbJob *job, gpointer result, GDestroyNotify result_free);
void          pb_job_return_success (PbJob *job);
void          pb_job_return_error   (PbJob *job, GError *error);

/* Either side. */
GCancellable *pb_job_get_cancellable (PbJob *job);
gboolean      pb_job_is_cancelled   (PbJob *job);
gpointer      pb_job_get_data       (PbJob *job);

/* Main loop: stops the job and drops whatever it would still deliver. */
void          pb_job_cancel         (PbJob *job);
/* Main loop: waits (at most timeout_us) until the worker has returned and
 * let go of its data; FALSE when it has not.  For owners that go away. */
gboolean      pb_job_wait           (PbJob *job, gint64 timeout_us);
gboolean      pb_job_is_running     (PbJob *job);

/* Cancels *job, drops it and sets it to NULL (no-op on NULL). */
void          pb_job_clear          (PbJob **job);

G_END_DECLS
