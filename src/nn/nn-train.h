/* nn-train.h: the training loop and evaluation.
 *
 * nn_train allocates everything before the first epoch (batch buffers, one
 * workspace and gradient vector per thread, optimiser state, best-weights copy)
 * and nothing inside the epoch loop.  With threads = 2 each batch is split in
 * two halves run by two persistent threads with single-threaded OpenBLAS; their
 * gradients are summed in a fixed order, so the same seed and thread count give
 * the same numbers.  Each thread then updates half of the parameters (the
 * optimisers are element-wise: the same numbers as one update of all).  The
 * threads hand work over through atomic counters, spinning a few microseconds
 * before they sleep.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "nn-data.h"
#include "nn-loss.h"
#include "nn-model.h"
#include "nn-optim.h"
#include "nn-object-history.h"

G_BEGIN_DECLS

typedef struct
{
  NnOptimConfig optim;
  NnScheduleConfig schedule;
  NnLossConfig loss;        /* loss.class_weights: [K] or NULL, not owned */
  int batch_size;           /* 32 */
  int epochs;               /* 20 */
  guint64 seed;             /* shuffling and dropout (weights: nn_model_init) */
  int threads;              /* 1 or 2 */
  int patience;             /* early stopping: epochs without improvement; 0 = off */
  gboolean restore_best;    /* at the end, restore the weights of the best epoch */
  float clip_norm;          /* global gradient-norm clipping; 0 = off */
  /* Class-balanced sampling: instead of the shuffle, every epoch draws its n
   * training rows with replacement, row i with probability proportional to
   * n_c^(sampling_power - 1) for its class c of n_c rows (NnClassSampler). */
  gboolean class_sampling;
  float sampling_power;     /* 0.5: square-root sampling; 1: the data's mix; 0: classes equally */
  /* Deferred re-weighting (Cao et al. 2019): the class weights and the logit
   * adjustment of loss act from this epoch on (counted from 1); the epochs
   * before train with the plain loss.  At the switch the validation loss
   * changes meaning, so early stopping and the plateau schedule start their
   * best-so-far afresh: the best epoch is never one from before.  0 or 1:
   * from the start. */
  int reweight_from_epoch;
} NnTrainConfig;

/* adam 1e-3, constant schedule, cross entropy, batch 32, 20 epochs, seed 0,
 * 1 thread, no early stopping, restore_best TRUE, no clipping, no class
 * sampling (power 0.5 when turned on). */
void nn_train_config_default (NnTrainConfig *cfg);

/* One epoch's record.  val_* are NaN without validation data. */
typedef struct
{
  int epoch;               /* 0-based */
  double loss;             /* mean training loss over the epoch's batches (as trained) */
  double accuracy;         /* training accuracy of the same forward passes */
  double val_loss;
  double val_accuracy;
  double seconds;          /* wall time of the epoch including validation */
  double learning_rate;    /* the rate used in this epoch */
} NnEpochStats;

typedef struct _NnTrainCheckpoint NnTrainCheckpoint;

typedef struct
{
  /* Return FALSE to stop the run (nn_train then fails with NN_ERROR_CANCELLED;
   * the model keeps the best weights when restore_best is set).  Either may be NULL.
   * They run on the thread that called nn_train. */
  gboolean (*on_batch) (int epoch, int batch, int n_batches, double loss, gpointer user_data);
  gboolean (*on_epoch) (const NnEpochStats *stats, gpointer user_data);
  gpointer user_data;
  /* After every epoch, before on_epoch: everything needed to go on from
   * there (may be NULL).  The checkpoint is the trainer's, valid during the
   * call only; save it (nn_train_checkpoint_save) to resume after a crash. */
  void (*on_checkpoint) (const NnTrainCheckpoint *checkpoint, gpointer user_data);
  /* When set: every epoch's probabilities of every validation row are
   * recorded here by the validation pass (rows in the order of val; its
   * buffers reserved for the run's epochs by the caller). */
  NnObjectHistory *object_history;
} NnTrainCallbacks;

typedef struct
{
  GArray *epochs;          /* NnEpochStats, one per finished epoch */
  int best_epoch;          /* epoch with the lowest val_loss (loss without validation); -1 = none */
  double best_loss;
  gboolean stopped_early;  /* early stopping ended the run */
} NnHistory;

NnHistory *nn_history_new   (void);
void       nn_history_free  (NnHistory *history);
void       nn_history_clear (NnHistory *history);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnHistory, nn_history_free)

/* Trains a built, initialised model.  val may be NULL.  out may be NULL; it is
 * cleared first.  Errors: NN_ERROR_DATA (data do not fit), NN_ERROR_DIVERGED
 * (NaN/Inf loss; the best or initial weights are kept), NN_ERROR_CANCELLED (a
 * callback returned FALSE).  The history is filled up to the last finished epoch
 * in every case. */
gboolean nn_train (NnModel *model, const NnData *train, const NnData *val,
                   const NnTrainConfig *cfg, const NnTrainCallbacks *callbacks,
                   NnHistory *out, GError **error);

/* The state of a run after an epoch: with the same model, data and
 * settings, nn_train_resume from it gives the same numbers, bit for bit, as
 * the run that never stopped (same thread count). */
struct _NnTrainCheckpoint
{
  int epochs_done;            /* epochs finished */
  size_t n_params;
  size_t n_state;
  int n_rows;                 /* training rows */
  int n_threads;              /* 1 or 2: one dropout stream per thread */
  NnRng shuffle_rng;
  NnRng dropout_rng[2];
  int *order;                 /* [n_rows] the row order the next shuffle starts from */
  NnSchedule schedule;
  int epochs_since_best;
  int optim_step;
  float *optim_m;             /* [n_params] the optimiser's moment vectors */
  float *optim_v;             /* [n_params] */
  float *params;              /* [n_params] the weights after the epoch */
  float *state;               /* [n_state] */
  float *best_params;         /* [n_params] the best epoch's weights */
  float *best_state;          /* [n_state] */
  NnHistory *history;         /* the epochs so far */
};

NnTrainCheckpoint *nn_train_checkpoint_new  (size_t n_params, size_t n_state, int n_rows);
void               nn_train_checkpoint_free (NnTrainCheckpoint *checkpoint);
/* A deep copy: what another thread may write while training goes on. */
NnTrainCheckpoint *nn_train_checkpoint_copy (const NnTrainCheckpoint *checkpoint);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnTrainCheckpoint, nn_train_checkpoint_free)
/* As JSON text (every float exact, the generators' states as hex), written
 * atomically; load checks every size before allocating and names the file
 * and field of an error (NN_ERROR_FILE). */
gboolean           nn_train_checkpoint_save (const NnTrainCheckpoint *checkpoint, const char *path,
                                             GError **error);
NnTrainCheckpoint *nn_train_checkpoint_load (const char *path, GError **error);
/* The same text in memory, and reading it from a parsed node (source names
 * it in errors), for files that hold a checkpoint among other things. */
char              *nn_train_checkpoint_to_data   (const NnTrainCheckpoint *checkpoint, gsize *length);
NnTrainCheckpoint *nn_train_checkpoint_from_json (JsonNode *node, const char *source,
                                                  GError **error);

/* nn_train going on from a checkpoint of the same model, data and settings
 * (the model's weights are replaced by the checkpoint's).  out gets the
 * whole history, the checkpoint's epochs included. */
gboolean nn_train_resume (NnModel *model, const NnData *train, const NnData *val,
                          const NnTrainConfig *cfg, const NnTrainCheckpoint *from,
                          const NnTrainCallbacks *callbacks, NnHistory *out, GError **error);

/* Mean loss (loss NULL = plain cross entropy; normalised like the loss, so a
 * weighted mean with class weights) and accuracy over the labelled rows of data,
 * in inference mode.  Either output may be NULL.  Fails with NN_ERROR_DATA when
 * the data do not fit or have no labelled rows. */
gboolean nn_model_evaluate (const NnModel *model, const NnData *data, const NnLossConfig *loss,
                            int threads, double *loss_out, double *accuracy_out, GError **error);

/* Class-balanced sampling of training rows (Kang et al. 2020, "Decoupling
 * representation and classifier"): row i is drawn with probability
 * proportional to n_c^(power - 1), so class c is drawn with probability
 * n_c^power / Σ_k n_k^power.  The cumulative distribution is computed once;
 * drawing allocates nothing. */
typedef struct _NnClassSampler NnClassSampler;

/* labels: [n], each in [0, n_classes); power in [0, 1]. */
NnClassSampler *nn_class_sampler_new  (const int *labels, int n, int n_classes, float power);
void            nn_class_sampler_free (NnClassSampler *sampler);
/* Fills rows[0..count) with row indices drawn with replacement, one uniform
 * number of rng each. */
void            nn_class_sampler_draw (const NnClassSampler *sampler, NnRng *rng, int *rows, int count);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnClassSampler, nn_class_sampler_free)

G_END_DECLS
