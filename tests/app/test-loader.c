/* test-loader.c: loading off the main thread: progress arrives on the main
 * loop in order, results and errors come back, and Cancel stops the worker. */
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "pb-loader.h"
#include "testutil.h"

typedef struct
{
  GMainLoop *loop;
  LcDataset *dataset;
  GError *error;
  int n_progress;
  double last_fraction;
  gboolean backwards;
  GThread *main_thread;
  gboolean off_main_thread;
  GCancellable *cancel_on_progress;
} Run;

static Run *current;

static void
progress_cb (double fraction, gpointer owner)
{
  if (fraction < current->last_fraction)
    current->backwards = TRUE;
  if (g_thread_self () != current->main_thread)
    current->off_main_thread = TRUE;
  current->last_fraction = fraction;
  current->n_progress++;
  if (current->cancel_on_progress != NULL)
    g_cancellable_cancel (current->cancel_on_progress);
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Run *run = data;

  run->dataset = pb_load_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
run_load (Run *run, const char *path, GCancellable *cancellable)
{
  g_autoptr(GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);

  run->loop = g_main_loop_new (NULL, FALSE);
  run->main_thread = g_thread_self ();
  current = run;
  if (path != NULL)
    pb_load_async (owner, path, NULL, cancellable, progress_cb, done_cb, run);
  else
    pb_load_sample_async (owner, 200, 7, cancellable, progress_cb, done_cb, run);
  g_main_loop_run (run->loop);
  g_main_loop_unref (run->loop);
  current = NULL;
}

static void
test_load_ts (void)
{
  g_autofree char *path = tu_shared_path ("data/uea_lsst/LSST_TRAIN.ts");
  Run run = { 0 };

  run_load (&run, path, NULL);
  g_assert_no_error (run.error);
  g_assert_nonnull (run.dataset);
  g_assert_cmpuint (run.dataset->n_objects, ==, 2459);
  g_test_message ("%d progress reports", run.n_progress);
  /* reports are merged while the main loop is busy, but at least one arrives */
  g_assert_cmpint (run.n_progress, >=, 1);
  g_assert_cmpfloat (run.last_fraction, >, 0);
  g_assert_false (run.backwards);
  g_assert_false (run.off_main_thread);
  lc_dataset_unref (run.dataset);
}

static void
test_sample (void)
{
  Run run = { 0 };

  run_load (&run, NULL, NULL);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.dataset->n_objects, ==, 200);
  g_assert_cmpint (run.dataset->source, ==, LC_SOURCE_SIMULATED);
  lc_dataset_unref (run.dataset);
}

static void
test_error (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-loader-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bad.ts", NULL);
  Run run = { 0 };

  g_assert_true (g_file_set_contents (path, "@problemName x\n@data\n1,2,nonsense:zz\n", -1, NULL));
  run_load (&run, path, NULL);
  g_assert_null (run.dataset);
  g_assert_nonnull (run.error);
  g_assert_false (pb_load_error_is_cancelled (run.error));
  g_assert_nonnull (strstr (run.error->message, "bad.ts"));
  g_test_message ("%s", run.error->message);
  g_error_free (run.error);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_cancel (void)
{
  g_autofree char *path = tu_shared_path ("data/uea_lsst/LSST_TRAIN.ts");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Run run = { .cancel_on_progress = cancellable };

  /* cancel at the first progress report: the worker stops and says so */
  run_load (&run, path, cancellable);
  g_assert_null (run.dataset);
  g_assert_true (pb_load_error_is_cancelled (run.error));
  g_assert_cmpint (run.n_progress, ==, 1);
  g_error_free (run.error);
}

typedef struct
{
  LcDataset *dataset;
  GError *error;
  gboolean called;
} Slot;

static void
slot_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Slot *slot = data;

  slot->dataset = pb_load_finish (result, &slot->error);
  slot->called = TRUE;
}

/* The user opens B while A still loads: A is cancelled and ends without its
 * dataset, B arrives whole. */
static void
test_stale (void)
{
  g_autofree char *path = tu_shared_path ("data/uea_lsst/LSST_TRAIN.ts");
  g_autoptr (GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr (GCancellable) a_cancel = g_cancellable_new ();
  g_autoptr (GCancellable) b_cancel = g_cancellable_new ();
  Slot a = { 0 }, b = { 0 };
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  pb_load_async (owner, path, NULL, a_cancel, NULL, slot_done_cb, &a);
  pb_load_sample_async (owner, 50, 3, b_cancel, NULL, slot_done_cb, &b);
  g_cancellable_cancel (a_cancel);
  while ((!a.called || !b.called) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (a.called && b.called);
  g_assert_null (a.dataset);
  g_assert_true (pb_load_error_is_cancelled (a.error));
  g_assert_no_error (b.error);
  g_assert_cmpuint (b.dataset->n_objects, ==, 50);
  g_error_free (a.error);
  lc_dataset_unref (b.dataset);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/loader/ts", test_load_ts);
  g_test_add_func ("/app/loader/sample", test_sample);
  g_test_add_func ("/app/loader/error", test_error);
  g_test_add_func ("/app/loader/cancel", test_cancel);
  g_test_add_func ("/app/loader/stale", test_stale);
  return g_test_run ();
}
