/* pb-attribution-job.c: explanations computed in a worker (see pb-attribution-job.h) */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-attribution-job.h"

typedef struct
{
  /* copies: the run may change or go while the worker reads */
  NnModelDoc *doc;
  LcDataset *dataset;
  gsize *objects;
  guint n;
  int target;
  PbAttributionCallbacks callbacks;
  char *error_message;       /* set by the worker, read in done */
} Job;

static void
job_free (Job *job)
{
  nn_model_doc_free (job->doc);
  lc_dataset_unref (job->dataset);
  g_free (job->objects);
  g_free (job->error_message);
  g_free (job);
}

void
pb_attribution_result_free (PbAttributionResult *result)
{
  if (result == NULL)
    return;
  lc_explanation_free (result->explanation);
  g_strfreev (result->meta_names);
  g_free (result);
}

static char **
meta_names (const LcEncoder *encoder)
{
  int n = lc_encoder_meta_features (encoder);
  char **names = g_new0 (char *, n + 1);

  for (int s = 0; s < n; s++)
    names[s] = g_strdup (lc_encoder_meta_feature_name (encoder, s));
  return names;
}

/* An explanation of a model with period features takes a second or more:
 * stop between its steps once the job is cancelled. */
static gboolean
still_wanted_cb (double fraction, gpointer data)
{
  return !g_cancellable_is_cancelled (data);
}

static void
explain_worker (PbJob *pb_job, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (LcPredictor) predictor = lc_predictor_new (job->doc, &error);

  if (predictor == NULL)
    {
      job->error_message = g_strdup (error->message);
      return;
    }
  for (guint i = 0; i < job->n && !g_cancellable_is_cancelled (cancellable); i++)
    {
      PbAttributionResult *e = g_new0 (PbAttributionResult, 1);

      e->object = job->objects[i];
      e->explanation = lc_explain_object_full (predictor, job->dataset, (int) job->objects[i], job->target,
                                               PB_ATTRIBUTION_POINTS, still_wanted_cb, cancellable, &error);
      if (e->explanation == NULL && g_error_matches (error, LC_ERROR, LC_ERROR_CANCELLED))
        {
          g_free (e);
          return;
        }
      if (e->explanation == NULL)
        {
          job->error_message = g_strdup_printf (_("Object %s: %s"),
                                                job->dataset->objects[job->objects[i]].id,
                                                error->message);
          g_free (e);
          return;
        }
      e->meta_names = meta_names (predictor->encoder);
      pb_job_post (pb_job, e, (GDestroyNotify) pb_attribution_result_free);
    }
}

static void
explained_records_cb (gpointer owner, GQueue *records, gpointer data)
{
  Job *job = data;

  for (GList *l = records->head; l != NULL; l = l->next)
    job->callbacks.explained (owner, l->data);
}

static void
explain_done_cb (gpointer owner, gpointer data)
{
  Job *job = data;

  if (job->callbacks.finished != NULL)
    job->callbacks.finished (owner, job->error_message);
}

PbJob *
pb_attribution_job_start (gpointer owner, PbRun *run, const gsize *objects, guint n, int target,
                          const PbAttributionCallbacks *callbacks)
{
  static const PbJobCallbacks job_callbacks = {
    .records = explained_records_cb,
    .done = explain_done_cb,
  };
  Job *job;

  g_return_val_if_fail (run != NULL && run->doc != NULL && run->dataset != NULL, NULL);
  g_return_val_if_fail (callbacks != NULL && callbacks->explained != NULL, NULL);
  job = g_new0 (Job, 1);
  job->doc = nn_model_doc_copy (run->doc);
  job->dataset = lc_dataset_ref (run->dataset);
  job->objects = g_memdup2 (objects, sizeof (gsize) * MAX (n, 1));
  job->n = n;
  job->target = target;
  job->callbacks = *callbacks;
  return pb_job_start (owner, explain_worker, job, (GDestroyNotify) job_free, &job_callbacks);
}
