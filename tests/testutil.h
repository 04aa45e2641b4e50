/* testutil.h: helpers shared by the test programs: where the shared data are,
 * reading the PyTorch reference JSON, comparing arrays, finite differences. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* $PASSBAND_SHARED/relative (the ../shared folder beside the checkout). */
char *tu_shared_path (const char *relative);
/* Parses a JSON file, aborting the test with a clear message if it cannot. */
JsonNode *tu_load_json (const char *path);
/* Object member by a dotted path ("layers.lstm.grad_last"); NULL if absent. */
JsonNode *tu_json_get (JsonNode *root, const char *dotted);
/* Flattens a nested JSON list of numbers into a new float array; *n gets the count. */
float *tu_json_floats (JsonNode *node, gsize *n);
int *tu_json_ints (JsonNode *node, gsize *n);
double tu_json_double (JsonNode *node);

/* Max over i of |a-b| / max(1, |b|) (absolute for small values, relative for large). */
double tu_max_mixed_error (const float *a, const float *b, gsize n);
/* Fails the test with the index and values of the worst element if the error > tol. */
void tu_assert_close (const char *what, const float *got, const float *want, gsize n, double tol);

/* Runs the built passband-cli ($PASSBAND_BUILD_DIR/src/cli) with a NULL-terminated
 * argument list and collects its exit status and output. */
typedef struct
{
  int status;
  char *out;
  char *err;
} TuCliResult;

TuCliResult *tu_run_cli (const char *first, ...) G_GNUC_NULL_TERMINATED;
void         tu_cli_result_free (TuCliResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TuCliResult, tu_cli_result_free)

/* Writes content to the new file dir/name (aborting the test if it cannot)
 * and returns its path. */
char *tu_write_file             (const char *dir, const char *name, const char *content);
/* A simulated PLAsTiCC-format survey of n_objects in dir/sim (its
 * training_set.csv in *data_csv) and the GOTO GRU preset trained on it for
 * one epoch (train_data NULL) or on train_data, saved as dir/model.json
 * (*model): what the prediction tests predict with. */
void  tu_predict_fixture        (const char *dir, int n_objects, const char *train_data, char **data_csv,
                                 char **model);
/* Deletes path and everything under it (a test's temporary folder). */
void  tu_remove_tree            (const char *path);
/* Extracts the .tar.gz `relative` of ../shared into the new folder parent/name
 * (tests never write to ../shared); returns that folder. */
char *tu_extract_shared_archive (const char *relative, const char *parent, const char *name);

/* Process CPU time, all threads, in seconds: on a busy machine a steadier
 * figure than wall time (benchmarks). */
double tu_process_cpu_seconds (void);

/* A progress function's record (LcProgressFunc shape): every fraction seen
 * goes into fractions; call stop_at (1-based, 0: never) returns FALSE, and so
 * does the first fraction past stop_above (when > 0). */
typedef struct
{
  GArray *fractions;
  int stop_at;
  double stop_above;
} TuProgress;

gboolean tu_progress_cb (double fraction, gpointer user_data);

G_END_DECLS
