/* pb-trainer.c: the training worker (DESIGN §8) and the runs of a session */
#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "pb-job.h"
#include "pb-trainer.h"

/* ---- runs ------------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (PbRun, pb_run, pb_run_ref, pb_run_unref)

PbRun *
pb_run_new (int id, const char *name, LcDataset *ds)
{
  PbRun *run = g_new0 (PbRun, 1);

  run->ref_count = 1;
  run->id = id;
  run->name = g_strdup (name);
  run->dataset = lc_dataset_ref (ds);
  run->epochs = g_array_new (FALSE, FALSE, sizeof (NnEpochStats));
  run->batches = g_array_new (FALSE, FALSE, sizeof (PbBatchPoint));
  run->wrong_rows = g_array_new (FALSE, FALSE, sizeof (gsize));
  run->wrong_predicted = g_array_new (FALSE, FALSE, sizeof (int));
  run->best_epoch = -1;
  return run;
}

PbRun *
pb_run_ref (PbRun *run)
{
  g_atomic_int_inc (&run->ref_count);
  return run;
}

void
pb_run_unref (PbRun *run)
{
  if (run == NULL || !g_atomic_int_dec_and_test (&run->ref_count))
    return;
  g_free (run->name);
  g_free (run->message);
  g_free (run->path);
  g_free (run->run_path);
  nn_object_history_free (run->objects);
  g_free (run->object_rows);
  lc_dataset_unref (run->dataset);
  nn_model_doc_free (run->doc);
  g_array_unref (run->epochs);
  g_array_unref (run->batches);
  g_array_unref (run->wrong_rows);
  g_array_unref (run->wrong_predicted);
  lc_evaluation_free (run->evaluation);
  g_free (run);
}

/* The epoch NnHistory would call best: lowest validation loss, or training
 * loss when there is no validation. */
static int
best_epoch_of (GArray *epochs)
{
  int best = -1;
  double best_loss = INFINITY;

  for (guint i = 0; i < epochs->len; i++)
    {
      const NnEpochStats *s = &g_array_index (epochs, NnEpochStats, i);
      double loss = isfinite (s->val_loss) ? s->val_loss : s->loss;

      if (isfinite (loss) && loss < best_loss)
        {
          best_loss = loss;
          best = (int) i;
        }
    }
  return best;
}

gboolean
pb_run_save (PbRun *run, const char *path, GError **error)
{
  if (run->doc == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("%s has no trained model to save"),
                   run->name);
      return FALSE;
    }
  if (!nn_model_doc_save (run->doc, path, error))
    return FALSE;
  g_free (run->path);
  run->path = g_strdup (path);
  return TRUE;
}

PbRun *
pb_run_open (const char *path, LcDataset *ds, GError **error)
{
  static int opened;
  g_autoptr (LcPredictor) predictor = lc_predictor_load (path, error);
  g_autoptr (LcEvaluation) evaluation = NULL;
  g_autofree char *base = NULL, *name = NULL;
  PbRun *run;

  if (predictor == NULL)
    return NULL;
  evaluation = lc_predictor_evaluate (predictor, ds, 1, error);
  if (evaluation == NULL)
    return NULL;
  base = g_path_get_basename (path);
  name = g_strdup_printf (_("Opened %d: %s"), ++opened, base);
  run = pb_run_new (0, name, ds);
  run->state = PB_RUN_OPENED;
  run->doc = nn_model_doc_copy (predictor->doc);
  g_array_append_vals (run->epochs, run->doc->history->data, run->doc->history->len);
  run->best_epoch = best_epoch_of (run->epochs);
  run->total_epochs = run->epochs->len;
  run->evaluation = g_steal_pointer (&evaluation);
  run->path = g_strdup (path);
  return run;
}

int
pb_run_n_classes (PbRun *run)
{
  if (run->doc != NULL && run->doc->classes->len > 0)
    return run->doc->classes->len;
  if (run->evaluation != NULL)
    return run->evaluation->report->n_classes;
  return 0;
}

const char *
pb_run_class_name (PbRun *run, int k)
{
  if (run->doc != NULL && k >= 0 && (guint) k < run->doc->classes->len)
    return g_array_index (run->doc->classes, NnClassSpec, k).name;
  return "?";
}

const NnObjectHistory *
pb_run_get_object_history (PbRun *run, const int **rows)
{
  if (rows != NULL)
    *rows = run->object_rows;
  return run->objects;
}

void
pb_run_set_object_history (PbRun *run, NnObjectHistory *history, const int *rows)
{
  g_return_if_fail (history == NULL || rows != NULL);
  nn_object_history_free (run->objects);
  g_clear_pointer (&run->object_rows, g_free);
  run->objects = history;
  if (history != NULL)
    {
      run->object_rows = g_new0 (int, MAX (history->n_objects, 1));
      memcpy (run->object_rows, rows, (size_t) history->n_objects * sizeof (int));
    }
}

const char *
pb_run_get_run_path (PbRun *run)
{
  return run->run_path;
}

void
pb_run_set_run_path (PbRun *run, const char *path)
{
  char *copy = g_strdup (path);
  g_free (run->run_path);
  run->run_path = copy;
}

/* ---- records from the worker to the main loop -------------------------- */

#define BATCH_RECORD_INTERVAL_US (G_USEC_PER_SEC / 4)
#define DELIVERY_INTERVAL_US (G_USEC_PER_SEC / 2)
#define WRONG_INTERVAL_US G_USEC_PER_SEC

typedef enum
{
  RECORD_PREPARING,
  RECORD_PREPARED,
  RECORD_BATCH,
  RECORD_EPOCH,
  RECORD_WRONG,              /* the misclassified objects of the trained model */
} RecordKind;

typedef struct
{
  RecordKind kind;
  int epoch, batch, n_batches;
  PbBatchPoint point;
  NnEpochStats stats;
  GArray *wrong_rows;        /* RECORD_EPOCH, or NULL */
  GArray *wrong_predicted;
  int n_val, total_epochs;   /* RECORD_PREPARED */
  int n_members;
  int epochs_done;           /* RECORD_PREPARED: epochs a resumed run had */
  gboolean early_stopping;
  double fraction;           /* RECORD_PREPARING */
} Record;

static void
record_free (Record *record)
{
  if (record->wrong_rows != NULL)
    g_array_unref (record->wrong_rows);
  if (record->wrong_predicted != NULL)
    g_array_unref (record->wrong_predicted);
  g_free (record);
}

/* ---- the run file, written off the training thread --------------------- */

/* Formatting a checkpoint as exact text and syncing it to disk takes longer
 * than an epoch of a small model: the training thread hands each epoch's
 * checkpoint (a copy) over and goes on, and the writer writes the newest it
 * has; one it had no time for is replaced by the next epoch's.  On two
 * cores the writer's CPU is taken from training, so it rests nine times as
 * long as its last write took (a file of a large model is written less
 * often, a small model's every epoch or second); the last epoch is always
 * written when the run ends or is cancelled. */
#define WRITER_REST_FACTOR 9
/* finished runs kept per dataset: the "kept-runs" setting's default */
#define DEFAULT_KEPT_RUNS 20

typedef struct
{
  GThread *thread;
  GMutex lock;
  GCond cond;
  const LcRunFile *file;            /* read only while the writer runs */
  NnTrainCheckpoint *pending;       /* guarded by lock */
  NnObjectHistory *pending_objects; /* guarded by lock */
  NnTrainCheckpoint *written;       /* the last one taken; guarded by lock */
  gboolean quit;                    /* guarded by lock */
  gint64 rest_until;                /* no write before (monotonic µs); the writer's */
  char *error;                      /* the first write that failed; guarded by lock */
} RunWriter;

/* The epochs recorded so far, without the reserve for the epochs to come. */
static NnObjectHistory *
object_history_snapshot (const NnObjectHistory *h)
{
  return nn_object_history_copy_epochs (h, MAX (h->n_epochs, 1));
}

static gpointer
run_writer_thread (gpointer data)
{
  RunWriter *w = data;

  g_mutex_lock (&w->lock);
  for (;;)
    {
      NnTrainCheckpoint *checkpoint;
      g_autoptr (NnObjectHistory) objects = NULL;
      g_autoptr (GError) error = NULL;
      LcRunFile view;
      gint64 started;

      while ((w->pending == NULL || g_get_monotonic_time () < w->rest_until) && !w->quit)
        if (w->pending == NULL)
          g_cond_wait (&w->cond, &w->lock);
        else
          g_cond_wait_until (&w->cond, &w->lock, w->rest_until);
      if (w->pending == NULL)
        break;
      checkpoint = g_steal_pointer (&w->pending);
      objects = g_steal_pointer (&w->pending_objects);
      g_mutex_unlock (&w->lock);

      /* the file as it is, with this epoch's objects (the live ones grow) */
      started = g_get_monotonic_time ();
      view = *w->file;
      view.objects = objects;
      lc_run_file_save (&view, checkpoint, &error);

      g_mutex_lock (&w->lock);
      w->rest_until = g_get_monotonic_time () + WRITER_REST_FACTOR * (g_get_monotonic_time () - started);
      nn_train_checkpoint_free (w->written);
      w->written = checkpoint;
      if (error != NULL && w->error == NULL)
        w->error = g_strdup (error->message);
    }
  g_mutex_unlock (&w->lock);
  return NULL;
}

static RunWriter *
run_writer_new (const LcRunFile *file)
{
  RunWriter *w = g_new0 (RunWriter, 1);

  g_mutex_init (&w->lock);
  g_cond_init (&w->cond);
  w->file = file;
  w->thread = g_thread_new ("passband-run-writer", run_writer_thread, w);
  return w;
}

/* Training thread: hands over a copy of the epoch's checkpoint and objects. */
static void
run_writer_post (RunWriter *w, const NnTrainCheckpoint *checkpoint, const NnObjectHistory *objects)
{
  NnTrainCheckpoint *copy = nn_train_checkpoint_copy (checkpoint);
  NnObjectHistory *objects_copy = objects != NULL ? object_history_snapshot (objects) : NULL;

  g_mutex_lock (&w->lock);
  nn_train_checkpoint_free (w->pending);
  nn_object_history_free (w->pending_objects);
  w->pending = copy;
  w->pending_objects = objects_copy;
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->lock);
}

/* Writes what is pending and ends the thread; the last checkpoint stays in
 * w->written. */
static void
run_writer_close (RunWriter *w)
{
  if (w->thread == NULL)
    return;
  g_mutex_lock (&w->lock);
  w->quit = TRUE;
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->lock);
  g_thread_join (w->thread);
  w->thread = NULL;
}

static void
run_writer_free (RunWriter *w)
{
  if (w == NULL)
    return;
  run_writer_close (w);
  nn_train_checkpoint_free (w->pending);
  nn_object_history_free (w->pending_objects);
  nn_train_checkpoint_free (w->written);
  g_free (w->error);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->cond);
  g_free (w);
}

/* ---- the job, run in the worker thread --------------------------------- */

typedef struct
{
  PbJob *pb_job;             /* the job running this (set when the worker starts) */
  gint stop;                 /* atomic: Stop was pressed; the results are kept */
  LcDataset *ds;
  NnModelDoc *spec;
  LcTrainOverrides overrides;
  char *run_path;            /* the run file to write, or NULL */
  int kept_runs;             /* finished runs of the data the runs folder keeps (0: all) */
  char *model_path;          /* where the trained model goes beside it */
  LcRunFile *file;           /* the run file: loaded to resume, else made by the worker */
  gboolean resuming;
  RunWriter *writer;
  LcTrainRun *train_run;
  NnObjectHistory *objects;  /* the validation objects at every epoch (the file's when it has them) */
  int prepare_percent;       /* the last preparation progress posted, or -1 */
  double smoothed;           /* exponential mean of the batch losses */
  gboolean have_smoothed;
  gint64 batch_posted_us;    /* when the last batch record went out */
  GQueue held;               /* Record *: posted, not yet handed to the main loop */
  gint64 delivered_us;       /* when records were last handed over */
  int batch_epoch;           /* the epoch of the last batch record */
  gint64 wrong_posted_us;    /* when the misclassified objects were last posted */
  /* results */
  NnModelDoc *doc;
  LcEvaluation *evaluation;
  gboolean stopped;
  char *message;
  double seconds;
} Job;

static void
job_free (Job *job)
{
  g_queue_clear_full (&job->held, (GDestroyNotify) record_free);
  run_writer_free (job->writer);
  lc_dataset_unref (job->ds);
  nn_model_doc_free (job->spec);
  g_free (job->run_path);
  g_free (job->model_path);
  if (job->file == NULL || job->objects != job->file->objects)
    nn_object_history_free (job->objects);
  lc_run_file_free (job->file);
  lc_train_run_free (job->train_run);
  nn_model_doc_free (job->doc);
  lc_evaluation_free (job->evaluation);
  g_free (job->message);
  g_free (job);
}

/* Stop (results kept) or cancel (results dropped). */
static gboolean
job_should_stop (Job *job)
{
  return g_atomic_int_get (&job->stop) || pb_job_is_cancelled (job->pb_job);
}

/* Hands every held record to the main loop at once. */
static void
job_deliver (Job *job)
{
  Record *r;

  while ((r = g_queue_pop_head (&job->held)) != NULL)
    pb_job_post (job->pb_job, r, (GDestroyNotify) record_free);
  job->delivered_us = g_get_monotonic_time ();
}

/* Records go to the main loop twice a second, together: every
 * delivery redraws the Train section (with the Cairo renderer the whole
 * window), and the epochs of a small model end ten or twenty times a
 * second; on two cores those frames are CPU taken from training. */
static void
job_post (Job *job, Record *r)
{
  /* the next ensemble member begins: the progress shows where the last ended */
  gboolean next_member = r->kind == RECORD_BATCH && r->epoch < job->batch_epoch;

  if (r->kind == RECORD_BATCH)
    job->batch_epoch = r->epoch;
  if (next_member)
    job_deliver (job);
  g_queue_push_tail (&job->held, r);
  if (next_member || r->kind == RECORD_PREPARED
      || g_get_monotonic_time () - job->delivered_us >= DELIVERY_INTERVAL_US)
    job_deliver (job);
}

/* Preparation (fitting the encoder, encoding): posts whole percents, and
 * stops it when Stop was pressed. */
static gboolean
job_on_prepare (double fraction, gpointer user_data)
{
  Job *job = user_data;
  int percent = (int) floor (CLAMP (fraction, 0, 1) * 100);
  Record *r;

  if (job_should_stop (job))
    return FALSE;
  if (percent == job->prepare_percent)
    return TRUE;
  job->prepare_percent = percent;
  r = g_new0 (Record, 1);
  r->kind = RECORD_PREPARING;
  r->fraction = fraction;
  job_post (job, r);
  return TRUE;
}

static gboolean
job_on_batch (int epoch, int batch, int n_batches, double loss, gpointer user_data)
{
  Job *job = user_data;
  gint64 now;
  Record *r;

  if (job_should_stop (job))
    return FALSE;
  if (isfinite (loss))
    {
      job->smoothed = job->have_smoothed ? 0.8 * job->smoothed + 0.2 * loss : loss;
      job->have_smoothed = TRUE;
    }
  /* A record per batch would wake the main loop hundreds of times a second
   * and redraw the page each time: on two cores that is CPU taken from the
   * training threads.  Four a second move the bar smoothly enough, and
   * every epoch end is recorded. */
  now = g_get_monotonic_time ();
  if (batch + 1 < n_batches && now - job->batch_posted_us < BATCH_RECORD_INTERVAL_US)
    return TRUE;
  job->batch_posted_us = now;
  r = g_new0 (Record, 1);
  r->kind = RECORD_BATCH;
  r->epoch = epoch;
  r->batch = batch;
  r->n_batches = n_batches;
  r->point.x = epoch + (batch + 1.0) / MAX (n_batches, 1);
  r->point.loss = job->smoothed;
  job_post (job, r);
  return TRUE;
}

/* The misclassified rows of probs (n, K) of rows with labels (model class
 * indices, -1 unknown), predicted classes in the dataset's classes so the
 * main thread needs no encoder. */
static void
collect_wrong (Job *job, Record *r, const float *probs, const int *labels, const int *rows, int n, int k)
{
  const int *class_ids = lc_encoder_class_ids (job->train_run->encoder);

  r->wrong_rows = g_array_new (FALSE, FALSE, sizeof (gsize));
  r->wrong_predicted = g_array_new (FALSE, FALSE, sizeof (int));
  for (int i = 0; i < n; i++)
    {
      int predicted = nn_metrics_argmax (probs + (gsize) i * k, k);
      gsize row = (gsize) rows[i];

      if (labels == NULL || labels[i] < 0 || predicted == labels[i])
        continue;
      predicted = lc_dataset_class_index (job->ds, class_ids[predicted]);
      g_array_append_val (r->wrong_rows, row);
      g_array_append_val (r->wrong_predicted, predicted);
    }
}

static void
job_on_checkpoint (const NnTrainCheckpoint *checkpoint, gpointer user_data)
{
  Job *job = user_data;

  run_writer_post (job->writer, checkpoint, job->file->objects);
}

static gboolean
job_on_epoch (const NnEpochStats *stats, gpointer user_data)
{
  Job *job = user_data;
  const NnObjectHistory *h = job->objects;
  Record *r;

  /* an epoch that ended is in the model's history and the run file: the
   * curves show it even when Stop came during it */
  if (pb_job_is_cancelled (job->pb_job))
    return FALSE;
  r = g_new0 (Record, 1);
  r->kind = RECORD_EPOCH;
  r->stats = *stats;
  /* the validation pass recorded every object's probabilities: what the
   * model gets wrong now costs no prediction; the panel follows once a second */
  if (h != NULL && h->n_epochs > 0 && g_get_monotonic_time () - job->wrong_posted_us >= WRONG_INTERVAL_US)
    {
      const LcTrainRun *tr = job->train_run;

      collect_wrong (job, r, h->probs + (size_t) (h->n_epochs - 1) * h->n_objects * h->n_classes,
                     h->labels, tr->val_rows, h->n_objects, h->n_classes);
      job->wrong_posted_us = g_get_monotonic_time ();
    }
  job_post (job, r);
  return !job_should_stop (job);
}

/* The final model's misclassified objects, from its scores. */
static void
job_post_final_wrong (Job *job)
{
  const LcEvaluation *ev = job->evaluation;
  Record *r;

  if (ev == NULL || job->train_run->n_val <= 0)
    return;
  r = g_new0 (Record, 1);
  r->kind = RECORD_WRONG;
  collect_wrong (job, r, ev->probs, ev->labels, ev->rows, ev->n_rows, ev->report->n_classes);
  job_post (job, r);
}

static void
job_prepare_records (Job *job)
{
  LcTrainRun *tr = job->train_run;
  Record *r = g_new0 (Record, 1);

  r->kind = RECORD_PREPARED;
  r->n_val = tr->n_val;
  r->total_epochs = tr->config.epochs * MAX (tr->n_members, 1);
  r->n_members = MAX (tr->n_members, 1);
  r->epochs_done = tr->resume_from != NULL ? tr->resume_from->epochs_done : 0;
  r->early_stopping = tr->config.patience > 0 && tr->val != NULL && tr->val->n > 0;
  job_post (job, r);
}

/* Scores of the trained model on the validation rows (every row without them). */
static void
job_evaluate (Job *job)
{
  LcTrainRun *tr = job->train_run;
  g_autoptr (GError) error = NULL;
  g_autoptr (LcPredictor) predictor = lc_predictor_new (tr->doc, &error);

  if (predictor != NULL)
    job->evaluation = tr->n_val > 0
                        ? lc_predictor_evaluate_rows (predictor, job->ds, tr->val_rows, tr->n_val, 1, &error)
                        : lc_predictor_evaluate (predictor, job->ds, 1, &error);
  if (job->evaluation == NULL)
    job->message = g_strdup (error->message);
}

/* The run file of a new run.  A single model's is first written with its
 * first epoch, by the writer: a sync to disk before training would be
 * waited for (a kill before then leaves nothing worth resuming).  An
 * ensemble's, which has no epochs to write, is written now; a folder that
 * cannot be written costs the run its file, not the training. */
static void
job_open_run_file (Job *job)
{
  g_autoptr (GError) error = NULL;

  if (job->file != NULL || job->run_path == NULL)
    return;
  job->file = lc_run_file_new (job->run_path, job->ds->path, job->ds->meta_path, job->ds, job->model_path,
                               job->spec, &job->overrides);
  if (pb_run_file_is_ensemble (job->file) && !lc_run_file_save (job->file, NULL, &error))
    {
      g_warning ("The run will not survive a crash: %s", error->message);
      g_clear_pointer (&job->file, lc_run_file_free);
    }
}

/* A resumed run trains on the data it started with, or not at all. */
static gboolean
job_check_resumed_data (Job *job)
{
  g_autofree char *checksum = NULL;

  if (!job->resuming)
    return TRUE;
  checksum = lc_dataset_checksum (job->ds);
  if (g_strcmp0 (checksum, job->file->data_checksum) == 0)
    return TRUE;
  job->message = g_strdup_printf (_("%s holds other data than the run started with (%s)"),
                                  job->file->data_path, job->file->path);
  return FALSE;
}

/* Every validation object at every epoch: the run file's history when the
 * run has a file (a resumed run keeps the epochs it had), else one of the
 * job's own for an ensemble, each member's epochs after the other's. */
static void
job_track_objects (Job *job, NnTrainCallbacks *callbacks)
{
  LcTrainRun *tr = job->train_run;

  if (tr->val == NULL || tr->val->n == 0)
    return;
  if (job->file != NULL && tr->n_members <= 1)
    {
      lc_run_file_track_objects (job->file, job->ds, tr, callbacks);
      job->objects = job->file->objects;
      return;
    }
  job->objects = nn_object_history_new (tr->val->labels, tr->val->n, tr->model->n_classes,
                                        MAX (tr->config.epochs, 1) * MAX (tr->n_members, 1));
  callbacks->object_history = job->objects;
}

/* The end of a run that ended by itself (finished, stopped, failed): its
 * model beside the run file, and the file marked finished.  A run that
 * never finished an epoch leaves nothing worth a file. */
static void
job_finish_run_file (Job *job)
{
  g_autoptr (GError) error = NULL;
  NnTrainCheckpoint *last = NULL;

  if (job->file == NULL)
    return;
  if (job->writer != NULL)
    {
      run_writer_close (job->writer);
      last = job->writer->written;
      if (job->writer->error != NULL)
        g_warning ("%s", job->writer->error);
    }
  if (job->doc == NULL && (last == NULL || last->epochs_done == 0) && job->file->checkpoint == NULL)
    {
      g_remove (job->file->path);
      return;
    }
  if (job->doc != NULL && !nn_model_doc_save (job->doc, job->file->out_path, &error))
    {
      g_warning ("%s", error->message);
      g_clear_error (&error);
    }
  job->file->finished = TRUE;
  if (!lc_run_file_save (job->file, last, &error))
    {
      g_warning ("%s", error->message);
      return;
    }
  if (job->kept_runs > 0)
    {
      g_autofree char *dir = g_path_get_dirname (job->file->path);

      if (pb_run_files_prune (dir, job->ds, job->kept_runs, &error) < 0)
        g_warning ("%s", error->message);
    }
}

static void
job_train (PbJob *pb_job, Job *job)
{
  NnTrainCallbacks callbacks = { job_on_batch, job_on_epoch, job };
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  const NnModelDoc *spec;
  const LcTrainOverrides *overrides;

  job->prepare_percent = -1;
  if (!job_check_resumed_data (job))
    return;
  job_open_run_file (job);
  spec = job->file != NULL ? job->file->spec : job->spec;
  overrides = job->file != NULL ? &job->file->overrides : &job->overrides;
  job->train_run = lc_train_run_prepare_full (job->ds, NULL, 0, spec, overrides, job_on_prepare, job, &error);
  if (job->train_run == NULL)
    {
      /* Stop while preparing: a stopped run with nothing trained, not a failure */
      if (g_error_matches (error, LC_ERROR, LC_ERROR_CANCELLED))
        job->stopped = TRUE;
      else
        job->message = g_strdup (error->message);
      job->seconds = (g_get_monotonic_time () - start) / 1e6;
      if (!pb_job_is_cancelled (pb_job))
        job_finish_run_file (job);
      return;
    }
  job_track_objects (job, &callbacks);
  /* an ensemble's members cannot go on from a checkpoint: it trains again */
  if (job->file != NULL && job->train_run->n_members <= 1)
    {
      job->train_run->resume_from = job->file->checkpoint;
      job->writer = run_writer_new (job->file);
      callbacks.on_checkpoint = job_on_checkpoint;
    }
  job_prepare_records (job);
  job->batch_posted_us = job->wrong_posted_us = g_get_monotonic_time ();
  if (!lc_train_run_train (job->train_run, &callbacks, &error))
    {
      if (g_error_matches (error, NN_ERROR, NN_ERROR_CANCELLED))
        job->stopped = TRUE;
      else if (g_error_matches (error, NN_ERROR, NN_ERROR_DIVERGED))
        job->message = g_strdup_printf (_("%s (the best weights seen are kept)"), error->message);
      else
        {
          job->message = g_strdup (error->message);
          job->seconds = (g_get_monotonic_time () - start) / 1e6;
          if (!pb_job_is_cancelled (pb_job))
            job_finish_run_file (job);
          return;
        }
    }
  job->seconds = (g_get_monotonic_time () - start) / 1e6;
  /* cancelled (a closed window, a new run): the file stays as the last
   * epoch left it, to be resumed */
  if (pb_job_is_cancelled (pb_job))
    return;
  job_evaluate (job);
  job_post_final_wrong (job);
  job->doc = g_steal_pointer (&job->train_run->doc);
  job_finish_run_file (job);
}

static void
job_run (PbJob *pb_job, gpointer data, GCancellable *cancellable)
{
  Job *job = data;

  job->pb_job = pb_job;
  g_queue_init (&job->held);
  job_train (pb_job, job);
  /* a cancelled run's last epoch is on disk before the worker lets go:
   * a window closing waits for it, and the process may end right after */
  if (job->writer != NULL)
    run_writer_close (job->writer);
  /* what is still held comes before the result */
  job_deliver (job);
}

/* ---- the trainer object ----------------------------------------------- */

struct _PbTrainer
{
  GObject parent_instance;

  PbJob *job;                /* the running job, or NULL */
  PbRun *run;                /* the running or last run */
  char *runs_dir;
  int kept_runs;
  int next_id;
  gint64 start_us;           /* when the first batch of the current run began */
  int last_epoch, last_batch, last_n_batches;
  int n_members, member_epochs;  /* the ensemble's members and the epochs each may take */
  int epochs_done;           /* epochs a resumed run had when this job began */
  gboolean early_stopping;   /* members may end before member_epochs */
  int member;                /* the member training now, from 0 */
  int first_member_epochs;   /* epochs the first member took, 0 until it ended */
};

enum
{
  PROP_0,
  PROP_RUNS_DIR,
  PROP_KEPT_RUNS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  STARTED,
  PREPARING,
  BATCH,
  EPOCH,
  WRONG,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PbTrainer, pb_trainer, G_TYPE_OBJECT)

static void
take_wrong (PbTrainer *self, PbRun *run, Record *r)
{
  if (r->wrong_rows == NULL)
    return;
  g_array_set_size (run->wrong_rows, 0);
  g_array_append_vals (run->wrong_rows, r->wrong_rows->data, r->wrong_rows->len);
  g_array_set_size (run->wrong_predicted, 0);
  g_array_append_vals (run->wrong_predicted, r->wrong_predicted->data, r->wrong_predicted->len);
  g_signal_emit (self, signals[WRONG], 0, run);
}

static void
apply_epoch (PbTrainer *self, PbRun *run, Record *r)
{
  g_array_append_val (run->epochs, r->stats);
  run->best_epoch = best_epoch_of (run->epochs);
  g_signal_emit (self, signals[EPOCH], 0, run, r->stats.epoch);
  take_wrong (self, run, r);
}

static void
apply_prepared (PbTrainer *self, PbRun *run, Record *r)
{
  run->n_val = r->n_val;
  run->total_epochs = r->total_epochs;
  self->n_members = MAX (r->n_members, 1);
  self->member_epochs = r->total_epochs / self->n_members;
  self->epochs_done = r->epochs_done;
  self->last_epoch = r->epochs_done;
  self->early_stopping = r->early_stopping;
  self->start_us = g_get_monotonic_time ();
}

/* Main loop: apply every record the worker posted, then tell about the latest batch once. */
static void
job_records_cb (gpointer owner, GQueue *records, gpointer data)
{
  PbTrainer *self = owner;
  PbRun *run = self->run;
  gboolean had_batch = FALSE;
  double preparing = -1;

  for (GList *l = records->head; l != NULL; l = l->next)
    {
      Record *r = l->data;

      switch (r->kind)
        {
        case RECORD_PREPARING:
          preparing = r->fraction;
          break;
        case RECORD_PREPARED:
          /* the last fraction (100 %) still goes out when it came in the same flush */
          if (preparing >= 0)
            g_signal_emit (self, signals[PREPARING], 0, run, preparing);
          preparing = -1;
          apply_prepared (self, run, r);
          break;
        case RECORD_BATCH:
          /* the next ensemble member starts again at epoch 0; the last
           * batch of every epoch is always recorded */
          if (r->epoch < self->last_epoch)
            {
              if (self->member == 0)
                self->first_member_epochs = self->last_epoch + 1;
              self->member++;
            }
          g_array_append_val (run->batches, r->point);
          self->last_epoch = r->epoch;
          self->last_batch = r->batch;
          self->last_n_batches = r->n_batches;
          had_batch = TRUE;
          break;
        case RECORD_EPOCH:
          apply_epoch (self, run, r);
          break;
        case RECORD_WRONG:
          take_wrong (self, run, r);
          break;
        }
    }
  /* the latest fraction only, and none once preparation ended */
  if (preparing >= 0)
    g_signal_emit (self, signals[PREPARING], 0, run, preparing);
  if (had_batch)
    g_signal_emit (self, signals[BATCH], 0, run, self->last_epoch, self->last_batch, self->last_n_batches);
}

/* Main loop: the job ended (records still queued came first). */
static void
job_done_cb (gpointer owner, gpointer data)
{
  PbTrainer *self = owner;
  Job *job = data;
  PbRun *run = self->run;

  run->seconds = job->seconds;
  run->doc = g_steal_pointer (&job->doc);
  run->evaluation = g_steal_pointer (&job->evaluation);
  run->message = g_steal_pointer (&job->message);
  if (run->doc != NULL && job->file != NULL)
    {
      g_free (run->path);
      run->path = g_strdup (job->file->out_path);
    }
  if (job->objects != NULL && job->train_run != NULL)
    {
      run->objects = object_history_snapshot (job->objects);
      run->object_rows = g_memdup2 (job->train_run->val_rows, (gsize) job->objects->n_objects * sizeof (int));
    }
  if (job->stopped)
    run->state = PB_RUN_STOPPED;   /* without a model when stopped while preparing */
  else
    run->state = run->doc != NULL ? PB_RUN_FINISHED : PB_RUN_FAILED;
  g_clear_pointer (&self->job, pb_job_unref);
  g_signal_emit (self, signals[FINISHED], 0, run);
}

/* ---- public ----------------------------------------------------------- */

/* "run-20261207-170512" (-2, -3, ... when taken): new names in the runs folder. */
static gboolean
new_run_paths (PbTrainer *self, char **run_path, char **model_path)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "run-%Y%m%d-%H%M%S");
  const char *dir = pb_trainer_get_runs_dir (self);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_warning ("Runs will not survive a crash: cannot make %s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  for (int n = 1; n < 1000; n++)
    {
      g_autofree char *stem = n == 1 ? g_strdup (stamp) : g_strdup_printf ("%s-%d", stamp, n);
      g_autofree char *run_name = g_strconcat (stem, ".run.json", NULL);
      g_autofree char *model_name = g_strconcat (stem, ".model.json", NULL);

      *run_path = g_build_filename (dir, run_name, NULL);
      *model_path = g_build_filename (dir, model_name, NULL);
      if (!g_file_test (*run_path, G_FILE_TEST_EXISTS) && !g_file_test (*model_path, G_FILE_TEST_EXISTS))
        return TRUE;
      g_clear_pointer (run_path, g_free);
      g_clear_pointer (model_path, g_free);
    }
  return FALSE;
}

/* A new run named after name, shown at once; the job comes with it. */
static PbRun *
start_job (PbTrainer *self, LcDataset *ds, Job *job, const char *name)
{
  static const PbJobCallbacks callbacks = { NULL, job_records_cb, job_done_cb };
  g_autofree char *run_name = NULL;

  /* a job still running is replaced: its results go nowhere */
  pb_job_clear (&self->job);
  if (self->run != NULL && self->run->state == PB_RUN_RUNNING)
    {
      self->run->state = PB_RUN_FAILED;
      self->run->message = g_strdup (_("Replaced by a new run"));
    }
  self->next_id++;
  run_name = g_strdup_printf (_("Run %d: %s"), self->next_id, name != NULL && *name != '\0' ? name : _("model"));
  g_clear_pointer (&self->run, pb_run_unref);
  self->run = pb_run_new (self->next_id, run_name, ds);
  self->run->state = PB_RUN_RUNNING;
  self->run->run_path = g_strdup (job->file != NULL ? job->file->path : job->run_path);
  self->start_us = g_get_monotonic_time ();
  self->last_epoch = self->last_batch = self->last_n_batches = 0;
  self->n_members = 1;
  self->member_epochs = self->epochs_done = 0;
  self->early_stopping = FALSE;
  self->member = self->first_member_epochs = 0;

  job->ds = lc_dataset_ref (ds);
  job->kept_runs = self->kept_runs;
  self->job = pb_job_start (self, job_run, job, (GDestroyNotify) job_free, &callbacks);
  g_signal_emit (self, signals[STARTED], 0, self->run);
  return self->run;
}

PbRun *
pb_trainer_start (PbTrainer *self, LcDataset *ds, const NnModelDoc *spec,
                  const LcTrainOverrides *overrides, const char *name)
{
  Job *job;

  g_return_val_if_fail (PB_IS_TRAINER (self), NULL);
  g_return_val_if_fail (ds != NULL && spec != NULL, NULL);

  job = g_new0 (Job, 1);
  job->spec = nn_model_doc_copy (spec);
  if (overrides != NULL)
    job->overrides = *overrides;
  else
    lc_train_overrides_init (&job->overrides);
  new_run_paths (self, &job->run_path, &job->model_path);
  return start_job (self, ds, job, name);
}

gboolean
pb_run_file_is_ensemble (const LcRunFile *file)
{
  int members = file->overrides.ensemble_members > 0 ? file->overrides.ensemble_members
                                                     : file->spec->ensemble_members;

  return members > 1;
}

PbRun *
pb_trainer_resume (PbTrainer *self, LcDataset *ds, const char *run_path, GError **error)
{
  g_autoptr (LcRunFile) file = NULL;
  g_autofree char *name = NULL;
  Job *job;
  PbRun *run;

  g_return_val_if_fail (PB_IS_TRAINER (self), NULL);
  g_return_val_if_fail (ds != NULL && run_path != NULL, NULL);

  file = lc_run_file_load (run_path, error);
  if (file == NULL)
    return NULL;
  if (file->finished)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: the run has finished; its model is %s"), run_path,
                   file->out_path);
      return NULL;
    }
  /* the name the run had: the run lists are narrow */
  name = g_strdup (file->spec->name);
  job = g_new0 (Job, 1);
  job->spec = nn_model_doc_copy (file->spec);
  job->overrides = file->overrides;
  job->resuming = TRUE;
  job->file = g_steal_pointer (&file);
  run = start_job (self, ds, job, name);
  /* the curves start with the epochs done (a resumed ensemble starts again) */
  if (job->file->checkpoint != NULL && !pb_run_file_is_ensemble (job->file))
    {
      const NnHistory *h = job->file->checkpoint->history;

      g_array_append_vals (run->epochs, h->epochs->data, h->epochs->len);
      run->best_epoch = best_epoch_of (run->epochs);
    }
  return run;
}

/* When the file was last written, in nanoseconds: when its run stopped. */
static gint64
written_ns (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return 0;
  return (gint64) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

typedef struct
{
  gint64 written;
  char *path;
  LcRunFile *file;           /* NULL when only peeked at */
} Found;

static void
found_clear (Found *f)
{
  g_free (f->path);
  g_clear_pointer (&f->file, lc_run_file_free);
}

static int
compare_found_newest_first (gconstpointer a, gconstpointer b)
{
  const Found *fa = a, *fb = b;

  if (fa->written != fb->written)
    return fa->written > fb->written ? -1 : 1;
  return -g_strcmp0 (fa->path, fb->path);
}

/* The run files in dir of ds's data (the same checksum, wherever the file
 * was loaded from) but skip_path, finished or not as asked, newest first;
 * read whole when load is set. */
static GArray *
find_run_files (const char *dir, const LcDataset *ds, const char *skip_path, gboolean finished, gboolean load)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (Found));
  g_autoptr (GDir) d = NULL;
  const char *name;

  g_array_set_clear_func (found, (GDestroyNotify) found_clear);
  if (ds == NULL || dir == NULL)
    return found;
  d = g_dir_open (dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL, *data_path = NULL, *meta_path = NULL, *checksum = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (LcRunFile) file = NULL;
      gboolean is_finished = FALSE;
      Found f;

      /* temporary files of a write a kill cut short start with a dot */
      if (name[0] == '.' || !g_str_has_suffix (name, ".run.json"))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_strcmp0 (path, skip_path) == 0)
        continue;
      /* the state and the data of a run are told by the file's start */
      if (!lc_run_file_peek (path, &data_path, &meta_path, &checksum, &is_finished, &error))
        {
          g_debug ("Skipping %s: %s", path, error->message);
          continue;
        }
      if (is_finished != finished || g_strcmp0 (checksum, lc_dataset_get_checksum (ds)) != 0)
        continue;
      if (load)
        {
          file = lc_run_file_load (path, &error);
          if (file == NULL)
            {
              g_debug ("Skipping %s: %s", path, error->message);
              continue;
            }
          if (file->finished != finished || g_strcmp0 (file->data_checksum, checksum) != 0)
            continue;
        }
      f.written = written_ns (path);
      f.path = g_steal_pointer (&path);
      f.file = g_steal_pointer (&file);
      g_array_append_val (found, f);
    }
  g_array_sort (found, compare_found_newest_first);
  return found;
}

/* The run files of found, in its order (the array frees them). */
static GPtrArray *
take_files (GArray *found)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) lc_run_file_free);

  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (out, g_steal_pointer (&g_array_index (found, Found, i).file));
  return out;
}

GPtrArray *
pb_run_files_list_unfinished (const char *dir, const LcDataset *ds, const char *skip_path)
{
  g_autoptr (GArray) found = find_run_files (dir, ds, skip_path, FALSE, TRUE);

  return take_files (found);
}

GPtrArray *
pb_run_files_list_finished (const char *dir, const LcDataset *ds)
{
  g_autoptr (GArray) found = find_run_files (dir, ds, NULL, TRUE, TRUE);

  return take_files (found);
}

/* Removes path; a file already gone is not an error. */
static gboolean
remove_file (const char *path, GError **error)
{
  int saved;

  if (g_remove (path) == 0 || errno == ENOENT)
    return TRUE;
  saved = errno;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("Could not remove %s: %s"), path,
               g_strerror (saved));
  return FALSE;
}

/* A run file and the model the trainer saved beside it (a model saved
 * elsewhere is the user's and stays). */
static gboolean
remove_run_files (const char *dir, const char *run_path, GError **error)
{
  g_autoptr (LcRunFile) file = lc_run_file_load (run_path, NULL);

  if (file != NULL && file->out_path != NULL)
    {
      g_autofree char *model_dir = g_path_get_dirname (file->out_path);

      if (g_strcmp0 (model_dir, dir) == 0 && !remove_file (file->out_path, error))
        return FALSE;
    }
  return remove_file (run_path, error);
}

int
pb_run_files_prune (const char *dir, const LcDataset *ds, int keep, GError **error)
{
  g_autoptr (GArray) found = NULL;
  int removed = 0;

  if (keep <= 0)
    return 0;
  found = find_run_files (dir, ds, NULL, TRUE, FALSE);
  for (guint i = keep; i < found->len; i++)
    {
      if (!remove_run_files (dir, g_array_index (found, Found, i).path, error))
        return -1;
      removed++;
    }
  return removed;
}

/* The validation rows of a run file in ds (the same data), or NULL when the
 * file does not name them. */
static int *
rows_of_ids (const LcDataset *ds, char *const *ids, int n)
{
  g_autoptr (GHashTable) row_of = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree int *rows = g_new (int, MAX (n, 1));

  for (gsize i = 0; i < ds->n_objects; i++)
    g_hash_table_insert (row_of, ds->objects[i].id, GSIZE_TO_POINTER (i + 1));
  for (int i = 0; i < n; i++)
    {
      gsize row = GPOINTER_TO_SIZE (g_hash_table_lookup (row_of, ids[i]));

      if (row == 0)
        return NULL;
      rows[i] = (int) row - 1;
    }
  return g_steal_pointer (&rows);
}

PbRun *
pb_run_from_file (LcRunFile *file, LcDataset *ds, GError **error)
{
  g_autoptr (LcPredictor) predictor = NULL;
  g_autoptr (LcEvaluation) evaluation = NULL;
  g_autoptr (GDateTime) when = NULL;
  g_autofree int *rows = NULL;
  g_autofree char *stamp = NULL, *name = NULL;
  int n_rows = 0;
  PbRun *run;

  g_return_val_if_fail (file != NULL && ds != NULL, NULL);

  if (g_strcmp0 (file->data_checksum, lc_dataset_get_checksum (ds)) != 0)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s holds other data than the run was trained on (%s)"),
                   ds->path, file->path);
      return NULL;
    }
  predictor = lc_predictor_load (file->out_path, error);
  if (predictor == NULL)
    return NULL;
  if (file->objects != NULL && file->object_ids != NULL)
    {
      n_rows = file->objects->n_objects;
      rows = rows_of_ids (ds, file->object_ids, n_rows);
    }
  evaluation = rows != NULL ? lc_predictor_evaluate_rows (predictor, ds, rows, n_rows, 1, error)
                            : lc_predictor_evaluate (predictor, ds, 1, error);
  if (evaluation == NULL)
    return NULL;
  when = g_date_time_new_from_unix_local (written_ns (file->path) / 1000000000);
  /* TRANSLATORS: when an earlier run ended, as in "7 Dec 17:05", see strftime */
  stamp = g_date_time_format (when, _("%-d %b %H:%M"));
  /* TRANSLATORS: an earlier session's run: the model's name and when it ended */
  name = g_strdup_printf (_("%s, %s"), *file->spec->name != '\0' ? file->spec->name : _("model"), stamp);
  run = pb_run_new (0, name, ds);
  run->state = PB_RUN_FINISHED;
  run->doc = nn_model_doc_copy (predictor->doc);
  g_array_append_vals (run->epochs, run->doc->history->data, run->doc->history->len);
  run->best_epoch = best_epoch_of (run->epochs);
  run->total_epochs = run->epochs->len;
  for (guint i = 0; i < run->epochs->len; i++)
    run->seconds += g_array_index (run->epochs, NnEpochStats, i).seconds;
  run->n_val = rows != NULL ? n_rows : 0;
  run->evaluation = g_steal_pointer (&evaluation);
  run->path = g_strdup (file->out_path);
  run->run_path = g_strdup (file->path);
  if (rows != NULL)
    {
      run->objects = g_steal_pointer (&file->objects);
      run->object_rows = g_steal_pointer (&rows);
    }
  return run;
}

GPtrArray *
pb_trainer_list_unfinished (PbTrainer *self, LcDataset *ds)
{
  g_return_val_if_fail (PB_IS_TRAINER (self), NULL);

  /* the running job's own file is not a run to resume */
  return pb_run_files_list_unfinished (pb_trainer_get_runs_dir (self), ds, pb_trainer_get_running_file (self));
}

const char *
pb_trainer_get_running_file (PbTrainer *self)
{
  g_return_val_if_fail (PB_IS_TRAINER (self), NULL);

  return self->job != NULL && self->run != NULL ? self->run->run_path : NULL;
}

gboolean
pb_trainer_discard (PbTrainer *self, const char *run_path, GError **error)
{
  g_return_val_if_fail (PB_IS_TRAINER (self), FALSE);

  if (g_remove (run_path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("Could not remove %s: %s"), run_path,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

const char *
pb_trainer_get_runs_dir (PbTrainer *self)
{
  g_return_val_if_fail (PB_IS_TRAINER (self), NULL);

  if (self->runs_dir == NULL)
    {
      const char *env = g_getenv ("PASSBAND_RUNS_DIR");

      self->runs_dir = env != NULL && *env != '\0' ? g_strdup (env)
                                                   : g_build_filename (g_get_user_data_dir (), "passband", "runs",
                                                                       NULL);
    }
  return self->runs_dir;
}

void
pb_trainer_set_runs_dir (PbTrainer *self, const char *dir)
{
  g_return_if_fail (PB_IS_TRAINER (self));

  if (g_strcmp0 (dir, self->runs_dir) == 0)
    return;
  g_free (self->runs_dir);
  self->runs_dir = g_strdup (dir);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNS_DIR]);
}

void
pb_trainer_stop (PbTrainer *self)
{
  g_return_if_fail (PB_IS_TRAINER (self));

  if (self->job != NULL)
    g_atomic_int_set (&((Job *) pb_job_get_data (self->job))->stop, TRUE);
}

void
pb_trainer_cancel (PbTrainer *self)
{
  g_autoptr (PbJob) job = NULL;

  g_return_if_fail (PB_IS_TRAINER (self));

  job = g_steal_pointer (&self->job);
  if (job == NULL)
    return;
  pb_job_cancel (job);
  /* one batch at most; a bounded wait so a stuck worker cannot hang the UI */
  pb_job_wait (job, 5 * G_USEC_PER_SEC);
  if (self->run != NULL && self->run->state == PB_RUN_RUNNING)
    {
      self->run->state = PB_RUN_FAILED;
      self->run->message = g_strdup (_("Cancelled"));
    }
}

gboolean
pb_trainer_is_running (PbTrainer *self)
{
  return self->job != NULL;
}

PbRun *
pb_trainer_get_run (PbTrainer *self)
{
  return self->run;
}

/* Epochs a member is expected to take: as many as the first one took once
 * it ended (early stopping ends the others about as soon), else all. */
static int
expected_member_epochs (PbTrainer *self)
{
  return self->first_member_epochs > 0 ? MIN (self->first_member_epochs, self->member_epochs)
                                       : self->member_epochs;
}

/* The fraction done when epochs_done epochs were */
static double
fraction_at (PbTrainer *self, int per_member, int epoch, int batch)
{
  double total = (double) self->n_members * per_member * self->last_n_batches;
  double done = ((double) self->member * per_member + epoch) * self->last_n_batches + batch;

  return CLAMP (done / total, 0, 1);
}

double
pb_trainer_get_fraction (PbTrainer *self)
{
  int per_member;

  if (self->run == NULL || self->member_epochs <= 0 || self->last_n_batches <= 0)
    return 0;
  per_member = MAX (expected_member_epochs (self), self->last_epoch + 1);
  return fraction_at (self, per_member, self->last_epoch, self->last_batch + 1);
}

int
pb_trainer_get_n_members (PbTrainer *self)
{
  return self->n_members;
}

gboolean
pb_trainer_eta_is_bound (PbTrainer *self)
{
  return self->early_stopping && self->first_member_epochs == 0;
}

double
pb_trainer_get_eta (PbTrainer *self)
{
  double fraction = pb_trainer_get_fraction (self);
  double elapsed = (g_get_monotonic_time () - self->start_us) / 1e6;
  double at_start, done;

  if (!pb_trainer_is_running (self) || fraction <= 0)
    return -1;
  /* a resumed run began with epochs done: only what this job did took the time */
  at_start = self->epochs_done > 0 ? fraction_at (self, MAX (expected_member_epochs (self), self->last_epoch + 1),
                                                  self->epochs_done, 0)
                                   : 0;
  done = fraction - at_start;
  if (done <= 0)
    return -1;
  return elapsed * (1 - fraction) / done;
}

static void
pb_trainer_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbTrainer *self = PB_TRAINER (object);

  switch (prop_id)
    {
    case PROP_RUNS_DIR:
      g_value_set_string (value, pb_trainer_get_runs_dir (self));
      break;
    case PROP_KEPT_RUNS:
      g_value_set_int (value, self->kept_runs);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_trainer_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbTrainer *self = PB_TRAINER (object);

  switch (prop_id)
    {
    case PROP_RUNS_DIR:
      pb_trainer_set_runs_dir (self, g_value_get_string (value));
      break;
    case PROP_KEPT_RUNS:
      if (self->kept_runs != g_value_get_int (value))
        {
          self->kept_runs = g_value_get_int (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_trainer_dispose (GObject *object)
{
  PbTrainer *self = PB_TRAINER (object);

  pb_trainer_cancel (self);
  g_clear_pointer (&self->run, pb_run_unref);
  G_OBJECT_CLASS (pb_trainer_parent_class)->dispose (object);
}

static void
pb_trainer_finalize (GObject *object)
{
  PbTrainer *self = PB_TRAINER (object);

  g_free (self->runs_dir);
  G_OBJECT_CLASS (pb_trainer_parent_class)->finalize (object);
}

static void
pb_trainer_class_init (PbTrainerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pb_trainer_get_property;
  object_class->set_property = pb_trainer_set_property;
  object_class->dispose = pb_trainer_dispose;
  object_class->finalize = pb_trainer_finalize;

  properties[PROP_RUNS_DIR] = g_param_spec_string ("runs-dir", NULL, NULL, NULL,
                                                   G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                                                   | G_PARAM_STATIC_STRINGS);
  /* finished runs of one dataset the runs folder keeps, the newest; 0 keeps all */
  properties[PROP_KEPT_RUNS] = g_param_spec_int ("kept-runs", NULL, NULL, 0, 10000, DEFAULT_KEPT_RUNS,
                                                 G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                                                 | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[STARTED] = g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 1, PB_TYPE_RUN | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[PREPARING] = g_signal_new ("preparing", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                     NULL, NULL, G_TYPE_NONE, 2, PB_TYPE_RUN | G_SIGNAL_TYPE_STATIC_SCOPE,
                                     G_TYPE_DOUBLE);
  signals[BATCH] = g_signal_new ("batch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                 NULL, G_TYPE_NONE, 4, PB_TYPE_RUN | G_SIGNAL_TYPE_STATIC_SCOPE,
                                 G_TYPE_INT, G_TYPE_INT, G_TYPE_INT);
  signals[EPOCH] = g_signal_new ("epoch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                 NULL, G_TYPE_NONE, 2, PB_TYPE_RUN | G_SIGNAL_TYPE_STATIC_SCOPE,
                                 G_TYPE_INT);
  signals[WRONG] = g_signal_new ("wrong", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                 NULL, G_TYPE_NONE, 1, PB_TYPE_RUN | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                    NULL, NULL, G_TYPE_NONE, 1, PB_TYPE_RUN | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
pb_trainer_init (PbTrainer *self)
{
  self->kept_runs = DEFAULT_KEPT_RUNS;
}

PbTrainer *
pb_trainer_new (void)
{
  return g_object_new (PB_TYPE_TRAINER, NULL);
}
