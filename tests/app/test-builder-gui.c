/* test-builder-gui.c: the Model section of the real window under Xvfb: every
 * preset shows the shapes and counts worked out by hand; a network is built
 * by actions (add, reorder, edit, undo, redo), shows a validation message at
 * the layer, is fixed with the one-click fix, saved, and the saved file
 * trains with passband-cli. */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "lc-encoder.h"
#include "nn.h"
#include "pb-builder.h"
#include "pb-export.h"
#include "pb-layer-card.h"
#include "pb-settings.h"
#include "pb-window.h"
#include "pb-test-gui.h"

typedef struct
{
  PbWindow *window;
  GSettings *settings;
  PbBuilder *builder;
  char *tmp;
} Fixture;

/* The first button under widget whose action is action_name. */
static GtkWidget *
find_action_button (GtkWidget *widget, const char *action_name)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action_name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The property editor widget whose tooltip starts like prefix. */
static GtkWidget *
find_editor (GtkWidget *widget, GType type, const char *field)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type)
      && g_strcmp0 (g_object_get_data (G_OBJECT (widget), "field"), field) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_editor (child, type, field);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* One window for every test: loading the sample is the slow part.  Each test
 * starts from the sample's shape and leaves nothing in the temporary folder. */
static Fixture shared;

static void
open_shared_window (void)
{
  GError *error = NULL;
  GtkWidget *stack;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  shared.settings = pb_settings_new (APP_ID, PB_BUILD_SCHEMA_DIR, NULL);
  shared.tmp = g_dir_make_tmp ("passband-builder-XXXXXX", &error);
  g_assert_no_error (error);
  shared.window = pb_window_new (NULL, shared.settings);
  gtk_window_set_default_size (GTK_WINDOW (shared.window), 1280, 800);
  gtk_window_present (GTK_WINDOW (shared.window));
  pb_window_load_sample (shared.window);
  while (pb_window_is_loading (shared.window))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_nonnull (pb_window_get_dataset (shared.window));

  /* the Model page is in the window and follows its dataset */
  shared.builder = PB_BUILDER (pb_test_find_descendant (GTK_WIDGET (shared.window), PB_TYPE_BUILDER));
  g_assert_nonnull (shared.builder);
  stack = gtk_widget_get_parent (GTK_WIDGET (shared.builder));
  g_assert_true (GTK_IS_STACK (stack));
  gtk_stack_set_visible_child_name (GTK_STACK (stack), "model");
  /* let the page transition finish */
  pb_test_iterate (g_getenv ("PB_TEST_SAVE_DIR") != NULL ? 800 : 50);
}

static void
close_shared_window (void)
{
  g_rmdir (shared.tmp);
  g_free (shared.tmp);
  gtk_window_destroy (GTK_WINDOW (shared.window));
  g_object_unref (shared.settings);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  if (shared.window == NULL)
    open_shared_window ();
  *f = shared;
  pb_builder_set_dataset (f->builder, pb_window_get_dataset (f->window));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) dir = g_dir_open (f->tmp, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->tmp, name, NULL);
      g_unlink (path);
    }
}

static const char *
card_shape (Fixture *f, int i)
{
  GtkWidget *card = pb_builder_get_card (f->builder, i);

  g_assert_true (PB_IS_LAYER_CARD (card));
  return pb_layer_card_get_shape_text (PB_LAYER_CARD (card));
}

static const char *
card_problem (Fixture *f, int i)
{
  return pb_layer_card_get_problem_text (PB_LAYER_CARD (pb_builder_get_card (f->builder, i)));
}

/* ---- presets: what the cards show -------------------------------------- */

typedef struct
{
  const char *file;
  int meta_features;
  double params;                /* hand counts, tests/nn/test-model-file-presets.c */
  int card;                     /* one card to check closely */
  const char *shape;
  double card_params;
} PresetView;

static const PresetView preset_views[] = {
  /* lstm 100 after lstm 100: 4*100*100 + 4*100*100 + 800 */
  { "misweeper-lstm.json", 31, 367094, 2, "100", 80800 },
  /* conv1d 64, kernel 3 on 64 features: 64*64*3 + 64; 36 - 2 steps */
  { "keras-hybrid.json", 60, 42510, 3, "34 × 64", 12352 },
  /* concat: 25 + 31 */
  { "goto-gru.json", 31, 8164, 4, "56", 0 },
  /* the small presets join the 60 LSST static features: concat 32 + 60 */
  { "small-gru.json", 60, 7278, 0, "32", 3840 },
  { "small-lstm.json", 60, 8558, 0, "32", 5120 },
  { "small-simplernn.json", 60, 4718, 1, "92", 0 },
  /* padding "same", max pool 2 of 36 steps */
  { "small-conv1d.json", 60, 7534, 1, "18 × 32", 0 },
  /* bigru 64 on 6 features: 2 * (3*64*6 + 3*64*64 + 2*192); 60 LSST static features */
  { "lsst-bigru.json", 60, 115150, 0, "36 × 128", 27648 },
  /* the same with 9 period features: 69 static features */
  { "rrlyrae-bigru.json", 69, 115726, 0, "36 × 128", 27648 },
};

/* With PB_TEST_SAVE_DIR set, the preset chooser as the screen shows it (popovers
 * are windows of their own, so this takes the whole X screen). */
static void
save_preset_chooser (Fixture *f)
{
  const char *dir = g_getenv ("PB_TEST_SAVE_DIR");
  GtkWidget *button = pb_test_find_descendant (GTK_WIDGET (f->builder), GTK_TYPE_MENU_BUTTON);
  g_autofree char *path = NULL;
  g_autofree char *command = NULL;

  if (dir == NULL || button == NULL)
    return;
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  pb_test_iterate (600);
  path = g_build_filename (dir, "builder-presets.png", NULL);
  command = g_strdup_printf ("import -window root %s", path);
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  pb_test_iterate (100);
}

static void
test_presets (Fixture *f, gconstpointer data)
{
  g_auto(GStrv) presets = pb_session_list_presets ();

  save_preset_chooser (f);

  /* every preset of models/ is offered */
  g_assert_cmpuint (g_strv_length (presets), ==, G_N_ELEMENTS (preset_views));
  for (guint i = 0; i < G_N_ELEMENTS (preset_views); i++)
    {
      const PresetView *p = &preset_views[i];
      g_autoptr(GError) error = NULL;
      g_autofree char *total = pb_format_count (p->params);
      g_autofree char *count = pb_format_count (p->card_params);
      g_autofree char *params_text = g_strdup_printf ("%s parameters", count);
      const NnModelDoc *spec;

      g_assert_true (g_strv_contains ((const char *const *) presets, p->file));
      gtk_widget_activate_action (GTK_WIDGET (f->builder), "builder.preset", "s", p->file);
      pb_builder_set_data_shape (f->builder, 6, p->meta_features, 14, 36);
      spec = pb_builder_get_spec (f->builder);
      g_assert_cmpuint (strlen (spec->description), >, 80);
      g_assert_cmpstr (card_shape (f, p->card), ==, p->shape);
      g_assert_cmpstr (pb_layer_card_get_params_text (PB_LAYER_CARD (pb_builder_get_card (f->builder, p->card))),
                       ==, params_text);
      /* the last card is the output: one value per class */
      g_assert_cmpstr (card_shape (f, (int) spec->layers->len - 1), ==, "14");
      g_assert_nonnull (strstr (pb_builder_get_status_text (f->builder), total));
      g_assert_true (pb_builder_can_train (f->builder, NULL));
      g_assert_cmpstr (card_problem (f, 0), ==, "");
      g_assert_no_error (error);
      pb_test_iterate (10);
    }
}

/* ---- building a network by actions ----------------------------------------- */

static GtkWidget *
properties_editor (Fixture *f, GType type, const char *field)
{
  GtkWidget *editor = find_editor (GTK_WIDGET (f->builder), type, field);

  if (editor == NULL)
    g_error ("no %s editor for “%s” in the property editor", g_type_name (type), field);
  return editor;
}

static void
build_edit_fix_and_save (Fixture *f)
{
  GtkWidget *builder = GTK_WIDGET (f->builder);
  const NnModelDoc *spec;
  GtkWidget *fix_button, *units;
  g_autofree char *why = NULL;
  g_autofree char *before_edit = NULL;
  g_autofree char *path = g_build_filename (f->tmp, "saved.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModelDoc) saved = NULL;

  /* the sample's own shape: a sequence and several classes */
  g_assert_true (pb_builder_can_train (f->builder, NULL));
  g_assert_cmpint (pb_builder_get_info (f->builder)->seq_features, >, 0);
  g_assert_cmpint (pb_builder_get_info (f->builder)->n_classes, >=, 2);

  /* an empty network cannot train and says why */
  gtk_widget_activate_action (builder, "builder.new", NULL);
  g_assert_cmpint (pb_builder_get_spec (f->builder)->layers->len, ==, 0);
  g_assert_false (pb_builder_can_train (f->builder, &why));
  g_assert_nonnull (strstr (why, "no layers"));
  g_assert_nonnull (strstr (pb_builder_get_status_text (f->builder), "Cannot train"));

  /* add GRU, then LSTM after it: the GRU gives a vector, the LSTM needs a sequence */
  gtk_widget_activate_action (builder, "builder.add", "s", "gru");
  gtk_widget_activate_action (builder, "builder.add", "s", "lstm");
  gtk_widget_activate_action (builder, "builder.add", "s", "dense");
  spec = pb_builder_get_spec (f->builder);
  g_assert_cmpint (spec->layers->len, ==, 3);
  g_assert_cmpint (g_array_index (spec->layers, NnLayerSpec, 1).kind, ==, NN_LAYER_LSTM);
  /* a dense layer added at the end is the output */
  g_assert_true (g_array_index (spec->layers, NnLayerSpec, 2).units_is_classes);
  g_assert_nonnull (strstr (card_problem (f, 1), "needs a sequence"));
  g_assert_cmpstr (card_shape (f, 1), ==, "—");
  g_assert_false (pb_builder_can_train (f->builder, NULL));
  g_assert_nonnull (strstr (pb_builder_get_status_text (f->builder), "Layer 2 (LSTM)"));

  /* reorder: the output up one, then undo and redo */
  pb_builder_select (f->builder, 2);
  gtk_widget_activate_action (builder, "builder.move", "i", -1);
  spec = pb_builder_get_spec (f->builder);
  g_assert_cmpint (g_array_index (spec->layers, NnLayerSpec, 1).kind, ==, NN_LAYER_DENSE);
  g_assert_cmpint (pb_builder_get_selected (f->builder), ==, 1);
  gtk_widget_activate_action (builder, "builder.undo", NULL);
  spec = pb_builder_get_spec (f->builder);
  g_assert_cmpint (g_array_index (spec->layers, NnLayerSpec, 1).kind, ==, NN_LAYER_LSTM);
  g_assert_true (pb_builder_can_redo (f->builder));
  gtk_widget_activate_action (builder, "builder.redo", NULL);
  g_assert_cmpint (g_array_index (pb_builder_get_spec (f->builder)->layers, NnLayerSpec, 1).kind, ==,
                   NN_LAYER_DENSE);
  gtk_widget_activate_action (builder, "builder.undo", NULL);

  /* duplicate and delete are one step each */
  pb_builder_select (f->builder, 0);
  gtk_widget_activate_action (builder, "builder.duplicate", NULL);
  g_assert_cmpint (pb_builder_get_spec (f->builder)->layers->len, ==, 4);
  gtk_widget_activate_action (builder, "builder.delete", NULL);
  g_assert_cmpint (pb_builder_get_spec (f->builder)->layers->len, ==, 3);
  gtk_widget_activate_action (builder, "builder.undo", NULL);
  gtk_widget_activate_action (builder, "builder.undo", NULL);
  g_assert_cmpint (pb_builder_get_spec (f->builder)->layers->len, ==, 3);

  /* edit the GRU's units in the property editor: its count on the card follows */
  pb_builder_select (f->builder, 0);
  before_edit = g_strdup (pb_layer_card_get_params_text (PB_LAYER_CARD (pb_builder_get_card (f->builder, 0))));
  units = properties_editor (f, GTK_TYPE_SPIN_BUTTON, "units");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (units), 48);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (units), 40);
  g_assert_cmpint (g_array_index (pb_builder_get_spec (f->builder)->layers, NnLayerSpec, 0).cfg.units, ==, 40);
  g_assert_cmpstr (before_edit, !=,
                   pb_layer_card_get_params_text (PB_LAYER_CARD (pb_builder_get_card (f->builder, 0))));
  /* both spin steps are one undo step */
  gtk_widget_activate_action (builder, "builder.undo", NULL);
  g_assert_cmpint (g_array_index (pb_builder_get_spec (f->builder)->layers, NnLayerSpec, 0).cfg.units, ==, 32);
  gtk_widget_activate_action (builder, "builder.redo", NULL);
  g_assert_cmpint (g_array_index (pb_builder_get_spec (f->builder)->layers, NnLayerSpec, 0).cfg.units, ==, 40);
  pb_test_iterate (g_getenv ("PB_TEST_SAVE_DIR") != NULL ? 300 : 10);
  pb_test_save_png (GTK_WIDGET (f->window), "builder-invalid");

  /* the one-click fix on the LSTM's card turns on return sequences in the GRU */
  fix_button = find_action_button (pb_builder_get_card (f->builder, 1), "builder.apply-fix");
  g_assert_nonnull (fix_button);
  g_assert_nonnull (strstr (gtk_button_get_label (GTK_BUTTON (fix_button)), "return sequences in layer 1"));
  /* a mapped button shows itself pressed for a moment before it clicks */
  gtk_widget_activate (fix_button);
  for (int tries = 0; tries < 300 && !pb_builder_can_train (f->builder, NULL); tries++)
    pb_test_iterate (10);
  g_assert_true (g_array_index (pb_builder_get_spec (f->builder)->layers, NnLayerSpec, 0).cfg.return_sequences);
  g_assert_true (pb_builder_can_train (f->builder, NULL));
  g_assert_nonnull (strstr (pb_builder_get_status_text (f->builder), "Ready to train"));
  g_assert_cmpstr (card_problem (f, 1), ==, "");
  g_assert_nonnull (strstr (card_shape (f, 0), " × 40"));
  /* the toggle in the editor shows it too */
  pb_builder_select (f->builder, 0);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (properties_editor (f, GTK_TYPE_CHECK_BUTTON,
                                                                                   "return_sequences"))));
  pb_builder_select (f->builder, 1);
  pb_test_iterate (50);
  pb_test_save_png (GTK_WIDGET (f->window), "builder-valid");

  /* with nothing selected (Escape) the editor names the network */
  gtk_widget_activate_action (builder, "builder.select-none", NULL);
  g_assert_cmpint (pb_builder_get_selected (f->builder), ==, -1);
  gtk_editable_set_text (GTK_EDITABLE (properties_editor (f, GTK_TYPE_ENTRY, "name")), "Stacked GRU and LSTM");
  g_assert_cmpstr (pb_builder_get_spec (f->builder)->name, ==, "Stacked GRU and LSTM");

  /* save: the file is the spec */
  g_assert_true (pb_builder_save_file (f->builder, path, &error));
  g_assert_no_error (error);
  saved = nn_model_doc_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (saved->layers->len, ==, 3);
  g_assert_cmpint (g_array_index (saved->layers, NnLayerSpec, 1).kind, ==, NN_LAYER_LSTM);
  g_assert_cmpint (g_array_index (saved->layers, NnLayerSpec, 0).cfg.units, ==, 40);
  g_assert_cmpstr (saved->name, ==, "Stacked GRU and LSTM");
}

/* The saved spec trains with the CLI, as a pipeline user would run it. */
static void
train_with_cli (Fixture *f)
{
  const char *build = g_getenv ("PASSBAND_BUILD_DIR");
  g_autofree char *cli = g_build_filename (build != NULL ? build : ".", "src", "cli", "passband-cli", NULL);
  g_autofree char *spec = g_build_filename (f->tmp, "saved.json", NULL);
  g_autofree char *out = g_build_filename (f->tmp, "m.json", NULL);
  const char *argv[] = { cli, "train", "--data", "sim:200", "--model", spec, "--out", out, "--epochs", "1",
                         "--threads", "1", NULL };
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModelDoc) trained = NULL;
  int status;

  g_assert_true (g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &stdout_text,
                               &stderr_text, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("passband-cli train failed: %s", stderr_text);
  trained = nn_model_doc_load (out, &error);
  g_assert_no_error (error);
  g_assert_cmpint (trained->layers->len, ==, 3);
  g_assert_cmpint (trained->weights->len, >, 0);
  g_assert_cmpint (trained->history->len, ==, 1);
}

/* A trained model opens as its spec; a broken file is refused and changes nothing. */
static void
open_trained_and_broken (Fixture *f)
{
  g_autofree char *trained = g_build_filename (f->tmp, "m.json", NULL);
  g_autofree char *broken = g_build_filename (f->tmp, "broken.json", NULL);
  g_autoptr(GError) error = NULL;
  const NnModelDoc *spec;

  g_assert_true (pb_builder_open_file (f->builder, trained, &error));
  g_assert_no_error (error);
  spec = pb_builder_get_spec (f->builder);
  g_assert_cmpint (spec->layers->len, ==, 3);
  g_assert_cmpint (spec->weights->len, ==, 0);
  g_assert_cmpint (spec->history->len, ==, 0);
  g_assert_cmpint (spec->classes->len, ==, 0);
  g_assert_true (pb_builder_can_train (f->builder, NULL));

  g_assert_true (g_file_set_contents (broken, "{\"format\": \"passband-model\", \"version\": 1, \"layers\": "
                                      "[{\"type\": \"gru\", \"units\": -3}]}", -1, NULL));
  g_assert_false (pb_builder_open_file (f->builder, broken, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "broken.json"));
  g_assert_nonnull (strstr (error->message, "units"));
  g_assert_cmpint (pb_builder_get_spec (f->builder)->layers->len, ==, 3);

  /* opening is one undo step */
  gtk_widget_activate_action (GTK_WIDGET (f->builder), "builder.undo", NULL);
  g_assert_cmpstr (pb_builder_get_spec (f->builder)->name, ==, "Stacked GRU and LSTM");
}

static void
test_build_and_train (Fixture *f, gconstpointer data)
{
  build_edit_fix_and_save (f);
  train_with_cli (f);
  open_trained_and_broken (f);
}

/* ---- the diagram ------------------------------------------------------------ */

static void
test_diagram_export (Fixture *f, gconstpointer data)
{
  const char *formats[] = { "network.png", "network.svg", "network.pdf" };
  GtkWidget *diagram = pb_builder_get_diagram (f->builder);

  g_assert_true (pb_builder_load_preset (f->builder, "goto-gru.json", NULL));
  gtk_widget_activate_action (GTK_WIDGET (f->builder), "builder.show-diagram", NULL);
  pb_test_iterate (g_getenv ("PB_TEST_SAVE_DIR") != NULL ? 800 : 50);
  g_assert_true (gtk_widget_get_mapped (diagram));
  pb_test_save_png (GTK_WIDGET (f->window), "builder-diagram");
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *path = g_build_filename (f->tmp, formats[i], NULL);
      g_autoptr(GError) error = NULL;
      PbExportFormat format;
      GStatBuf st;

      g_assert_true (pb_export_format_from_path (path, &format));
      g_assert_true (pb_export_plottable (PB_PLOTTABLE (diagram), path, format, 800, 900, &error));
      g_assert_no_error (error);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_size, >, 1000);
    }

  /* the export action asks for size and format in the app's export dialog */
  gtk_widget_activate_action (GTK_WIDGET (f->builder), "builder.export-diagram", NULL);
  pb_test_iterate (50);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    gboolean found = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && !found; i++)
      {
        g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

        if (PB_IS_EXPORT_DIALOG (window))
          {
            found = TRUE;
            gtk_window_destroy (window);
          }
      }
    g_assert_true (found);
  }
}

static void
set_spin (Fixture *f, const char *field, double value)
{
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (properties_editor (f, GTK_TYPE_SPIN_BUTTON, field)), value);
}

static void
set_choice (Fixture *f, const char *field, guint index)
{
  gtk_drop_down_set_selected (GTK_DROP_DOWN (properties_editor (f, GTK_TYPE_DROP_DOWN, field)), index);
}

/* A new user rebuilds a preset from the palette and the editor alone, and
 * gets the preset's layers and parameter count. */
static void
test_rebuild_preset (Fixture *f, gconstpointer data)
{
  GtkWidget *builder = GTK_WIDGET (f->builder);
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModelDoc) preset = pb_session_load_preset_doc ("small-conv1d.json", &error);
  const NnModelDoc *spec;

  g_assert_no_error (error);
  pb_builder_set_data_shape (f->builder, 6, 60, 14, 36);
  gtk_widget_activate_action (builder, "builder.new", NULL);
  gtk_widget_activate_action (builder, "builder.add", "s", "conv1d");
  set_spin (f, "units", 32);
  set_spin (f, "kernel_size", 5);
  set_choice (f, "activation", NN_ACT_RELU);
  set_choice (f, "padding", NN_PADDING_SAME);
  gtk_widget_activate_action (builder, "builder.add", "s", "max_pool1d");
  set_spin (f, "pool_size", 2);
  set_spin (f, "stride", 2);
  gtk_widget_activate_action (builder, "builder.add", "s", "conv1d");
  set_spin (f, "units", 32);
  set_choice (f, "activation", NN_ACT_RELU);
  set_choice (f, "padding", NN_PADDING_SAME);
  gtk_widget_activate_action (builder, "builder.add", "s", "global_avg_pool");
  gtk_widget_activate_action (builder, "builder.add", "s", "concat_metadata");
  /* a dense layer added at the end starts as the output: this one is hidden */
  gtk_widget_activate_action (builder, "builder.add", "s", "dense");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (properties_editor (f, GTK_TYPE_CHECK_BUTTON, "units_is_classes")),
                               FALSE);
  /* the editor is rebuilt from an idle */
  for (int tries = 0; tries < 200 && find_editor (GTK_WIDGET (f->builder), GTK_TYPE_SPIN_BUTTON, "units") == NULL;
       tries++)
    pb_test_iterate (1);
  set_spin (f, "units", 32);
  set_choice (f, "activation", NN_ACT_RELU);
  gtk_widget_activate_action (builder, "builder.add", "s", "dense");

  spec = pb_builder_get_spec (f->builder);
  g_assert_cmpint (spec->layers->len, ==, preset->layers->len);
  for (guint i = 0; i < spec->layers->len; i++)
    {
      const NnLayerSpec *got = &g_array_index (spec->layers, NnLayerSpec, i);
      const NnLayerSpec *want = &g_array_index (preset->layers, NnLayerSpec, i);

      g_assert_cmpint (got->kind, ==, want->kind);
      g_assert_cmpint (got->units_is_classes, ==, want->units_is_classes);
      if (nn_model_file_layer_takes (got->kind, "units") && !got->units_is_classes)
        g_assert_cmpint (got->cfg.units, ==, want->cfg.units);
      if (nn_model_file_layer_takes (got->kind, "activation"))
        g_assert_cmpint (got->cfg.activation, ==, want->cfg.activation);
      if (nn_model_file_layer_takes (got->kind, "kernel_size"))
        g_assert_cmpint (got->cfg.kernel_size, ==, want->cfg.kernel_size);
      if (nn_model_file_layer_takes (got->kind, "pool_size"))
        g_assert_cmpint (got->cfg.pool_size, ==, want->cfg.pool_size);
      if (nn_model_file_layer_takes (got->kind, "padding"))
        g_assert_cmpint (got->cfg.padding, ==, want->cfg.padding);
    }
  g_assert_true (pb_builder_can_train (f->builder, NULL));
  g_assert_cmpuint (pb_builder_get_info (f->builder)->n_params, ==, 7534);
  g_assert_cmpstr (card_shape (f, 2), ==, "18 × 32");
  pb_builder_select (f->builder, 0);
  pb_test_iterate (g_getenv ("PB_TEST_SAVE_DIR") != NULL ? 300 : 10);
  pb_test_save_png (GTK_WIDGET (f->window), "builder-conv1d");

  /* the leaky relu slope shows only for leaky relu */
  g_assert_null (find_editor (GTK_WIDGET (f->builder), GTK_TYPE_SPIN_BUTTON, "negative_slope"));
  set_choice (f, "activation", NN_ACT_LEAKY_RELU);
  /* the editor is rebuilt from an idle, after the drop-down's own signal */
  for (int tries = 0; tries < 200 && find_editor (GTK_WIDGET (f->builder), GTK_TYPE_SPIN_BUTTON,
                                                  "negative_slope") == NULL; tries++)
    pb_test_iterate (10);
  set_spin (f, "negative_slope", 0.2);
  g_assert_cmpfloat_with_epsilon (g_array_index (pb_builder_get_spec (f->builder)->layers, NnLayerSpec, 0)
                                  .cfg.negative_slope, 0.2, 1e-6);
  g_assert_cmpint (g_array_index (pb_builder_get_spec (f->builder)->layers, NnLayerSpec, 0).cfg.activation, ==,
                   NN_ACT_LEAKY_RELU);
}

/* Drops from the palette and between cards; every action has a key or a button. */
static void
test_drop_and_keys (Fixture *f, gconstpointer data)
{
  static const struct { const char *action; const char *trigger; } keys[] = {
    { "builder.undo", "<Control>z" },
    { "builder.redo", "<Shift><Control>z" },
    { "builder.duplicate", "<Control>d" },
    { "builder.delete", "Delete" },
    { "builder.move", "<Alt>Up" },
    { "builder.move", "<Alt>Down" },
    { "builder.save", "<Control>s" },
    { "builder.open", "<Shift><Control>m" },
    { "builder.show-diagram", "<Control>g" },
    { "builder.export-diagram", "<Shift><Control>e" },
    { "builder.select-none", "Escape" },
  };
  static const char *const buttons[] = { "builder.new", "builder.preset", "builder.add", "builder.open",
                                          "builder.save", "builder.undo", "builder.redo",
                                          "builder.export-diagram" };
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->builder));
  const NnModelDoc *spec;

  g_assert_true (pb_builder_load_preset (f->builder, "small-gru.json", NULL));
  /* down to the GRU and its output: the preset's feature join and hidden layer go */
  for (int k = 0; k < 2; k++)
    {
      pb_builder_select (f->builder, 1);
      gtk_widget_activate_action (GTK_WIDGET (f->builder), "builder.delete", NULL);
    }
  g_assert_cmpint (pb_builder_get_spec (f->builder)->layers->len, ==, 2);
  /* palette drop on the lower half of the GRU: after it */
  g_assert_true (pb_builder_drop (f->builder, "new:dropout", 1));
  spec = pb_builder_get_spec (f->builder);
  g_assert_cmpint (spec->layers->len, ==, 3);
  g_assert_cmpint (g_array_index (spec->layers, NnLayerSpec, 1).kind, ==, NN_LAYER_DROPOUT);
  /* the output card dropped on top of the stack, then back to the end */
  g_assert_true (pb_builder_drop (f->builder, "move:2", 0));
  g_assert_cmpint (g_array_index (pb_builder_get_spec (f->builder)->layers, NnLayerSpec, 0).kind, ==,
                   NN_LAYER_DENSE);
  g_assert_false (pb_builder_can_train (f->builder, NULL));
  g_assert_true (pb_builder_drop (f->builder, "move:0", 3));
  spec = pb_builder_get_spec (f->builder);
  g_assert_cmpint (g_array_index (spec->layers, NnLayerSpec, 2).kind, ==, NN_LAYER_DENSE);
  g_assert_cmpint (g_array_index (spec->layers, NnLayerSpec, 0).kind, ==, NN_LAYER_GRU);
  g_assert_true (pb_builder_can_train (f->builder, NULL));
  /* nonsense changes nothing */
  g_assert_false (pb_builder_drop (f->builder, "new:transformer", 0));
  g_assert_false (pb_builder_drop (f->builder, "move:7", 0));
  g_assert_false (pb_builder_drop (f->builder, "move:x", 0));
  g_assert_false (pb_builder_drop (f->builder, "file:///nonexistent/a.json", 0));
  g_assert_cmpint (pb_builder_get_spec (f->builder)->layers->len, ==, 3);

  /* the keyboard stays on the stack when a card is deleted from it */
  pb_builder_select (f->builder, 1);
  gtk_widget_grab_focus (gtk_widget_get_parent (pb_builder_get_card (f->builder, 1)));
  gtk_widget_activate_action (GTK_WIDGET (f->builder), "builder.delete", NULL);
  g_assert_cmpint (pb_builder_get_spec (f->builder)->layers->len, ==, 2);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window))
                 == gtk_widget_get_parent (pb_builder_get_card (f->builder, pb_builder_get_selected (f->builder))));
  gtk_widget_activate_action (GTK_WIDGET (f->builder), "builder.undo", NULL);

  /* with nothing selected there is nothing to delete; a click on a card selects it */
  gtk_widget_activate_action (GTK_WIDGET (f->builder), "builder.select-none", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->builder), "builder.delete", NULL);
  g_assert_cmpint (pb_builder_get_spec (f->builder)->layers->len, ==, 3);
  gtk_list_box_select_row (GTK_LIST_BOX (gtk_widget_get_parent (gtk_widget_get_parent (pb_builder_get_card (f->builder, 1)))),
                           GTK_LIST_BOX_ROW (gtk_widget_get_parent (pb_builder_get_card (f->builder, 1))));
  g_assert_cmpint (pb_builder_get_selected (f->builder), ==, 1);
  gtk_widget_activate_action (GTK_WIDGET (f->builder), "builder.delete", NULL);
  g_assert_cmpint (pb_builder_get_spec (f->builder)->layers->len, ==, 2);
  gtk_widget_activate_action (GTK_WIDGET (f->builder), "builder.undo", NULL);

  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      gboolean found = FALSE;

      for (guint c = 0; c < g_list_model_get_n_items (controllers) && !found; c++)
        {
          g_autoptr(GObject) controller = g_list_model_get_item (controllers, c);

          if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
            continue;
          for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (controller)) && !found; i++)
            {
              g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), i);
              GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
              g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

              found = GTK_IS_NAMED_ACTION (action)
                      && g_strcmp0 (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), keys[k].action) == 0
                      && g_strcmp0 (trigger, keys[k].trigger) == 0;
            }
        }
      if (!found)
        g_error ("no shortcut %s for %s", keys[k].trigger, keys[k].action);
    }
  for (guint b = 0; b < G_N_ELEMENTS (buttons); b++)
    if (find_action_button (GTK_WIDGET (f->builder), buttons[b]) == NULL
        && g_strcmp0 (buttons[b], "builder.preset") != 0)
      g_error ("no button for %s", buttons[b]);
}

/* The window's other sections lay out with the builder beside them, invalid or not. */
static void
test_visit_pages (Fixture *f, gconstpointer data)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_parent (GTK_WIDGET (f->builder)));
  g_autoptr(GtkSelectionModel) pages = gtk_stack_get_pages (stack);

  gtk_widget_activate_action (GTK_WIDGET (f->builder), "builder.new", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->builder), "builder.add", "s", "gru");
  gtk_widget_activate_action (GTK_WIDGET (f->builder), "builder.add", "s", "lstm");
  g_assert_false (pb_builder_can_train (f->builder, NULL));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr(GObject) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      gtk_stack_set_visible_child (stack, gtk_stack_page_get_child (GTK_STACK_PAGE (page)));
      pb_test_iterate (100);
    }
  gtk_stack_set_visible_child_name (stack, "model");
  pb_test_iterate (50);
}

/* Labels travel with their layers through moves, duplicates and undo. */
static void
test_labels_move (Fixture *f, gconstpointer data)
{
  GtkWidget *builder = GTK_WIDGET (f->builder);
  const NnModelDoc *spec;
  GtkWidget *name;

  g_assert_true (pb_builder_load_preset (f->builder, "misweeper-lstm.json", NULL));
  pb_builder_select (f->builder, 4);
  pb_test_iterate (g_getenv ("PB_TEST_SAVE_DIR") != NULL ? 300 : 10);
  pb_test_save_png (GTK_WIDGET (f->window), "builder-misweeper");
  pb_builder_select (f->builder, 0);
  gtk_widget_activate_action (builder, "builder.move", "i", 1);
  gtk_widget_activate_action (builder, "builder.move", "i", 1);
  spec = pb_builder_get_spec (f->builder);
  g_assert_cmpstr (g_array_index (spec->layers, NnLayerSpec, 2).label, ==, "LSTM 1");
  g_assert_cmpstr (g_array_index (spec->layers, NnLayerSpec, 0).label, ==, "between the LSTM layers");
  gtk_widget_activate_action (builder, "builder.duplicate", NULL);
  gtk_widget_activate_action (builder, "builder.delete", NULL);
  gtk_widget_activate_action (builder, "builder.undo", NULL);
  gtk_widget_activate_action (builder, "builder.undo", NULL);
  gtk_widget_activate_action (builder, "builder.undo", NULL);
  gtk_widget_activate_action (builder, "builder.undo", NULL);
  spec = pb_builder_get_spec (f->builder);
  g_assert_cmpint (spec->layers->len, ==, 18);
  g_assert_cmpstr (g_array_index (spec->layers, NnLayerSpec, 0).label, ==, "LSTM 1");
  g_assert_cmpstr (g_array_index (spec->layers, NnLayerSpec, 2).label, ==, "LSTM 2");

  /* renaming in the editor is one undo step however many keys are typed */
  pb_builder_select (f->builder, 0);
  name = pb_test_find_descendant (GTK_WIDGET (f->builder), GTK_TYPE_ENTRY);
  g_assert_nonnull (name);
  gtk_editable_set_text (GTK_EDITABLE (name), "first");
  gtk_editable_set_text (GTK_EDITABLE (name), "first LSTM");
  g_assert_cmpstr (g_array_index (pb_builder_get_spec (f->builder)->layers, NnLayerSpec, 0).label, ==,
                   "first LSTM");
  gtk_widget_activate_action (builder, "builder.undo", NULL);
  g_assert_cmpstr (g_array_index (pb_builder_get_spec (f->builder)->layers, NnLayerSpec, 0).label, ==, "LSTM 1");
}

/* Xvfb has no session bus: GTK warns once about it, which is not a failure here. */
static gboolean
fatal_log_cb (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  return strstr (message, "session bus") == NULL;
}

/* The builder works the shape out on a sample of the objects (plus the
 * longest ones); it must be the shape the trainer gets from all of them. */
static void
test_data_shape_sample (Fixture *f, gconstpointer data)
{
  LcDataset *ds = pb_window_get_dataset (f->window);
  JsonNode *preprocessing = pb_builder_get_spec (f->builder)->preprocessing;
  g_autoptr(LcEncoder) encoder = NULL;
  g_autoptr(NnData) all = NULL;
  g_autoptr(GError) error = NULL;
  const NnModelInfo *info;

  /* large enough that the builder samples */
  g_assert_cmpuint (ds->n_objects, >, 300);
  /* the full encode the trainer does, with the spec's preprocessing */
  encoder = preprocessing != NULL ? lc_encoder_from_json (preprocessing, &error) : lc_encoder_new (NULL);
  g_assert_no_error (error);
  g_assert_true (lc_encoder_is_fitted (encoder) || lc_encoder_fit (encoder, ds, NULL, 0, &error));
  all = lc_encoder_encode (encoder, ds, NULL, 0, &error);
  g_assert_no_error (error);

  pb_builder_set_dataset (f->builder, ds);
  info = pb_builder_get_info (f->builder);
  g_assert_cmpint (info->seq_features, ==, all->features);
  g_assert_cmpint (info->meta_features, ==, all->meta_features);
  g_assert_cmpint (info->n_classes, ==, lc_encoder_n_classes (encoder));
  g_assert_cmpint (info->max_steps, ==, all->steps);
}

int
main (int argc, char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  g_test_log_set_fatal_handler (fatal_log_cb, NULL);
  g_test_add ("/builder/gui/presets", Fixture, NULL, fixture_setup, test_presets, fixture_teardown);
  g_test_add ("/builder/gui/data-shape-sample", Fixture, NULL, fixture_setup, test_data_shape_sample,
              fixture_teardown);
  g_test_add ("/builder/gui/build-and-train", Fixture, NULL, fixture_setup, test_build_and_train, fixture_teardown);
  g_test_add ("/builder/gui/rebuild-preset", Fixture, NULL, fixture_setup, test_rebuild_preset, fixture_teardown);
  g_test_add ("/builder/gui/drop-and-keys", Fixture, NULL, fixture_setup, test_drop_and_keys, fixture_teardown);
  g_test_add ("/builder/gui/visit-pages", Fixture, NULL, fixture_setup, test_visit_pages, fixture_teardown);
  g_test_add ("/builder/gui/labels-move", Fixture, NULL, fixture_setup, test_labels_move, fixture_teardown);
  g_test_add ("/builder/gui/diagram", Fixture, NULL, fixture_setup, test_diagram_export, fixture_teardown);
  status = g_test_run ();
  if (shared.window != NULL)
    close_shared_window ();
  return status;
}
