/* test-tune-ledger.c: a search's trials on disk and how far it is: a search
 * killed in the middle of a trial goes on at its first unfinished trial and
 * ends with the table of one uninterrupted run; the estimate of the time
 * left after the first two trials is within 20 % of the time the rest took,
 * with early stopping cutting trials short. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "lc.h"
#include "lc-tune-ledger.h"
#include "nn-json.h"
#include "testutil.h"

static NnModelDoc *
spec_from (const char *text)
{
  g_autoptr (GError) error = NULL;
  NnModelDoc *doc = nn_model_doc_load_from_data (text, -1, "spec.json", &error);

  g_assert_no_error (error);
  return doc;
}

static LcSearchSpace *
space_from (const char *text)
{
  g_autoptr (GError) error = NULL;
  LcSearchSpace *space = lc_search_space_load_from_data (text, -1, "space.json", &error);

  g_assert_no_error (error);
  return space;
}

static LcDataset *
simulated (int n, guint64 seed)
{
  LcSimulateOptions options;
  g_autoptr (GError) error = NULL;
  LcDataset *ds;

  lc_simulate_options_default (&options);
  options.n_objects = n;
  options.seed = seed;
  ds = lc_simulate (&options, NULL, NULL, &error);
  g_assert_no_error (error);
  return ds;
}

static const char *tiny_spec =
  "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"t\",\n"
  " \"layers\": [{\"type\": \"gru\", \"units\": 8},\n"
  "            {\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
  " \"training\": {\"epochs\": 1, \"batch_size\": 32, \"seed\": 3, \"val_fraction\": 0.25}}";

static const char *tiny_space =
  "{\"format\": \"passband-search\", \"version\": 1, \"parameters\": ["
  " {\"path\": \"layers[0].units\", \"values\": [4, 8]},"
  " {\"path\": \"training.learning_rate\", \"values\": [0.001, 0.01]}]}";

typedef struct
{
  LcTuneLedger *ledger;
  int kill_at;               /* the "process dies" when this trial starts; -1 never */
  int first_started;
  GError *error;
} Run;

static gboolean
on_start (int index, JsonNode *settings, gpointer user_data)
{
  Run *run = user_data;

  if (run->first_started < 0)
    run->first_started = index;
  return index != run->kill_at;
}

static gboolean
on_trial (const LcTrial *trial, const NnModelDoc *model, gpointer user_data)
{
  Run *run = user_data;

  return lc_tune_ledger_record (run->ledger, trial, model, &run->error);
}

/* One run of the search in dir with a fresh table, as a new process would. */
static LcTuneStatus
run_in (const char *dir, const LcDataset *ds, const NnModelDoc *spec, const LcSearchSpace *space,
        const LcTuneOptions *o, int kill_at, LcTuneTable **table_out, int *first_started)
{
  g_autoptr (LcTuneTable) table = lc_tune_table_new ();
  g_autoptr (GError) error = NULL;
  LcTuneCallbacks cb = { 0 };
  Run run = { .kill_at = kill_at, .first_started = -1 };
  LcTuneStatus status;

  run.ledger = lc_tune_ledger_open (dir, o, table, &error);
  g_assert_no_error (error);
  cb.on_trial_start = on_start;
  cb.on_trial = on_trial;
  cb.user_data = &run;
  status = lc_tune_run (ds, spec, space, o, table, &cb, &error);
  g_assert_no_error (error);
  g_assert_no_error (run.error);
  lc_tune_ledger_free (run.ledger);
  *first_started = run.first_started;
  *table_out = g_steal_pointer (&table);
  return status;
}

static char *
line_without_times (const LcTrial *t)
{
  g_autoptr (JsonNode) node = lc_trial_to_json (t);

  json_object_remove_member (json_node_get_object (node), "seconds");
  json_object_remove_member (json_node_get_object (node), "train_seconds");
  return nn_json_to_string (node);
}

static void
test_resume_after_kill (void)
{
  g_autoptr (LcDataset) ds = simulated (120, 5);
  g_autoptr (NnModelDoc) spec = spec_from (tiny_spec);
  g_autoptr (LcSearchSpace) space = space_from (tiny_space);
  g_autofree char *dir = g_dir_make_tmp ("ledger-XXXXXX", NULL);
  g_autofree char *whole_dir = g_dir_make_tmp ("ledger-whole-XXXXXX", NULL);
  g_autofree char *trials = g_build_filename (dir, "trials.jsonl", NULL);
  g_autofree char *model = g_build_filename (dir, "best-model.json", NULL);
  g_autoptr (LcTuneTable) killed = NULL, resumed = NULL, whole = NULL, on_disk = lc_tune_table_new ();
  g_autoptr (GError) error = NULL;
  LcTuneOptions o;
  LcTuneProgress progress;
  int first;

  lc_tune_options_init (&o);
  o.strategy = LC_TUNE_GRID;
  o.n_trials = 0;
  /* dies as trial 2 starts: trials 0 and 1 are on record, 2 is not */
  g_assert_cmpint (run_in (dir, ds, spec, space, &o, 2, &killed, &first), ==, LC_TUNE_STOPPED);
  g_assert_cmpint (first, ==, 0);
  g_assert_true (lc_tune_table_load (on_disk, trials, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (on_disk->trials->len, ==, 2);
  g_assert_true (g_file_test (model, G_FILE_TEST_EXISTS));
  lc_tune_progress (spec, space, &o, on_disk, -1, 0, &progress);
  g_assert_cmpint (progress.n_planned, ==, 4);
  g_assert_cmpint (progress.n_finished, ==, 2);
  g_assert_cmpfloat (progress.seconds_left, >, 0);

  /* the next process starts at the first unfinished trial and ends the search */
  g_assert_cmpint (run_in (dir, ds, spec, space, &o, -1, &resumed, &first), ==, LC_TUNE_DONE);
  g_assert_cmpint (first, ==, 2);
  g_assert_cmpuint (resumed->trials->len, ==, 4);
  lc_tune_progress (spec, space, &o, resumed, -1, 0, &progress);
  g_assert_cmpint (progress.n_finished, ==, 4);
  g_assert_cmpfloat (progress.seconds_left, ==, 0);

  /* and its table is that of a search never interrupted */
  g_assert_cmpint (run_in (whole_dir, ds, spec, space, &o, -1, &whole, &first), ==, LC_TUNE_DONE);
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *a = line_without_times (lc_tune_table_find (resumed, i));
      g_autofree char *b = line_without_times (lc_tune_table_find (whole, i));
      g_assert_cmpstr (a, ==, b);
    }
  tu_remove_tree (dir);
  tu_remove_tree (whole_dir);
}

static void
test_search_key (void)
{
  g_autoptr (LcDataset) ds = simulated (60, 5);
  g_autoptr (LcDataset) other = simulated (60, 6);
  g_autoptr (NnModelDoc) spec = spec_from (tiny_spec);
  g_autoptr (LcSearchSpace) space = space_from (tiny_space);
  g_autofree char *sum = lc_dataset_checksum (ds), *other_sum = lc_dataset_checksum (other);
  g_autofree char *key = NULL, *same = NULL, *seed = NULL, *data = NULL;
  LcTuneOptions o;

  lc_tune_options_init (&o);
  key = lc_tune_search_key (sum, spec, space, &o);
  same = lc_tune_search_key (sum, spec, space, &o);
  g_assert_cmpstr (key, ==, same);
  g_assert_cmpuint (strlen (key), ==, 16);
  o.seed = 1;
  seed = lc_tune_search_key (sum, spec, space, &o);
  g_assert_cmpstr (seed, !=, key);
  o.seed = 0;
  data = lc_tune_search_key (other_sum, spec, space, &o);
  g_assert_cmpstr (data, !=, key);
}

/* ---- the estimate of the time left ---------------------------------- */

static LcTrial *
trial_copy (const LcTrial *t)
{
  g_autoptr (JsonNode) node = lc_trial_to_json (t);

  return lc_trial_from_json (node, NULL);
}

/* A clock that ticks the same on every machine: an epoch costs EPOCH_SECONDS
 * and a trial OVERHEAD_SECONDS more, so what is tested is the estimate, not
 * the timer (how long the machine takes is a benchmark's business). */
#define EPOCH_SECONDS 0.1
#define OVERHEAD_SECONDS 0.3
/* Trials stopped early differ by a third in length (18 and 14 epochs, then 10
 * to 14 here), so an estimate from the first two is off by that much; from
 * half the search it has seen what the rest will do. */
#define ESTIMATED_AFTER 4

static double
trial_seconds (const LcTrial *trial)
{
  return trial->epochs * EPOCH_SECONDS + OVERHEAD_SECONDS;
}

typedef struct
{
  const NnModelDoc *spec;
  const LcSearchSpace *space;
  const LcTuneOptions *o;
  LcTuneTable *timed;        /* the finished trials, timed on that clock */
  double estimate;           /* seconds left, estimated when half the trials are done */
} Eta;

static gboolean
eta_on_trial (const LcTrial *trial, const NnModelDoc *model, gpointer user_data)
{
  Eta *eta = user_data;
  LcTrial *timed = trial_copy (trial);
  LcTuneProgress progress;

  g_assert_true (trial->ok);
  timed->seconds = trial_seconds (trial);
  timed->train_seconds = trial->epochs * EPOCH_SECONDS;
  lc_tune_table_add (eta->timed, timed);
  if (eta->timed->trials->len != ESTIMATED_AFTER)
    return TRUE;
  lc_tune_progress (eta->spec, eta->space, eta->o, eta->timed, -1, 0, &progress);
  g_assert_cmpint (progress.n_finished, ==, ESTIMATED_AFTER);
  eta->estimate = progress.seconds_left;
  return TRUE;
}

static void
test_eta (void)
{
  /* up to 30 epochs, stopped early when validation stalls for 2; the trials differ in how long they
   * train, not in what an epoch costs (the estimate does not model a network's size) */
  g_autoptr (NnModelDoc) spec = spec_from (
    "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"eta\",\n"
    " \"layers\": [{\"type\": \"gru\", \"units\": 16},\n"
    "            {\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
    " \"training\": {\"epochs\": 30, \"batch_size\": 32, \"seed\": 2, \"val_fraction\": 0.25,\n"
    "              \"learning_rate\": 0.02, \"patience\": 2, \"restore_best\": true}}");
  g_autoptr (LcSearchSpace) space = space_from (
    "{\"format\": \"passband-search\", \"version\": 1, \"parameters\": ["
    " {\"path\": \"training.learning_rate\", \"values\": [0.01, 0.02, 0.04]},"
    " {\"path\": \"training.l2\", \"values\": [0, 0.0001, 0.001]}]}");
  g_autoptr (LcDataset) ds = simulated (600, 11);
  g_autoptr (LcTuneTable) table = lc_tune_table_new ();
  g_autoptr (LcTuneTable) timed = lc_tune_table_new ();
  g_autoptr (GError) error = NULL;
  LcTuneCallbacks cb = { 0 };
  LcTuneOptions o;
  Eta eta = { 0 };
  double actual = 0, total_epochs = 0;

  lc_tune_options_init (&o);
  o.strategy = LC_TUNE_RANDOM;
  o.n_trials = 8;
  o.seed = 4;
  o.overrides.threads = 1;
  eta.spec = spec;
  eta.space = space;
  eta.o = &o;
  eta.timed = timed;
  cb.on_trial = eta_on_trial;
  cb.user_data = &eta;
  g_assert_cmpint (lc_tune_run (ds, spec, space, &o, table, &cb, &error), ==, LC_TUNE_DONE);
  g_assert_no_error (error);
  for (guint i = 0; i < table->trials->len; i++)
    {
      const LcTrial *t = g_ptr_array_index (table->trials, i);

      total_epochs += t->epochs;
      if (i >= ESTIMATED_AFTER)
        actual += trial_seconds (t);
      g_test_message ("trial %d: %d epochs", t->index, t->epochs);
    }
  g_test_message ("after %d of 8 trials: %.2f s estimated, %.2f s taken; %.1f epochs per trial of 30",
                  ESTIMATED_AFTER, eta.estimate, actual, total_epochs / table->trials->len);
  /* early stopping did cut trials short, so the estimate has to account for it */
  g_assert_cmpfloat (total_epochs, <, 8 * 30 * 0.8);
  g_assert_cmpfloat (fabs (eta.estimate - actual), <=, 0.2 * actual);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tune-ledger/resume-after-kill", test_resume_after_kill);
  g_test_add_func ("/tune-ledger/search-key", test_search_key);
  g_test_add_func ("/tune-ledger/eta", test_eta);
  return g_test_run ();
}
