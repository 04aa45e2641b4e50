/* test-tune-cli.c: passband-cli tune as a user runs it: a grid
 * search with JSON lines, shards merged into the table of one run, resume,
 * and the errors. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "testutil.h"

static char *tmp_dir;
static char *space_path;
static char *spec_path;

/* The lines of a trials file (or of stdout) that are trials, with the wall
 * time cut out, in order. */
static GPtrArray *
trial_lines (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *o;
      if (lines[i][0] == '\0')
        continue;
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      o = json_node_get_object (json_parser_get_root (parser));
      if (g_strcmp0 (json_object_get_string_member (o, "event"), "trial") != 0)
        continue;
      g_assert_true (json_object_get_boolean_member (o, "ok"));
      json_object_remove_member (o, "seconds");
      json_object_remove_member (o, "train_seconds");
      g_ptr_array_add (out, json_to_string (json_parser_get_root (parser), FALSE));
    }
  return out;
}

static GPtrArray *
file_trial_lines (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return trial_lines (text);
}

static void
test_grid_json (void)
{
  g_autofree char *out = g_build_filename (tmp_dir, "grid", NULL);
  g_autoptr (TuCliResult) r = tu_run_cli ("tune", "--data", "sim:120", "--model", spec_path, "--space",
                                     space_path, "--strategy", "grid", "--trials", "0", "--epochs", "1",
                                     "--out", out, "--json", NULL);
  g_autoptr (GPtrArray) printed = NULL, saved = NULL;
  g_autofree char *model = g_build_filename (out, "best-model.json", NULL);

  g_assert_cmpint (r->status, ==, 0);
  printed = trial_lines (r->out);
  saved = file_trial_lines (out, "trials.jsonl");
  /* 2 x 2 grid: every point once, printed and saved alike */
  g_assert_cmpuint (printed->len, ==, 4);
  g_assert_cmpuint (saved->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpstr (g_ptr_array_index (printed, i), ==, g_ptr_array_index (saved, i));
  g_assert_nonnull (strstr (r->out, "\"event\":\"result\""));
  g_assert_nonnull (strstr (r->out, "\"status\":\"done\""));
  g_assert_true (g_file_test (model, G_FILE_TEST_EXISTS));
}

/* The text output numbers trials from 1, as the app does, while the
 * ledger in dir keeps its indices from 0: the text's trial n is the
 * ledger's trial n - 1, and its best trial is the line with the best
 * accuracy. */
static void
assert_text_counts_from_one (const char *text, const char *dir)
{
  g_autoptr (GPtrArray) saved = file_trial_lines (dir, "trials.jsonl");
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  const char *result;
  int best = 0, n_lines = 0;
  double best_acc = 0;

  for (int i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (JsonNode) node = NULL;
      g_autoptr (JsonNode) printed = NULL;
      int number;
      double acc;

      if (!g_str_has_prefix (lines[i], "trial "))
        continue;
      g_assert_cmpint (sscanf (lines[i], "trial %d rung %*d val_acc %lf", &number, &acc), ==, 2);
      g_assert_cmpint (number, ==, n_lines + 1);
      /* the settings printed are those of the ledger's trial number - 1 */
      node = json_from_string (g_ptr_array_index (saved, number - 1), NULL);
      g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "trial"), ==, number - 1);
      g_assert_nonnull (strchr (lines[i], '{'));
      printed = json_from_string (strchr (lines[i], '{'), NULL);
      g_assert_nonnull (printed);
      g_assert_true (json_node_equal (printed, json_object_get_member (json_node_get_object (node), "settings")));
      if (number == 1 || acc > best_acc)
        best = number, best_acc = acc;
      n_lines++;
    }
  g_assert_cmpint (n_lines, ==, saved->len);
  result = strstr (text, "; best trial ");
  g_assert_nonnull (result);
  {
    int printed_best;
    g_assert_cmpint (sscanf (result, "; best trial %d,", &printed_best), ==, 1);
    g_assert_cmpint (printed_best, ==, best);
  }
}

static void
test_shards_merge (void)
{
  g_autofree char *one = g_build_filename (tmp_dir, "one", NULL);
  g_autofree char *sharded = g_build_filename (tmp_dir, "sharded", NULL);
  g_autoptr (GPtrArray) a = NULL, b = NULL;
  g_autoptr (TuCliResult) r = tu_run_cli ("tune", "--data", "sim:120", "--model", spec_path, "--space",
                                     space_path, "--trials", "3", "--seed", "4", "--epochs", "1",
                                     "--out", one, NULL);
  g_assert_cmpint (r->status, ==, 0);
  assert_text_counts_from_one (r->out, one);
  for (int s = 0; s < 2; s++)
    {
      g_autofree char *shard = g_strdup_printf ("%d/2", s);
      g_autoptr (TuCliResult) rs = tu_run_cli ("tune", "--data", "sim:120", "--model", spec_path, "--space",
                                          space_path, "--trials", "3", "--seed", "4", "--epochs", "1",
                                          "--out", sharded, "--shard", shard, NULL);
      g_assert_cmpint (rs->status, ==, 0);
    }
  {
    g_autoptr (TuCliResult) rm = tu_run_cli ("tune", "--merge", "--out", sharded, NULL);
    g_assert_cmpint (rm->status, ==, 0);
  }
  a = file_trial_lines (one, "trials.jsonl");
  b = file_trial_lines (sharded, "trials.jsonl");
  g_assert_cmpuint (a->len, ==, 3);
  g_assert_cmpuint (b->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));

  /* running again resumes: nothing left to train */
  {
    g_autoptr (TuCliResult) again = tu_run_cli ("tune", "--data", "sim:120", "--model", spec_path, "--space",
                                           space_path, "--trials", "3", "--seed", "4", "--epochs", "1",
                                           "--out", one, "--json", NULL);
    g_autoptr (GPtrArray) none = trial_lines (again->out);
    g_assert_cmpint (again->status, ==, 0);
    g_assert_cmpuint (none->len, ==, 0);
  }
}

/* Successive halving split in two shards: a shard that reaches a rung before
 * the other has finished the previous one waits; run again, it goes on; the
 * merged table is the table of one run. */
static void
test_halving_shards (void)
{
  g_autofree char *one = g_build_filename (tmp_dir, "halving-one", NULL);
  g_autofree char *sharded = g_build_filename (tmp_dir, "halving-sharded", NULL);
  g_autoptr (GPtrArray) a = NULL, b = NULL;
  g_autoptr (TuCliResult) r = tu_run_cli ("tune", "--data", "sim:120", "--model", spec_path, "--space", space_path,
                                     "--strategy", "halving", "--trials", "4", "--epochs", "2", "--out", one,
                                     NULL);
  gboolean waited = FALSE;

  g_assert_cmpint (r->status, ==, 0);
  for (int pass = 0; pass < 3; pass++)
    for (int s = 0; s < 2; s++)
      {
        g_autofree char *shard = g_strdup_printf ("%d/2", s);
        g_autoptr (TuCliResult) rs = tu_run_cli ("tune", "--data", "sim:120", "--model", spec_path, "--space",
                                            space_path, "--strategy", "halving", "--trials", "4", "--epochs",
                                            "2", "--out", sharded, "--shard", shard, "--json", NULL);
        g_assert_cmpint (rs->status, ==, 0);
        waited |= strstr (rs->out, "\"status\":\"waiting\"") != NULL;
      }
  /* shard 0 ran first and had to wait for shard 1's rung-0 trials */
  g_assert_true (waited);
  {
    g_autoptr (TuCliResult) rm = tu_run_cli ("tune", "--merge", "--out", sharded, NULL);
    g_assert_cmpint (rm->status, ==, 0);
  }
  a = file_trial_lines (one, "trials.jsonl");
  b = file_trial_lines (sharded, "trials.jsonl");
  /* 4 configurations for 1 epoch, the best 2 for 2 epochs */
  g_assert_cmpuint (a->len, ==, 6);
  g_assert_cmpuint (b->len, ==, 6);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

/* The trial indices of lines (from trial_lines). */
static GArray *
trial_indices (GPtrArray *lines)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; i < lines->len; i++)
    {
      g_autoptr (JsonNode) node = json_from_string (g_ptr_array_index (lines, i), NULL);
      int index = (int) json_object_get_int_member (json_node_get_object (node), "trial");
      g_array_append_val (out, index);
    }
  return out;
}

static gboolean
text_has_index (GArray *indices, int index)
{
  for (guint i = 0; i < indices->len; i++)
    if (g_array_index (indices, int, i) == index)
      return TRUE;
  return FALSE;
}

/* A shard killed (SIGKILL) after its first trial: its file keeps that trial
 * and has no end mark, --merge refuses it, and running the shard again
 * trains exactly the trials that were lost; the merged table is then that of
 * one whole run. */
static void
test_killed_shard_resumes (void)
{
  g_autofree char *one = g_build_filename (tmp_dir, "kill-one", NULL);
  g_autofree char *dir = g_build_filename (tmp_dir, "kill-sharded", NULL);
  g_autofree char *exe = g_build_filename (g_getenv ("PASSBAND_BUILD_DIR"), "src", "cli", "passband-cli", NULL);
  const char *common[] = { "--data", "sim:200", "--model", spec_path, "--space", space_path, "--trials", "8",
                           "--seed", "6", "--epochs", "2" };
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autoptr (GPtrArray) kept = NULL, retrained = NULL, a = NULL, b = NULL;
  g_autoptr (GArray) kept_index = NULL, retrained_index = NULL;

  g_ptr_array_add (argv, exe);
  g_ptr_array_add (argv, "tune");
  for (guint i = 0; i < G_N_ELEMENTS (common); i++)
    g_ptr_array_add (argv, (gpointer) common[i]);
  g_ptr_array_add (argv, "--out");
  g_ptr_array_add (argv, dir);
  g_ptr_array_add (argv, "--shard");
  g_ptr_array_add (argv, "1/2");
  g_ptr_array_add (argv, "--json");
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  /* the first trial is printed once it is saved; three more are to come */
  while ((line = g_data_input_stream_read_line (out, NULL, NULL, &error)) != NULL
         && strstr (line, "\"event\":\"trial\"") == NULL)
    g_clear_pointer (&line, g_free);
  g_assert_nonnull (line);
  g_subprocess_force_exit (proc);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_exited (proc));

  kept = file_trial_lines (dir, "trials-shard-1-of-2.jsonl");
  kept_index = trial_indices (kept);
  g_assert_cmpuint (kept->len, >=, 1);
  g_assert_cmpuint (kept->len, <, 4);
  {
    g_autoptr (TuCliResult) r0 = tu_run_cli ("tune", "--data", "sim:200", "--model", spec_path, "--space",
                                             space_path, "--trials", "8", "--seed", "6", "--epochs", "2",
                                             "--out", dir, "--shard", "0/2", NULL);
    g_autoptr (TuCliResult) refused = tu_run_cli ("tune", "--merge", "--out", dir, NULL);
    g_assert_cmpint (r0->status, ==, 0);
    g_assert_cmpint (refused->status, ==, 1);
    g_assert_nonnull (strstr (refused->err, "shard 1 did not finish"));
    g_assert_nonnull (strstr (refused->err, "--array=1 "));
  }
  {
    g_autoptr (TuCliResult) again = tu_run_cli ("tune", "--data", "sim:200", "--model", spec_path, "--space",
                                                space_path, "--trials", "8", "--seed", "6", "--epochs", "2",
                                                "--out", dir, "--shard", "1/2", "--json", NULL);
    g_assert_cmpint (again->status, ==, 0);
    retrained = trial_lines (again->out);
    retrained_index = trial_indices (retrained);
  }
  /* exactly the shard's trials (1, 3, 5, 7) that the killed run had not saved */
  g_assert_cmpuint (kept->len + retrained->len, ==, 4);
  for (int index = 1; index < 8; index += 2)
    g_assert_true (text_has_index (kept_index, index) != text_has_index (retrained_index, index));
  g_assert_cmpint (g_array_index (retrained_index, int, 0), ==, g_array_index (kept_index, int, kept->len - 1) + 2);
  {
    g_autoptr (TuCliResult) merged = tu_run_cli ("tune", "--merge", "--out", dir, NULL);
    g_autoptr (TuCliResult) whole = tu_run_cli ("tune", "--data", "sim:200", "--model", spec_path, "--space",
                                                space_path, "--trials", "8", "--seed", "6", "--epochs", "2",
                                                "--out", one, NULL);
    g_assert_cmpint (merged->status, ==, 0);
    g_assert_cmpint (whole->status, ==, 0);
  }
  a = file_trial_lines (one, "trials.jsonl");
  b = file_trial_lines (dir, "trials.jsonl");
  g_assert_cmpuint (a->len, ==, 8);
  g_assert_cmpuint (b->len, ==, 8);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

/* --merge refuses a search with a shard missing or unfinished, says which
 * shards to run again, and writes nothing. */
static void
test_merge_refuses (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "missing", NULL);
  g_autofree char *merged = g_build_filename (dir, "trials.jsonl", NULL);
  g_autofree char *shard1 = g_build_filename (dir, "trials-shard-1-of-3.jsonl", NULL);
  g_autoptr (TuCliResult) empty = NULL, r0 = NULL, refused = NULL, r1 = NULL, refused2 = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  empty = tu_run_cli ("tune", "--merge", "--out", dir, NULL);
  g_assert_cmpint (empty->status, ==, 1);
  g_assert_nonnull (strstr (empty->err, "no shard results"));

  r0 = tu_run_cli ("tune", "--data", "sim:120", "--model", spec_path, "--space", space_path, "--trials", "3",
                   "--seed", "4", "--epochs", "1", "--out", dir, "--shard", "0/3", NULL);
  g_assert_cmpint (r0->status, ==, 0);
  refused = tu_run_cli ("tune", "--merge", "--out", dir, NULL);
  g_assert_cmpint (refused->status, ==, 1);
  g_assert_nonnull (strstr (refused->err, "no results from shard 1, 2 (trials-shard-I-of-3.jsonl)"));
  g_assert_nonnull (strstr (refused->err, "--array=1,2 "));
  g_assert_false (g_file_test (merged, G_FILE_TEST_EXISTS));

  /* shard 1 finished, then its end mark lost as a killed rerun would lose it */
  r1 = tu_run_cli ("tune", "--data", "sim:120", "--model", spec_path, "--space", space_path, "--trials", "3",
                   "--seed", "4", "--epochs", "1", "--out", dir, "--shard", "1/3", NULL);
  g_assert_cmpint (r1->status, ==, 0);
  g_assert_true (g_file_get_contents (shard1, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"event\":\"shard\""));
  *strstr (text, "{\"event\":\"shard\"") = '\0';
  g_assert_true (g_file_set_contents (shard1, text, -1, NULL));
  refused2 = tu_run_cli ("tune", "--merge", "--out", dir, NULL);
  g_assert_cmpint (refused2->status, ==, 1);
  g_assert_nonnull (strstr (refused2->err, "no results from shard 2"));
  g_assert_nonnull (strstr (refused2->err, "shard 1 did not finish"));
  g_assert_false (g_file_test (merged, G_FILE_TEST_EXISTS));
}

static void
test_errors (void)
{
  g_autofree char *bad_space = g_build_filename (tmp_dir, "bad-space.json", NULL);
  g_autofree char *out = g_build_filename (tmp_dir, "bad", NULL);
  g_autoptr (TuCliResult) r1 = NULL, r2 = NULL, r3 = NULL;

  g_file_set_contents (bad_space,
                       "{\"format\": \"passband-search\", \"version\": 1, \"parameters\": ["
                       "{\"path\": \"layers[9].units\", \"values\": [4]}]}", -1, NULL);
  r1 = tu_run_cli ("tune", "--data", "sim:60", "--model", spec_path, "--space", bad_space, "--out", out, NULL);
  g_assert_cmpint (r1->status, ==, 1);
  g_assert_nonnull (strstr (r1->err, "layers[9].units"));
  r2 = tu_run_cli ("tune", "--data", "sim:60", "--model", spec_path, "--space", space_path, "--out", out,
                "--shard", "2/2", NULL);
  g_assert_cmpint (r2->status, ==, 2);
  g_assert_nonnull (strstr (r2->err, "--shard"));
  r3 = tu_run_cli ("tune", "--data", "sim:60", "--model", spec_path, "--space", space_path, "--out", out,
                "--strategy", "annealing", NULL);
  g_assert_cmpint (r3->status, ==, 2);
  g_assert_nonnull (strstr (r3->err, "annealing"));
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  int status;
  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("tune-cli-XXXXXX", NULL);
  space_path = g_build_filename (tmp_dir, "space.json", NULL);
  spec_path = g_build_filename (tmp_dir, "spec.json", NULL);
  g_file_set_contents (space_path,
                       "{\"format\": \"passband-search\", \"version\": 1, \"parameters\": ["
                       " {\"path\": \"layers[0].units\", \"values\": [4, 8]},"
                       " {\"path\": \"training.learning_rate\", \"min\": 1e-3, \"max\": 1e-2, \"log\": true,"
                       "  \"steps\": 2}],"
                       " \"halving\": {\"eta\": 2, \"min_epochs\": 1}}", -1, NULL);
  g_file_set_contents (spec_path,
                       "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"t\",\n"
                       " \"layers\": [{\"type\": \"gru\", \"units\": 8},\n"
                       "   {\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
                       " \"training\": {\"epochs\": 1, \"batch_size\": 32, \"seed\": 3, \"val_fraction\": 0.25}}",
                       -1, NULL);
  g_test_add_func ("/tune-cli/grid-json", test_grid_json);
  g_test_add_func ("/tune-cli/shards-merge", test_shards_merge);
  g_test_add_func ("/tune-cli/halving-shards", test_halving_shards);
  g_test_add_func ("/tune-cli/killed-shard-resumes", test_killed_shard_resumes);
  g_test_add_func ("/tune-cli/merge-refuses", test_merge_refuses);
  g_test_add_func ("/tune-cli/errors", test_errors);
  status = g_test_run ();
  remove_tree (tmp_dir);
  return status;
}
