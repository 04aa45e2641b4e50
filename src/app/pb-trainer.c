/* pb-trainer.c: the training worker (DESIGN §8) and the runs of a session */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

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

const char *
pb_run_class_name (PbRun *run, int k)
{
  if (run->doc != NULL && k >= 0 && (guint) k < run->doc->classes->len)
    return g_array_index (run->doc->classes, NnClassSpec, k).name;
  return "?";
}

/* ---- the channel between the worker and the main loop ------------------ */

#define BATCH_RECORD_INTERVAL_US (G_USEC_PER_SEC / 10)
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

/* Shared by the worker, the idle flush and the trainer; each holds a reference. */
typedef struct
{
  gint ref_count;
  GMutex lock;
  GCond cond;
  GQueue records;            /* Record *, guarded by lock */
  gboolean idle_pending;     /* guarded by lock */
  gboolean done;             /* the worker let go of everything; guarded by lock */
  GWeakRef trainer;
  GCancellable *cancellable;
  gint discard;              /* atomic: drop whatever comes */
  PbRun *run;                /* touched on the main thread only */
} Channel;

static Channel *
channel_new (PbTrainer *trainer, PbRun *run)
{
  Channel *ch = g_new0 (Channel, 1);

  ch->ref_count = 1;
  g_mutex_init (&ch->lock);
  g_cond_init (&ch->cond);
  g_queue_init (&ch->records);
  g_weak_ref_init (&ch->trainer, trainer);
  ch->cancellable = g_cancellable_new ();
  ch->run = pb_run_ref (run);
  return ch;
}

static Channel *
channel_ref (Channel *ch)
{
  g_atomic_int_inc (&ch->ref_count);
  return ch;
}

static void
channel_unref (Channel *ch)
{
  if (!g_atomic_int_dec_and_test (&ch->ref_count))
    return;
  g_queue_clear_full (&ch->records, (GDestroyNotify) record_free);
  g_mutex_clear (&ch->lock);
  g_cond_clear (&ch->cond);
  g_weak_ref_clear (&ch->trainer);
  g_object_unref (ch->cancellable);
  pb_run_unref (ch->run);
  g_free (ch);
}

/* ---- the trainer object ----------------------------------------------- */

struct _PbTrainer
{
  GObject parent_instance;

  Channel *channel;          /* the current job's, or NULL */
  PbRun *run;                /* the running or last run */
  int next_id;
  gint64 start_us;           /* when the first batch of the current run began */
  int last_epoch, last_batch, last_n_batches;
  int n_members, member_epochs;  /* the ensemble's members and the epochs each may take */
  gboolean early_stopping;   /* members may end before member_epochs */
  int member;                /* the member training now, from 0 */
  int first_member_epochs;   /* epochs the first member took, 0 until it ended */
};

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

static gboolean flush_idle_cb (gpointer data);

/* Worker side: queue a record and make sure one idle callback will flush it. */
static void
channel_post (Channel *ch, Record *record)
{
  gboolean schedule;

  g_mutex_lock (&ch->lock);
  g_queue_push_tail (&ch->records, record);
  schedule = !ch->idle_pending;
  ch->idle_pending = TRUE;
  g_mutex_unlock (&ch->lock);
  /* below redraw priority: progress never delays drawing or input */
  if (schedule)
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, flush_idle_cb, channel_ref (ch),
                     (GDestroyNotify) channel_unref);
}

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

/* The final model's misclassified objects. */
static void
apply_wrong (PbTrainer *self, PbRun *run, Record *r)
{
  take_wrong (self, run, r);
}

/* Main loop side: apply every queued record, then tell about the latest batch once. */
static void
channel_flush (Channel *ch)
{
  g_autoptr (PbTrainer) self = g_weak_ref_get (&ch->trainer);
  GQueue records = G_QUEUE_INIT;
  gboolean had_batch = FALSE;
  double preparing = -1;
  Record *r;

  g_mutex_lock (&ch->lock);
  records = ch->records;
  g_queue_init (&ch->records);
  ch->idle_pending = FALSE;
  g_mutex_unlock (&ch->lock);

  /* a cancelled or replaced job: its records go nowhere */
  if (self == NULL || self->channel != ch || g_atomic_int_get (&ch->discard))
    {
      g_queue_clear_full (&records, (GDestroyNotify) record_free);
      return;
    }
  while ((r = g_queue_pop_head (&records)) != NULL)
    {
      switch (r->kind)
        {
        case RECORD_PREPARING:
          preparing = r->fraction;
          break;
        case RECORD_PREPARED:
          /* the last fraction (100 %) still goes out when it came in the same flush */
          if (preparing >= 0)
            g_signal_emit (self, signals[PREPARING], 0, ch->run, preparing);
          preparing = -1;
          ch->run->n_val = r->n_val;
          ch->run->total_epochs = r->total_epochs;
          self->n_members = MAX (r->n_members, 1);
          self->member_epochs = r->total_epochs / self->n_members;
          self->early_stopping = r->early_stopping;
          self->start_us = g_get_monotonic_time ();
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
          g_array_append_val (ch->run->batches, r->point);
          self->last_epoch = r->epoch;
          self->last_batch = r->batch;
          self->last_n_batches = r->n_batches;
          had_batch = TRUE;
          break;
        case RECORD_EPOCH:
          apply_epoch (self, ch->run, r);
          break;
        case RECORD_WRONG:
          apply_wrong (self, ch->run, r);
          break;
        }
      record_free (r);
    }
  /* the latest fraction only, and none once preparation ended */
  if (preparing >= 0)
    g_signal_emit (self, signals[PREPARING], 0, ch->run, preparing);
  if (had_batch)
    g_signal_emit (self, signals[BATCH], 0, ch->run, self->last_epoch, self->last_batch,
                   self->last_n_batches);
}

static gboolean
flush_idle_cb (gpointer data)
{
  channel_flush (data);
  return G_SOURCE_REMOVE;
}

/* ---- the job, run in the worker thread --------------------------------- */

typedef struct
{
  Channel *ch;
  LcDataset *ds;
  NnModelDoc *spec;
  LcTrainOverrides overrides;
  LcTrainRun *train_run;
  int prepare_percent;       /* the last preparation progress posted, or -1 */
  double smoothed;           /* exponential mean of the batch losses */
  gboolean have_smoothed;
  gint64 batch_posted_us;    /* when the last batch record went out */
  gint64 wrong_posted_us;    /* when the misclassified objects were last collected */
  gboolean wrong_is_stale;   /* epochs ended since they were */
  float *val_probs;          /* (n_val, K) for the misclassified panel */
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
  channel_unref (job->ch);
  lc_dataset_unref (job->ds);
  nn_model_doc_free (job->spec);
  lc_train_run_free (job->train_run);
  g_free (job->val_probs);
  nn_model_doc_free (job->doc);
  lc_evaluation_free (job->evaluation);
  g_free (job->message);
  g_free (job);
}

/* Preparation (fitting the encoder, encoding): posts whole percents, and
 * stops it when Stop was pressed. */
static gboolean
job_on_prepare (double fraction, gpointer user_data)
{
  Job *job = user_data;
  int percent = (int) floor (CLAMP (fraction, 0, 1) * 100);
  Record *r;

  if (g_cancellable_is_cancelled (job->ch->cancellable))
    return FALSE;
  if (percent == job->prepare_percent)
    return TRUE;
  job->prepare_percent = percent;
  r = g_new0 (Record, 1);
  r->kind = RECORD_PREPARING;
  r->fraction = fraction;
  channel_post (job->ch, r);
  return TRUE;
}

static gboolean
job_on_batch (int epoch, int batch, int n_batches, double loss, gpointer user_data)
{
  Job *job = user_data;
  gint64 now;
  Record *r;

  if (g_cancellable_is_cancelled (job->ch->cancellable))
    return FALSE;
  if (isfinite (loss))
    {
      job->smoothed = job->have_smoothed ? 0.8 * job->smoothed + 0.2 * loss : loss;
      job->have_smoothed = TRUE;
    }
  /* A record per batch would wake the main loop hundreds of times a second
   * and redraw the page each time: on two cores that is CPU taken from the
   * training threads.  Ten a second move the bar as smoothly. */
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
  channel_post (job->ch, r);
  return TRUE;
}

/* The validation objects the model gets wrong now. */
static void
collect_wrong (Job *job, Record *r)
{
  const LcTrainRun *tr = job->train_run;
  int k = tr->val->n_classes;

  if (!nn_model_predict (tr->model, tr->val, job->val_probs, 1, NULL))
    return;
  r->wrong_rows = g_array_new (FALSE, FALSE, sizeof (gsize));
  r->wrong_predicted = g_array_new (FALSE, FALSE, sizeof (int));
  for (int i = 0; i < tr->val->n; i++)
    {
      int predicted = nn_metrics_argmax (job->val_probs + (gsize) i * k, k);
      gsize row = (gsize) tr->val_rows[i];

      if (tr->val->labels == NULL || tr->val->labels[i] < 0 || predicted == tr->val->labels[i])
        continue;
      /* in the dataset's classes, so the main thread needs no encoder */
      predicted = lc_dataset_class_index (job->ds, lc_encoder_class_ids (tr->encoder)[predicted]);
      g_array_append_val (r->wrong_rows, row);
      g_array_append_val (r->wrong_predicted, predicted);
    }
}

/* The misclassified objects of the model as it ended, when the last ones
 * collected are older than the last epoch. */
static void
job_post_final_wrong (Job *job)
{
  Record *r;

  if (job->val_probs == NULL || !job->wrong_is_stale)
    return;
  r = g_new0 (Record, 1);
  r->kind = RECORD_WRONG;
  collect_wrong (job, r);
  channel_post (job->ch, r);
}

static gboolean
job_on_epoch (const NnEpochStats *stats, gpointer user_data)
{
  Job *job = user_data;
  Record *r;

  if (g_cancellable_is_cancelled (job->ch->cancellable))
    return FALSE;
  r = g_new0 (Record, 1);
  r->kind = RECORD_EPOCH;
  r->stats = *stats;
  /* predicting the validation objects again costs as much as the core's
   * validation pass: not more than once a second (and once at the end) */
  job->wrong_is_stale = TRUE;
  if (job->val_probs != NULL && g_get_monotonic_time () - job->wrong_posted_us >= WRONG_INTERVAL_US)
    {
      collect_wrong (job, r);
      job->wrong_posted_us = g_get_monotonic_time ();
      job->wrong_is_stale = FALSE;
    }
  channel_post (job->ch, r);
  return TRUE;
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
  r->early_stopping = tr->config.patience > 0 && tr->val != NULL && tr->val->n > 0;
  channel_post (job->ch, r);
  if (tr->val != NULL && tr->val->n > 0)
    job->val_probs = g_new (float, (gsize) tr->val->n * tr->val->n_classes);
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

static void
job_run (Job *job)
{
  NnTrainCallbacks callbacks = { job_on_batch, job_on_epoch, job };
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  job->prepare_percent = -1;
  job->train_run = lc_train_run_prepare_full (job->ds, NULL, 0, job->spec, &job->overrides,
                                              job_on_prepare, job, &error);
  if (job->train_run == NULL)
    {
      /* Stop while preparing: a stopped run with nothing trained, not a failure */
      if (g_error_matches (error, LC_ERROR, LC_ERROR_CANCELLED))
        job->stopped = TRUE;
      else
        job->message = g_strdup (error->message);
      job->seconds = (g_get_monotonic_time () - start) / 1e6;
      return;
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
          return;
        }
    }
  job->seconds = (g_get_monotonic_time () - start) / 1e6;
  if (g_atomic_int_get (&job->ch->discard))
    return;
  job_post_final_wrong (job);
  job_evaluate (job);
  job->doc = g_steal_pointer (&job->train_run->doc);
}

static void
job_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;

  job_run (job);
  /* the worker is done with the dataset and model: a waiting dispose may go on */
  g_mutex_lock (&job->ch->lock);
  job->ch->done = TRUE;
  g_cond_broadcast (&job->ch->cond);
  g_mutex_unlock (&job->ch->lock);
  g_task_return_boolean (task, TRUE);
}

/* Main loop: the job ended; records still queued come first. */
static void
job_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = g_task_get_task_data (G_TASK (result));
  Channel *ch = job->ch;
  g_autoptr (PbTrainer) self = g_weak_ref_get (&ch->trainer);
  PbRun *run = ch->run;

  channel_flush (ch);
  if (self == NULL || self->channel != ch || g_atomic_int_get (&ch->discard))
    return;
  run->seconds = job->seconds;
  run->doc = g_steal_pointer (&job->doc);
  run->evaluation = g_steal_pointer (&job->evaluation);
  run->message = g_steal_pointer (&job->message);
  if (job->stopped)
    run->state = PB_RUN_STOPPED;   /* without a model when stopped while preparing */
  else
    run->state = run->doc != NULL ? PB_RUN_FINISHED : PB_RUN_FAILED;
  g_clear_pointer (&self->channel, channel_unref);
  g_signal_emit (self, signals[FINISHED], 0, run);
}

/* ---- public ----------------------------------------------------------- */

PbRun *
pb_trainer_start (PbTrainer *self, LcDataset *ds, const NnModelDoc *spec,
                  const LcTrainOverrides *overrides, const char *name)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *run_name = NULL;
  Job *job;

  g_return_val_if_fail (PB_IS_TRAINER (self), NULL);
  g_return_val_if_fail (ds != NULL && spec != NULL, NULL);

  if (self->channel != NULL)
    {
      g_atomic_int_set (&self->channel->discard, TRUE);
      g_cancellable_cancel (self->channel->cancellable);
      g_clear_pointer (&self->channel, channel_unref);
    }
  if (self->run != NULL && self->run->state == PB_RUN_RUNNING)
    {
      self->run->state = PB_RUN_FAILED;
      self->run->message = g_strdup (_("Replaced by a new run"));
    }
  self->next_id++;
  run_name = g_strdup_printf (_("Run %d: %s"), self->next_id,
                              name != NULL && *name != '\0' ? name : _("model"));
  g_clear_pointer (&self->run, pb_run_unref);
  self->run = pb_run_new (self->next_id, run_name, ds);
  self->run->state = PB_RUN_RUNNING;
  self->start_us = g_get_monotonic_time ();
  self->last_epoch = self->last_batch = self->last_n_batches = 0;
  self->n_members = 1;
  self->member_epochs = 0;
  self->early_stopping = FALSE;
  self->member = self->first_member_epochs = 0;
  self->channel = channel_new (self, self->run);

  job = g_new0 (Job, 1);
  job->ch = channel_ref (self->channel);
  job->ds = lc_dataset_ref (ds);
  job->spec = nn_model_doc_copy (spec);
  if (overrides != NULL)
    job->overrides = *overrides;
  else
    lc_train_overrides_init (&job->overrides);

  task = g_task_new (NULL, NULL, job_done_cb, NULL);
  g_task_set_source_tag (task, pb_trainer_start);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, job_thread);
  g_signal_emit (self, signals[STARTED], 0, self->run);
  return self->run;
}

void
pb_trainer_stop (PbTrainer *self)
{
  g_return_if_fail (PB_IS_TRAINER (self));

  if (self->channel != NULL)
    g_cancellable_cancel (self->channel->cancellable);
}

void
pb_trainer_cancel (PbTrainer *self)
{
  Channel *ch;
  gint64 deadline;

  g_return_if_fail (PB_IS_TRAINER (self));

  ch = g_steal_pointer (&self->channel);
  if (ch == NULL)
    return;
  g_atomic_int_set (&ch->discard, TRUE);
  g_cancellable_cancel (ch->cancellable);
  /* one batch at most; a bounded wait so a stuck worker cannot hang the UI */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  g_mutex_lock (&ch->lock);
  while (!ch->done)
    if (!g_cond_wait_until (&ch->cond, &ch->lock, deadline))
      break;
  g_mutex_unlock (&ch->lock);
  if (self->run != NULL && self->run->state == PB_RUN_RUNNING)
    {
      self->run->state = PB_RUN_FAILED;
      self->run->message = g_strdup (_("Cancelled"));
    }
  channel_unref (ch);
}

gboolean
pb_trainer_is_running (PbTrainer *self)
{
  return self->channel != NULL;
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

double
pb_trainer_get_fraction (PbTrainer *self)
{
  double total, done;
  int per_member;

  if (self->run == NULL || self->member_epochs <= 0 || self->last_n_batches <= 0)
    return 0;
  per_member = MAX (expected_member_epochs (self), self->last_epoch + 1);
  total = (double) self->n_members * per_member * self->last_n_batches;
  done = ((double) self->member * per_member + self->last_epoch) * self->last_n_batches + self->last_batch + 1;
  return CLAMP (done / total, 0, 1);
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

  if (!pb_trainer_is_running (self) || fraction <= 0)
    return -1;
  return elapsed * (1 - fraction) / fraction;
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
pb_trainer_class_init (PbTrainerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pb_trainer_dispose;

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
}

PbTrainer *
pb_trainer_new (void)
{
  return g_object_new (PB_TYPE_TRAINER, NULL);
}
