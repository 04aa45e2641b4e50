/* pb-explore-jobs.c: early classification, novelty, test files and the
 * predictions export as background jobs (pb-job.h). */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lc-format.h"
#include "lc-novelty.h"
#include "pb-explore-jobs.h"
#include "pb-job.h"

/* What a worker needs; everything it reads is immutable or its own copy. */
typedef struct
{
  PbRun *run;
  LcEarlyAxis axis;
  double amount;
  char *path;
  float *probs;               /* export: (n_objects, K) */
  double *distance;           /* export: lc_predictor_novelty's, or NULL */
  int n_objects, n_classes;
} Job;

static void
job_free (Job *job)
{
  pb_run_unref (job->run);
  g_free (job->path);
  g_free (job->probs);
  g_free (job->distance);
  g_free (job);
}

static Job *
job_new (PbRun *run)
{
  Job *job = g_new0 (Job, 1);

  job->run = pb_run_ref (run);
  return job;
}

/* Runs func on job (which the job runner then owns) in the background; tag
 * is the _async function that started it.  A cancelled job ends with
 * G_IO_ERROR_CANCELLED, never with its result. */
static void
job_run (GObject *source, Job *job, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data,
         gpointer tag, PbJobFunc func)
{
  pb_job_run_async (source, func, job, (GDestroyNotify) job_free, cancellable, NULL, callback, user_data, tag);
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
 * error is the job's result. */
static LcPredictor *
job_predictor_or_return (PbJob *pb_job, Job *job)
{
  GError *error = NULL;
  LcPredictor *predictor = job_predictor (job, &error);

  if (predictor == NULL)
    pb_job_return_error (pb_job, error);
  return predictor;
}

/* Asked by the library between chunks: stop when the job is cancelled. */
static gboolean
cancel_progress (double fraction, gpointer user_data)
{
  (void) fraction;
  return !pb_job_is_cancelled (user_data);
}

/* ---- the early curve ------------------------------------------------- */

static void
curve_job (PbJob *pb_job, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  g_autoptr (LcPredictor) predictor = NULL;
  GError *error = NULL;
  LcEarlyCurve *curve;

  predictor = job_predictor_or_return (pb_job, job);
  if (predictor == NULL)
    return;
  curve = lc_early_curve_new (predictor, job->run->dataset, job->run->evaluation->rows,
                              job->run->evaluation->n_rows, job->axis, NULL, 0, 1, cancel_progress, pb_job,
                              &error);
  if (curve == NULL)
    pb_job_return_error (pb_job, error);
  else
    pb_job_return_pointer (pb_job, curve, (GDestroyNotify) lc_early_curve_free);
}

void
pb_explore_curve_async (GObject *source, PbRun *run, LcEarlyAxis axis, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  Job *job = job_new (run);

  job->axis = axis;
  job_run (source, job, cancellable, callback, user_data, pb_explore_curve_async, curve_job);
}

LcEarlyCurve *
pb_explore_curve_finish (GAsyncResult *result, GError **error)
{
  return pb_job_propagate_pointer (result, pb_explore_curve_async, error);
}

/* ---- one point of the curve ------------------------------------------ */

static void
point_job (PbJob *pb_job, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  g_autoptr (LcPredictor) predictor = NULL;
  GError *error = NULL;
  LcEvaluation *ev;
  PbRun *run;

  predictor = job_predictor_or_return (pb_job, job);
  if (predictor == NULL)
    return;
  ev = lc_early_evaluate (predictor, job->run->dataset, job->run->evaluation->rows, job->run->evaluation->n_rows,
                          job->axis, job->amount, 1, &error);
  if (ev == NULL)
    {
      pb_job_return_error (pb_job, error);
      return;
    }
  /* a run of its own, so the confusion view and table draw it as any other */
  run = pb_run_new (job->run->id, job->run->name, job->run->dataset);
  run->state = PB_RUN_OPENED;
  run->doc = nn_model_doc_copy (job->run->doc);
  run->evaluation = ev;
  pb_job_return_pointer (pb_job, run, (GDestroyNotify) pb_run_unref);
}

void
pb_explore_point_async (GObject *source, PbRun *run, LcEarlyAxis axis, double amount, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  Job *job = job_new (run);

  job->axis = axis;
  job->amount = amount;
  job_run (source, job, cancellable, callback, user_data, pb_explore_point_async, point_job);
}

PbRun *
pb_explore_point_finish (GAsyncResult *result, GError **error)
{
  return pb_job_propagate_pointer (result, pb_explore_point_async, error);
}

/* ---- novelty scores --------------------------------------------------- */

void
pb_novelty_scores_free (PbNoveltyScores *scores)
{
  if (scores == NULL)
    return;
  g_free (scores->probs);
  g_free (scores->trained);
  for (int i = 0; i < PB_NOVELTY_N_SCORES; i++)
    g_free (scores->scores[i]);
  g_free (scores);
}

double
pb_novelty_scores_high (const PbNoveltyScores *scores, int kind)
{
  if (kind == PB_NOVELTY_DISTANCE)
    return LC_NOVELTY_DISTANCE_MAX;
  return lc_novelty_score_max ((LcNoveltyScore) kind, scores->n_classes);
}

double
pb_novelty_scores_default_threshold (const PbNoveltyScores *scores, int kind)
{
  if (kind == PB_NOVELTY_DISTANCE)
    return scores->distance_threshold;
  return lc_novelty_default_threshold ((LcNoveltyScore) kind, scores->n_classes);
}

/* The objects the run's model was trained on: a run trained here knows its
 * validation objects (every other labelled object trained it); a model
 * opened from a file does not, and its training objects are those at
 * distance 0 from its training features, their own nearest neighbours (up
 * to the rounding of features computed again). */
#define TRAINED_DISTANCE 1e-6

static guint8 *
trained_objects (PbRun *run, const double *distance, int *n_trained)
{
  const LcDataset *ds = run->dataset;
  guint8 *trained = g_new0 (guint8, MAX (ds->n_objects, 1));

  *n_trained = 0;
  if (run->state != PB_RUN_OPENED)
    {
      for (gsize i = 0; i < ds->n_objects; i++)
        trained[i] = ds->objects[i].label >= 0;
      for (int i = 0; run->n_val > 0 && i < run->evaluation->n_rows; i++)
        trained[run->evaluation->rows[i]] = 0;
    }
  else if (distance != NULL)
    for (gsize i = 0; i < ds->n_objects; i++)
      trained[i] = distance[i] <= TRAINED_DISTANCE;
  for (gsize i = 0; i < ds->n_objects; i++)
    *n_trained += trained[i];
  return trained;
}

static void
novelty_job (PbJob *pb_job, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  g_autoptr (LcPredictor) predictor = NULL;
  g_autoptr (PbNoveltyScores) scores = g_new0 (PbNoveltyScores, 1);
  GError *error = NULL;
  const LcNoveltyScore kinds[3] = { LC_NOVELTY_P99, LC_NOVELTY_MAX_PROB, LC_NOVELTY_ENTROPY };

  predictor = job_predictor_or_return (pb_job, job);
  if (predictor == NULL)
    return;
  scores->n_objects = (int) job->run->dataset->n_objects;
  scores->n_classes = predictor->n_classes;
  scores->probs = lc_predictor_predict (predictor, job->run->dataset, NULL, 0, 1, NULL, &error);
  if (scores->probs == NULL)
    {
      pb_job_return_error (pb_job, error);
      return;
    }
  if (pb_job_is_cancelled (pb_job))
    return;
  for (int i = 0; i < 3; i++)
    {
      scores->scores[kinds[i]] = g_new (double, MAX (scores->n_objects, 1));
      lc_novelty_scores (scores->probs, scores->n_objects, scores->n_classes, kinds[i], scores->scores[kinds[i]]);
    }
  scores->scores[PB_NOVELTY_DISTANCE] = lc_predictor_novelty_of_dataset (predictor, job->run->dataset, &error);
  if (error != NULL)
    {
      pb_job_return_error (pb_job, error);
      return;
    }
  scores->distance_threshold = predictor->doc->novelty_threshold;
  scores->trained = trained_objects (job->run, scores->scores[PB_NOVELTY_DISTANCE], &scores->n_trained);
  pb_job_return_pointer (pb_job, g_steal_pointer (&scores), (GDestroyNotify) pb_novelty_scores_free);
}

void
pb_explore_novelty_async (GObject *source, PbRun *run, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  job_run (source, job_new (run), cancellable, callback, user_data, pb_explore_novelty_async, novelty_job);
}

PbNoveltyScores *
pb_explore_novelty_finish (GAsyncResult *result, GError **error)
{
  return pb_job_propagate_pointer (result, pb_explore_novelty_async, error);
}

/* ---- a separate labelled test file ----------------------------------- */

static void
test_file_job (PbJob *pb_job, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  g_autoptr (LcPredictor) predictor = NULL;
  g_autoptr (LcDataset) ds = NULL;
  GError *error = NULL;
  LcEvaluation *ev;

  predictor = job_predictor (job, &error);
  if (predictor != NULL)
    ds = lc_load (job->path, NULL, cancel_progress, pb_job, &error);
  if (ds == NULL)
    {
      pb_job_return_error (pb_job, error);
      return;
    }
  ev = lc_predictor_evaluate (predictor, ds, 1, &error);
  if (ev == NULL)
    pb_job_return_error (pb_job, error);
  else
    pb_job_return_pointer (pb_job, ev, (GDestroyNotify) lc_evaluation_free);
}

void
pb_explore_test_file_async (GObject *source, PbRun *run, const char *path, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  Job *job = job_new (run);

  job->path = g_strdup (path);
  job_run (source, job, cancellable, callback, user_data, pb_explore_test_file_async, test_file_job);
}

LcEvaluation *
pb_explore_test_file_finish (GAsyncResult *result, GError **error)
{
  return pb_job_propagate_pointer (result, pb_explore_test_file_async, error);
}

/* ---- the predictions export ------------------------------------------ */

static void
export_job (PbJob *pb_job, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  g_autoptr (LcPredictor) predictor = NULL;
  g_autofree const char **ids = NULL;
  GError *error = NULL;

  predictor = job_predictor (job, &error);
  if (predictor != NULL && (job->n_classes != predictor->n_classes
                            || job->n_objects != (int) job->run->dataset->n_objects))
    g_set_error (&error, LC_ERROR, LC_ERROR_MISMATCH, _("The predictions do not belong to this run"));
  if (error != NULL)
    {
      pb_job_return_error (pb_job, error);
      return;
    }
  /* a cancelled export writes nothing: the file stays as it was */
  if (pb_job_is_cancelled (pb_job))
    return;
  ids = g_new (const char *, MAX (job->n_objects, 1));
  for (int i = 0; i < job->n_objects; i++)
    ids[i] = job->run->dataset->objects[i].id;
  if (!lc_novelty_write_predictions (job->path, ids, job->probs, job->distance, job->n_objects, predictor->n_classes,
                                     predictor->class_ids, &error))
    pb_job_return_error (pb_job, error);
  else
    pb_job_return_success (pb_job);
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
  if (scores->scores[PB_NOVELTY_DISTANCE] != NULL)
    job->distance = g_memdup2 (scores->scores[PB_NOVELTY_DISTANCE], sizeof (double) * MAX (scores->n_objects, 1));
  job_run (source, job, cancellable, callback, user_data, pb_explore_export_async, export_job);
}

gboolean
pb_explore_export_finish (GAsyncResult *result, GError **error)
{
  return pb_job_propagate_boolean (result, pb_explore_export_async, error);
}
