/* pcli-tune.c: passband-cli tune: hyperparameter search (DESIGN §9).
 *
 * Results go into --out DIR, the search's ledger (lc-tune-ledger.h):
 * trials.jsonl for a whole search, trials-shard-I-of-N.jsonl for a shard (I
 * from 0, as $SLURM_ARRAY_TASK_ID of "sbatch --array=0-(N-1)"), beside the
 * best model of the run.  A trial is on record before it is printed.
 * Running again with the same DIR resumes: trials already in any
 * trials*.jsonl of DIR are skipped, so a killed shard goes on at its first
 * unfinished trial.  --merge checks that every shard of the
 * search has finished, reads the shard files into trials.jsonl and copies the
 * best shard model to best-model.json.
 */
#include "config.h"

#include "pcli.h"

#include "nn-atomic.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lc-pipeline.h"
#include "lc-tune-ledger.h"
#include "nn-json.h"

typedef struct
{
  gboolean json;
  LcTuneLedger *ledger;
  GError *error;             /* saving failed: stop */
} TuneRun;

static void
print_trial (const LcTrial *t, gboolean json)
{
  if (json)
    {
      g_autoptr (JsonNode) node = lc_trial_to_json (t);
      g_autofree char *line = nn_json_to_string (node);
      printf ("%s\n", line);
    }
  else
    {
      g_autofree char *settings = nn_json_to_string (t->settings);
      if (t->ok)
        printf (_("trial %3d  rung %d  val_acc %.4f  wll %.4f  epochs %3d  %6.1f s  %s\n"), lc_trial_number (t), t->rung,
                t->val_accuracy, t->weighted_log_loss, t->epochs, t->seconds, settings);
      else
        printf (_("trial %3d  failed: %s  %s\n"), lc_trial_number (t), t->error != NULL ? t->error : "", settings);
    }
  fflush (stdout);
}

static gboolean
on_trial (const LcTrial *trial, const NnModelDoc *model, gpointer user_data)
{
  TuneRun *r = user_data;

  /* on record (and its model saved) before it is printed */
  if (!lc_tune_ledger_record (r->ledger, trial, model, &r->error))
    return FALSE;
  print_trial (trial, r->json);
  return TRUE;
}

static void
print_result (const char *status, const LcTuneTable *table, const char *model_path, gboolean json)
{
  const LcTrial *best = lc_tune_table_best (table);
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "result");
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, status);
      json_builder_set_member_name (b, "trials");
      json_builder_add_int_value (b, table->trials->len);
      json_builder_set_member_name (b, "best_trial");
      if (best != NULL)
        json_builder_add_int_value (b, best->index);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "best_val_accuracy");
      if (best != NULL && isfinite (best->val_accuracy))
        json_builder_add_double_value (b, best->val_accuracy);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "best_settings");
      if (best != NULL)
        json_builder_add_value (b, json_node_copy (best->settings));
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "model");
      if (model_path != NULL && g_file_test (model_path, G_FILE_TEST_EXISTS))
        json_builder_add_string_value (b, model_path);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
      pcli_print_json (b);
      return;
    }
  /* TRANSLATORS: the status is a keyword (done, stopped, waiting, failed, merged) */
  printf (_("%s: %u trials"), status, table->trials->len);
  if (best != NULL)
    printf (_("; best trial %d, val_accuracy %.4f"), lc_trial_number (best), best->val_accuracy);
  if (model_path != NULL && g_file_test (model_path, G_FILE_TEST_EXISTS))
    printf (_("; model %s"), model_path);
  printf ("\n");
}

/* The best model among the shard files: the best trial's shard has it. */
static char *
find_shard_model (const char *dir, const LcTrial *best)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      int i, n;
      char tail;
      if (sscanf (name, "best-model-shard-%d-of-%d.jso%c", &i, &n, &tail) == 3 && tail == 'n' && n > 0
          && best->index % n == i)
        return g_build_filename (dir, name, NULL);
    }
  return NULL;
}

/* TRUE when the shard file at path ends with its "done" line. */
static gboolean
shard_file_finished (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *last;
  JsonNode *root;
  JsonObject *o;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  g_strchomp (text);
  last = strrchr (text, '\n');
  last = last != NULL ? last + 1 : text;
  if (!json_parser_load_from_data (parser, last, -1, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  o = json_node_get_object (root);
  return g_strcmp0 (json_object_get_string_member_with_default (o, "event", ""), "shard") == 0
         && g_strcmp0 (json_object_get_string_member_with_default (o, "status", ""), "done") == 0;
}

/* The N of the trials-shard-I-of-N.jsonl files in dir (0 when there are
 * none, -1 with error set when they disagree). */
static int
shard_count (const char *dir, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  const char *name;
  int n_shards = 0;

  if (d == NULL)
    return -1;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      int i, n, end = 0;
      if (sscanf (name, "trials-shard-%d-of-%d%n", &i, &n, &end) != 2 || strcmp (name + end, ".jsonl") != 0
          || n < 1)
        continue;
      if (n_shards != 0 && n != n_shards)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                       _("%s: results of a search in %d shards and of one in %d shards; a folder holds "
                         "one search"), dir, MIN (n, n_shards), MAX (n, n_shards));
          return -1;
        }
      n_shards = n;
    }
  return n_shards;
}

/* Every shard of the search in dir has its file and has finished; else an
 * error that says which shards to run again. */
static gboolean
check_shards_finished (const char *dir, GError **error)
{
  int n_shards = shard_count (dir, error);
  g_autoptr (GString) missing = g_string_new (NULL), unfinished = g_string_new (NULL);
  g_autoptr (GString) rerun = g_string_new (NULL), problems = g_string_new (NULL);

  if (n_shards < 0)
    return FALSE;
  if (n_shards == 0)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                   _("%s: no shard results to merge (trials-shard-I-of-N.jsonl, written by tune --shard I/N)"),
                   dir);
      return FALSE;
    }
  for (int i = 0; i < n_shards; i++)
    {
      g_autofree char *name = g_strdup_printf ("trials-shard-%d-of-%d.jsonl", i, n_shards);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GString *list;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        list = missing;
      else if (!shard_file_finished (path))
        list = unfinished;
      else
        continue;
      g_string_append_printf (list, "%s%d", list->len > 0 ? ", " : "", i);
      g_string_append_printf (rerun, "%s%d", rerun->len > 0 ? "," : "", i);
    }
  if (rerun->len == 0)
    return TRUE;
  if (missing->len > 0)
    /* TRANSLATORS: a list of shard numbers, then the file name pattern */
    g_string_append_printf (problems, _("no results from shard %s (trials-shard-I-of-%d.jsonl)"), missing->str,
                            n_shards);
  if (unfinished->len > 0)
    {
      if (problems->len > 0)
        g_string_append (problems, "; ");
      /* TRANSLATORS: a list of shard numbers */
      g_string_append_printf (problems, _("shard %s did not finish"), unfinished->str);
    }
  g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
               _("%s: cannot merge a search in %d shards: %s. Run those shards with the same arguments and "
                 "--shard I/%d (with SLURM: sbatch --array=%s and the same script and arguments); a rerun "
                 "resumes at its first unfinished trial. Then merge again."),
               dir, n_shards, problems->str, n_shards, rerun->str);
  return FALSE;
}

static int
merge_shards (const char *dir, gboolean json)
{
  g_autoptr (LcTuneTable) table = lc_tune_table_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *out = g_build_filename (dir, "trials.jsonl", NULL);
  g_autofree char *model_out = g_build_filename (dir, "best-model.json", NULL);
  g_autofree char *model_in = NULL;
  const LcTrial *best;

  if (!check_shards_finished (dir, &error) || !lc_tune_table_load_dir (table, dir, &error)
      || !lc_tune_table_save (table, out, &error))
    {
      pcli_error ("tune", "%s", error->message);
      return 1;
    }
  best = lc_tune_table_best (table);
  if (best != NULL && (model_in = find_shard_model (dir, best)) != NULL)
    {
      g_autofree char *text = NULL;
      gsize len;
      if (!g_file_get_contents (model_in, &text, &len, &error)
          || !nn_atomic_write (model_out, text, (gssize) len, &error))
        {
          if (text != NULL)
            g_prefix_error (&error, "%s: ", model_out);
          pcli_error ("tune", "%s", error->message);
          return 1;
        }
    }
  if (json)
    for (guint i = 0; i < table->trials->len; i++)
      print_trial (g_ptr_array_index (table->trials, i), TRUE);
  print_result ("merged", table, model_out, json);
  return 0;
}

int
pcli_tune (int argc, char **argv)
{
  g_autofree char *data = NULL, *meta = NULL, *spec_path = NULL, *space_path = NULL, *out = NULL;
  g_autofree char *strategy = NULL, *shard = NULL;
  gboolean json = FALSE, merge = FALSE;
  gint64 seed = 0;
  int trials = 20, epochs = 0, threads = 0;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, N_("Training dataset"), "PATH" },
    { "meta", 0, 0, G_OPTION_ARG_FILENAME, &meta, N_("Metadata CSV (PLAsTiCC)"), "PATH" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &spec_path, N_("Model spec or preset (JSON)"), "SPEC.json" },
    { "space", 0, 0, G_OPTION_ARG_FILENAME, &space_path, N_("Search space (JSON)"), "SPACE.json" },
    { "trials", 0, 0, G_OPTION_ARG_INT, &trials, N_("Configurations to try (grid: 0 = all)"), "N" },
    { "strategy", 0, 0, G_OPTION_ARG_STRING, &strategy, N_("grid, random or halving"), "S" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed of the search"), "S" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard, N_("Run trials with index % N == I (I from 0, as $SLURM_ARRAY_TASK_ID)"), "I/N" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, N_("Epochs of every trial (halving: the most)"), "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("Threads (1 or 2)"), "N" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Folder for results and the best model"), "DIR" },
    { "merge", 0, 0, G_OPTION_ARG_NONE, &merge, N_("Merge the shard results in --out"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON lines"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (_("— search hyperparameters of a model spec"));
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (NnModelDoc) spec = NULL;
  g_autoptr (LcSearchSpace) space = NULL;
  g_autoptr (LcTuneTable) table = lc_tune_table_new ();
  g_autoptr (LcTuneLedger) ledger = NULL;
  LcTuneOptions o;
  LcTuneCallbacks callbacks = { 0 };
  TuneRun run = { 0 };
  LcTuneStatus status;
  static const char *const status_names[] = { "done", "stopped", "waiting", "failed" };

  lc_tune_options_init (&o);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!pcli_parse (context, "tune", &argc, &argv))
    return 2;
  if (out == NULL)
    {
      pcli_error ("tune", _("--out DIR is required"));
      return 2;
    }
  if (merge)
    return merge_shards (out, json);
  if (data == NULL || spec_path == NULL || space_path == NULL)
    {
      pcli_error ("tune", _("--data PATH, --model SPEC.json, --space SPACE.json and --out DIR are required"));
      return 2;
    }
  if (strategy != NULL && !lc_tune_strategy_from_string (strategy, &o.strategy))
    {
      pcli_error ("tune", _("--strategy: unknown value “%s” (grid, random or halving)"), strategy);
      return 2;
    }
  if (!pcli_parse_shard ("tune", shard, &o.shard, &o.n_shards))
    return 2;
  if (trials < 0 || (trials == 0 && o.strategy != LC_TUNE_GRID))
    {
      pcli_error ("tune", _("--trials: expected a positive number, found %d"), trials);
      return 2;
    }
  o.n_trials = trials;
  o.seed = (guint64) seed;
  o.overrides.epochs = epochs;
  o.overrides.threads = CLAMP (threads, 0, 2);

  space = lc_search_space_load (space_path, &error);
  if (space == NULL)
    {
      pcli_error ("tune", "%s", error->message);
      return 1;
    }
  /* resume: what earlier runs and other shards left in DIR */
  ledger = lc_tune_ledger_open (out, &o, table, &error);
  if (ledger == NULL)
    {
      pcli_error ("tune", "%s", error->message);
      return 1;
    }
  if (!pcli_load_spec_and_data ("tune", spec_path, data, meta, &spec, &ds))
    return 1;

  run.json = json;
  run.ledger = ledger;
  callbacks.on_trial = on_trial;
  callbacks.user_data = &run;

  status = lc_tune_run (ds, spec, space, &o, table, &callbacks, &error);
  if (status == LC_TUNE_FAILED || run.error != NULL)
    {
      pcli_error ("tune", "%s", error != NULL ? error->message : run.error->message);
      g_clear_error (&run.error);
      return 1;
    }
  if (status == LC_TUNE_WAITING)
    pcli_error ("tune", _("the next rung needs the other shards' results; run this shard again when they "
                          "have finished"));
  /* a shard with nothing left to do still leaves its (maybe empty) file */
  if ((status == LC_TUNE_DONE || !g_file_test (lc_tune_ledger_get_trials_path (ledger), G_FILE_TEST_EXISTS))
      && !lc_tune_ledger_save (ledger, status == LC_TUNE_DONE, &error))
    {
      pcli_error ("tune", "%s", error->message);
      return 1;
    }
  print_result (status_names[status], table, lc_tune_ledger_get_model_path (ledger), json);
  return status == LC_TUNE_STOPPED ? 1 : 0;
}
