/* nn-train.c: mini-batch training with one or two threads, validation,
 * early stopping, learning-rate schedules and evaluation. */
#include "config.h"

#include "nn-train.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "nn-blas.h"

void
nn_train_config_default (NnTrainConfig *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  nn_optim_config_default (&cfg->optim, NN_OPTIM_ADAM);
  nn_schedule_config_default (&cfg->schedule);
  nn_loss_config_default (&cfg->loss);
  cfg->batch_size = 32;
  cfg->epochs = 20;
  cfg->seed = 0;
  cfg->threads = 1;
  cfg->patience = 0;
  cfg->restore_best = TRUE;
  cfg->clip_norm = 0.0f;
  cfg->class_sampling = FALSE;
  cfg->sampling_power = 0.5f;
}

struct _NnClassSampler
{
  int n;
  double *cdf;      /* [n] cumulative, unnormalised probabilities of the rows */
};

NnClassSampler *
nn_class_sampler_new (const int *labels, int n, int n_classes, float power)
{
  NnClassSampler *sampler = g_new0 (NnClassSampler, 1);
  g_autofree int *counts = g_new0 (int, MAX (n_classes, 1));
  double sum = 0.0;

  for (int i = 0; i < n; i++)
    if (labels[i] >= 0 && labels[i] < n_classes)
      counts[labels[i]]++;
  sampler->n = n;
  sampler->cdf = g_new (double, MAX (n, 1));
  for (int i = 0; i < n; i++)
    {
      int c = labels[i];
      /* a row without a class the trainer knows is never drawn */
      if (c >= 0 && c < n_classes)
        sum += pow ((double) counts[c], (double) power - 1.0);
      sampler->cdf[i] = sum;
    }
  return sampler;
}

void
nn_class_sampler_free (NnClassSampler *sampler)
{
  if (sampler == NULL)
    return;
  g_free (sampler->cdf);
  g_free (sampler);
}

/* The first row whose cumulative probability exceeds x. */
static int
sampler_find (const NnClassSampler *sampler, double x)
{
  int lo = 0, hi = sampler->n - 1;
  while (lo < hi)
    {
      int mid = lo + (hi - lo) / 2;
      if (sampler->cdf[mid] > x)
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}

void
nn_class_sampler_draw (const NnClassSampler *sampler, NnRng *rng, int *rows, int count)
{
  double total = sampler->n > 0 ? sampler->cdf[sampler->n - 1] : 0.0;
  for (int i = 0; i < count; i++)
    rows[i] = sampler_find (sampler, nn_rng_uniform (rng) * total);
}

NnHistory *
nn_history_new (void)
{
  NnHistory *h = g_new0 (NnHistory, 1);
  h->epochs = g_array_new (FALSE, FALSE, sizeof (NnEpochStats));
  h->best_epoch = -1;
  h->best_loss = INFINITY;
  return h;
}

void
nn_history_clear (NnHistory *history)
{
  g_array_set_size (history->epochs, 0);
  history->best_epoch = -1;
  history->best_loss = INFINITY;
  history->stopped_early = FALSE;
}

void
nn_history_free (NnHistory *history)
{
  if (history == NULL)
    return;
  g_array_unref (history->epochs);
  g_free (history);
}

/* ---- a team of one or two threads sharing each batch ---- */

typedef enum
{
  TASK_TRAIN,
  TASK_EVAL,
  TASK_STEP,
} Task;

typedef struct
{
  NnWorkspace *ws;
  float *grads;      /* where backward adds: the model's (caller) or the workspace's (helper) */
  float *dlogits;    /* (max_batch, K) */
  NnBatch part;      /* this thread's rows of the current batch */
  double loss;       /* loss of the part divided by the whole batch's normaliser */
  int correct;
  int labelled;
  /* TASK_STEP: this thread updates params [first, last) with its own optimiser */
  NnOptimizer *opt;
  size_t first, last;
  int part_first;    /* the part's first row in the batch */
} Slot;

typedef struct
{
  NnModel *model;
  const NnLossConfig *loss;
  int n_threads;
  Slot slots[2];
  Task task;
  double normaliser;
  float lr;          /* TASK_STEP */
  float *probs_out;  /* TASK_EVAL: when set, the batch's probabilities (B, K) go here */
  gboolean add_helper_grads;  /* TASK_STEP: model->grads lack the helper's part */

  /* The hand-over (see team_post and team_wait).  Counters are atomic; the
   * mutex and condition are only for a thread that gave up spinning. */
  gint generation;   /* batches handed to the helper */
  gint finished;     /* batches the helper has finished */
  gint quit;
  gint sleepers;     /* threads blocked, or about to block, on cond */
  GMutex mutex;
  GCond cond;
  GThread *helper;
} Team;

static int
argmax (const float *v, int n)
{
  int best = 0;
  for (int j = 1; j < n; j++)
    if (v[j] > v[best])
      best = j;
  return best;
}

static void
slot_run (Team *team, Slot *slot)
{
  const NnModel *model = team->model;
  const NnBatch *part = &slot->part;
  int K = model->n_classes;
  const float *logits;

  slot->loss = 0.0;
  slot->correct = 0;
  slot->labelled = 0;
  if (team->task == TASK_TRAIN)
    memset (slot->grads, 0, model->n_params * sizeof (float));
  if (part->batch == 0)
    return;
  logits = nn_model_forward (model, slot->ws, part, team->task == TASK_TRAIN);
  slot->loss = nn_loss_compute (team->loss, logits, part->labels, part->batch, K,
                                team->normaliser,
                                team->task == TASK_TRAIN ? slot->dlogits : NULL, NULL);
  if (team->task == TASK_EVAL && team->probs_out != NULL)
    nn_softmax_rows (logits, team->probs_out + (size_t) slot->part_first * K, part->batch, K);
  for (int i = 0; i < part->batch; i++)
    if (part->labels[i] >= 0)
      {
        slot->labelled++;
        slot->correct += argmax (logits + (size_t) i * K, K) == part->labels[i];
      }
  if (team->task == TASK_TRAIN)
    nn_model_backward (model, slot->ws, slot->dlogits, slot->grads);
}

/* Adds the helper's gradients if still needed, then updates this thread's
 * share of the parameters. */
static void
slot_step (Team *team, Slot *slot)
{
  NnModel *model = team->model;
  size_t n = slot->last - slot->first;

  if (n == 0)
    return;
  if (team->add_helper_grads)
    cblas_saxpy ((int) n, 1.0f, team->slots[1].grads + slot->first, 1,
                 model->grads + slot->first, 1);
  nn_optimizer_step (slot->opt, model->params + slot->first, model->grads + slot->first, team->lr);
}

/* How long a thread waiting for the other polls before it sleeps.  Waking a
 * sleeping thread costs a futex round trip (about 100 µs in a VM), while with
 * the optimiser step shared the two threads mostly wait for each other for a
 * few microseconds (the halves of a batch end together; the caller only
 * gathers the next batch between steps).  The bound keeps a busy machine's
 * other jobs from starving. */
#define TEAM_SPIN_US 10

static inline void
cpu_relax (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#elif defined(__aarch64__)
  __asm__ __volatile__ ("yield");
#endif
}

static gboolean
team_reached (Team *team, gint *counter, gint target)
{
  return g_atomic_int_get (counter) == target || g_atomic_int_get (&team->quit);
}

/* Waits until *counter == target or the team quits.  The atomics are
 * sequentially consistent: with team_post's store-then-load of sleepers this
 * loses no wake-up, and what the other thread wrote before posting is visible. */
static void
team_wait (Team *team, gint *counter, gint target)
{
  gint64 deadline = 0;

  for (guint i = 0; !team_reached (team, counter, target); i++)
    {
      cpu_relax ();
      if ((i & 63) != 63)
        continue;
      if (deadline == 0)
        deadline = g_get_monotonic_time () + TEAM_SPIN_US;
      else if (g_get_monotonic_time () >= deadline)
        break;
    }
  if (team_reached (team, counter, target))
    return;
  g_mutex_lock (&team->mutex);
  g_atomic_int_inc (&team->sleepers);
  while (!team_reached (team, counter, target))
    g_cond_wait (&team->cond, &team->mutex);
  g_atomic_int_add (&team->sleepers, -1);
  g_mutex_unlock (&team->mutex);
}

/* Publishes *counter = value; wakes the other thread only if it sleeps. */
static void
team_post (Team *team, gint *counter, gint value)
{
  g_atomic_int_set (counter, value);
  if (g_atomic_int_get (&team->sleepers) > 0)
    {
      g_mutex_lock (&team->mutex);
      g_cond_broadcast (&team->cond);
      g_mutex_unlock (&team->mutex);
    }
}

/* The counter after count, wrapping instead of overflowing. */
static gint
count_next (gint count)
{
  return (gint) ((guint) count + 1u);
}

static gpointer
helper_main (gpointer data)
{
  Team *team = data;

  for (gint seen = 0;; seen = count_next (seen))
    {
      team_wait (team, &team->generation, count_next (seen));
      if (g_atomic_int_get (&team->quit))
        return NULL;
      if (team->task == TASK_STEP)
        slot_step (team, &team->slots[1]);
      else
        slot_run (team, &team->slots[1]);
      team_post (team, &team->finished, count_next (seen));
    }
}

/* Batches of fewer than SPLIT_MIN rows are not split: batch statistics need
 * more than one row per part. */
#define SPLIT_MIN 4

/* The largest part of a batch of up to max_batch rows that thread j gets. */
static int
slot_rows (int n_threads, int j, int max_batch)
{
  if (n_threads == 1)
    return max_batch;
  if (j == 0)
    return MAX ((max_batch + 1) / 2, MIN (max_batch, SPLIT_MIN - 1));
  return MAX (max_batch / 2, 1);
}

/* Random streams of one seed, kept apart from nn_model_init's per-layer streams. */
#define STREAM_SHUFFLE 0x5348554646ULL
#define STREAM_DROPOUT 0x44524f50ULL

static Team *
team_new (NnModel *model, const NnLossConfig *loss, int threads, int max_batch, guint64 seed)
{
  Team *team = g_new0 (Team, 1);
  team->model = model;
  team->loss = loss;
  team->n_threads = threads >= 2 ? 2 : 1;
  for (int j = 0; j < team->n_threads; j++)
    {
      Slot *slot = &team->slots[j];
      int rows = slot_rows (team->n_threads, j, max_batch);
      slot->ws = nn_workspace_new (model, rows);
      nn_workspace_seed (slot->ws, seed, STREAM_DROPOUT + j);
      /* batch-norm running statistics: one writer */
      nn_workspace_set_update_state (slot->ws, j == 0);
      /* the caller's part goes straight to the model's gradients, the helper's is added */
      slot->grads = j == 0 ? model->grads : nn_workspace_grads (slot->ws);
      slot->dlogits = g_new0 (float, (size_t) rows * model->n_classes);
    }
  g_mutex_init (&team->mutex);
  g_cond_init (&team->cond);
  if (team->n_threads == 2)
    team->helper = g_thread_new ("nn-train", helper_main, team);
  return team;
}

static void
team_free (Team *team)
{
  if (team->helper != NULL)
    {
      team_post (team, &team->quit, TRUE);
      g_thread_join (team->helper);
    }
  for (int j = 0; j < team->n_threads; j++)
    {
      nn_workspace_free (team->slots[j].ws);
      g_free (team->slots[j].dlogits);
      nn_optimizer_free (team->slots[j].opt);
    }
  g_mutex_clear (&team->mutex);
  g_cond_clear (&team->cond);
  g_free (team);
}

static NnBatch
batch_part (const NnBatch *b, int first, int count)
{
  NnBatch p = *b;
  p.batch = count;
  p.x = b->x + (size_t) first * b->steps * b->features;
  p.lengths = b->lengths + first;
  p.meta = b->meta != NULL ? b->meta + (size_t) first * b->meta_features : NULL;
  p.labels = b->labels + first;
  return p;
}

/* Runs team->task on both threads: the helper's share is handed over, the
 * caller's is run here. */
static void
team_share (Team *team)
{
  /* only this thread changes generation: a plain read of it is no race */
  if (team->n_threads == 2)
    team_post (team, &team->generation, count_next (team->generation));
  if (team->task == TASK_STEP)
    slot_step (team, &team->slots[0]);
  else
    slot_run (team, &team->slots[0]);
  if (team->n_threads == 2)
    team_wait (team, &team->finished, team->generation);
}

/* Runs the task on a gathered batch split over the team; sums the parts. */
static void
team_run (Team *team, Task task, const NnBatch *batch, double normaliser,
          double *loss, int *correct, int *labelled)
{
  int first = team->n_threads == 2 && batch->batch >= SPLIT_MIN
              ? (batch->batch + 1) / 2 : batch->batch;

  team->task = task;
  team->normaliser = normaliser;
  team->slots[0].part = batch_part (batch, 0, first);
  team->slots[0].part_first = 0;
  if (team->n_threads == 2)
    {
      team->slots[1].part = batch_part (batch, first, batch->batch - first);
      team->slots[1].part_first = first;
    }

  team_share (team);

  *loss = 0.0;
  *correct = 0;
  *labelled = 0;
  /* fixed order: the same numbers on every run */
  for (int j = 0; j < team->n_threads; j++)
    {
      *loss += team->slots[j].loss;
      *correct += team->slots[j].correct;
      *labelled += team->slots[j].labelled;
    }
}

/* model->grads (the caller's part) += the helper's part: one saxpy.  With
 * alpha 1 each element is exactly g0 + g1, whatever the kernel. */
static void
team_sum_grads (Team *team)
{
  NnModel *model = team->model;
  if (team->n_threads == 1)
    return;
  cblas_saxpy ((int) model->n_params, 1.0f, team->slots[1].grads, 1, model->grads, 1);
}

/* Gives each thread an optimiser over its share of the parameters, so the
 * update (a quarter of a small model's batch time on one thread) runs on both.
 * Every optimiser updates each parameter from its own gradient and state
 * alone, so two halves stepped together give the numbers of one optimiser over
 * all (test-train checks it); the split is a multiple of 16 floats, so both
 * halves have the same alignment and vectorise alike. */
static void
team_set_optimizer (Team *team, const NnOptimConfig *cfg)
{
  size_t n = team->model->n_params;
  size_t half = MIN (n, (n / 2 + 15) / 16 * 16);

  for (int j = 0; j < team->n_threads; j++)
    {
      Slot *slot = &team->slots[j];
      slot->first = j == 0 ? 0 : half;
      slot->last = j == 0 && team->n_threads == 2 ? half : n;
      slot->opt = nn_optimizer_new (cfg, slot->last - slot->first);
    }
}

/* Sums the gradients (unless summed already) and steps the optimiser, split over the team. */
static void
team_step (Team *team, float lr, gboolean grads_summed)
{
  team->task = TASK_STEP;
  team->lr = lr;
  team->add_helper_grads = team->n_threads == 2 && !grads_summed;
  team_share (team);
}

/* Buffers for gathering batches of up to rows rows of data shaped like the model's inputs. */
typedef struct
{
  int rows;
  float *x;
  int *lengths;
  float *meta;
  int *labels;
  int *index;
} BatchBuffers;

static void
buffers_init (BatchBuffers *bb, const NnModel *model, int rows)
{
  bb->rows = rows;
  bb->x = g_new0 (float, (size_t) rows * model->max_steps * model->seq_features);
  bb->lengths = g_new0 (int, rows);
  bb->meta = model->meta_features > 0 ? g_new0 (float, (size_t) rows * model->meta_features) : NULL;
  bb->labels = g_new0 (int, rows);
  bb->index = g_new0 (int, rows);
}

static void
buffers_clear (BatchBuffers *bb)
{
  g_free (bb->x);
  g_free (bb->lengths);
  g_free (bb->meta);
  g_free (bb->labels);
  g_free (bb->index);
}

/* Loss (over the whole of data, same normalisation as the loss) and accuracy, inference mode. */
/* probs_out (data->n, K) may be NULL. */
static void
team_evaluate (Team *team, BatchBuffers *bb, const NnData *data, double *loss_out,
               double *accuracy_out, float *probs_out)
{
  double sum = 0.0;
  int correct = 0, labelled = 0;
  double norm = nn_loss_normaliser (team->loss, data->labels, data->n, team->model->n_classes);

  for (int start = 0; start < data->n; start += bb->rows)
    {
      int n = MIN (bb->rows, data->n - start), c, l;
      double part;
      NnBatch batch;
      for (int i = 0; i < n; i++)
        bb->index[i] = start + i;
      nn_data_gather (data, bb->index, n, bb->x, bb->lengths, bb->meta, bb->labels, &batch);
      team->probs_out = probs_out != NULL ? probs_out + (size_t) start * team->model->n_classes : NULL;
      team_run (team, TASK_EVAL, &batch, 1.0, &part, &c, &l);
      team->probs_out = NULL;
      sum += part;
      correct += c;
      labelled += l;
    }
  *loss_out = norm > 0.0 ? sum / norm : NAN;
  *accuracy_out = labelled > 0 ? (double) correct / labelled : NAN;
}

/* ---- training ---- */

typedef struct
{
  NnModel *model;
  const NnData *train;
  const NnData *val;
  const NnTrainConfig *cfg;
  const NnTrainCallbacks *cb;
  NnHistory *history;
  Team *team;
  BatchBuffers bb;
  BatchBuffers val_bb;
  NnSchedule schedule;
  NnRng shuffle_rng;
  int *order;
  NnClassSampler *sampler;  /* class-balanced sampling, or NULL: shuffle */
  float *best_params;   /* the best epoch's weights (the initial ones until an epoch ends) */
  float *best_state;
  int epochs_since_best;
  NnLossConfig loss;    /* cfg->loss, with the logit offsets of the training labels */
  NnLossConfig plain_loss; /* the same without class weights and logit adjustment */
  float *logit_offsets;
  int first_epoch;
  NnTrainCheckpoint *checkpoint; /* filled after every epoch when a callback wants it */
} Trainer;

static gboolean
check_config (const NnTrainConfig *cfg, GError **error)
{
  if (cfg->batch_size < 1 || cfg->epochs < 0 || cfg->threads < 1 || cfg->patience < 0
      || cfg->reweight_from_epoch < 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA, _("training settings out of range: batch size %d "
                   "(≥ 1), epochs %d (≥ 0), threads %d (≥ 1), patience %d (≥ 0), re-weighting "
                   "from epoch %d (≥ 0)"),
                   cfg->batch_size, cfg->epochs, cfg->threads, cfg->patience,
                   cfg->reweight_from_epoch);
      return FALSE;
    }
  if (!(cfg->loss.label_smoothing >= 0.0f && cfg->loss.label_smoothing < 1.0f))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA, _("label smoothing must be a number from 0 to "
                   "less than 1 (it is %g)"), cfg->loss.label_smoothing);
      return FALSE;
    }
  if (cfg->class_sampling && !(cfg->sampling_power >= 0.0f && cfg->sampling_power <= 1.0f))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA, _("the sampling power must be a number from 0 "
                   "to 1 (it is %g)"), cfg->sampling_power);
      return FALSE;
    }
  if (!(cfg->optim.lr >= 0.0f) || !isfinite (cfg->optim.lr))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA, _("the learning rate must be a finite number ≥ 0 "
                   "(it is %g)"), cfg->optim.lr);
      return FALSE;
    }
  return TRUE;
}

static void
save_best (Trainer *t)
{
  memcpy (t->best_params, t->model->params, t->model->n_params * sizeof (float));
  memcpy (t->best_state, t->model->state, t->model->n_state * sizeof (float));
}

static void
restore_best (Trainer *t)
{
  memcpy (t->model->params, t->best_params, t->model->n_params * sizeof (float));
  memcpy (t->model->state, t->best_state, t->model->n_state * sizeof (float));
}

static gboolean
params_finite (const NnModel *model)
{
  for (size_t i = 0; i < model->n_params; i++)
    if (!isfinite (model->params[i]))
      return FALSE;
  return TRUE;
}

static gboolean
diverged (Trainer *t, int epoch, int batch, float lr, GError **error)
{
  restore_best (t);
  g_set_error (error, NN_ERROR, NN_ERROR_DIVERGED,
               /* TRANSLATORS: the last %s is "the best epoch" or "the start" */
               _("training diverged: the loss became NaN or infinite in epoch %d, batch %d; "
                 "lower the learning rate (now %g) or set a gradient-norm clip; the weights of %s "
                 "were kept"), epoch + 1, batch + 1, lr,
               t->history->best_epoch >= 0 ? _("the best epoch") : _("the start"));
  return FALSE;
}

static gboolean
cancelled (Trainer *t, GError **error)
{
  if (t->cfg->restore_best && t->history->best_epoch >= 0)
    restore_best (t);
  g_set_error (error, NN_ERROR, NN_ERROR_CANCELLED, _("training was stopped"));
  return FALSE;
}

/* One pass over the shuffled training data; fills stats->loss and accuracy.
 * Returns FALSE on divergence or cancellation (error set). */
static gboolean
train_epoch (Trainer *t, int epoch, float lr, NnEpochStats *stats, GError **error)
{
  const NnData *d = t->train;
  NnModel *model = t->model;
  int bs = t->cfg->batch_size;
  int n_batches = (d->n + bs - 1) / bs;
  double loss_sum = 0.0;
  int correct = 0, labelled = 0;

  if (t->sampler != NULL)
    nn_class_sampler_draw (t->sampler, &t->shuffle_rng, t->order, d->n);
  else
    nn_rng_shuffle_int (&t->shuffle_rng, t->order, d->n);
  for (int b = 0; b < n_batches; b++)
    {
      int first = b * bs, n = MIN (bs, d->n - first), c, l;
      double loss, norm;
      NnBatch batch;

      nn_data_gather (d, t->order + first, n, t->bb.x, t->bb.lengths, t->bb.meta, t->bb.labels,
                      &batch);
      norm = nn_loss_normaliser (t->team->loss, batch.labels, n, model->n_classes);
      team_run (t->team, TASK_TRAIN, &batch, norm, &loss, &c, &l);
      if (!isfinite (loss))
        return diverged (t, epoch, b, lr, error);
      /* clipping needs the whole sum first; otherwise each thread adds its share */
      if (t->cfg->clip_norm > 0.0f)
        {
          team_sum_grads (t->team);
          nn_clip_grad_norm (model->grads, model->n_params, t->cfg->clip_norm);
        }
      team_step (t->team, lr, t->cfg->clip_norm > 0.0f);
      loss_sum += loss;
      correct += c;
      labelled += l;
      if (t->cb != NULL && t->cb->on_batch != NULL
          && !t->cb->on_batch (epoch, b, n_batches, loss, t->cb->user_data))
        return cancelled (t, error);
    }
  if (!params_finite (model))
    return diverged (t, epoch, n_batches - 1, lr, error);
  stats->loss = loss_sum / MAX (n_batches, 1);
  stats->accuracy = labelled > 0 ? (double) correct / labelled : NAN;
  return TRUE;
}

/* Whether the class weights and logit adjustment act in this (0-based) epoch. */
static gboolean
reweighting (const Trainer *t, int epoch)
{
  return epoch + 1 >= t->cfg->reweight_from_epoch;
}

/* The first (0-based) epoch of deferred re-weighting, or -1 when it acts from the start. */
static int
reweight_switch_epoch (const Trainer *t)
{
  return t->cfg->reweight_from_epoch > 1 ? t->cfg->reweight_from_epoch - 1 : -1;
}

/* Records the epoch, keeps the best weights; returns TRUE when early stopping ends the run. */
static gboolean
end_epoch (Trainer *t, const NnEpochStats *stats)
{
  double metric = t->val != NULL ? stats->val_loss : stats->loss;
  NnHistory *h = t->history;

  /* the loss now weighs classes: losses from before are not comparable */
  if (stats->epoch == reweight_switch_epoch (t))
    {
      h->best_loss = INFINITY;
      h->best_epoch = -1;
      t->epochs_since_best = 0;
      t->schedule.best = INFINITY;
      t->schedule.bad_epochs = 0;
    }
  g_array_append_val (h->epochs, *stats);
  if (metric < h->best_loss)
    {
      h->best_loss = metric;
      h->best_epoch = stats->epoch;
      t->epochs_since_best = 0;
      save_best (t);
    }
  else
    t->epochs_since_best++;
  if (t->cfg->patience > 0 && t->epochs_since_best >= t->cfg->patience)
    h->stopped_early = TRUE;
  return h->stopped_early;
}

/* What nn_train_resume needs, copied into the preallocated checkpoint. */
static void
fill_checkpoint (Trainer *t, int epochs_done)
{
  NnTrainCheckpoint *cp = t->checkpoint;
  NnModel *model = t->model;

  cp->epochs_done = epochs_done;
  cp->n_threads = t->team->n_threads;
  cp->shuffle_rng = t->shuffle_rng;
  for (int j = 0; j < t->team->n_threads; j++)
    cp->dropout_rng[j] = *nn_workspace_rng (t->team->slots[j].ws);
  memcpy (cp->order, t->order, t->train->n * sizeof (int));
  cp->schedule = t->schedule;
  cp->epochs_since_best = t->epochs_since_best;
  for (int j = 0; j < t->team->n_threads; j++)
    {
      Slot *slot = &t->team->slots[j];
      nn_optimizer_save_state (slot->opt, cp->optim_m + slot->first, cp->optim_v + slot->first,
                               &cp->optim_step);
    }
  memcpy (cp->params, model->params, model->n_params * sizeof (float));
  memcpy (cp->state, model->state, model->n_state * sizeof (float));
  memcpy (cp->best_params, t->best_params, model->n_params * sizeof (float));
  memcpy (cp->best_state, t->best_state, model->n_state * sizeof (float));
  /* the epochs array was reserved up front for the whole run */
  g_array_set_size (cp->history->epochs, 0);
  g_array_append_vals (cp->history->epochs, t->history->epochs->data, t->history->epochs->len);
  cp->history->best_epoch = t->history->best_epoch;
  cp->history->best_loss = t->history->best_loss;
  cp->history->stopped_early = t->history->stopped_early;
}

static gboolean
run_epochs (Trainer *t, GError **error)
{
  if (t->history->stopped_early)
    t->first_epoch = t->cfg->epochs;
  for (int epoch = t->first_epoch; epoch < t->cfg->epochs; epoch++)
    {
      gint64 start = g_get_monotonic_time ();
      NnEpochStats stats = { .epoch = epoch, .val_loss = NAN, .val_accuracy = NAN };
      float lr = t->schedule.lr;
      gboolean stop;

      stats.learning_rate = lr;
      t->team->loss = reweighting (t, epoch) ? &t->loss : &t->plain_loss;
      if (!train_epoch (t, epoch, lr, &stats, error))
        return FALSE;
      if (t->val != NULL)
        {
          NnObjectHistory *objects = t->cb != NULL ? t->cb->object_history : NULL;
          float *probs = objects != NULL ? nn_object_history_next (objects) : NULL;
          team_evaluate (t->team, &t->val_bb, t->val, &stats.val_loss, &stats.val_accuracy, probs);
          if (probs != NULL)
            nn_object_history_commit (objects);
          if (!isfinite (stats.val_loss))
            return diverged (t, epoch, 0, lr, error);
        }
      stats.seconds = (g_get_monotonic_time () - start) / 1e6;
      stop = end_epoch (t, &stats);
      nn_schedule_epoch_end (&t->schedule, t->val != NULL ? stats.val_loss : stats.loss);
      if (t->checkpoint != NULL)
        {
          fill_checkpoint (t, epoch + 1);
          t->cb->on_checkpoint (t->checkpoint, t->cb->user_data);
        }
      if (t->cb != NULL && t->cb->on_epoch != NULL && !t->cb->on_epoch (&stats, t->cb->user_data))
        return cancelled (t, error);
      if (stop)
        break;
    }
  if (t->cfg->restore_best && t->history->best_epoch >= 0)
    restore_best (t);
  return TRUE;
}

static void
trainer_setup (Trainer *t)
{
  const NnTrainConfig *cfg = t->cfg;
  NnModel *model = t->model;
  int bs = MIN (cfg->batch_size, t->train->n);

  t->loss = cfg->loss;
  if (t->loss.logit_adjust > 0.0f && t->loss.logit_offsets == NULL)
    {
      t->logit_offsets = g_new (float, model->n_classes);
      nn_loss_logit_offsets (t->train->labels, t->train->n, model->n_classes, t->loss.logit_adjust,
                             t->logit_offsets);
      t->loss.logit_offsets = t->logit_offsets;
    }
  t->plain_loss = t->loss;
  t->plain_loss.class_weights = NULL;
  t->plain_loss.logit_offsets = NULL;
  t->plain_loss.logit_adjust = 0.0f;
  t->team = team_new (model, &t->loss, cfg->threads, bs, cfg->seed);
  buffers_init (&t->bb, model, bs);
  /* validation reuses the team's workspaces, so its batches are no larger */
  if (t->val != NULL)
    buffers_init (&t->val_bb, model, bs);
  team_set_optimizer (t->team, &cfg->optim);
  nn_schedule_init (&t->schedule, &cfg->schedule, cfg->optim.lr, cfg->epochs);
  nn_rng_init_stream (&t->shuffle_rng, cfg->seed, STREAM_SHUFFLE);
  t->order = g_new (int, t->train->n);
  for (int i = 0; i < t->train->n; i++)
    t->order[i] = i;
  if (cfg->class_sampling)
    t->sampler = nn_class_sampler_new (t->train->labels, t->train->n, model->n_classes,
                                       cfg->sampling_power);
  t->best_params = g_new (float, MAX (model->n_params, 1));
  t->best_state = g_new (float, MAX (model->n_state, 1));
  save_best (t);
  if (t->cb != NULL && t->cb->on_checkpoint != NULL)
    {
      t->checkpoint = nn_train_checkpoint_new (model->n_params, model->n_state, t->train->n);
      g_array_set_size (t->checkpoint->history->epochs, MIN (cfg->epochs, 100000));
    }
}

/* Puts a checkpoint's state into a freshly set-up trainer. */
static void
trainer_restore (Trainer *t, const NnTrainCheckpoint *cp)
{
  NnModel *model = t->model;
  NnHistory *h = t->history;

  t->first_epoch = cp->epochs_done;
  t->shuffle_rng = cp->shuffle_rng;
  for (int j = 0; j < t->team->n_threads; j++)
    *nn_workspace_rng (t->team->slots[j].ws) = cp->dropout_rng[j];
  memcpy (t->order, cp->order, t->train->n * sizeof (int));
  /* the schedule's settings are this run's; its progress is the checkpoint's */
  t->schedule.lr = cp->schedule.lr;
  t->schedule.epoch = cp->schedule.epoch;
  t->schedule.best = cp->schedule.best;
  t->schedule.bad_epochs = cp->schedule.bad_epochs;
  t->epochs_since_best = cp->epochs_since_best;
  for (int j = 0; j < t->team->n_threads; j++)
    {
      Slot *slot = &t->team->slots[j];
      nn_optimizer_load_state (slot->opt, cp->optim_m + slot->first, cp->optim_v + slot->first,
                               cp->optim_step);
    }
  memcpy (model->params, cp->params, model->n_params * sizeof (float));
  memcpy (model->state, cp->state, model->n_state * sizeof (float));
  memcpy (t->best_params, cp->best_params, model->n_params * sizeof (float));
  memcpy (t->best_state, cp->best_state, model->n_state * sizeof (float));
  g_array_append_vals (h->epochs, cp->history->epochs->data, cp->history->epochs->len);
  h->best_epoch = cp->history->best_epoch;
  h->best_loss = cp->history->best_loss;
  h->stopped_early = cp->history->stopped_early;
}

static void
trainer_clear (Trainer *t)
{
  team_free (t->team);
  buffers_clear (&t->bb);
  if (t->val != NULL)
    buffers_clear (&t->val_bb);
  g_free (t->order);
  nn_class_sampler_free (t->sampler);
  g_free (t->best_params);
  g_free (t->best_state);
  g_free (t->logit_offsets);
  nn_train_checkpoint_free (t->checkpoint);
}

static gboolean
checkpoint_fits (const NnModel *model, const NnData *train, const NnTrainConfig *cfg,
                 const NnTrainCheckpoint *cp, GError **error)
{
  if (cp->n_params != model->n_params || cp->n_state != model->n_state || cp->n_rows != train->n
      || cp->n_threads != (cfg->threads >= 2 ? 2 : 1) || cp->epochs_done > cfg->epochs
      || (int) cp->history->epochs->len != cp->epochs_done)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _("the checkpoint (%zu parameters, %d training rows, %d threads, %d epochs "
                     "done) is not one of this run (%zu parameters, %d rows, %d threads, %d "
                     "epochs)"), cp->n_params, cp->n_rows, cp->n_threads, cp->epochs_done,
                   model->n_params, train->n, cfg->threads >= 2 ? 2 : 1, cfg->epochs);
      return FALSE;
    }
  return TRUE;
}

static gboolean
train_from (NnModel *model, const NnData *train, const NnData *val, const NnTrainConfig *cfg,
            const NnTrainCheckpoint *from, const NnTrainCallbacks *callbacks, NnHistory *out,
            GError **error)
{
  g_autoptr (NnHistory) own_history = NULL;
  Trainer t = { 0 };
  int saved_blas;
  gboolean ok;

  if (!check_config (cfg, error)
      || !nn_model_check_data (model, train, TRUE, _("training data"), error)
      || (val != NULL && !nn_model_check_data (model, val, TRUE, _("validation data"), error))
      || (from != NULL && !checkpoint_fits (model, train, cfg, from, error)))
    return FALSE;
  if (callbacks != NULL && callbacks->object_history != NULL
      && (val == NULL || callbacks->object_history->n_objects != val->n
          || callbacks->object_history->n_classes != model->n_classes))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _("the per-object history is for %d objects of %d classes; the validation "
                     "data have %d rows of %d classes"), callbacks->object_history->n_objects,
                   callbacks->object_history->n_classes, val != NULL ? val->n : 0,
                   model->n_classes);
      return FALSE;
    }
  if (out == NULL)
    out = own_history = nn_history_new ();
  nn_history_clear (out);
  /* reserve every epoch's record now: nothing is allocated inside the epoch loop */
  g_array_set_size (out->epochs, MIN (cfg->epochs, 100000));
  g_array_set_size (out->epochs, 0);

  t.model = model;
  t.train = train;
  t.val = val;
  t.cfg = cfg;
  t.cb = callbacks;
  t.history = out;
  saved_blas = nn_blas_get_threads ();
  /* two of our threads each with single-threaded BLAS beat one thread with two */
  if (cfg->threads >= 2)
    nn_blas_set_threads (1);
  trainer_setup (&t);
  if (from != NULL)
    trainer_restore (&t, from);
  ok = run_epochs (&t, error);
  trainer_clear (&t);
  if (cfg->threads >= 2)
    nn_blas_set_threads (saved_blas);
  return ok;
}

gboolean
nn_train (NnModel *model, const NnData *train, const NnData *val,
          const NnTrainConfig *cfg, const NnTrainCallbacks *callbacks,
          NnHistory *out, GError **error)
{
  return train_from (model, train, val, cfg, NULL, callbacks, out, error);
}

gboolean
nn_train_resume (NnModel *model, const NnData *train, const NnData *val,
                 const NnTrainConfig *cfg, const NnTrainCheckpoint *from,
                 const NnTrainCallbacks *callbacks, NnHistory *out, GError **error)
{
  g_return_val_if_fail (from != NULL, FALSE);
  return train_from (model, train, val, cfg, from, callbacks, out, error);
}

gboolean
nn_model_evaluate (const NnModel *model, const NnData *data, const NnLossConfig *loss,
                   int threads, double *loss_out, double *accuracy_out, GError **error)
{
  NnLossConfig plain;
  Team *team;
  BatchBuffers bb;
  double l, a;
  int saved_blas = nn_blas_get_threads ();

  if (!nn_model_check_data (model, data, FALSE, _("data"), error))
    return FALSE;
  if (loss == NULL)
    {
      nn_loss_config_default (&plain);
      loss = &plain;
    }
  if (threads >= 2)
    nn_blas_set_threads (1);
  /* evaluation never writes the model: the cast only lets the team share its type */
  team = team_new ((NnModel *) model, loss, threads, MIN (256, data->n), 0);
  buffers_init (&bb, model, MIN (256, data->n));
  team_evaluate (team, &bb, data, &l, &a, NULL);
  buffers_clear (&bb);
  team_free (team);
  if (threads >= 2)
    nn_blas_set_threads (saved_blas);
  if (isnan (a))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA, _("the data have no labelled rows to evaluate"));
      return FALSE;
    }
  if (loss_out != NULL)
    *loss_out = l;
  if (accuracy_out != NULL)
    *accuracy_out = a;
  return TRUE;
}
