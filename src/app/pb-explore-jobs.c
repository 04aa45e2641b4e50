/* pb-explore-jobs.c: early classification, novelty, test files and the
 * predictions export in worker threads (issue 7). */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lc-format.h"
#include "lc-novelty.h"
#include "pb-explore-jobs.h"

/* What a worker needs; everything it reads is immutable or its own copy. */
typedef struct
{
  PbRun *run;
  LcEarlyAxis axis;
  double amount;
  char *path;
  float *probs;               /* export: (n_objects, K) */
  int n_objects, n_classes;
} Job;

static void
job_free (Job *job)
{
  pb_run_unref (job->run);
  g_free (job->path);
  g_free (job->probs);
  g_free (job);
}

static Job *
job_new (PbRun *run)
{
  Job *job = g_new0 (Job, 1);

  job->run = pb_run_ref (run);
  return job;
}

/* Runs thread on job (which the task then owns) in a worker; tag is the
 * _async function that started it. */
static void
job_run (GObject *source, Job *job, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data,
         gpointer tag, GTaskThreadFunc thread)
{
  g_autoptr (GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  /* a stale or cancelled result is never delivered as a success */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, thread);
}

static gboolean
run_has_model (PbRun *run, GError **error)
{
  if (run == NULL || run->doc == NULL || run->evaluation == NULL)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH, _("The run has no trained model and scores yet"));
      return FALSE;
    }
  return TRUE;
}

/* A predictor of the worker's own: a compiled model keeps scratch buffers. */
static LcPredictor *
job_predictor (Job *job, GError **error)
{
  if (!run_has_model (job->run, error))
    return NULL;
  return lc_predictor_new (job->run->doc, error);
}

/* job_predictor for jobs that can do nothing without one: on failure the
 * error is the task's result. */
static LcPredictor *
job_predictor_or_return (GTask *task, Job *job)
{
  GError *error = NULL;
  LcPredictor *predictor = job_predictor (job, &error);

  if (predictor == NULL)
    g_task_return_error (task, error);
  return predictor;
}

static gboolean
cancel_progress (double fraction, gpointer user_data)
{
  (void) fraction;
  return !g_cancellable_is_cancelled (user_data);
}

/* Cancelled jobs end with G_IO_ERROR_CANCELLED whatever the library said. */
static gboolean
return_if_cancelled (GTask *task)
{
  return g_task_return_error_if_cancelled (task);
}

/* ---- the early curve ------------------------------------------------- */

static void
curve_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  g_autoptr (LcPredictor) predictor = NULL;
  g_autoptr (GCancellable) never = cancellable == NULL ? g_cancellable_new () : NULL;
  GError *error = NULL;
  LcEarlyCurve *curve;

  (void) source;
  predictor = job_predictor_or_return (task, job);
  if (predictor == NULL)
    return;
  curve = lc_early_curve_new (predictor, job->run->dataset, job->run->evaluation->rows,
                              job->run->evaluation->n_rows, job->axis, NULL, 0, 1, cancel_progress,
                              cancellable != NULL ? cancellable : never, &error);
  if (return_if_cancelled (task))
    {
      g_clear_error (&error);
      g_clear_pointer (&curve, lc_early_curve_free);
      return;
    }
  if (curve == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, curve, (GDestroyNotify) lc_early_curve_free);
}

void
pb_explore_curve_async (GObject *source, PbRun *run, LcEarlyAxis axis, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  Job *job = job_new (run);

  job->axis = axis;
  job_run (source, job, cancellable, callback, user_data, pb_explore_curve_async, curve_thread);
}

LcEarlyCurve *
pb_explore_curve_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- one point of the curve ------------------------------------------ */

static void
point_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  g_autoptr (LcPredictor) predictor = NULL;
  GError *error = NULL;
  LcEvaluation *ev;
  PbRun *run;

  (void) source;
  (void) cancellable;
  predictor = job_predictor_or_return (task, job);
  if (predictor == NULL)
    return;
  ev = lc_early_evaluate (predictor, job->run->dataset, job->run->evaluation->rows, job->run->evaluation->n_rows,
                          job->axis, job->amount, 1, &error);
  if (ev == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (return_if_cancelled (task))
    {
      lc_evaluation_free (ev);
      return;
    }
  /* a run of its own, so the confusion view and table draw it as any other */
  run = pb_run_new (job->run->id, job->run->name, job->run->dataset);
  run->state = PB_RUN_OPENED;
  run->doc = nn_model_doc_copy (job->run->doc);
  run->evaluation = ev;
  g_task_return_pointer (task, run, (GDestroyNotify) pb_run_unref);
}

void
pb_explore_point_async (GObject *source, PbRun *run, LcEarlyAxis axis, double amount, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  Job *job = job_new (run);

  job->axis = axis;
  job->amount = amount;
  job_run (source, job, cancellable, callback, user_data, pb_explore_point_async, point_thread);
}

PbRun *
pb_explore_point_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- novelty scores --------------------------------------------------- */

void
pb_novelty_scores_free (PbNoveltyScores *scores)
{
  if (scores == NULL)
    return;
  g_free (scores->probs);
  for (int i = 0; i < 3; i++)
    g_free (scores->scores[i]);
  g_free (scores);
}

double
pb_novelty_scores_high (const PbNoveltyScores *scores, LcNoveltyScore kind)
{
  return lc_novelty_score_max (kind, scores->n_classes);
}

static void
novelty_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  g_autoptr (LcPredictor) predictor = NULL;
  g_autoptr (PbNoveltyScores) scores = g_new0 (PbNoveltyScores, 1);
  GError *error = NULL;
  const LcNoveltyScore kinds[3] = { LC_NOVELTY_P99, LC_NOVELTY_MAX_PROB, LC_NOVELTY_ENTROPY };

  (void) source;
  (void) cancellable;
  predictor = job_predictor_or_return (task, job);
  if (predictor == NULL)
    return;
  scores->n_objects = (int) job->run->dataset->n_objects;
  scores->n_classes = predictor->n_classes;
  scores->probs = lc_predictor_predict (predictor, job->run->dataset, NULL, 0, 1, NULL, &error);
  if (scores->probs == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (return_if_cancelled (task))
    return;
  for (int i = 0; i < 3; i++)
    {
      scores->scores[kinds[i]] = g_new (double, MAX (scores->n_objects, 1));
      lc_novelty_scores (scores->probs, scores->n_objects, scores->n_classes, kinds[i], scores->scores[kinds[i]]);
    }
  g_task_return_pointer (task, g_steal_pointer (&scores), (GDestroyNotify) pb_novelty_scores_free);
}

void
pb_explore_novelty_async (GObject *source, PbRun *run, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  job_run (source, job_new (run), cancellable, callback, user_data, pb_explore_novelty_async, novelty_thread);
}

PbNoveltyScores *
pb_explore_novelty_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- a separate labelled test file ----------------------------------- */

static void
test_file_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  g_autoptr (LcPredictor) predictor = NULL;
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (GCancellable) never = cancellable == NULL ? g_cancellable_new () : NULL;
  GError *error = NULL;
  LcEvaluation *ev;

  (void) source;
  predictor = job_predictor (job, &error);
  if (predictor != NULL)
    ds = lc_load (job->path, NULL, cancel_progress, cancellable != NULL ? cancellable : never, &error);
  if (return_if_cancelled (task))
    {
      g_clear_error (&error);
      return;
    }
  if (ds == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  ev = lc_predictor_evaluate (predictor, ds, 1, &error);
  if (ev == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ev, (GDestroyNotify) lc_evaluation_free);
}

void
pb_explore_test_file_async (GObject *source, PbRun *run, const char *path, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  Job *job = job_new (run);

  job->path = g_strdup (path);
  job_run (source, job, cancellable, callback, user_data, pb_explore_test_file_async, test_file_thread);
}

LcEvaluation *
pb_explore_test_file_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the predictions export ------------------------------------------ */

static void
export_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  g_autoptr (LcPredictor) predictor = NULL;
  g_autofree const char **ids = NULL;
  GError *error = NULL;

  (void) source;
  (void) cancellable;
  predictor = job_predictor (job, &error);
  if (predictor != NULL && (job->n_classes != predictor->n_classes
                            || job->n_objects != (int) job->run->dataset->n_objects))
    g_set_error (&error, LC_ERROR, LC_ERROR_MISMATCH, _("The predictions do not belong to this run"));
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  ids = g_new (const char *, MAX (job->n_objects, 1));
  for (int i = 0; i < job->n_objects; i++)
    ids[i] = job->run->dataset->objects[i].id;
  if (!lc_novelty_write_predictions (job->path, ids, job->probs, job->n_objects, predictor->n_classes,
                                     predictor->class_ids, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
pb_explore_export_async (GObject *source, PbRun *run, const PbNoveltyScores *scores, const char *path,
                         GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Job *job = job_new (run);

  job->path = g_strdup (path);
  job->n_objects = scores->n_objects;
  job->n_classes = scores->n_classes;
  job->probs = g_memdup2 (scores->probs, sizeof (float) * MAX ((gsize) scores->n_objects * scores->n_classes, 1));
  job_run (source, job, cancellable, callback, user_data, pb_explore_export_async, export_thread);
}

gboolean
pb_explore_export_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
