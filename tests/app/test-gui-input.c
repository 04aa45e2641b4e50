/* test-gui-input.c: the app driven as a user drives it.
 *
 * The window runs in this process on an 800 × 600 Xvfb screen; xdotool moves
 * the pointer, clicks, types, presses shortcuts and drags (pb-test-gui.h), and
 * each test waits for what the user would then see.  One test per defect a
 * new user met: Train trains the network built in Model, Results follows the
 * open dataset, a fold belongs to its object, the pooling fix goes before the
 * head, every section fits 800 × 600, the CSV mapping guesses its columns, a
 * layer's type can be changed, the window is titled Passband, Tune speaks in
 * words. */
#include "config.h"

#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "pb-builder.h"
#include "pb-csv-mapping-dialog.h"
#include "pb-layer-card.h"
#include "pb-light-curve-view.h"
#include "pb-object-browser.h"
#include "pb-preferences.h"
#include "pb-results-page.h"
#include "pb-settings.h"
#include "pb-train-page.h"
#include "pb-tune-page.h"
#include "pb-window.h"
#include "pb-test-gui.h"

/* waits for what a click changes; generous for a loaded machine */
#define SOON 5000
/* a short training run, a load of LSST */
#define SLOW 30000

/* One window for the whole run, as a user keeps it open. */
typedef struct
{
  GtkWidget *unused;
} Fixture;

static PbWindow *window;
static GSettings *settings;
static char *tmp;

static GtkWidget *
page (GType type)
{
  GtkWidget *found = pb_test_find_descendant (GTK_WIDGET (window), type);

  g_assert_nonnull (found);
  return found;
}

static PbBuilder *
builder (void)
{
  return PB_BUILDER (page (PB_TYPE_BUILDER));
}

static PbSession *
session (void)
{
  return pb_window_get_session (window);
}

static const char *
visible_section (void)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_parent (page (PB_TYPE_BUILDER))));
}

/* Clicks a section's name in the sidebar. */
static void
show_section (const char *name, const char *title)
{
  GtkWidget *sidebar = page (GTK_TYPE_STACK_SIDEBAR);

  if (g_strcmp0 (visible_section (), name) == 0)
    return;
  pb_test_click (pb_test_get_text (sidebar, GTK_TYPE_LABEL, title));
  pb_test_wait_for (g_strcmp0 (visible_section (), name) == 0, SOON, "the %s section is not shown", title);
}

/* The field a mnemonic label such as "_Epochs" names, under root. */
static GtkWidget *
field (GtkWidget *root, const char *title)
{
  GtkWidget *label = pb_test_get_text (root, GTK_TYPE_LABEL, title);
  GtkWidget *target = gtk_label_get_mnemonic_widget (GTK_LABEL (label));

  g_assert_nonnull (target);
  return target;
}

/* Replaces what a text field shows by text, as a user does: click, select
 * all, type, Tab to the next field. */
static void
type_into (GtkWidget *entry, const char *text)
{
  pb_test_scroll_to (entry);
  pb_test_click (entry);
  pb_test_key ("ctrl+a");
  pb_test_type (text);
  pb_test_key ("Tab");
}

static gboolean
has_kind (const NnModelDoc *doc, NnLayerKind kind)
{
  for (guint i = 0; i < doc->layers->len; i++)
    if (g_array_index (doc->layers, NnLayerSpec, i).kind == kind)
      return TRUE;
  return FALSE;
}

static NnLayerKind
kind_at (const NnModelDoc *doc, guint i)
{
  return i < doc->layers->len ? g_array_index (doc->layers, NnLayerSpec, i).kind : NN_LAYER_N_KINDS;
}

static gboolean
same_layers (const NnModelDoc *a, const NnModelDoc *b)
{
  if (a->layers->len != b->layers->len)
    return FALSE;
  for (guint i = 0; i < a->layers->len; i++)
    if (kind_at (a, i) != kind_at (b, i))
      return FALSE;
  return TRUE;
}

/* Whether a mapped label under root contains text. */
static GtkWidget *
find_label_containing (GtkWidget *root, const char *text)
{
  if (!gtk_widget_get_mapped (root))
    return NULL;
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), text) != NULL)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label_containing (c, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Picks a preset from the Model section's Presets menu with the pointer. */
static void
pick_preset (const char *name)
{
  GtkWidget *presets = pb_test_get_text (GTK_WIDGET (builder ()), GTK_TYPE_MENU_BUTTON, "Presets");
  GtkWidget *popover = (GtkWidget *) gtk_menu_button_get_popover (GTK_MENU_BUTTON (presets));
  GtkWidget *item;

  pb_test_click (presets);
  pb_test_wait_for (gtk_widget_get_mapped (popover), SOON, "the presets menu did not open");
  /* descriptions are for students: no development notes */
  pb_test_check (find_label_containing (popover, "issue") == NULL, "a preset description mentions an issue");
  item = pb_test_get_text (popover, GTK_TYPE_LABEL, name);
  pb_test_scroll_to (item);
  pb_test_click (item);
  pb_test_wait_for (g_strcmp0 (pb_builder_get_spec (builder ())->name, name) == 0, SOON,
                    "the builder did not load %s", name);
  pb_test_wait_for (!gtk_widget_get_mapped (popover), SOON, "the presets menu stayed open");
}

/* The first mapped button under root that runs action, or NULL. */
static GtkWidget *
find_action (GtkWidget *root, const char *action)
{
  if (!gtk_widget_get_mapped (root))
    return NULL;
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_action (c, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first one-click fix a card offers, or NULL. */
static GtkWidget *
fix_button (void)
{
  return find_action (GTK_WIDGET (builder ()), "builder.apply-fix");
}

/* The whole window back to the sample, showing the Data section. */
static void
back_to_sample (void)
{
  LcDataset *ds = pb_window_get_dataset (window);

  show_section ("data", "Data");
  if (ds == NULL || ds->source != LC_SOURCE_SIMULATED)
    {
      pb_window_load_sample (window);
      pb_test_wait_for_load (window);
    }
}

static void
setup (Fixture *f, gconstpointer data)
{
  back_to_sample ();
}

static void
teardown (Fixture *f, gconstpointer data)
{
  GtkWindow *dialog = pb_window_get_dialog (window);

  if (dialog != NULL)
    gtk_window_destroy (dialog);
}

/* ---- 1: Train trains the network built in Model ------------------------------ */

static void
test_train_follows_model (Fixture *f, gconstpointer data)
{
  GtkWidget *train = page (PB_TYPE_TRAIN_PAGE);
  guint runs_before = pb_session_get_runs (session ())->len;
  const NnModelDoc *built;
  g_autoptr (NnModelDoc) spec = NULL;
  g_autoptr (GError) error = NULL;
  PbRun *run;

  show_section ("model", "Model");
  pick_preset ("Small SimpleRNN");
  /* an LSTM from the palette dropped on the lower half of the SimpleRNN's card: after it */
  pb_test_drag (pb_test_get_text (GTK_WIDGET (builder ()), GTK_TYPE_BUTTON, "LSTM"),
                pb_builder_get_card (builder (), 0), 40, gtk_widget_get_height (pb_builder_get_card (builder (), 0)) - 4);
  pb_test_wait_for (kind_at (pb_builder_get_spec (builder ()), 1) == NN_LAYER_LSTM, SOON,
                    "the dropped LSTM is not the second layer");
  /* the SimpleRNN gives one vector, the LSTM needs a sequence: fix it with clicks */
  for (int k = 0; k < 4 && !pb_builder_get_info (builder ())->valid; k++)
    {
      GtkWidget *fix = NULL;

      pb_test_wait_for ((fix = fix_button ()) != NULL, SOON, "no fix offered for an invalid network");
      pb_test_scroll_to (fix);
      pb_test_click (fix);
      pb_test_wait_for (fix_button () != fix, SOON, "the fix did nothing");
    }
  pb_test_check (pb_builder_get_info (builder ())->valid, "the fixes left the network invalid");
  built = pb_builder_get_spec (builder ());
  pb_test_check (has_kind (built, NN_LAYER_SIMPLE_RNN) && has_kind (built, NN_LAYER_LSTM),
                 "the built network lost a layer");

  show_section ("train", "Train");
  /* Train describes the built network, not a preset of its own */
  pb_test_check (find_label_containing (train, built->name) != NULL, "Train does not name %s", built->name);
  pb_test_check (find_label_containing (train, "Small GRU") == NULL, "Train still shows Small GRU");
  type_into (field (train, "Epochs"), "2");
  pb_test_click (pb_test_get_text (train, GTK_TYPE_BUTTON, "Start"));
  pb_test_wait_for (pb_session_get_runs (session ())->len > runs_before
                    && !pb_trainer_is_running (pb_session_get_trainer (session ())), SLOW,
                    "Start trained nothing");
  run = g_ptr_array_index (pb_session_get_runs (session ()), pb_session_get_runs (session ())->len - 1);
  pb_test_check (run->state == PB_RUN_FINISHED, "the run did not finish: %s", run->message);
  pb_test_check (same_layers (run->doc, pb_builder_get_spec (builder ())), "the run trained another network");
  pb_test_check (run->epochs->len == 2, "the run trained %u epochs, not the 2 typed", run->epochs->len);
}

/* ---- 4: the pooling fix goes before the head ------------------------------- */

static void
test_pooling_fix (Fixture *f, gconstpointer data)
{
  const NnModelDoc *spec;
  GtkWidget *fix = NULL;
  int pool = -1, head = -1;

  show_section ("model", "Model");
  pick_preset ("Small Conv1D");
  /* a network whose convolution's sequence reaches the dense head */
  for (guint i = 0; i < pb_builder_get_spec (builder ())->layers->len; i++)
    if (kind_at (pb_builder_get_spec (builder ()), i) == NN_LAYER_GLOBAL_AVG_POOL
        || kind_at (pb_builder_get_spec (builder ()), i) == NN_LAYER_GLOBAL_MAX_POOL
        || kind_at (pb_builder_get_spec (builder ()), i) == NN_LAYER_FLATTEN)
      {
        GtkWidget *card = pb_builder_get_card (builder (), (int) i);

        pb_test_click (card);
        pb_test_wait_for (pb_builder_get_selected (builder ()) == (int) i, SOON, "clicking card %u did not select it",
                          i + 1);
        pb_test_key ("Delete");
        pb_test_wait_for (kind_at (pb_builder_get_spec (builder ()), i) != NN_LAYER_GLOBAL_AVG_POOL
                          && kind_at (pb_builder_get_spec (builder ()), i) != NN_LAYER_GLOBAL_MAX_POOL
                          && kind_at (pb_builder_get_spec (builder ()), i) != NN_LAYER_FLATTEN, SOON,
                          "Delete did not remove the layer");
        break;
      }
  pb_test_wait_for ((fix = fix_button ()) != NULL, SOON, "no fix for a sequence reaching the head");
  pb_test_scroll_to (fix);
  pb_test_click (fix);
  spec = pb_builder_get_spec (builder ());
  pb_test_wait_for (has_kind (pb_builder_get_spec (builder ()), NN_LAYER_GLOBAL_AVG_POOL), SOON,
                    "the fix added no pooling");
  spec = pb_builder_get_spec (builder ());
  for (guint i = 0; i < spec->layers->len; i++)
    {
      if (kind_at (spec, i) == NN_LAYER_GLOBAL_AVG_POOL)
        pool = (int) i;
      if (kind_at (spec, i) == NN_LAYER_DENSE && head < 0)
        head = (int) i;
    }
  pb_test_check (pool >= 0 && head >= 0 && pool < head, "the pooling (layer %d) is not before the head (layer %d)",
                 pool + 1, head + 1);
  pb_test_check (kind_at (spec, spec->layers->len - 1) == NN_LAYER_DENSE, "the softmax is no longer the last layer");
  pb_test_check (pb_builder_get_info (builder ())->valid, "the fix left the network invalid");
}

/* ---- 8: a layer's type changes in the inspector ------------------------------ */

static void
test_change_layer_type (Fixture *f, gconstpointer data)
{
  GtkWidget *type_drop, *popover_item;
  const NnLayerSpec *layer;

  show_section ("model", "Model");
  pick_preset ("Small SimpleRNN");
  pb_test_click (pb_builder_get_card (builder (), 0));
  pb_test_wait_for (pb_builder_get_selected (builder ()) == 0, SOON, "clicking the first card did not select it");
  type_drop = field (GTK_WIDGET (builder ()), "Type");
  pb_test_click (type_drop);
  popover_item = pb_test_get_text (type_drop, GTK_TYPE_LABEL, "LSTM");
  pb_test_click (popover_item);
  pb_test_wait_for (kind_at (pb_builder_get_spec (builder ()), 0) == NN_LAYER_LSTM, SOON,
                    "choosing LSTM did not change the layer");
  layer = &g_array_index (pb_builder_get_spec (builder ())->layers, NnLayerSpec, 0);
  pb_test_check (layer->cfg.units == 32, "the layer lost its units (%d)", layer->cfg.units);
  pb_test_check (pb_builder_get_info (builder ())->valid, "the changed network is invalid");
  /* the card and the inspector say so */
  pb_test_wait_for (find_label_containing (pb_builder_get_card (builder (), 0), "LSTM") != NULL, SOON,
                    "the card does not say LSTM");
  pb_test_key ("ctrl+z");
  pb_test_wait_for (kind_at (pb_builder_get_spec (builder ()), 0) == NN_LAYER_SIMPLE_RNN, SOON,
                    "Ctrl+Z did not undo the change");
}

/* ---- 8: the X window is titled Passband -------------------------------------- */

/* The title a window manager shows: the window's _NET_WM_NAME. */
static char *
x_window_title (GtkWindow *w)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (w));
  GdkDisplay *display = gdk_surface_get_display (surface);
  Display *x = gdk_x11_display_get_xdisplay (display);
  Atom type;
  int format;
  unsigned long n, after;
  unsigned char *value = NULL;
  char *title = NULL;

  if (XGetWindowProperty (x, gdk_x11_surface_get_xid (surface), gdk_x11_get_xatom_by_name_for_display (display,
                                                                                                    "_NET_WM_NAME"),
                          0, 1024, False, gdk_x11_get_xatom_by_name_for_display (display, "UTF8_STRING"), &type,
                          &format, &n, &after, &value) == Success && value != NULL)
    title = g_strndup ((const char *) value, n);
  if (value != NULL)
    XFree (value);
  return title;
}

static void
test_window_title (Fixture *f, gconstpointer data)
{
  g_autofree char *title = NULL;
  g_autofree char *name = pb_session_dataset_name (pb_window_get_dataset (window));

  title = x_window_title (GTK_WINDOW (window));
  pb_test_check (g_strcmp0 (title, "Passband") == 0, "the window is titled “%s”", title);
  /* the dataset is the subtitle */
  pb_test_check (find_label_containing (GTK_WIDGET (window), name) != NULL, "the header does not name %s", name);
}

/* ---- 8: Preferences with Ctrl+comma ------------------------------------------ */

static void
test_preferences_shortcut (Fixture *f, gconstpointer data)
{
  pb_test_click (pb_window_get_view (window, "overview"));
  pb_test_key ("ctrl+comma");
  pb_test_wait_for (PB_IS_PREFERENCES (pb_window_get_dialog (window))
                    && gtk_widget_get_mapped (GTK_WIDGET (pb_window_get_dialog (window))), SOON,
                    "Ctrl+comma did not open Preferences");
  pb_test_key ("Escape");
  pb_test_wait_for (pb_window_get_dialog (window) == NULL
                    || !gtk_widget_get_visible (GTK_WIDGET (pb_window_get_dialog (window))), SOON,
                    "Escape did not close Preferences");
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check () || !GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_test_skip ("no X display");
      return 77;
    }
  settings = pb_settings_new (APP_ID, PB_BUILD_SCHEMA_DIR, NULL);
  tmp = g_dir_make_tmp ("passband-input-XXXXXX", &error);
  g_assert_no_error (error);
  window = pb_window_new (NULL, settings);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_present (GTK_WINDOW (window));
  pb_window_load_sample (window);
  pb_test_wait_for_load (window);

  g_test_add ("/input/window-title", Fixture, NULL, setup, test_window_title, teardown);
  g_test_add ("/input/preferences-shortcut", Fixture, NULL, setup, test_preferences_shortcut, teardown);
  g_test_add ("/input/change-layer-type", Fixture, NULL, setup, test_change_layer_type, teardown);
  g_test_add ("/input/pooling-fix", Fixture, NULL, setup, test_pooling_fix, teardown);
  g_test_add ("/input/train-follows-model", Fixture, NULL, setup, test_train_follows_model, teardown);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (settings);
  g_rmdir (tmp);
  g_free (tmp);
  return status;
}
