/* lc-run.h: a training run that survives a crash.
 *
 * The run file (JSON, "format": "passband-run") holds what it takes to go
 * on: the spec and the overrides it was trained with, the dataset's path and
 * a SHA-256 checksum of its content as loaded, where the trained model goes,
 * and the trainer's checkpoint after the last finished epoch (weights,
 * optimiser, generators, schedule, early stopping, best weights, the
 * history: the curves).  It is written atomically after every epoch, so a
 * kill leaves the previous epoch's file.  Resuming loads the dataset again,
 * refuses it when its checksum differs, prepares the run as the first time
 * (the same split and encoding: they depend on the seed and the data only)
 * and trains from the checkpoint: the same numbers as the uninterrupted run.
 */
#pragma once

#include "lc-dataset.h"
#include "lc-pipeline.h"

G_BEGIN_DECLS

typedef struct
{
  char *path;                    /* the run file */
  char *data_path;
  char *meta_path;               /* or NULL */
  char *data_checksum;           /* lc_dataset_checksum of the data as loaded */
  char *out_path;                /* where the trained model is saved */
  NnModelDoc *spec;
  LcTrainOverrides overrides;
  NnTrainCheckpoint *checkpoint; /* the last epoch's, NULL before the first one ends */
  gboolean finished;             /* the run ended and saved its model */
  /* The validation objects' class probabilities at every epoch (NULL: not
   * recorded); object_ids [objects->n_objects] their ids.  Files written
   * before the whole vectors were kept (version 1) hold the top class's
   * probability only: a history loaded from one has that one value per
   * object and epoch and zeros elsewhere. */
  NnObjectHistory *objects;
  char **object_ids;
} LcRunFile;

LcRunFile *lc_run_file_new  (const char *path, const char *data_path, const char *meta_path,
                             const LcDataset *ds, const char *out_path, const NnModelDoc *spec,
                             const LcTrainOverrides *overrides);
void       lc_run_file_free (LcRunFile *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcRunFile, lc_run_file_free)

/* Writes the run file atomically with checkpoint (NULL: the run's own). */
gboolean   lc_run_file_save (const LcRunFile *run, const NnTrainCheckpoint *checkpoint,
                             GError **error);
/* Reads a run file; errors name the file and the field (LC_ERROR_FORMAT). */
LcRunFile *lc_run_file_load (const char *path, GError **error);
/* Only what a run file says at its start: its data, metadata (may be NULL)
 * and whether the run has finished, without reading the checkpoint and
 * objects (megabytes for a long run): enough to find the runs of a
 * dataset among many files.  data_checksum may be NULL. */
gboolean   lc_run_file_peek (const char *path, char **data_path, char **meta_path, char **data_checksum,
                             gboolean *finished, GError **error);

/* Records the validation objects' probabilities at every epoch of tr into
 * run->objects, with their ids (callbacks->object_history is set to it); a
 * resumed run keeps the epochs its file has.  No-op without validation rows. */
void       lc_run_file_track_objects (LcRunFile *run, const LcDataset *ds, const LcTrainRun *tr,
                                      NnTrainCallbacks *callbacks);

/* ---- exporting runs ---- */

/* The run table, one row per run: the run file, data, checksum, model
 * name, the effective settings (epochs, batch size, learning rate, seed,
 * patience, threads), epochs done, finished, best epoch with its
 * validation loss and accuracy, and the last epoch's losses. */
char     *lc_runs_table_csv   (LcRunFile *const *runs, int n_runs);
/* The same as a LaTeX tabular (booktabs rules), every text escaped. */
char     *lc_runs_table_latex (LcRunFile *const *runs, int n_runs);
/* One run's curves: epoch (1-based), loss, accuracy, val_loss,
 * val_accuracy, learning_rate, seconds; empty cells where not measured. */
char     *lc_run_curves_csv   (const LcRunFile *run);
/* Writes what `passband-cli runs export` writes: the table as CSV to
 * csv_path and as LaTeX to latex_path, each run's curves as
 * curves_dir/RUN.csv (RUN: the run file's name without ".json", numbered
 * -2, -3 ... when two runs share a name); any path may be NULL.  Every file
 * is written atomically; curves_dir is made when missing. */
gboolean  lc_runs_export      (LcRunFile *const *runs, int n_runs, const char *csv_path,
                               const char *latex_path, const char *curves_dir, GError **error);
/* Escapes text for LaTeX: \ & % $ # _ { } ~ ^ and control characters. */
char     *lc_latex_escape     (const char *text);

/* SHA-256 (hex) of everything a dataset holds as loaded: objects, ids,
 * labels, classes, bands, observations, metadata. */
char      *lc_dataset_checksum (const LcDataset *ds);
/* The same, computed once per dataset and kept with it (any thread: the
 * loader asks in its worker so the main loop never waits for it). */
const char *lc_dataset_get_checksum (const LcDataset *ds);
/* Whether a and b hold the same data: the same dataset, or two loads of
 * the same content (equal checksums).  FALSE when either is NULL. */
gboolean   lc_dataset_same_data (const LcDataset *a, const LcDataset *b);

G_END_DECLS
