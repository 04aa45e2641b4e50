/* pcli.h: what the passband-cli subcommands share. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "lc.h"

G_BEGIN_DECLS

typedef int (*PcliCommandFunc) (int argc, char **argv);

/* Each subcommand: parses its own options (argv[0] is the subcommand name),
 * prints results on stdout, errors on stderr, returns the exit status. */
int pcli_info     (int argc, char **argv);
int pcli_simulate (int argc, char **argv);
int pcli_train    (int argc, char **argv);
int pcli_evaluate (int argc, char **argv);
int pcli_predict  (int argc, char **argv);
int pcli_crossval (int argc, char **argv);
int pcli_tune     (int argc, char **argv);
int pcli_export   (int argc, char **argv);
int pcli_encode   (int argc, char **argv);
int pcli_novelty_eval (int argc, char **argv);
int pcli_explain  (int argc, char **argv);
int pcli_runs     (int argc, char **argv);

/* Parses options of a subcommand; on error prints it with the subcommand's
 * usage hint and returns FALSE. */
gboolean pcli_parse (GOptionContext *context, const char *command, int *argc, char ***argv);

/* --shard I/N (NULL: leaves shard and n_shards as they are); prints the
 * error and returns FALSE unless 0 <= I < N.  Numbers are 0-based, as
 * $SLURM_ARRAY_TASK_ID of "sbatch --array=0-(N-1)". */
gboolean pcli_parse_shard (const char *command, const char *text, int *shard, int *n_shards);

/* Prints "passband-cli COMMAND: message" on stderr. */
void pcli_error (const char *command, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Loads PATH (file, folder or sim:N[:seed]) with optional metadata, printing
 * progress on stderr when it is a terminal. */
LcDataset *pcli_load_dataset (const char *command, const char *path, const char *meta_path,
                              GError **error);

/* Loads the spec (a model file to train) and then the dataset, so a bad spec
 * is reported before a long load; on failure prints the error for command
 * and returns FALSE (what was loaded is freed). */
gboolean pcli_load_spec_and_data  (const char *command, const char *spec_path, const char *path,
                                   const char *meta_path, NnModelDoc **spec, LcDataset **ds);
/* The same with a trained model, ready to predict. */
gboolean pcli_load_model_and_data (const char *command, const char *model_path, const char *path,
                                   const char *meta_path, LcPredictor **predictor, LcDataset **ds);

/* The options that override a spec's training section (--epochs, --threads,
 * --balance, ...), shared by train and crossval so both take the same ones. */
typedef struct
{
  LcTrainOverrides o;
  char *balance;
  char *loss;
} PcliOverrides;

/* Initialises overrides and adds their options to context's main group. */
void     pcli_overrides_add_entries (GOptionContext *context, PcliOverrides *overrides);
/* After parsing: turns --balance and --loss into values and keeps --threads
 * to 1 or 2; prints the error and returns FALSE for an unknown value. */
gboolean pcli_overrides_finish      (PcliOverrides *overrides, const char *command);
void     pcli_overrides_clear       (PcliOverrides *overrides);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PcliOverrides, pcli_overrides_clear)

/* Adds name: value, or null when value is NaN or infinite. */
void pcli_json_add_number (JsonBuilder *builder, const char *name, double value);

/* Prints one JSON object as a single line on stdout and flushes it. */
void pcli_print_json (JsonBuilder *builder);

G_END_DECLS
