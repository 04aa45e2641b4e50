/* lc-tune.h: hyperparameter search: search spaces, strategies, the
 * trial runner and the results table.
 *
 * A search space file:
 *   {"format": "passband-search", "version": 1,
 *    "parameters": [{"path": "layers[0].units", "values": [32, 64, 128]},
 *                   {"path": "training.learning_rate", "min": 1e-4, "max": 1e-2, "log": true},
 *                   {"path": "layers[1].repeat", "values": [1, 2]}, ...],
 *    "halving": {"eta": 3, "min_epochs": 1, "max_epochs": 9}}
 *
 * A path names a field of the model document (nn-model-file.h): "training.X",
 * "layers[i].X", "layers[*].X" (every layer that has X, except a head's
 * "units": "classes") or "preprocessing.X".  Two special fields:
 * "layers[i].repeat" (that layer n times, recurrent copies but the last
 * returning sequences: the number of layers; 0 removes it) and
 * "layers[i].type" (the layer kind; fields the new kind does not take are
 * dropped).  A range parameter ("min"/"max", optional "log", "integer" and
 * "steps": grid points, 3 by default) is sampled uniformly (log-uniformly);
 * a "values" parameter picks one of its values.
 *
 * Trials are deterministic given (space, strategy, seed, trial index): a
 * shard (index % n_shards == shard) runs exactly the trials one run would, so
 * shard tables merge into the table of one run.  Every trial trains with the
 * spec's own seed, so all trials see the same split.
 *
 * Strategies:
 *  grid     every point of the grid (last parameter fastest); n_trials <= 0: all
 *  random   n_trials independent samples
 *  halving  successive halving: n_trials random configurations trained for
 *           min_epochs (rung 0); the best 1/eta (by validation accuracy) are
 *           trained again with eta times the epochs, and so on up to
 *           max_epochs.  Trial indices run rung after rung.  A shard that
 *           reaches a rung before every shard has finished the previous one
 *           stops with LC_TUNE_WAITING; run it again (with the other shards'
 *           results in the table) to go on.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "lc-dataset.h"
#include "lc-pipeline.h"
#include "nn-model-file.h"

G_BEGIN_DECLS

#define LC_SEARCH_FORMAT  "passband-search"
#define LC_SEARCH_VERSION 1

typedef enum
{
  LC_TUNE_GRID = 0,   /* "grid" */
  LC_TUNE_RANDOM,     /* "random" */
  LC_TUNE_HALVING,    /* "halving" */
} LcTuneStrategy;

const char *lc_tune_strategy_to_string   (LcTuneStrategy strategy);
gboolean    lc_tune_strategy_from_string (const char *name, LcTuneStrategy *strategy);

typedef struct
{
  char *path;          /* "layers[0].units" */
  JsonNode *values;    /* an array of choices, or NULL for a range */
  double min, max;     /* range */
  gboolean log;        /* sample / space the grid log-uniformly */
  gboolean integer;    /* round to whole numbers */
  int steps;           /* grid points of a range (>= 1) */
} LcTuneParam;

typedef struct
{
  char *source;        /* file name for messages */
  GPtrArray *params;   /* LcTuneParam * */
  int eta;             /* halving: keep 1/eta per rung (3) */
  int min_epochs;      /* halving: epochs of rung 0 (1) */
  int max_epochs;      /* halving: epochs cap (0: the spec's epochs) */
} LcSearchSpace;

LcSearchSpace *lc_search_space_new            (void);
void           lc_search_space_free           (LcSearchSpace *space);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcSearchSpace, lc_search_space_free)
/* A deep copy (every parameter and its values); NULL gives NULL. */
LcSearchSpace *lc_search_space_copy           (const LcSearchSpace *space);
/* Errors name the source, the parameter and the field. */
LcSearchSpace *lc_search_space_load           (const char *path, GError **error);
LcSearchSpace *lc_search_space_load_from_data (const char *text, gssize len, const char *source,
                                               GError **error);
char          *lc_search_space_to_data        (const LcSearchSpace *space);
gboolean       lc_search_space_save           (const LcSearchSpace *space, const char *path,
                                               GError **error);
/* Adds a parameter (values: a JSON array, copied; or NULL with min/max). */
LcTuneParam   *lc_search_space_add            (LcSearchSpace *space, const char *path,
                                               JsonNode *values, double min, double max,
                                               gboolean log);
/* Points of the full grid. */
gsize          lc_search_space_grid_size      (const LcSearchSpace *space);

/* The settings of configuration `index`: an object {path: value} (grid: the
 * index-th grid point; random and halving: a sample from seed and index). */
JsonNode *lc_search_space_sample (const LcSearchSpace *space, LcTuneStrategy strategy,
                                  guint64 seed, int index);

/* spec with settings applied (a new document); errors name the path. */
NnModelDoc *lc_tune_apply (const NnModelDoc *spec, JsonNode *settings, GError **error);


/* ---- results ---- */

typedef struct
{
  int index;                 /* trial number */
  int config;                /* configuration (halving: the same over rungs) */
  int rung;                  /* 0 except in halving */
  JsonNode *settings;        /* object {path: value} */
  gboolean ok;
  char *error;               /* why a trial failed, or NULL */
  int epochs;                /* epochs trained */
  int best_epoch;            /* 0-based epoch of the kept weights, -1 */
  double val_accuracy;       /* of the kept weights (NaN without validation) */
  double val_loss;
  double weighted_log_loss;  /* PLAsTiCC weights, on the validation rows */
  double macro_f1;
  double seconds;
  double train_seconds;      /* of seconds, those spent in epochs (NaN: not measured) */
  GArray *val_curve;         /* double: validation accuracy per epoch */
  GArray *loss_curve;        /* double: validation loss per epoch */
} LcTrial;

LcTrial  *lc_trial_new       (void);
void      lc_trial_free      (LcTrial *trial);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcTrial, lc_trial_free)
/* One JSON line: {"event": "trial", "trial": ..., "settings": {...}, ...}. */
JsonNode *lc_trial_to_json   (const LcTrial *trial);
LcTrial  *lc_trial_from_json (JsonNode *node, GError **error);
/* The number people see for a trial, in the app and the CLI's text: counted
 * from 1, as "Trial n of N".  The ledger and JSON lines keep the index from
 * 0, which shards and resumed searches rely on. */
int       lc_trial_number    (const LcTrial *trial);
/* The number a search maximises: validation accuracy, -inf for failures. */
double    lc_trial_score     (const LcTrial *trial);
/* < 0 when a is better: score, then weighted log loss, then index. */
int       lc_trial_compare_best (const LcTrial *a, const LcTrial *b);

typedef struct
{
  GPtrArray *trials;         /* LcTrial *, at most one per index */
} LcTuneTable;

LcTuneTable   *lc_tune_table_new   (void);
void           lc_tune_table_free  (LcTuneTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcTuneTable, lc_tune_table_free)
/* Takes trial; replaces an existing trial of the same index. */
void           lc_tune_table_add   (LcTuneTable *table, LcTrial *trial);
const LcTrial *lc_tune_table_find  (const LcTuneTable *table, int index);
const LcTrial *lc_tune_table_best  (const LcTuneTable *table);
/* key: "trial", "val_accuracy", "weighted_log_loss", "macro_f1", "epochs",
 * "seconds", "rung" or a parameter path. */
void           lc_tune_table_sort  (LcTuneTable *table, const char *key, gboolean descending);
/* The order lc_tune_table_sort uses for key (ascending; missing values last). */
int            lc_trial_compare_by (const LcTrial *a, const LcTrial *b, const char *key);
/* A cell of the table as text: a number with 4 digits, a setting as written. */
char          *lc_trial_format     (const LcTrial *trial, const char *key);
/* Reads JSON lines ({"event": "trial"} lines; others are skipped) into the
 * table; errors name the file and line. */
gboolean       lc_tune_table_load  (LcTuneTable *table, const char *path, GError **error);
/* Every trials*.jsonl of dir (the shard files of a search). */
gboolean       lc_tune_table_load_dir (LcTuneTable *table, const char *dir, GError **error);
/* The table as JSON lines in trial order. */
char          *lc_tune_table_to_data (const LcTuneTable *table);
/* The same, written atomically. */
gboolean       lc_tune_table_save  (const LcTuneTable *table, const char *path, GError **error);

/* ---- running a search ---- */

typedef struct
{
  LcTuneStrategy strategy;
  guint64 seed;
  int n_trials;              /* configurations (grid: <= 0 for the whole grid) */
  int shard, n_shards;       /* run trials with index % n_shards == shard; 0/1 all */
  LcTrainOverrides overrides; /* applied to every trial (e.g. epochs, threads) */
} LcTuneOptions;

void lc_tune_options_init (LcTuneOptions *options);

/* The trial numbers grid/random will run for these options (before shards). */
int  lc_tune_n_planned (const LcSearchSpace *space, const LcTuneOptions *options);

typedef struct
{
  /* Before a trial: return FALSE to stop the search. */
  gboolean (*on_trial_start) (int index, JsonNode *settings, gpointer user_data);
  /* After a trial, with the trained model (NULL when it failed): return FALSE to stop. */
  gboolean (*on_trial) (const LcTrial *trial, const NnModelDoc *model, gpointer user_data);
  NnTrainCallbacks train;    /* each trial's epochs; FALSE stops the search too */
  gpointer user_data;
} LcTuneCallbacks;

typedef enum
{
  LC_TUNE_DONE = 0,          /* every trial of this shard has a result */
  LC_TUNE_STOPPED,           /* a callback stopped it; run again to resume */
  LC_TUNE_WAITING,           /* halving: other shards' results of a rung are missing */
  LC_TUNE_FAILED,            /* error is set */
} LcTuneStatus;

/* Runs the search on ds: every trial of this shard that table does not have
 * yet (so a table loaded from earlier results resumes it) is trained with
 * lc_train_run_prepare/train and added to table.  A trial that fails to
 * train is recorded with ok FALSE and the search goes on; a spec or space
 * that does not fit fails the search. */
LcTuneStatus lc_tune_run (const LcDataset *ds, const NnModelDoc *spec, const LcSearchSpace *space,
                          const LcTuneOptions *options, LcTuneTable *table,
                          const LcTuneCallbacks *callbacks, GError **error);

/* ---- how far a search is ---- */

typedef struct
{
  int n_planned;             /* trials of this shard in the whole search */
  int n_finished;            /* of those, in the table */
  double seconds_left;       /* estimated; < 0 while no trial has finished */
} LcTuneProgress;

/* Where the search of spec, space and options stands with table, and how
 * long its trials not in table will take: each one the finished trials'
 * mean overhead (preparing, scoring) plus their seconds per epoch times the
 * epochs it may train (its rung's, its settings' or the spec's) scaled by
 * the share of such epochs the finished trials trained (early stopping).
 * running (or -1) is the trial under way, for running_seconds so far. */
void lc_tune_progress (const NnModelDoc *spec, const LcSearchSpace *space, const LcTuneOptions *options,
                       const LcTuneTable *table, int running, double running_seconds,
                       LcTuneProgress *progress);

/* ---- heat map ---- */

typedef struct
{
  int nx, ny;
  char **x_labels;           /* [nx] */
  char **y_labels;           /* [ny] */
  double *x_edges;           /* [nx + 1] numeric bins, or NULL for categories */
  double *y_edges;
  double *score;             /* (ny, nx): best validation accuracy in the cell, NaN empty */
  int *count;                /* (ny, nx): trials in the cell */
} LcTuneHeatmap;

/* Best score per cell over two parameters: at most max_bins categories per
 * axis as they are, numbers with more distinct values in max_bins bins (log
 * bins when all positive and spanning more than a decade). */
LcTuneHeatmap *lc_tune_heatmap_new  (const LcTuneTable *table, const char *x_path,
                                     const char *y_path, int max_bins);
void           lc_tune_heatmap_free (LcTuneHeatmap *map);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcTuneHeatmap, lc_tune_heatmap_free)

G_END_DECLS
