/* test-tune-marks.c: the field table drives the forms, and the search-space
 * editor ("Tune this") round-trips.
 *
 * The builder's inspector shows exactly the fields the core's table gives a
 * layer kind; fields marked "Tune this" in the inspector and in the Train
 * settings become the session's search space, which Tune runs and titles in
 * words; the space saved as JSON and loaded back marks the same fields with
 * the same ranges; marks follow their layer when layers move and go when the
 * layer no longer takes the field. */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "nn-fields.h"
#include "pb-builder.h"
#include "pb-field-editor.h"
#include "pb-session.h"
#include "pb-train-page.h"
#include "pb-tune-page.h"
#include "pb-test-gui.h"

/* The first widget of type under widget (depth first), or NULL. */
static GtkWidget *
find_type (GtkWidget *widget, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Every string a drop-down under widget offers, appended to out. */
static void
collect_choices (GtkWidget *widget, GPtrArray *out)
{
  if (GTK_IS_DROP_DOWN (widget) && gtk_drop_down_get_model (GTK_DROP_DOWN (widget)) != NULL)
    {
      GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (widget));

      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr (GObject) item = g_list_model_get_item (model, i);
          if (GTK_IS_STRING_OBJECT (item))
            g_ptr_array_add (out, g_strdup (gtk_string_object_get_string (GTK_STRING_OBJECT (item))));
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_choices (child, out);
}

static void
click_tune (GtkWidget *mark, gboolean on)
{
  g_assert_nonnull (mark);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (pb_tune_mark_get_toggle (PB_TUNE_MARK (mark))), on);
}

static gboolean
is_marked (GtkWidget *mark)
{
  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (pb_tune_mark_get_toggle (PB_TUNE_MARK (mark))))
         && gtk_widget_get_visible (mark);
}

/* Each kind: the inspector's fields are the table's for the kind, in its
 * order, less the ones that mean nothing now (a tanh's slope, the units of
 * an output layer that follows the classes). */
static void
test_inspector_shows_table (void)
{
  g_autoptr (PbSession) session = pb_session_new ();
  GtkWidget *builder = g_object_ref_sink (pb_builder_new_for_session (session));

  for (int k = 0; k < NN_LAYER_N_KINDS; k++)
    {
      g_autoptr (GPtrArray) fields = nn_layer_kind_fields (k);
      g_autoptr (GStrvBuilder) want_builder = g_strv_builder_new ();
      g_auto (GStrv) want = NULL;
      g_auto (GStrv) shown = NULL;
      const NnLayerSpec *spec;
      int at = (int) pb_builder_get_spec (PB_BUILDER (builder))->layers->len;

      pb_builder_add_layer (PB_BUILDER (builder), k, at);
      pb_builder_select (PB_BUILDER (builder), at);
      spec = &g_array_index (pb_builder_get_spec (PB_BUILDER (builder))->layers, NnLayerSpec, at);
      for (guint i = 0; i < fields->len; i++)
        {
          const NnField *f = g_ptr_array_index (fields, i);
          if (nn_field_is_relevant (f, &spec->cfg) && !((f->flags & NN_FIELD_CLASSES) && spec->units_is_classes))
            g_strv_builder_add (want_builder, f->name);
        }
      want = g_strv_builder_end (want_builder);
      shown = pb_builder_get_shown_fields (PB_BUILDER (builder));
      g_assert_true (g_strv_equal ((const char *const *) shown, (const char *const *) want));
      /* every editor has the table's range; numbers and choices a "Tune" mark */
      for (int i = 0; shown[i] != NULL; i++)
        {
          GtkWidget *editor = pb_builder_get_field_editor (PB_BUILDER (builder), shown[i]);
          const NnField *f = pb_field_editor_get_field (editor);

          g_assert_true (f == nn_layer_field_lookup (k, shown[i]));
          g_assert_true ((pb_builder_get_tune_mark (PB_BUILDER (builder), shown[i]) != NULL)
                         == (f->type != NN_FIELD_BOOL));
          if (GTK_IS_SPIN_BUTTON (editor))
            {
              double lower, upper;
              double unit = pow (10, -f->digits);

              /* the whole range the reader allows, and no more */
              gtk_spin_button_get_range (GTK_SPIN_BUTTON (editor), &lower, &upper);
              g_assert_true (nn_field_in_range (f, lower));
              g_assert_true (nn_field_in_range (f, upper));
              g_assert_cmpfloat (lower, <=, f->min + unit * 1.001);
              g_assert_cmpfloat (upper, >=, f->max - unit * 1.001);
            }
        }
    }
  /* a leaky relu brings its slope */
  {
    int last = (int) pb_builder_get_spec (PB_BUILDER (builder))->layers->len - 1;
    NnLayerSpec spec;

    pb_builder_add_layer (PB_BUILDER (builder), NN_LAYER_ACTIVATION, last + 1);
    spec = g_array_index (pb_builder_get_spec (PB_BUILDER (builder))->layers, NnLayerSpec, last + 1);
    g_assert_null (pb_builder_get_field_editor (PB_BUILDER (builder), "negative_slope"));
    spec.cfg.activation = NN_ACT_LEAKY_RELU;
    pb_builder_set_layer (PB_BUILDER (builder), last + 1, &spec);
    g_assert_nonnull (pb_builder_get_field_editor (PB_BUILDER (builder), "negative_slope"));
  }
  g_object_unref (builder);
}

/* Marks in the inspector and in Train → the session's space → Tune's
 * columns in words → JSON → a fresh session's marks, ranges included. */
static void
test_marks_round_trip (void)
{
  g_autoptr (PbSession) session = pb_session_new ();
  g_autoptr (PbSession) again = pb_session_new ();
  GtkWidget *builder = g_object_ref_sink (pb_builder_new_for_session (session));
  GtkWidget *train = g_object_ref_sink (pb_train_page_new (session));
  GtkWidget *tune = g_object_ref_sink (pb_tune_page_new (session));
  GtkWidget *builder2 = NULL, *train2 = NULL, *tune2 = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  const LcSearchSpace *space;
  const LcTuneParam *units, *lr, *optimizer;
  g_autofree char *json = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LcSearchSpace) loaded = NULL;
  GListModel *columns;
  GtkWidget *mark, *from;
  gboolean titled = FALSE;

  g_assert_null (pb_session_get_space (session));
  /* the small GRU's first layer: units */
  pb_builder_select (PB_BUILDER (builder), 0);
  click_tune (pb_builder_get_tune_mark (PB_BUILDER (builder), "units"), TRUE);
  click_tune (pb_train_page_get_tune_mark (PB_TRAIN_PAGE (train), "learning_rate"), TRUE);
  click_tune (pb_train_page_get_tune_mark (PB_TRAIN_PAGE (train), "optimizer"), TRUE);
  g_assert_null (pb_train_page_get_tune_mark (PB_TRAIN_PAGE (train), "seed"));

  space = pb_session_get_space (session);
  g_assert_nonnull (space);
  g_assert_cmpuint (space->params->len, ==, 3);
  units = pb_tune_marks_find (session, "layers[0].units");
  lr = pb_tune_marks_find (session, "training.learning_rate");
  optimizer = pb_tune_marks_find (session, "training.optimizer");
  g_assert_nonnull (units);
  g_assert_true (units->integer);
  g_assert_cmpfloat (units->min, <, units->max);
  g_assert_true (lr->log);
  g_assert_cmpfloat (lr->min, >, 0);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (optimizer->values)), ==, 4);

  /* the user narrows the units: the spin buttons of the mark write the space */
  mark = pb_builder_get_tune_mark (PB_BUILDER (builder), "units");
  g_assert_true (is_marked (mark));
  from = find_type (mark, GTK_TYPE_SPIN_BUTTON);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (from), 24);
  g_assert_cmpfloat (pb_tune_marks_find (session, "layers[0].units")->min, ==, 24);

  /* Tune runs the marks and names them in words, axes too */
  g_assert_cmpuint (pb_tune_page_get_space (PB_TUNE_PAGE (tune))->params->len, ==, 3);
  columns = gtk_column_view_get_columns (pb_tune_page_get_column_view (PB_TUNE_PAGE (tune)));
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) c = g_list_model_get_item (columns, i);
      const char *title = gtk_column_view_column_get_title (c);

      g_assert_null (strstr (title, "layers["));
      g_assert_null (strstr (title, "training."));
      g_assert_null (strstr (title, "_"));
      titled |= g_strcmp0 (title, "Layer 1 (GRU): Units") == 0;
    }
  g_assert_true (titled);
  /* the heat map's axes offer the same titles */
  {
    g_autoptr (GPtrArray) choices = g_ptr_array_new_with_free_func (g_free);
    gboolean axis_titled = FALSE;

    collect_choices (tune, choices);
    for (guint i = 0; i < choices->len; i++)
      {
        const char *choice = g_ptr_array_index (choices, i);
        g_assert_null (strstr (choice, "layers["));
        g_assert_null (strstr (choice, "training."));
        axis_titled |= g_strcmp0 (choice, "Learning rate") == 0;
      }
    g_assert_true (axis_titled);
  }

  /* saved as JSON (Tune's "Save space…") and opened in another session's
   * Tune ("Search space…"): the same marks */
  json = lc_search_space_to_data (pb_session_get_space (session));
  dir = g_dir_make_tmp ("tune-marks-XXXXXX", &error);
  g_assert_no_error (error);
  file = g_build_filename (dir, "space.json", NULL);
  g_assert_true (lc_search_space_save (pb_session_get_space (session), file, &error));
  g_assert_no_error (error);
  loaded = lc_search_space_load (file, &error);
  g_assert_no_error (error);
  builder2 = g_object_ref_sink (pb_builder_new_for_session (again));
  train2 = g_object_ref_sink (pb_train_page_new (again));
  tune2 = g_object_ref_sink (pb_tune_page_new (again));
  pb_builder_select (PB_BUILDER (builder2), 0);
  g_assert_false (is_marked (pb_builder_get_tune_mark (PB_BUILDER (builder2), "units")));
  pb_tune_page_set_space (PB_TUNE_PAGE (tune2), g_steal_pointer (&loaded));
  g_assert_cmpint (g_remove (file), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  mark = pb_builder_get_tune_mark (PB_BUILDER (builder2), "units");
  g_assert_true (is_marked (mark));
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (find_type (mark, GTK_TYPE_SPIN_BUTTON))), ==, 24);
  g_assert_true (is_marked (pb_train_page_get_tune_mark (PB_TRAIN_PAGE (train2), "learning_rate")));
  g_assert_true (is_marked (pb_train_page_get_tune_mark (PB_TRAIN_PAGE (train2), "optimizer")));
  g_assert_false (is_marked (pb_train_page_get_tune_mark (PB_TRAIN_PAGE (train2), "epochs")));
  {
    g_autofree char *json2 = lc_search_space_to_data (pb_session_get_space (again));
    g_assert_cmpstr (json2, ==, json);
  }

  /* unmarking takes it out of the space */
  click_tune (pb_train_page_get_tune_mark (PB_TRAIN_PAGE (train2), "optimizer"), FALSE);
  g_assert_null (pb_tune_marks_find (again, "training.optimizer"));
  g_object_unref (builder2);
  g_object_unref (train2);
  g_object_unref (tune2);
  g_object_unref (tune);
  g_object_unref (train);
  g_object_unref (builder);
}

/* A mark stays on its layer when layers are added, moved and removed, and
 * goes when the layer's new kind does not take the field. */
static void
test_marks_follow_layers (void)
{
  g_autoptr (PbSession) session = pb_session_new ();
  GtkWidget *builder = g_object_ref_sink (pb_builder_new_for_session (session));
  PbBuilder *b = PB_BUILDER (builder);

  pb_builder_select (b, 0);
  click_tune (pb_builder_get_tune_mark (b, "units"), TRUE);
  pb_builder_add_layer (b, NN_LAYER_BATCH_NORM, 0);
  g_assert_null (pb_tune_marks_find (session, "layers[0].units"));
  g_assert_nonnull (pb_tune_marks_find (session, "layers[1].units"));
  pb_builder_select (b, 1);
  g_assert_true (is_marked (pb_builder_get_tune_mark (b, "units")));
  pb_builder_move_layer (b, 1, 0);
  g_assert_nonnull (pb_tune_marks_find (session, "layers[0].units"));
  pb_builder_remove_layer (b, 1);
  g_assert_nonnull (pb_tune_marks_find (session, "layers[0].units"));
  /* an LSTM has units too; dropout has none */
  pb_builder_set_layer_kind (b, 0, NN_LAYER_LSTM);
  g_assert_nonnull (pb_tune_marks_find (session, "layers[0].units"));
  pb_builder_set_layer_kind (b, 0, NN_LAYER_DROPOUT);
  g_assert_null (pb_tune_marks_find (session, "layers[0].units"));
  g_object_unref (builder);
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
  g_test_add_func ("/tune-marks/inspector-shows-table", test_inspector_shows_table);
  g_test_add_func ("/tune-marks/round-trip", test_marks_round_trip);
  g_test_add_func ("/tune-marks/follow-layers", test_marks_follow_layers);
  return g_test_run ();
}
