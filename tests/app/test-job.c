/* test-job.c: the app's one job runner (pb-job.h): progress is coalesced and
 * arrives in order on the main loop, records come before "done", and a
 * cancelled job, or one whose owner is gone, delivers nothing; the GIO face
 * ends a cancelled job with G_IO_ERROR_CANCELLED and frees what it made. */
#include <gio/gio.h>
#include <string.h>

#include "pb-job.h"

typedef struct
{
  int n_steps;
  gint freed;                 /* atomic: records and results freed */
  gint release;               /* atomic: the worker may go on */
  gboolean wait_for_release;
  gboolean make_result;
  gint data_freed;            /* atomic: the job let go of its data, it has ended */
} Work;

typedef struct
{
  int n_progress;
  double last_fraction;
  gboolean backwards;
  int n_records;
  int last_record;
  gboolean out_of_order;
  gboolean done;
  gboolean records_after_done;
} Seen;

static Seen seen;

/* A record knows its step and the work whose frees it counts. */
typedef struct
{
  Work *work;
  int step;
} Record;

static void
count_free (gpointer data)
{
  Record *r = data;

  g_atomic_int_inc (&r->work->freed);
  g_free (data);
}

static Record *
record_new (Work *work, int step)
{
  Record *r = g_new (Record, 1);

  r->work = work;
  r->step = step;
  return r;
}

static void
work_func (PbJob *job, gpointer data, GCancellable *cancellable)
{
  Work *work = data;

  for (int i = 0; i < work->n_steps; i++)
    {
      if (work->wait_for_release)
        while (!g_atomic_int_get (&work->release))
          g_usleep (1000);
      pb_job_post (job, record_new (work, i), count_free);
      pb_job_post_fraction (job, (i + 1.0) / work->n_steps);
    }
  if (work->make_result)
    pb_job_return_pointer (job, record_new (work, -1), count_free);
}

static void
progress_cb (gpointer owner, double fraction, gpointer data)
{
  if (fraction < seen.last_fraction)
    seen.backwards = TRUE;
  seen.last_fraction = fraction;
  seen.n_progress++;
}

static void
records_cb (gpointer owner, GQueue *records, gpointer data)
{
  if (seen.done)
    seen.records_after_done = TRUE;
  for (GList *l = records->head; l != NULL; l = l->next)
    {
      const Record *r = l->data;

      if (r->step != seen.last_record + 1)
        seen.out_of_order = TRUE;
      seen.last_record = r->step;
      seen.n_records++;
    }
}

static void
done_cb (gpointer owner, gpointer data)
{
  seen.done = TRUE;
}

static const PbJobCallbacks callbacks = { progress_cb, records_cb, done_cb };

static void
reset_seen (void)
{
  memset (&seen, 0, sizeof seen);
  seen.last_record = -1;
}

static void
work_data_free (gpointer data)
{
  /* in whichever thread dropped the job last */
  g_atomic_int_set (&((Work *) data)->data_freed, 1);
}

/* Drops the caller's hold on job and runs the main loop until the job has
 * ended: it lets go of its data only after its last delivery (or none). */
static void
run_until_ended (PbJob **job, Work *work)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_clear_pointer (job, pb_job_unref);
  while (!g_atomic_int_get (&work->data_freed))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
test_delivers_in_order (void)
{
  g_autoptr (GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  Work work = { .n_steps = 2000 };
  g_autoptr (PbJob) job = NULL;

  reset_seen ();
  job = pb_job_start (owner, work_func, &work, work_data_free, &callbacks);
  run_until_ended (&job, &work);
  g_assert_true (seen.done);
  g_assert_cmpint (seen.n_records, ==, work.n_steps);
  g_assert_false (seen.out_of_order);
  g_assert_false (seen.records_after_done);
  /* fractions are merged while the main loop is busy, never reordered */
  g_assert_cmpint (seen.n_progress, >=, 1);
  g_assert_cmpint (seen.n_progress, <=, seen.n_records);
  g_assert_false (seen.backwards);
  g_assert_cmpfloat (seen.last_fraction, ==, 1.0);
  g_test_message ("%d records in %d progress calls", seen.n_records, seen.n_progress);
  g_assert_cmpint (g_atomic_int_get (&work.freed), ==, work.n_steps);
}

/* Cancelled while the worker is held half way: nothing more arrives, not
 * even "done", and every record it still posts is freed. */
static void
test_cancel_delivers_nothing (void)
{
  g_autoptr (GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  Work work = { .n_steps = 50, .wait_for_release = TRUE };
  g_autoptr (PbJob) job = NULL;

  reset_seen ();
  job = pb_job_start (owner, work_func, &work, work_data_free, &callbacks);
  pb_job_cancel (job);
  g_assert_true (pb_job_is_cancelled (job));
  g_assert_true (g_cancellable_is_cancelled (pb_job_get_cancellable (job)));
  g_atomic_int_set (&work.release, 1);
  run_until_ended (&job, &work);
  g_assert_false (seen.done);
  g_assert_cmpint (seen.n_records, ==, 0);
  g_assert_cmpint (seen.n_progress, ==, 0);
  g_assert_cmpint (g_atomic_int_get (&work.freed), ==, work.n_steps);
}

/* The owner went away (a page closed): the job finishes unseen. */
static void
test_owner_gone (void)
{
  GObject *owner = g_object_new (G_TYPE_OBJECT, NULL);
  Work work = { .n_steps = 20, .wait_for_release = TRUE };
  g_autoptr (PbJob) job = NULL;

  reset_seen ();
  job = pb_job_start (owner, work_func, &work, work_data_free, &callbacks);
  g_object_unref (owner);
  g_atomic_int_set (&work.release, 1);
  g_assert_true (pb_job_wait (job, 30 * G_USEC_PER_SEC));
  g_assert_false (pb_job_is_running (job));
  run_until_ended (&job, &work);
  g_assert_false (seen.done);
  g_assert_cmpint (seen.n_records, ==, 0);
}

static void
store_result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*slot == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*slot);
  return *slot;
}

static void
test_async_result (void)
{
  g_autoptr (GObject) source = g_object_new (G_TYPE_OBJECT, NULL);
  Work work = { .n_steps = 10, .make_result = TRUE };
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  Record *made;

  reset_seen ();
  pb_job_run_async (source, work_func, &work, NULL, NULL, &callbacks, store_result_cb, &result,
                    test_async_result);
  made = pb_job_propagate_pointer (wait_result (&result), test_async_result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_cmpint (made->step, ==, -1);
  /* progress and records came first; "done" belongs to the owner face */
  g_assert_cmpint (seen.n_records, ==, work.n_steps);
  g_assert_cmpfloat (seen.last_fraction, ==, 1.0);
  g_assert_false (seen.done);
  count_free (made);
}

/* Cancelled through the caller's cancellable after the worker made its
 * result: the caller sees only G_IO_ERROR_CANCELLED, the result is freed. */
static void
test_async_cancelled (void)
{
  g_autoptr (GObject) source = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Work work = { .n_steps = 5, .make_result = TRUE, .wait_for_release = TRUE };
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  reset_seen ();
  pb_job_run_async (source, work_func, &work, NULL, cancellable, &callbacks, store_result_cb, &result,
                    test_async_cancelled);
  g_cancellable_cancel (cancellable);
  g_atomic_int_set (&work.release, 1);
  g_assert_null (pb_job_propagate_pointer (wait_result (&result), test_async_cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (seen.n_records, ==, 0);
  g_assert_cmpint (seen.n_progress, ==, 0);
  g_clear_object (&result);
  g_assert_cmpint (g_atomic_int_get (&work.freed), ==, work.n_steps + 1);
}

/* A worker that returns nothing is an error, not a NULL success. */
static void
test_async_no_result (void)
{
  g_autoptr (GObject) source = g_object_new (G_TYPE_OBJECT, NULL);
  Work work = { .n_steps = 1 };
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  pb_job_run_async (source, work_func, &work, NULL, NULL, NULL, store_result_cb, &result, test_async_no_result);
  g_assert_false (pb_job_propagate_boolean (wait_result (&result), test_async_no_result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/job/in-order", test_delivers_in_order);
  g_test_add_func ("/app/job/cancel", test_cancel_delivers_nothing);
  g_test_add_func ("/app/job/owner-gone", test_owner_gone);
  g_test_add_func ("/app/job/async", test_async_result);
  g_test_add_func ("/app/job/async-cancelled", test_async_cancelled);
  g_test_add_func ("/app/job/async-no-result", test_async_no_result);
  return g_test_run ();
}
