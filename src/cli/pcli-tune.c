/* pcli-tune.c: passband-cli tune: hyperparameter search (issue 7, DESIGN §9).
 *
 * Results go into --out DIR as JSON lines, one per trial: trials.jsonl for a
 * whole search, trials-shard-I-of-N.jsonl for a shard, beside the best
 * model of the run (best-model.json, best-model-shard-I-of-N.json).  Running
 * again with the same DIR resumes: trials already in any trials*.jsonl of
 * DIR are skipped.  --merge reads every shard file of DIR into trials.jsonl
 * and copies the best shard model to best-model.json.
 */
#include "config.h"

#include "pcli.h"

#include "nn-atomic.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lc-pipeline.h"
#include "lc-tune.h"
#include "nn-json.h"

typedef struct
{
  gboolean json;
  const char *dir;
  char *results_path;        /* this run's (shard's) trials file */
  char *model_path;          /* this run's best model */
  const LcTuneOptions *options;
  LcTuneTable *table;        /* every trial known: earlier runs, other shards, this one */
  LcTrial *best;             /* a copy of this run's best trial, or NULL */
  GError *error;             /* saving failed: stop */
} TuneRun;

static char *
shard_file (const char *dir, const char *stem, const char *ext, const LcTuneOptions *o)
{
  g_autofree char *name = o->n_shards > 1
                            ? g_strdup_printf ("%s-shard-%d-of-%d.%s", stem, o->shard, o->n_shards, ext)
                            : g_strdup_printf ("%s.%s", stem, ext);
  return g_build_filename (dir, name, NULL);
}

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
        printf (_("trial %3d  rung %d  val_acc %.4f  wll %.4f  epochs %3d  %6.1f s  %s\n"), t->index, t->rung,
                t->val_accuracy, t->weighted_log_loss, t->epochs, t->seconds, settings);
      else
        printf (_("trial %3d  failed: %s  %s\n"), t->index, t->error != NULL ? t->error : "", settings);
    }
  fflush (stdout);
}

/* This run's trials (those of its shard), written again after every trial. */
static gboolean
save_own_trials (TuneRun *r, GError **error)
{
  g_autoptr (LcTuneTable) own = lc_tune_table_new ();
  for (guint i = 0; i < r->table->trials->len; i++)
    {
      const LcTrial *t = g_ptr_array_index (r->table->trials, i);
      g_autoptr (JsonNode) node = NULL;
      if (t->index % r->options->n_shards != r->options->shard)
        continue;
      node = lc_trial_to_json (t);
      lc_tune_table_add (own, lc_trial_from_json (node, NULL));
    }
  return lc_tune_table_save (own, r->results_path, error);
}

static LcTrial *
trial_copy (const LcTrial *t)
{
  g_autoptr (JsonNode) node = lc_trial_to_json (t);
  return lc_trial_from_json (node, NULL);
}

static gboolean
on_trial (const LcTrial *trial, const NnModelDoc *model, gpointer user_data)
{
  TuneRun *r = user_data;
  /* the runner adds the trial after this call; save a table that has it */
  lc_tune_table_add (r->table, trial_copy (trial));
  print_trial (trial, r->json);
  if (!save_own_trials (r, &r->error))
    return FALSE;
  if (model != NULL && trial->ok && (r->best == NULL || lc_trial_compare_best (trial, r->best) < 0))
    {
      if (!nn_model_doc_save (model, r->model_path, &r->error))
        return FALSE;
      g_clear_pointer (&r->best, lc_trial_free);
      r->best = trial_copy (trial);
    }
  return TRUE;
}

static gboolean
parse_shard (const char *text, LcTuneOptions *o)
{
  int i, n;
  char tail;
  if (text == NULL)
    return TRUE;
  if (sscanf (text, "%d/%d%c", &i, &n, &tail) != 2 || n < 1 || i < 0 || i >= n)
    return FALSE;
  o->shard = i;
  o->n_shards = n;
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
    printf (_("; best trial %d, val_accuracy %.4f"), best->index, best->val_accuracy);
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

static int
merge_shards (const char *dir, gboolean json)
{
  g_autoptr (LcTuneTable) table = lc_tune_table_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *out = g_build_filename (dir, "trials.jsonl", NULL);
  g_autofree char *model_out = g_build_filename (dir, "best-model.json", NULL);
  g_autofree char *model_in = NULL;
  const LcTrial *best;

  if (!lc_tune_table_load_dir (table, dir, &error) || !lc_tune_table_save (table, out, &error))
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
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard, N_("Run trials with index % N == I"), "I/N" },
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
  if (!parse_shard (shard, &o))
    {
      pcli_error ("tune", _("--shard: expected I/N with 0 <= I < N, found “%s”"), shard);
      return 2;
    }
  if (trials < 0 || (trials == 0 && o.strategy != LC_TUNE_GRID))
    {
      pcli_error ("tune", _("--trials: expected a positive number, found %d"), trials);
      return 2;
    }
  o.n_trials = trials;
  o.seed = (guint64) seed;
  o.overrides.epochs = epochs;
  o.overrides.threads = CLAMP (threads, 0, 2);

  spec = nn_model_doc_load (spec_path, &error);
  if (spec != NULL)
    space = lc_search_space_load (space_path, &error);
  if (space == NULL)
    {
      pcli_error ("tune", "%s", error->message);
      return 1;
    }
  if (g_mkdir_with_parents (out, 0755) != 0)
    {
      pcli_error ("tune", _("%s: cannot create the folder: %s"), out, g_strerror (errno));
      return 1;
    }
  /* resume: what earlier runs and other shards left in DIR */
  if (!lc_tune_table_load_dir (table, out, &error))
    {
      pcli_error ("tune", "%s", error->message);
      return 1;
    }
  ds = pcli_load_dataset ("tune", data, meta, &error);
  if (ds == NULL)
    {
      pcli_error ("tune", "%s", error->message);
      return 1;
    }

  run.json = json;
  run.dir = out;
  run.results_path = shard_file (out, "trials", "jsonl", &o);
  run.model_path = shard_file (out, "best-model", "json", &o);
  run.options = &o;
  run.table = table;
  for (guint i = 0; i < table->trials->len; i++)
    {
      const LcTrial *t = g_ptr_array_index (table->trials, i);
      if (t->ok && t->index % o.n_shards == o.shard && g_file_test (run.model_path, G_FILE_TEST_EXISTS)
          && (run.best == NULL || lc_trial_compare_best (t, run.best) < 0))
        {
          g_clear_pointer (&run.best, lc_trial_free);
          run.best = trial_copy (t);
        }
    }
  callbacks.on_trial = on_trial;
  callbacks.user_data = &run;

  status = lc_tune_run (ds, spec, space, &o, table, &callbacks, &error);
  g_clear_pointer (&run.best, lc_trial_free);
  if (status == LC_TUNE_FAILED || run.error != NULL)
    {
      pcli_error ("tune", "%s", error != NULL ? error->message : run.error->message);
      g_clear_error (&run.error);
      g_free (run.results_path);
      g_free (run.model_path);
      return 1;
    }
  if (status == LC_TUNE_WAITING)
    pcli_error ("tune", _("the next rung needs the other shards' results; run this shard again when they "
                          "have finished"));
  /* a shard with nothing left to do still leaves its (maybe empty) file */
  if (!g_file_test (run.results_path, G_FILE_TEST_EXISTS))
    save_own_trials (&run, NULL);
  print_result (status_names[status], table, run.model_path, json);
  g_free (run.results_path);
  g_free (run.model_path);
  return status == LC_TUNE_STOPPED ? 1 : 0;
}
