/* pb-trainer.h: training in the background (DESIGN §8).
 *
 * A PbTrainer runs one training job at a time on the app's job runner
 * (PbJob): the same lc_train_run_prepare / lc_train_run_train calls as
 * `passband-cli train`.  The worker never touches a widget; its progress
 * records reach the main loop through the job, where the signals below are
 * emitted.  Stop ends the run after the current batch and keeps its results;
 * the results of a cancelled or replaced job are dropped.
 *
 * Every run is a run file (lc-run.h) in the trainer's runs folder, written
 * after every epoch by a second thread so the training thread never waits
 * for the disk: the model spec, settings, the dataset's path and checksum,
 * the trainer's checkpoint (curves included) and every validation object's
 * probabilities at every epoch.  A run that ends (finished, stopped,
 * failed) is marked finished and its model saved beside it; a run that was
 * cancelled, killed or crashed stays unfinished, and Resume goes on from its
 * last epoch with the same numbers as a run that never stopped.  An
 * ensemble cannot go on from an epoch: resuming one trains it again.
 *
 * A PbRun is what a session keeps of one training (or of a model file opened
 * and evaluated): its curves, its trained model and its scores.  Runs are
 * only changed on the main thread.
 */
#pragma once

#include <gtk/gtk.h>

#include "lc-dataset.h"
#include "lc-pipeline.h"
#include "lc-run.h"
#include "nn-object-history.h"

G_BEGIN_DECLS

typedef enum
{
  PB_RUN_RUNNING,
  PB_RUN_FINISHED,   /* all epochs, or early stopping */
  PB_RUN_STOPPED,    /* stopped by the user: keeps its best weights (none when stopped while preparing) */
  PB_RUN_FAILED,     /* message says why */
  PB_RUN_OPENED,     /* a model file opened and evaluated */
} PbRunState;

/* The smoothed training loss between epoch ends: x is epochs (epoch + fraction). */
typedef struct
{
  double x;
  double loss;
} PbBatchPoint;

typedef struct
{
  int ref_count;
  int id;                    /* 1, 2, ... in the order of the session */
  char *name;                /* "Run 2: Small GRU" */
  PbRunState state;
  char *message;             /* why it failed, or NULL */
  LcDataset *dataset;        /* trained or evaluated on */
  NnModelDoc *doc;           /* the trained model; NULL while running */
  GArray *epochs;            /* NnEpochStats, one per finished epoch */
  GArray *batches;           /* PbBatchPoint */
  int best_epoch;            /* lowest validation loss (training loss without validation), -1 */
  int total_epochs;          /* epochs asked for */
  int n_val;                 /* validation objects */
  /* misclassified validation objects at the latest epoch (dataset rows and predicted classes) */
  GArray *wrong_rows;        /* gsize */
  GArray *wrong_predicted;   /* int: predicted class as an index into dataset->classes */
  LcEvaluation *evaluation;  /* on the validation rows (all rows without validation, or
                              * the current dataset for an opened model); NULL while running */
  char *path;                /* the model file it was saved to or opened from, or NULL */
  char *run_path;            /* its run file, or NULL */
  /* every validation object's probabilities at every epoch (NULL: none);
   * object_rows [objects->n_objects] their dataset rows.  Set when the run ended. */
  NnObjectHistory *objects;
  int *object_rows;
  double seconds;
} PbRun;

#define PB_TYPE_RUN (pb_run_get_type ())
GType   pb_run_get_type (void) G_GNUC_CONST;
/* An empty run on ds (no epochs, no model) in state PB_RUN_RUNNING. */
PbRun  *pb_run_new      (int id, const char *name, LcDataset *ds);
PbRun  *pb_run_ref      (PbRun *run);
void    pb_run_unref    (PbRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbRun, pb_run_unref)

/* Saves the trained model (weights, preprocessing, training settings, history). */
gboolean pb_run_save      (PbRun *run, const char *path, GError **error);
/* Opens a trained model and evaluates it on ds (its labelled objects). */
PbRun   *pb_run_open      (const char *path, LcDataset *ds, GError **error);
/* Display name of class index k of the run's model ("SN Ia"). */
const char *pb_run_class_name (PbRun *run, int k);
int      pb_run_n_classes (PbRun *run);

/* The validation objects' class probabilities at every epoch (NULL: not
 * recorded); rows (may be NULL) gets the dataset row of each object. */
const NnObjectHistory *pb_run_get_object_history (PbRun *run, const int **rows);
/* The run takes history (NULL: none) and copies rows [history->n_objects],
 * rows of run->dataset.  Main thread only. */
void        pb_run_set_object_history (PbRun *run, NnObjectHistory *history, const int *rows);
/* The run file the run is saved to (NULL: none), what Export Runs reads. */
const char *pb_run_get_run_path       (PbRun *run);
void        pb_run_set_run_path       (PbRun *run, const char *path);

#define PB_TYPE_TRAINER (pb_trainer_get_type ())
G_DECLARE_FINAL_TYPE (PbTrainer, pb_trainer, PB, TRAINER, GObject)

/* Signals (main thread only):
 *   "started"  (PbRun *run)
 *   "preparing" (PbRun *run, double fraction): preparation (encoding) is that far, 0..1; coalesced
 *   "batch"    (PbRun *run, int epoch, int batch, int n_batches): the latest batch; coalesced
 *   "epoch"    (PbRun *run, int epoch): run->epochs was updated
 *   "wrong"    (PbRun *run): run->wrong_rows and wrong_predicted were updated (at most once a
 *              second while training, and for the final model)
 *   "finished" (PbRun *run): run->state is final, doc and evaluation set unless it failed
 *              or was stopped while preparing */
PbTrainer  *pb_trainer_new        (void);

/* Starts training spec on ds (prepared in the worker: the split and encoding
 * of a large file take a while too).  A job still running is cancelled and
 * its results dropped.  Returns the new run (owned by the trainer). */
PbRun      *pb_trainer_start      (PbTrainer *self, LcDataset *ds, const NnModelDoc *spec,
                                   const LcTrainOverrides *overrides, const char *name);
/* Goes on with the unfinished run of the run file at run_path on ds (the
 * data it started with: the worker checks the checksum) from its last epoch.
 * Returns the new run, whose curves start with the epochs done, or NULL
 * when the file cannot be read or its run has finished. */
PbRun      *pb_trainer_resume     (PbTrainer *self, LcDataset *ds, const char *run_path, GError **error);
/* The unfinished run files in the runs folder for ds (the same data: equal
 * checksums), newest first (LcRunFile *; the array frees them). */
GPtrArray  *pb_trainer_list_unfinished (PbTrainer *self, LcDataset *ds);
/* The same in any thread: the unfinished run files in dir for ds, but
 * skip_path (the running job's, may be NULL). */
GPtrArray  *pb_run_files_list_unfinished (const char *dir, const LcDataset *ds, const char *skip_path);
/* Any thread: the finished run files in dir for ds, newest first. */
GPtrArray  *pb_run_files_list_finished (const char *dir, const LcDataset *ds);
/* Any thread: removes the finished runs of ds's data in dir but the newest
 * keep (their run files and the models the trainer saved beside them);
 * unfinished runs are never removed.  keep <= 0 keeps every run.  Returns
 * how many were removed, -1 on error. */
int         pb_run_files_prune (const char *dir, const LcDataset *ds, int keep, GError **error);
/* Any thread: a run of an earlier session from its finished run file on ds
 * (the same data): its model evaluated on the run's validation objects, its
 * curves and, taken from file, its objects' history.  NULL when the model
 * cannot be read or ds holds other data. */
PbRun      *pb_run_from_file (LcRunFile *file, LcDataset *ds, GError **error);
/* The run file of the running job, or NULL. */
const char *pb_trainer_get_running_file (PbTrainer *self);
/* Removes an unfinished run's file: it will not be offered again. */
gboolean    pb_trainer_discard    (PbTrainer *self, const char *run_path, GError **error);
/* Whether the run of a run file trains an ensemble (resuming starts it again). */
gboolean    pb_run_file_is_ensemble (const LcRunFile *file);
/* The folder of the run files: the "runs-dir" property; by default
 * $PASSBAND_RUNS_DIR, else passband/runs in the user's data folder. */
const char *pb_trainer_get_runs_dir (PbTrainer *self);
void        pb_trainer_set_runs_dir (PbTrainer *self, const char *dir);
/* The "kept-runs" property: after a run ends, the runs folder keeps the
 * newest N finished runs of its data (pb_run_files_prune); 0 keeps all. */
/* Stops the running job after the current batch: the run keeps its best
 * weights.  While the data are prepared it stops within a few objects, and
 * the run ends stopped without a model (doc NULL). */
void        pb_trainer_stop       (PbTrainer *self);
/* Stops and drops the results; waits (at most a few seconds) for the worker
 * to let go, so closing a window never leaves a thread writing behind it. */
void        pb_trainer_cancel     (PbTrainer *self);
gboolean    pb_trainer_is_running (PbTrainer *self);
/* The running (or last) run, or NULL. */
PbRun      *pb_trainer_get_run    (PbTrainer *self);
/* Seconds left, from the batches done so far; negative when unknown. */
double      pb_trainer_get_eta    (PbTrainer *self);
/* Fraction of the run's batches done, 0..1.  An ensemble counts every
 * member; once the first member ended early, the others are expected to
 * take as many epochs. */
double      pb_trainer_get_fraction (PbTrainer *self);
/* Ensemble members the running (or last) run trains; 1 for a single model. */
int         pb_trainer_get_n_members (PbTrainer *self);
/* Whether the ETA is only an upper bound: early stopping may end the run
 * before all its epochs, and no member has ended yet to tell when. */
gboolean    pb_trainer_eta_is_bound (PbTrainer *self);

G_END_DECLS
