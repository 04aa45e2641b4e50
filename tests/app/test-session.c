/* test-session.c: the pages share one PbSession and follow it.
 *
 * The builder, the Train and Results pages are made for a session, without
 * a window: what the Model section builds is what Train trains; runs and
 * scores belong to the dataset they were made on; presets carry no
 * development notes. */
#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "lc-simulate.h"
#include "pb-builder.h"
#include "pb-results-page.h"
#include "pb-session.h"
#include "pb-train-page.h"
#include "pb-tune-page.h"
#include "pb-test-gui.h"

static LcDataset *
simulated (int n_objects, guint64 seed)
{
  LcSimulateOptions options;
  g_autoptr (GError) error = NULL;
  LcDataset *ds;

  lc_simulate_options_default (&options);
  options.n_objects = n_objects;
  options.seed = seed;
  ds = lc_simulate (&options, NULL, NULL, &error);
  g_assert_no_error (error);
  return ds;
}

/* pb_tune_setting_title, freed when the test ends */
static const char *
setting_title (const NnModelDoc *spec, const char *path)
{
  static char *last;

  g_free (last);
  last = pb_tune_setting_title (spec, path);
  return last;
}

static NnLayerKind
layer_kind (const NnModelDoc *doc, guint i)
{
  return g_array_index (doc->layers, NnLayerSpec, i).kind;
}

/* Small SimpleRNN picked in the Model section, an LSTM added and the fix
 * applied: Train describes and trains that network, not a preset of its own. */
static void
test_train_follows_model (void)
{
  g_autoptr (PbSession) session = pb_session_new ();
  g_autoptr (LcDataset) ds = simulated (120, 5);
  GtkWidget *builder = g_object_ref_sink (pb_builder_new_for_session (session));
  GtkWidget *train = g_object_ref_sink (pb_train_page_new (session));
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) spec = NULL;
  const NnModelInfo *info;

  pb_session_set_dataset (session, ds);
  g_assert_true (pb_builder_load_preset (PB_BUILDER (builder), "small-simplernn.json", &error));
  g_assert_no_error (error);
  /* after the SimpleRNN, which gives one vector: the LSTM needs a sequence */
  pb_builder_add_layer (PB_BUILDER (builder), NN_LAYER_LSTM, 1);
  info = pb_builder_get_info (PB_BUILDER (builder));
  g_assert_false (info->valid);
  g_assert_nonnull (pb_session_get_spec_problem (session));
  g_assert_false (pb_train_page_start (PB_TRAIN_PAGE (train), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  while (!pb_builder_get_info (PB_BUILDER (builder))->valid)
    g_assert_true (pb_builder_apply_fix (PB_BUILDER (builder), 0));
  g_assert_null (pb_session_get_spec_problem (session));

  spec = pb_train_page_build_spec (PB_TRAIN_PAGE (train), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (spec->name, ==, pb_builder_get_spec (PB_BUILDER (builder))->name);
  g_assert_cmpuint (spec->layers->len, ==, pb_builder_get_spec (PB_BUILDER (builder))->layers->len);
  for (guint i = 0; i < spec->layers->len; i++)
    g_assert_cmpint (layer_kind (spec, i), ==, layer_kind (pb_builder_get_spec (PB_BUILDER (builder)), i));
  g_assert_cmpint (layer_kind (spec, 0), ==, NN_LAYER_SIMPLE_RNN);
  g_assert_cmpint (layer_kind (spec, 1), ==, NN_LAYER_LSTM);

  /* a preset picked in Train is the Model section's network too */
  g_assert_true (pb_train_page_select_model (PB_TRAIN_PAGE (train), "small-lstm.json"));
  g_assert_cmpint (layer_kind (pb_builder_get_spec (PB_BUILDER (builder)), 0), ==, NN_LAYER_LSTM);

  gtk_widget_unparent (builder);
  g_object_unref (train);
  g_object_unref (builder);
}

static guint
n_items (GtkDropDown *drop)
{
  return g_list_model_get_n_items (gtk_drop_down_get_model (drop));
}

/* Runs and scores belong to their dataset: another dataset shows none of
 * them, and they come back with their dataset. */
static void
test_runs_follow_dataset (void)
{
  g_autoptr (PbSession) session = pb_session_new ();
  g_autoptr (LcDataset) sample = simulated (150, 7);
  g_autoptr (LcDataset) other = simulated (90, 8);
  GtkWidget *train = g_object_ref_sink (pb_train_page_new (session));
  GtkWidget *results = g_object_ref_sink (pb_results_page_new (session));
  g_autoptr (NnModelDoc) spec = pb_session_load_preset_doc ("small-gru.json", NULL);
  g_autoptr (PbRun) run = NULL;
  GtkDropDown *compare;

  pb_session_set_dataset (session, sample);
  run = pb_test_trained_run (sample, spec, 1, "Run 1: Small GRU");
  pb_session_add_run (session, run);
  g_assert_true (pb_session_get_shown_run (session) == run);
  g_assert_true (pb_results_page_get_run (PB_RESULTS_PAGE (results)) == run);
  g_assert_cmpuint (pb_train_page_get_runs (PB_TRAIN_PAGE (train))->len, ==, 1);
  compare = GTK_DROP_DOWN (pb_test_find_descendant (train, GTK_TYPE_DROP_DOWN));

  pb_session_set_dataset (session, other);
  g_assert_null (pb_session_get_shown_run (session));
  g_assert_null (pb_results_page_get_run (PB_RESULTS_PAGE (results)));
  g_assert_cmpuint (pb_train_page_get_runs (PB_TRAIN_PAGE (train))->len, ==, 0);
  g_assert_null (pb_history_chart_get_run (pb_train_page_get_chart (PB_TRAIN_PAGE (train))));
  /* a run of other data cannot be shown */
  pb_session_show_run (session, run);
  g_assert_null (pb_results_page_get_run (PB_RESULTS_PAGE (results)));
  g_assert_cmpuint (pb_session_get_runs (session)->len, ==, 1);

  pb_session_set_dataset (session, sample);
  g_assert_cmpuint (pb_train_page_get_runs (PB_TRAIN_PAGE (train))->len, ==, 1);
  g_assert_true (pb_results_page_get_run (PB_RESULTS_PAGE (results)) == run);
  g_assert_true (pb_history_chart_get_run (pb_train_page_get_chart (PB_TRAIN_PAGE (train))) == run);
  g_assert_nonnull (compare);
  g_assert_cmpuint (n_items (compare), >=, 1);

  g_object_unref (results);
  g_object_unref (train);
}

/* The SimpleRNN preset tells students to change its layer to an LSTM: the
 * layer keeps its units and flags, and gains the LSTM's parameters. */
static void
test_change_layer_kind (void)
{
  GtkWidget *builder = g_object_ref_sink (pb_builder_new ());
  g_autoptr (LcDataset) ds = simulated (120, 5);
  const NnLayerSpec *layer;
  size_t before;
  g_autoptr (GError) error = NULL;

  /* on data: the preset joins the data's per-object features */
  pb_builder_set_dataset (PB_BUILDER (builder), ds);
  g_assert_true (pb_builder_load_preset (PB_BUILDER (builder), "small-simplernn.json", &error));
  g_assert_no_error (error);
  g_assert_true (pb_builder_get_info (PB_BUILDER (builder))->valid);
  before = pb_builder_get_info (PB_BUILDER (builder))->n_params;
  layer = &g_array_index (pb_builder_get_spec (PB_BUILDER (builder))->layers, NnLayerSpec, 0);
  g_assert_cmpint (layer->kind, ==, NN_LAYER_SIMPLE_RNN);
  g_assert_cmpint (layer->cfg.units, ==, 32);
  pb_builder_set_layer_kind (PB_BUILDER (builder), 0, NN_LAYER_LSTM);
  layer = &g_array_index (pb_builder_get_spec (PB_BUILDER (builder))->layers, NnLayerSpec, 0);
  g_assert_cmpint (layer->kind, ==, NN_LAYER_LSTM);
  g_assert_cmpint (layer->cfg.units, ==, 32);
  g_assert_false (layer->cfg.return_sequences);
  g_assert_true (pb_builder_get_info (PB_BUILDER (builder))->valid);
  /* four gates instead of one */
  g_assert_cmpuint (pb_builder_get_info (PB_BUILDER (builder))->n_params, >, 3 * before / 2);
  /* one undo step */
  g_assert_true (pb_builder_undo (PB_BUILDER (builder)));
  g_assert_cmpint (g_array_index (pb_builder_get_spec (PB_BUILDER (builder))->layers, NnLayerSpec, 0).kind, ==,
                   NN_LAYER_SIMPLE_RNN);
  g_object_unref (builder);
}

/* Tune says what it tunes, in words: column titles name the layer, not a
 * path, and learning rates read 0.00313, not 0.00313003. */
static void
test_tune_in_words (void)
{
  g_autoptr (PbSession) session = pb_session_new ();
  g_autoptr (NnModelDoc) gru = pb_session_load_preset_doc ("small-gru.json", NULL);
  GtkWidget *tune = g_object_ref_sink (pb_tune_page_new (session));
  GListModel *columns;
  gboolean found = FALSE;

  g_assert_cmpstr (setting_title (gru, "layers[0].units"), ==, "Layer 1 (GRU): Units");
  g_assert_cmpstr (setting_title (gru, "training.l2"), ==, "L2 penalty");
  pb_tune_page_set_space (PB_TUNE_PAGE (tune), pb_tune_default_space (gru));
  columns = gtk_column_view_get_columns (pb_tune_page_get_column_view (PB_TUNE_PAGE (tune)));
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) c = g_list_model_get_item (columns, i);

      g_assert_null (strstr (gtk_column_view_column_get_title (c), "layers["));
      g_assert_null (strstr (gtk_column_view_column_get_title (c), "training."));
      found |= g_strcmp0 (gtk_column_view_column_get_title (c), "Learning rate") == 0;
    }
  g_assert_true (found);
  g_object_unref (tune);
}

/* Descriptions are for students: no development notes. */
static void
test_presets_plain (void)
{
  g_auto (GStrv) presets = pb_session_list_presets ();

  g_assert_cmpuint (g_strv_length (presets), >, 3);
  for (int i = 0; presets[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NnModelDoc) doc = pb_session_load_preset_doc (presets[i], &error);

      g_assert_no_error (error);
      g_assert_null (strstr (doc->description, "issue"));
      g_assert_null (strstr (doc->description, "TODO"));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return 77;
    }
  g_test_add_func ("/session/train-follows-model", test_train_follows_model);
  g_test_add_func ("/session/runs-follow-dataset", test_runs_follow_dataset);
  g_test_add_func ("/session/change-layer-kind", test_change_layer_kind);
  g_test_add_func ("/session/tune-in-words", test_tune_in_words);
  g_test_add_func ("/session/presets-plain", test_presets_plain);
  return g_test_run ();
}
