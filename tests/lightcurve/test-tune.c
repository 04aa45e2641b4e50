/* test-tune.c: hyperparameter search: search-space files, applying
 * settings to a spec, each strategy on a tiny space, shards that merge into
 * the table of one run, stop and resume, the results table and the heat map. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "lc.h"
#include "lc-tune.h"
#include "nn-json.h"

static LcDataset *sim_ds;

static NnModelDoc *
small_spec (void)
{
  const char *text =
    "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"t\",\n"
    " \"layers\": [{\"type\": \"gru\", \"units\": 8},\n"
    "            {\"type\": \"dropout\", \"rate\": 0.1},\n"
    "            {\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
    " \"training\": {\"epochs\": 1, \"batch_size\": 32, \"seed\": 3, \"val_fraction\": 0.25}}";
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

static const char *tiny_space =
  "{\"format\": \"passband-search\", \"version\": 1, \"parameters\": ["
  " {\"path\": \"layers[0].units\", \"values\": [4, 8]},"
  " {\"path\": \"training.learning_rate\", \"values\": [0.001, 0.01]}],"
  " \"halving\": {\"eta\": 2, \"min_epochs\": 1, \"max_epochs\": 2}}";

/* Changing a copy, down to a parameter's list of values, leaves the original alone. */
static void
test_space_copy (void)
{
  g_autoptr (LcSearchSpace) space = space_from (
    "{\"format\": \"passband-search\", \"version\": 1, \"parameters\": ["
    " {\"path\": \"layers[0].units\", \"values\": [32, 64]},"
    " {\"path\": \"training.learning_rate\", \"min\": 1e-4, \"max\": 0.0123456789012345,"
    "  \"log\": true, \"integer\": false, \"steps\": 4},"
    " {\"path\": \"training.batch_size\", \"min\": 16, \"max\": 64, \"integer\": true, \"steps\": 2}],"
    " \"halving\": {\"eta\": 4, \"min_epochs\": 2, \"max_epochs\": 9}}");
  g_autoptr (LcSearchSpace) copy = lc_search_space_copy (space);
  g_autoptr (LcSearchSpace) empty = lc_search_space_new ();
  g_autoptr (LcSearchSpace) empty_copy = NULL;
  g_autofree char *before = lc_search_space_to_data (space);
  g_autofree char *copied = lc_search_space_to_data (copy);
  g_autofree char *after = NULL;
  LcTuneParam *units, *lr;

  g_assert_nonnull (copy);
  g_assert_true (copy != space);
  g_assert_cmpstr (copied, ==, before);
  g_assert_cmpstr (copy->source, ==, "space.json");
  g_assert_true (copy->source != space->source);
  g_assert_cmpint (copy->eta, ==, 4);
  g_assert_cmpint (copy->min_epochs, ==, 2);
  g_assert_cmpint (copy->max_epochs, ==, 9);
  lr = g_ptr_array_index (copy->params, 1);
  g_assert_cmpfloat (lr->max, ==, 0.0123456789012345);
  g_assert_true (((LcTuneParam *) g_ptr_array_index (copy->params, 2))->integer);

  units = g_ptr_array_index (copy->params, 0);
  g_assert_true (units->values != ((LcTuneParam *) g_ptr_array_index (space->params, 0))->values);
  json_array_add_int_element (json_node_get_array (units->values), 128);
  g_free (units->path);
  units->path = g_strdup ("layers[1].units");
  lr->steps = 7;
  lr->log = FALSE;
  copy->eta = 2;
  g_ptr_array_remove_index (copy->params, 2);
  after = lc_search_space_to_data (space);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (lc_search_space_grid_size (space), ==, 2 * 4 * 2);

  g_assert_null (lc_search_space_copy (NULL));
  empty_copy = lc_search_space_copy (empty);
  g_assert_nonnull (empty_copy);
  g_assert_cmpuint (empty_copy->params->len, ==, 0);
  g_assert_cmpint (empty_copy->eta, ==, empty->eta);
  g_assert_cmpstr (empty_copy->source, ==, empty->source);
}

static void
test_space_file (void)
{
  g_autoptr (LcSearchSpace) space = space_from (
    "{\"format\": \"passband-search\", \"version\": 1, \"parameters\": ["
    " {\"path\": \"layers[0].units\", \"values\": [32, 64, 128]},"
    " {\"path\": \"training.learning_rate\", \"min\": 1e-4, \"max\": 1e-2, \"log\": true, \"steps\": 4}]}");
  g_autofree char *text = NULL;
  g_autoptr (LcSearchSpace) again = NULL;
  g_autoptr (GError) error = NULL;
  const LcTuneParam *lr;

  g_assert_cmpuint (space->params->len, ==, 2);
  g_assert_cmpuint (lc_search_space_grid_size (space), ==, 12);
  lr = g_ptr_array_index (space->params, 1);
  g_assert_true (lr->log);
  g_assert_cmpfloat_with_epsilon (lr->min, 1e-4, 1e-12);
  g_assert_cmpint (lr->steps, ==, 4);

  text = lc_search_space_to_data (space);
  again = lc_search_space_load_from_data (text, -1, "again.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lc_search_space_grid_size (again), ==, 12);

  /* errors name the file, the parameter and the field */
  g_assert_null (lc_search_space_load_from_data (
    "{\"format\": \"passband-search\", \"version\": 1, \"parameters\": ["
    " {\"path\": \"training.l2\", \"min\": 0, \"max\": 1, \"log\": true}]}", -1, "bad.json", &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "bad.json"));
  g_assert_nonnull (strstr (error->message, "training.l2"));
  g_assert_nonnull (strstr (error->message, "min"));
  g_clear_error (&error);
  g_assert_null (lc_search_space_load_from_data (
    "{\"format\": \"passband-search\", \"version\": 1, \"parameters\": [{\"path\": \"x\", \"valeus\": [1]}]}",
    -1, "typo.json", &error));
  g_assert_nonnull (strstr (error->message, "valeus"));
  g_clear_error (&error);
  g_assert_null (lc_search_space_load_from_data ("{\"format\": \"passband-model\"}", -1, "m.json", &error));
  g_assert_nonnull (strstr (error->message, "format"));
  g_clear_error (&error);
  g_assert_null (lc_search_space_load_from_data ("{not json", -1, "j.json", &error));
  g_assert_nonnull (strstr (error->message, "j.json"));
}

/* Untrusted text: 100000 levels overflowed json-glib's recursive parser, and
 * a parameter given twice silently kept the last one. */
static void
test_space_file_hostile (void)
{
  GString *s = g_string_new ("{\"format\": \"passband-search\", \"version\": 1, \"parameters\": ");
  g_autofree char *deep = NULL;
  g_autoptr (GError) error = NULL;
  for (int i = 0; i < 100000; i++)
    g_string_append_c (s, '[');
  for (int i = 0; i < 100000; i++)
    g_string_append_c (s, ']');
  g_string_append_c (s, '}');
  deep = g_string_free (s, FALSE);
  g_assert_null (lc_search_space_load_from_data (deep, -1, "n.json", &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "n.json: JSON: line 1, column 122: nested more than 64 levels deep"));
  g_clear_error (&error);
  g_assert_null (lc_search_space_load_from_data (
    "{\"format\": \"passband-search\", \"version\": 1, \"parameters\": ["
    " {\"path\": \"training.l2\", \"values\": [0, 0.001], \"values\": [1]}]}", -1, "d.json", &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "d.json: JSON: line 1, column 107: the field “values” is given twice"));
}

static JsonNode *
settings_from (const char *text)
{
  return json_from_string (text, NULL);
}

static void
test_apply (void)
{
  g_autoptr (NnModelDoc) spec = small_spec ();
  g_autoptr (NnModelDoc) doc = NULL;
  g_autoptr (JsonNode) s = settings_from (
    "{\"layers[0].units\": 16, \"training.learning_rate\": 0.005, \"training.l2\": 0.001,"
    " \"layers[*].rate\": 0.4, \"layers[0].repeat\": 3, \"layers[0].type\": \"lstm\","
    " \"training.batch_size\": 16, \"training.loss\": \"focal\"}");
  g_autoptr (JsonNode) bad = settings_from ("{\"layers[7].units\": 4}");
  g_autoptr (JsonNode) bad_value = settings_from ("{\"layers[0].units\": -3}");
  g_autoptr (JsonNode) bad_path = settings_from ("{\"layers[x].units\": 4}");
  g_autoptr (GError) error = NULL;
  const NnLayerSpec *l;

  doc = lc_tune_apply (spec, s, &error);
  g_assert_no_error (error);
  /* three LSTM layers, the lower two passing sequences on, then dropout and head */
  g_assert_cmpuint (doc->layers->len, ==, 5);
  for (int i = 0; i < 3; i++)
    {
      l = &g_array_index (doc->layers, NnLayerSpec, i);
      g_assert_cmpint (l->kind, ==, NN_LAYER_LSTM);
      g_assert_cmpint (l->cfg.units, ==, 16);
      g_assert_cmpint (l->cfg.return_sequences, ==, i < 2);
    }
  l = &g_array_index (doc->layers, NnLayerSpec, 3);
  g_assert_cmpint (l->kind, ==, NN_LAYER_DROPOUT);
  g_assert_cmpfloat_with_epsilon (l->cfg.rate, 0.4, 1e-6);
  l = &g_array_index (doc->layers, NnLayerSpec, 4);
  g_assert_true (l->units_is_classes);
  g_assert_cmpfloat_with_epsilon (doc->training.train.optim.lr, 0.005, 1e-7);
  g_assert_cmpfloat_with_epsilon (doc->training.train.optim.l2, 0.001, 1e-7);
  g_assert_cmpint (doc->training.train.batch_size, ==, 16);
  g_assert_cmpint (doc->training.train.loss.kind, ==, NN_LOSS_FOCAL);
  /* the spec itself is not changed */
  g_assert_cmpuint (spec->layers->len, ==, 3);
  g_assert_cmpint (g_array_index (spec->layers, NnLayerSpec, 0).cfg.units, ==, 8);

  g_assert_null (lc_tune_apply (spec, bad, &error));
  g_assert_nonnull (strstr (error->message, "layers[7].units"));
  g_clear_error (&error);
  g_assert_null (lc_tune_apply (spec, bad_value, &error));
  g_assert_nonnull (strstr (error->message, "layers[0].units"));
  g_clear_error (&error);
  g_assert_null (lc_tune_apply (spec, bad_path, &error));
  g_assert_nonnull (strstr (error->message, "layers[x].units"));
}

static void
test_sampling (void)
{
  g_autoptr (LcSearchSpace) space = space_from (
    "{\"format\": \"passband-search\", \"version\": 1, \"parameters\": ["
    " {\"path\": \"layers[0].units\", \"min\": 4, \"max\": 64, \"integer\": true},"
    " {\"path\": \"training.learning_rate\", \"min\": 1e-4, \"max\": 1e-2, \"log\": true},"
    " {\"path\": \"layers[0].type\", \"values\": [\"gru\", \"lstm\"]}]}");
  int below_1e3 = 0;
  for (int i = 0; i < 200; i++)
    {
      g_autoptr (JsonNode) a = lc_search_space_sample (space, LC_TUNE_RANDOM, 7, i);
      g_autoptr (JsonNode) b = lc_search_space_sample (space, LC_TUNE_RANDOM, 7, i);
      g_autoptr (JsonNode) c = lc_search_space_sample (space, LC_TUNE_RANDOM, 8, i);
      JsonObject *o = json_node_get_object (a);
      gint64 units = json_object_get_int_member (o, "layers[0].units");
      double lr = json_object_get_double_member (o, "training.learning_rate");
      const char *type = json_object_get_string_member (o, "layers[0].type");
      /* the same (seed, index) always draws the same trial; another seed another */
      g_assert_true (json_node_equal (a, b));
      g_assert_false (json_node_equal (a, c));
      g_assert_cmpint (units, >=, 4);
      g_assert_cmpint (units, <=, 64);
      g_assert_cmpfloat (lr, >=, 1e-4);
      g_assert_cmpfloat (lr, <=, 1e-2);
      g_assert_true (strcmp (type, "gru") == 0 || strcmp (type, "lstm") == 0);
      below_1e3 += lr < 1e-3;
    }
  /* log-uniform: half the draws fall in the lower decade */
  g_assert_cmpint (below_1e3, >, 70);
  g_assert_cmpint (below_1e3, <, 130);
}

static LcTuneOptions
tiny_options (LcTuneStrategy strategy, int n_trials)
{
  LcTuneOptions o;
  lc_tune_options_init (&o);
  o.strategy = strategy;
  o.n_trials = n_trials;
  o.seed = 11;
  o.overrides.threads = 1;
  return o;
}

static gboolean
settings_has (JsonNode *settings, const char *path, double value)
{
  return fabs (json_object_get_double_member (json_node_get_object (settings), path) - value) < 1e-9;
}

static void
test_grid_covers_every_point (void)
{
  g_autoptr (NnModelDoc) spec = small_spec ();
  g_autoptr (LcSearchSpace) space = space_from (tiny_space);
  g_autoptr (LcTuneTable) table = lc_tune_table_new ();
  g_autoptr (GError) error = NULL;
  LcTuneOptions o = tiny_options (LC_TUNE_GRID, 0);
  const double units[] = { 4, 8 }, rates[] = { 0.001, 0.01 };

  g_assert_cmpint (lc_tune_n_planned (space, &o), ==, 4);
  g_assert_cmpint (lc_tune_run (sim_ds, spec, space, &o, table, NULL, &error), ==, LC_TUNE_DONE);
  g_assert_no_error (error);
  g_assert_cmpuint (table->trials->len, ==, 4);
  for (int u = 0; u < 2; u++)
    for (int r = 0; r < 2; r++)
      {
        int found = 0;
        for (guint i = 0; i < table->trials->len; i++)
          {
            const LcTrial *t = g_ptr_array_index (table->trials, i);
            found += settings_has (t->settings, "layers[0].units", units[u])
                     && settings_has (t->settings, "training.learning_rate", rates[r]);
          }
        g_assert_cmpint (found, ==, 1);
      }
  for (guint i = 0; i < table->trials->len; i++)
    {
      const LcTrial *t = g_ptr_array_index (table->trials, i);
      g_assert_true (t->ok);
      g_assert_cmpint (t->epochs, ==, 1);
      g_assert_cmpuint (t->val_curve->len, ==, 1);
      g_assert_cmpfloat (t->val_accuracy, >=, 0);
      g_assert_cmpfloat (t->val_accuracy, <=, 1);
      g_assert_true (isfinite (t->weighted_log_loss));
    }
}

static void
test_halving_keeps_the_best (void)
{
  g_autoptr (NnModelDoc) spec = small_spec ();
  g_autoptr (LcSearchSpace) space = space_from (tiny_space);
  g_autoptr (LcTuneTable) table = lc_tune_table_new ();
  g_autoptr (GPtrArray) rung0 = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  LcTuneOptions o = tiny_options (LC_TUNE_HALVING, 4);

  /* 4 configurations for 1 epoch, the best 2 for 2 epochs */
  g_assert_cmpint (lc_tune_n_planned (space, &o), ==, 6);
  g_assert_cmpint (lc_tune_run (sim_ds, spec, space, &o, table, NULL, &error), ==, LC_TUNE_DONE);
  g_assert_no_error (error);
  g_assert_cmpuint (table->trials->len, ==, 6);
  for (int i = 0; i < 4; i++)
    {
      const LcTrial *t = lc_tune_table_find (table, i);
      g_assert_cmpint (t->rung, ==, 0);
      g_assert_cmpint (t->epochs, ==, 1);
      g_ptr_array_add (rung0, (gpointer) t);
    }
  for (int i = 4; i < 6; i++)
    {
      const LcTrial *t = lc_tune_table_find (table, i);
      int better = 0;
      g_assert_cmpint (t->rung, ==, 1);
      g_assert_cmpint (t->epochs, ==, 2);
      /* promoted: at most one rung-0 trial beat it */
      for (guint k = 0; k < rung0->len; k++)
        {
          const LcTrial *r = g_ptr_array_index (rung0, k);
          if (r->config == t->config)
            g_assert_true (json_node_equal (r->settings, t->settings));
        }
      for (guint k = 0; k < rung0->len; k++)
        {
          const LcTrial *mine = NULL;
          for (guint m = 0; m < rung0->len; m++)
            if (((const LcTrial *) g_ptr_array_index (rung0, m))->config == t->config)
              mine = g_ptr_array_index (rung0, m);
          g_assert_nonnull (mine);
          better += lc_trial_compare_best (g_ptr_array_index (rung0, k), mine) < 0;
        }
      g_assert_cmpint (better, <=, 1);
    }
  g_assert_cmpint (lc_tune_table_find (table, 4)->config, <, lc_tune_table_find (table, 5)->config);
}

/* A trial's line without its wall times, for comparing runs. */
static char *
trial_line_without_time (const LcTrial *t)
{
  g_autoptr (JsonNode) node = lc_trial_to_json (t);
  json_object_remove_member (json_node_get_object (node), "seconds");
  json_object_remove_member (json_node_get_object (node), "train_seconds");
  return nn_json_to_string (node);
}

static void
assert_same_table (LcTuneTable *a, LcTuneTable *b)
{
  lc_tune_table_sort (a, "trial", FALSE);
  lc_tune_table_sort (b, "trial", FALSE);
  g_assert_cmpuint (a->trials->len, ==, b->trials->len);
  for (guint i = 0; i < a->trials->len; i++)
    {
      g_autofree char *la = trial_line_without_time (g_ptr_array_index (a->trials, i));
      g_autofree char *lb = trial_line_without_time (g_ptr_array_index (b->trials, i));
      g_assert_cmpstr (la, ==, lb);
    }
}

static void
test_shards_merge (void)
{
  g_autoptr (NnModelDoc) spec = small_spec ();
  g_autoptr (LcSearchSpace) space = space_from (
    "{\"format\": \"passband-search\", \"version\": 1, \"parameters\": ["
    " {\"path\": \"layers[0].units\", \"min\": 3, \"max\": 9, \"integer\": true},"
    " {\"path\": \"training.learning_rate\", \"min\": 1e-3, \"max\": 3e-2, \"log\": true}]}");
  g_autoptr (LcTuneTable) whole = lc_tune_table_new ();
  g_autoptr (LcTuneTable) merged = lc_tune_table_new ();
  g_autofree char *dir = g_dir_make_tmp ("tune-XXXXXX", NULL);
  g_autoptr (GError) error = NULL;
  LcTuneOptions o = tiny_options (LC_TUNE_RANDOM, 3);

  g_assert_cmpint (lc_tune_run (sim_ds, spec, space, &o, whole, NULL, &error), ==, LC_TUNE_DONE);
  g_assert_no_error (error);
  g_assert_cmpuint (whole->trials->len, ==, 3);
  o.n_shards = 2;
  for (o.shard = 0; o.shard < 2; o.shard++)
    {
      g_autoptr (LcTuneTable) part = lc_tune_table_new ();
      g_autofree char *name = g_strdup_printf ("trials-shard-%d-of-2.jsonl", o.shard);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_assert_cmpint (lc_tune_run (sim_ds, spec, space, &o, part, NULL, &error), ==, LC_TUNE_DONE);
      g_assert_no_error (error);
      g_assert_cmpuint (part->trials->len, ==, o.shard == 0 ? 2 : 1);
      for (guint i = 0; i < part->trials->len; i++)
        g_assert_cmpint (((LcTrial *) g_ptr_array_index (part->trials, i))->index % 2, ==, o.shard);
      lc_tune_table_save (part, path, &error);
      g_assert_no_error (error);
    }
  lc_tune_table_load_dir (merged, dir, &error);
  g_assert_no_error (error);
  assert_same_table (whole, merged);

  for (int s = 0; s < 2; s++)
    {
      g_autofree char *name = g_strdup_printf ("trials-shard-%d-of-2.jsonl", s);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static gboolean
stop_after_first (const LcTrial *trial, const NnModelDoc *model, gpointer user_data)
{
  int *seen = user_data;
  (void) trial;
  g_assert_nonnull (model);
  g_assert_cmpuint (model->weights->len, >, 0);
  return ++*seen < 1;
}

static void
test_stop_and_resume (void)
{
  g_autoptr (NnModelDoc) spec = small_spec ();
  g_autoptr (LcSearchSpace) space = space_from (tiny_space);
  g_autoptr (LcTuneTable) table = lc_tune_table_new ();
  g_autoptr (LcTuneTable) whole = lc_tune_table_new ();
  g_autoptr (GError) error = NULL;
  LcTuneOptions o = tiny_options (LC_TUNE_RANDOM, 2);
  LcTuneCallbacks cb = { 0 };
  int seen = 0;

  cb.on_trial = stop_after_first;
  cb.user_data = &seen;
  g_assert_cmpint (lc_tune_run (sim_ds, spec, space, &o, table, &cb, &error), ==, LC_TUNE_STOPPED);
  g_assert_cmpuint (table->trials->len, ==, 1);
  /* the rest of the search, with the first trial not run again */
  g_assert_cmpint (lc_tune_run (sim_ds, spec, space, &o, table, NULL, &error), ==, LC_TUNE_DONE);
  g_assert_no_error (error);
  g_assert_cmpuint (table->trials->len, ==, 2);
  g_assert_cmpint (lc_tune_run (sim_ds, spec, space, &o, whole, NULL, &error), ==, LC_TUNE_DONE);
  assert_same_table (whole, table);
}

static LcTrial *
fake_trial (int index, double units, double lr, double acc, double wll)
{
  LcTrial *t = lc_trial_new ();
  g_autofree char *text = g_strdup_printf ("{\"units\": %g, \"lr\": %g}", units, lr);
  t->index = t->config = index;
  t->settings = json_from_string (text, NULL);
  t->ok = isfinite (acc);
  t->val_accuracy = acc;
  t->weighted_log_loss = wll;
  t->epochs = index + 1;
  return t;
}

static void
test_table_and_heatmap (void)
{
  g_autoptr (LcTuneTable) table = lc_tune_table_new ();
  g_autoptr (LcTuneTable) loaded = lc_tune_table_new ();
  g_autoptr (LcTuneHeatmap) map = NULL;
  g_autoptr (LcTuneHeatmap) binned = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tune-table-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "trials.jsonl", NULL);

  lc_tune_table_add (table, fake_trial (0, 8, 0.01, 0.50, 1.2));
  lc_tune_table_add (table, fake_trial (1, 16, 0.01, 0.70, 0.9));
  lc_tune_table_add (table, fake_trial (2, 8, 0.001, 0.60, 1.0));
  lc_tune_table_add (table, fake_trial (3, 8, 0.01, 0.55, 1.1));
  lc_tune_table_add (table, fake_trial (4, 16, 0.001, NAN, NAN));
  lc_tune_table_add (table, fake_trial (5, 16, 0.01, 0.70, 0.8));

  /* equal accuracy: the lower weighted log loss wins */
  g_assert_cmpint (lc_tune_table_best (table)->index, ==, 5);
  lc_tune_table_sort (table, "val_accuracy", TRUE);
  g_assert_cmpint (((LcTrial *) g_ptr_array_index (table->trials, 0))->index, ==, 1);
  g_assert_cmpint (((LcTrial *) g_ptr_array_index (table->trials, 5))->index, ==, 4);
  lc_tune_table_sort (table, "units", FALSE);
  g_assert_cmpint (((LcTrial *) g_ptr_array_index (table->trials, 0))->index, ==, 0);
  g_assert_cmpint (((LcTrial *) g_ptr_array_index (table->trials, 3))->index, ==, 1);

  lc_tune_table_save (table, path, &error);
  g_assert_no_error (error);
  lc_tune_table_load (loaded, path, &error);
  g_assert_no_error (error);
  assert_same_table (table, loaded);

  map = lc_tune_heatmap_new (table, "lr", "units", 6);
  g_assert_cmpint (map->nx, ==, 2);
  g_assert_cmpint (map->ny, ==, 2);
  g_assert_cmpstr (map->x_labels[0], ==, "0.001");
  g_assert_cmpstr (map->y_labels[1], ==, "16");
  /* (units 8, lr 0.01): best of 0.50 and 0.55 */
  g_assert_cmpfloat_with_epsilon (map->score[0 * 2 + 1], 0.55, 1e-12);
  g_assert_cmpint (map->count[0 * 2 + 1], ==, 2);
  g_assert_cmpfloat_with_epsilon (map->score[1 * 2 + 1], 0.70, 1e-12);
  /* only a failed trial: counted, no score */
  g_assert_cmpint (map->count[1 * 2 + 0], ==, 1);
  g_assert_true (isnan (map->score[1 * 2 + 0]));

  binned = lc_tune_heatmap_new (table, "lr", "units", 1);
  /* one bin per axis: every trial in one cell */
  g_assert_cmpint (binned->nx, ==, 1);
  g_assert_cmpint (binned->ny, ==, 1);
  g_assert_nonnull (binned->x_edges);
  g_assert_cmpint (binned->count[0], ==, 6);
  g_assert_cmpfloat_with_epsilon (binned->score[0], 0.70, 1e-12);

  /* a broken line names the file and the line */
  g_file_set_contents (path, "{\"event\": \"trial\", \"trial\": 0, \"settings\": {}}\n{oops\n", -1, NULL);
  g_assert_false (lc_tune_table_load (loaded, path, &error));
  g_assert_nonnull (strstr (error->message, "trials.jsonl: line 2"));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  LcSimulateOptions so;
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  lc_simulate_options_default (&so);
  so.n_objects = 120;
  so.seed = 5;
  so.survey_days = 300;
  sim_ds = lc_simulate (&so, NULL, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/tune/space-file", test_space_file);
  g_test_add_func ("/tune/space-copy", test_space_copy);
  g_test_add_func ("/tune/space-file-hostile", test_space_file_hostile);
  g_test_add_func ("/tune/apply", test_apply);
  g_test_add_func ("/tune/sampling", test_sampling);
  g_test_add_func ("/tune/table-and-heatmap", test_table_and_heatmap);
  g_test_add_func ("/tune/grid", test_grid_covers_every_point);
  g_test_add_func ("/tune/halving", test_halving_keeps_the_best);
  g_test_add_func ("/tune/shards", test_shards_merge);
  g_test_add_func ("/tune/stop-resume", test_stop_and_resume);
  status = g_test_run ();
  lc_dataset_unref (sim_ds);
  return status;
}
