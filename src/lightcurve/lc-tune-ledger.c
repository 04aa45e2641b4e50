/* lc-tune-ledger.c: a search's trials on disk (see lc-tune-ledger.h) */
#include "config.h"

#include "lc-tune-ledger.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "nn-atomic.h"
#include "nn-json.h"

struct _LcTuneLedger
{
  char *trials_path;         /* this run's (shard's) trials file */
  char *model_path;          /* this run's best model */
  LcTuneOptions options;
  LcTuneTable *table;        /* every trial known: earlier runs, other shards, this one */
  LcTrial *best;             /* a copy of this run's best trial whose model is saved, or NULL */
};

static char *
shard_file (const char *dir, const char *stem, const char *ext, const LcTuneOptions *o)
{
  g_autofree char *name = o->n_shards > 1
                            ? g_strdup_printf ("%s-shard-%d-of-%d.%s", stem, o->shard, o->n_shards, ext)
                            : g_strdup_printf ("%s.%s", stem, ext);
  return g_build_filename (dir, name, NULL);
}

static LcTrial *
trial_copy (const LcTrial *t)
{
  g_autoptr (JsonNode) node = lc_trial_to_json (t);
  return lc_trial_from_json (node, NULL);
}

static gboolean
is_own (const LcTuneLedger *ledger, const LcTrial *t)
{
  return t->index % ledger->options.n_shards == ledger->options.shard;
}

LcTuneLedger *
lc_tune_ledger_open (const char *dir, const LcTuneOptions *options, LcTuneTable *table, GError **error)
{
  g_autoptr (LcTuneLedger) ledger = g_new0 (LcTuneLedger, 1);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("%s: cannot create the folder: %s"),
                   dir, g_strerror (saved));
      return NULL;
    }
  if (!lc_tune_table_load_dir (table, dir, error))
    return NULL;
  ledger->options = *options;
  ledger->options.n_shards = MAX (ledger->options.n_shards, 1);
  ledger->table = table;
  ledger->trials_path = shard_file (dir, "trials", "jsonl", &ledger->options);
  ledger->model_path = shard_file (dir, "best-model", "json", &ledger->options);
  /* the best model on disk belongs to the best of this run's trials on record */
  for (guint i = 0; i < table->trials->len; i++)
    {
      const LcTrial *t = g_ptr_array_index (table->trials, i);
      if (t->ok && is_own (ledger, t) && g_file_test (ledger->model_path, G_FILE_TEST_EXISTS)
          && (ledger->best == NULL || lc_trial_compare_best (t, ledger->best) < 0))
        {
          g_clear_pointer (&ledger->best, lc_trial_free);
          ledger->best = trial_copy (t);
        }
    }
  return g_steal_pointer (&ledger);
}

void
lc_tune_ledger_free (LcTuneLedger *ledger)
{
  if (ledger == NULL)
    return;
  g_free (ledger->trials_path);
  g_free (ledger->model_path);
  g_clear_pointer (&ledger->best, lc_trial_free);
  g_free (ledger);
}

/* The line that ends the file of a shard that has run all its trials. */
static char *
shard_done_line (const LcTuneOptions *o, guint n_trials)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, "shard");
  json_builder_set_member_name (b, "shard");
  json_builder_add_int_value (b, o->shard);
  json_builder_set_member_name (b, "shards");
  json_builder_add_int_value (b, o->n_shards);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "done");
  json_builder_set_member_name (b, "trials");
  json_builder_add_int_value (b, n_trials);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  return nn_json_to_string (node);
}

gboolean
lc_tune_ledger_save (LcTuneLedger *ledger, gboolean done, GError **error)
{
  g_autoptr (LcTuneTable) own = lc_tune_table_new ();
  g_autofree char *trials = NULL, *end = NULL, *text = NULL;

  for (guint i = 0; i < ledger->table->trials->len; i++)
    {
      const LcTrial *t = g_ptr_array_index (ledger->table->trials, i);
      if (is_own (ledger, t))
        lc_tune_table_add (own, trial_copy (t));
    }
  trials = lc_tune_table_to_data (own);
  if (done && ledger->options.n_shards > 1)
    end = shard_done_line (&ledger->options, own->trials->len);
  text = g_strconcat (trials, end != NULL ? end : "", end != NULL ? "\n" : "", NULL);
  if (nn_atomic_write (ledger->trials_path, text, -1, error))
    return TRUE;
  g_prefix_error (error, "%s: ", ledger->trials_path);
  return FALSE;
}

gboolean
lc_tune_ledger_record (LcTuneLedger *ledger, const LcTrial *trial, const NnModelDoc *model, GError **error)
{
  /* A killed run must never leave a trial on record whose better model is
   * not saved: the model first, then the trials (the trial then runs again
   * on resume and gives the same model). */
  if (model != NULL && trial->ok && (ledger->best == NULL || lc_trial_compare_best (trial, ledger->best) < 0))
    {
      if (!nn_model_doc_save (model, ledger->model_path, error))
        return FALSE;
      g_clear_pointer (&ledger->best, lc_trial_free);
      ledger->best = trial_copy (trial);
    }
  lc_tune_table_add (ledger->table, trial_copy (trial));
  return lc_tune_ledger_save (ledger, FALSE, error);
}

const char *
lc_tune_ledger_get_trials_path (const LcTuneLedger *ledger)
{
  return ledger->trials_path;
}

const char *
lc_tune_ledger_get_model_path (const LcTuneLedger *ledger)
{
  return ledger->model_path;
}

char *
lc_tune_search_key (const char *data, const NnModelDoc *spec, const LcSearchSpace *space,
                    const LcTuneOptions *o)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *model = nn_model_doc_to_data (spec, NULL);
  g_autofree char *search = lc_search_space_to_data (space);
  g_autofree char *run = g_strdup_printf ("%s %d %" G_GUINT64_FORMAT " %d", lc_tune_strategy_to_string (o->strategy),
                                          o->n_trials, o->seed, o->overrides.epochs);

  /* each part with its NUL, so that no two different searches run together */
  g_checksum_update (sum, (const guchar *) data, strlen (data) + 1);
  g_checksum_update (sum, (const guchar *) model, strlen (model) + 1);
  g_checksum_update (sum, (const guchar *) search, strlen (search) + 1);
  g_checksum_update (sum, (const guchar *) run, strlen (run) + 1);
  return g_strndup (g_checksum_get_string (sum), 16);
}
