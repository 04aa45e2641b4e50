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
#include "testutil.h"

/* waits for what a click changes; generous for a loaded machine (each test
 * takes well under 20 s on an idle one) */
#define SOON 20000
/* a short training run, a load of LSST */
#define SLOW 120000

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

static GtkStack *
sections (void)
{
  return GTK_STACK (gtk_widget_get_parent (page (PB_TYPE_BUILDER)));
}

static const char *
visible_section (void)
{
  return gtk_stack_get_visible_child_name (sections ());
}

/* Clicks a section's name in the sidebar. */
static void
show_section (const char *name, const char *title)
{
  GtkWidget *sidebar = page (GTK_TYPE_STACK_SIDEBAR);

  if (g_strcmp0 (visible_section (), name) == 0)
    return;
  pb_test_click (pb_test_get_text (sidebar, GTK_TYPE_LABEL, title));
  pb_test_wait_for (g_strcmp0 (visible_section (), name) == 0 && !gtk_stack_get_transition_running (sections ()),
                    SOON, "the %s section is not shown", title);
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

/* Whether every revealer under root has finished showing or hiding (the
 * loading bar slides the sections down and back up). */
static gboolean
revealers_still (GtkWidget *root)
{
  if (GTK_IS_REVEALER (root)
      && gtk_revealer_get_reveal_child (GTK_REVEALER (root)) != gtk_revealer_get_child_revealed (GTK_REVEALER (root)))
    return FALSE;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (!revealers_still (c))
      return FALSE;
  return TRUE;
}

/* Runs the main loop until the open dataset has loaded and the window has
 * stopped moving. */
static void
wait_loaded (const char *what)
{
  pb_test_wait_for (!pb_window_is_loading (window) && revealers_still (GTK_WIDGET (window)), SLOW,
                    "%s did not open: %s", what, pb_window_get_last_error (window));
}

/* The mapped menu button under root showing icon, or NULL. */
static GtkWidget *
find_menu_button (GtkWidget *root, const char *icon)
{
  if (!gtk_widget_get_mapped (root))
    return NULL;
  if (GTK_IS_MENU_BUTTON (root) && g_strcmp0 (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (root)), icon) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_menu_button (c, icon);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Opens the main menu and clicks an item of it. */
static void
main_menu_item (const char *label)
{
  GtkWidget *menu = find_menu_button (GTK_WIDGET (window), "open-menu-symbolic");
  GtkWidget *popover;

  pb_test_check (menu != NULL, "no main menu button");
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu)));
  pb_test_click (menu);
  pb_test_wait_for (gtk_widget_get_mapped (popover), SOON, "the main menu did not open");
  pb_test_click (pb_test_get_text (popover, GTK_TYPE_LABEL, label));
  pb_test_wait_for (!gtk_widget_get_mapped (popover), SOON, "the main menu stayed open");
}

/* Runs the main loop until widget has kept its width for 300 ms: the object
 * list widens its columns for a while after a dataset is shown, moving the
 * view tabs beside it. */
static void
wait_width_settles (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  int width, still = 0;

  while (still < 3)
    {
      if (g_get_monotonic_time () > deadline)
        pb_test_fail ("%s keeps changing its width", G_OBJECT_TYPE_NAME (widget));
      width = gtk_widget_get_width (widget);
      pb_test_iterate (100);
      still = width == gtk_widget_get_width (widget) ? still + 1 : 0;
    }
}

/* The whole window back to the sample, showing the Data section. */
static void
back_to_sample (void)
{
  LcDataset *ds = pb_window_get_dataset (window);

  show_section ("data", "Data");
  if (ds == NULL || ds->source != LC_SOURCE_SIMULATED)
    {
      main_menu_item ("Open the Simulated Sample");
      wait_loaded ("the sample");
    }
  wait_width_settles (pb_window_get_browser (window));
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
  /* a new network of clicks: a Conv1D whose sequence reaches the dense output */
  pb_test_click (find_action (GTK_WIDGET (builder ()), "builder.new"));
  pb_test_wait_for (pb_builder_get_spec (builder ())->layers->len == 0, SOON, "New left layers behind");
  pb_test_click (pb_test_get_text (GTK_WIDGET (builder ()), GTK_TYPE_BUTTON, "Conv1D"));
  pb_test_wait_for (kind_at (pb_builder_get_spec (builder ()), 0) == NN_LAYER_CONV1D, SOON,
                    "clicking Conv1D in the palette added no Conv1D");
  pb_test_click (pb_test_get_text (GTK_WIDGET (builder ()), GTK_TYPE_BUTTON, "Dense"));
  pb_test_wait_for (kind_at (pb_builder_get_spec (builder ()), 1) == NN_LAYER_DENSE, SOON,
                    "clicking Dense in the palette added no Dense after the Conv1D");
  pb_test_wait_for ((fix = fix_button ()) != NULL, SOON, "no fix for a sequence reaching the output");
  pb_test_scroll_to (fix);
  pb_test_click (fix);
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

/* ---- opening files as a user does --------------------------------------- */

/* Opens path as the Open dialog's answer does.  The dialog itself is left
 * out: GTK 4.8's file chooser under Xvfb takes a typed location after one
 * Return or after two, so typing into it makes a flaky test. */
static void
open_file (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);

  pb_window_open_file (window, file);
}

/* The text a drop-down shows for its choice. */
static const char *
shown_choice (GtkWidget *drop_down)
{
  /* the first label on screen: the button's, not the closed list's */
  GtkWidget *label = find_label_containing (drop_down, "");

  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

/* ---- 3: a fold belongs to its object ------------------------------------ */

/* Whether typing object's id in the search finds it alone. */
static gboolean
id_is_unique (LcDataset *ds, gsize object)
{
  for (gsize i = 0; i < ds->n_objects; i++)
    if (i != object && strstr (ds->objects[i].id, ds->objects[object].id) != NULL)
      return FALSE;
  return TRUE;
}

/* The first object of a class that a search for its id finds alone. */
static gssize
first_of_class (LcDataset *ds, int class_id)
{
  for (gsize i = 0; i < ds->n_objects; i++)
    if (ds->objects[i].label >= 0 && ds->classes[ds->objects[i].label].id == class_id && id_is_unique (ds, i))
      return (gssize) i;
  return -1;
}

/* Whether the list shows object and no other. */
static gboolean
shows_only (PbObjectBrowser *browser, gsize object)
{
  guint n = 0;
  g_autofree gsize *shown = pb_object_browser_get_shown_objects (browser, 2, &n);

  return n == 1 && shown[0] == object;
}

/* Finds an object with Ctrl+F and its id typed, and clicks its row. */
static void
select_by_search (gsize object)
{
  LcDataset *ds = pb_window_get_dataset (window);
  GtkWidget *browser = pb_window_get_browser (window);
  GtkWidget *view = pb_window_get_view (window, "light-curve");
  GtkWidget *list = pb_test_find_descendant (browser, GTK_TYPE_COLUMN_VIEW);
  const char *id = ds->objects[object].id;
  GtkWidget *row = NULL;

  pb_test_key ("ctrl+f");
  pb_test_key ("ctrl+a");
  pb_test_type (id);
  pb_test_wait_for (shows_only (PB_OBJECT_BROWSER (browser), object), SOON, "typing %s does not find it alone", id);
  /* the list's rows follow the filter a frame later */
  pb_test_wait_for ((row = pb_test_find_text (list, GTK_TYPE_LABEL, id)) != NULL && pb_test_in_sight (row), SOON,
                    "no row of %s in sight", id);
  pb_test_click (row);
  pb_test_wait_for (pb_light_curve_view_get_object (PB_LIGHT_CURVE_VIEW (view)) == (gssize) object, SOON,
                    "clicking %s did not show it", id);
}

static double
shown_period (void)
{
  double period = -1;

  g_object_get (pb_window_get_view (window, "light-curve"), "period", &period, NULL);
  return period;
}

static GtkToggleButton *
fold_button (void)
{
  return GTK_TOGGLE_BUTTON (pb_test_get_text (GTK_WIDGET (window), GTK_TYPE_TOGGLE_BUTTON, "Fold"));
}

/* Find on the shown object: folded on what it found. */
static void
click_find_period (void)
{
  pb_test_click (pb_test_get_text (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Find"));
  pb_test_wait_for (!pb_window_is_finding_period (window) && gtk_toggle_button_get_active (fold_button ())
                    && shown_period () > 0, SLOW, "Find did not fold the light curve: %s",
                    pb_window_get_period_message (window));
}

static void
test_fold_follows_object (Fixture *f, gconstpointer data)
{
  LcDataset *ds = pb_window_get_dataset (window);
  gssize star = first_of_class (ds, 92);      /* RR Lyrae */
  gssize supernova = first_of_class (ds, 42); /* SN II */
  g_autofree char *plasticc = g_build_filename (g_getenv ("PASSBAND_SHARED"), "data", "plasticc_training_sample",
                                                "training_set_first10.csv", NULL);

  g_assert_cmpint (star, >=, 0);
  g_assert_cmpint (supernova, >=, 0);
  pb_test_key ("alt+2");
  pb_test_wait_for (gtk_widget_get_mapped (pb_window_get_view (window, "light-curve")), SOON,
                    "Alt+2 did not show the light curve");
  select_by_search (star);
  click_find_period ();
  /* another object: shown as it is */
  select_by_search (supernova);
  pb_test_wait_for (!gtk_toggle_button_get_active (fold_button ()) && shown_period () == 0, SOON,
                    "the SN II is shown folded on the star's period");

  /* another dataset: its first object unfolded */
  select_by_search (star);
  click_find_period ();
  open_file (plasticc);
  wait_loaded (plasticc);
  pb_test_check (pb_window_get_dataset (window)->source != LC_SOURCE_SIMULATED, "%s did not open", plasticc);
  pb_test_wait_for (!gtk_toggle_button_get_active (fold_button ()) && shown_period () == 0, SOON,
                    "an object of another dataset is shown folded");
}

/* ---- 2: Results and runs follow the open dataset ------------------------- */

/* A short run on the open data, started from the Train section. */
static PbRun *
train_one_epoch (void)
{
  GtkWidget *train = page (PB_TYPE_TRAIN_PAGE);
  guint before = pb_session_get_runs (session ())->len;

  show_section ("train", "Train");
  type_into (field (train, "Epochs"), "1");
  pb_test_click (pb_test_get_text (train, GTK_TYPE_BUTTON, "Start"));
  pb_test_wait_for (pb_session_get_runs (session ())->len > before
                    && !pb_trainer_is_running (pb_session_get_trainer (session ())), SLOW, "Start trained nothing");
  return g_ptr_array_index (pb_session_get_runs (session ()), pb_session_get_runs (session ())->len - 1);
}

static void
test_results_follow_dataset (Fixture *f, gconstpointer data)
{
  PbResultsPage *results = PB_RESULTS_PAGE (page (PB_TYPE_RESULTS_PAGE));
  GtkWidget *train = page (PB_TYPE_TRAIN_PAGE);
  g_autofree char *lsst = g_build_filename (g_getenv ("PASSBAND_SHARED"), "data", "uea_lsst", "LSST_TRAIN.ts", NULL);
  GtkWidget *compare;
  PbRun *run = train_one_epoch ();

  pb_test_check (run->state == PB_RUN_FINISHED, "the run did not finish: %s", run->message);
  show_section ("results", "Results");
  pb_test_wait_for (find_label_containing (GTK_WIDGET (results), run->name) != NULL, SOON,
                    "Results does not show %s", run->name);

  open_file (lsst);
  wait_loaded (lsst);
  pb_test_check (pb_window_get_dataset (window)->n_objects == 2459, "%s did not open", lsst);
  /* Results says there is no run on this dataset, and shows none */
  pb_test_wait_for (find_label_containing (GTK_WIDGET (results), "No run on LSST_TRAIN.ts") != NULL, SOON,
                    "Results does not say there is no run on LSST");
  pb_test_check (find_label_containing (GTK_WIDGET (results), run->name) == NULL,
                 "Results still shows the sample's %s", run->name);
  pb_test_check (pb_results_page_get_run (results) == NULL, "Results still holds a run");
  /* nothing of the sample to compare with */
  show_section ("train", "Train");
  compare = field (train, "Compare with");
  pb_test_scroll_to (compare);
  pb_test_click (compare);
  pb_test_check (find_label_containing (compare, run->name) == NULL,
                 "Compare with offers the sample's %s on LSST", run->name);
  pb_test_key ("Escape");

  pb_test_key ("Escape");
}

/* ---- 8: the CSV mapping guesses each field's column --------------------- */

static void
test_csv_mapping (Fixture *f, gconstpointer data)
{
  static const struct { const char *field, *column; } expected[] = {
    { "Object", "ObjName" }, { "Time", "Time_MJD" }, { "Band", "ObsFilter" },
    { "Value", "FluxDensity" }, { "Error", "FluxDensityErr" },
  };
  const char *csv =
    "ObsFilter,Time_MJD,ObjName,FluxDensity,FluxDensityErr\n"
    "g,100.0,x1,15.2,0.2\n" "r,101.0,x1,15.3,0.2\n" "g,100.5,x2,9.0,0.3\n";
  g_autofree char *path = g_build_filename (tmp, "odd-names.csv", NULL);
  GtkWindow *dialog = NULL;

  g_assert_true (g_file_set_contents (path, csv, -1, NULL));
  open_file (path);
  pb_test_wait_for ((dialog = pb_window_get_dialog (window)) != NULL && PB_IS_CSV_MAPPING_DIALOG (dialog)
                    && gtk_widget_get_mapped (GTK_WIDGET (dialog)), SOON, "no column mapping asked for");
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const char *shown = shown_choice (field (GTK_WIDGET (dialog), expected[i].field));

      pb_test_check (g_strcmp0 (shown, expected[i].column) == 0, "%s shows column %s, not %s", expected[i].field,
                     shown, expected[i].column);
    }
  pb_test_check (find_label_containing (GTK_WIDGET (dialog), "g,100.0,x1") != NULL,
                 "the file's first lines are not shown");
  pb_test_click (pb_test_get_text (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Open"));
  wait_loaded (path);
  pb_test_check (pb_window_get_dataset (window)->n_objects == 2, "the CSV did not open");
  g_unlink (path);
}

/* ---- 8: Tune says what it tunes, in words -------------------------------- */

static void
test_tune_in_words (Fixture *f, gconstpointer data)
{
  GtkWidget *tune = page (PB_TYPE_TUNE_PAGE);
  GtkWidget *columns;
  g_autofree char *says = g_strdup_printf ("Tunes %s on Simulated sample", pb_session_get_spec (session ())->name);

  show_section ("tune", "Tune");
  pb_test_wait_for (find_label_containing (tune, says) != NULL, SOON, "Tune does not say “%s”", says);
  /* the space a user would open with Search space… (its file chooser left out) */
  pb_tune_page_set_space (PB_TUNE_PAGE (tune), pb_tune_default_space (pb_session_get_spec (session ())));
  columns = pb_test_find_descendant (tune, GTK_TYPE_COLUMN_VIEW);
  pb_test_wait_for (columns != NULL && pb_test_find_text (columns, GTK_TYPE_LABEL, "Learning rate") != NULL, SOON,
                    "no column titled Learning rate");
  pb_test_check (find_label_containing (columns, "Layer 1 (") != NULL, "no column names the first layer");
  pb_test_check (find_label_containing (columns, "layers[") == NULL && find_label_containing (columns, "training.")
                 == NULL, "a column is titled with a path");
}

/* ---- 5: every section is usable at 800 × 600 ------------------------------ */

/* Fails unless all of widget lies inside the window and on screen (for
 * what scrolls, such as the gallery, the scrolled window showing it). */
static void
check_inside (GtkWidget *widget, const char *what)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t b;
  GtkWidget *w = GTK_WIDGET (window);

  if (scrolled != NULL && (gtk_widget_get_height (widget) > gtk_widget_get_height (scrolled)
                           || gtk_widget_get_width (widget) > gtk_widget_get_width (scrolled)))
    widget = scrolled;

  pb_test_check (gtk_widget_get_mapped (widget) && gtk_widget_compute_bounds (widget, w, &b), "%s is not shown", what);
  pb_test_check (b.size.width >= 1 && b.size.height >= 1, "%s has no room (%g × %g)", what, b.size.width,
                 b.size.height);
  pb_test_check (b.origin.x >= 0 && b.origin.y >= 0 && b.origin.x + b.size.width <= gtk_widget_get_width (w) + 0.5
                 && b.origin.y + b.size.height <= gtk_widget_get_height (w) + 0.5,
                 "%s (%g, %g, %g × %g) is cut by the %d × %d window", what, b.origin.x, b.origin.y, b.size.width,
                 b.size.height, gtk_widget_get_width (w), gtk_widget_get_height (w));
  pb_test_check (pb_test_in_sight (widget), "%s is scrolled out of sight", what);
}

/* check_inside, and nothing of widget is cut off by a scrolled window. */
static void
check_wholly_inside (GtkWidget *widget, const char *what)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t b;

  check_inside (widget, what);
  if (scrolled == NULL)
    return;
  pb_test_check (gtk_widget_compute_bounds (widget, scrolled, &b) && b.origin.x >= -0.5 && b.origin.y >= -0.5
                 && b.origin.x + b.size.width <= gtk_widget_get_width (scrolled) + 0.5
                 && b.origin.y + b.size.height <= gtk_widget_get_height (scrolled) + 0.5,
                 "%s is partly scrolled out of sight", what);
}

/* The smallest size the window tells a window manager it can take. */
static void
x_minimum_size (int *width, int *height)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  Display *x = gdk_x11_display_get_xdisplay (gdk_surface_get_display (surface));
  XSizeHints hints = { 0 };
  long supplied = 0;

  *width = *height = 0;
  if (XGetWMNormalHints (x, gdk_x11_surface_get_xid (surface), &hints, &supplied) && (hints.flags & PMinSize))
    {
      *width = hints.min_width;
      *height = hints.min_height;
    }
}

static void
test_small_window (Fixture *f, gconstpointer data)
{
  static const char *const tabs[] = { "Confusion Matrix", "Per-Class Scores", "Reliability", "Early Classification",
                                      "Novelty", "Currently Wrong", "Bursts" };
  GtkWidget *results = page (PB_TYPE_RESULTS_PAGE);
  double tx, ty;
  int min_w, min_h;

  /* a window manager cannot shrink it below the size everything fits in */
  gtk_native_get_surface_transform (GTK_NATIVE (window), &tx, &ty);
  x_minimum_size (&min_w, &min_h);
  pb_test_check (min_w - 2 * tx >= 790 && min_h - 2 * ty >= 590, "the window lets itself be shrunk to %d × %d",
                 (int) (min_w - 2 * tx), (int) (min_h - 2 * ty));

  /* Data: the light curve with Find, and the gallery */
  pb_test_click (pb_test_get_text (GTK_WIDGET (window), GTK_TYPE_LABEL, "Light Curve"));
  pb_test_wait_for (gtk_widget_get_mapped (pb_window_get_view (window, "light-curve")), SOON,
                    "the Light Curve tab did not show the light curve");
  check_inside (pb_window_get_view (window, "light-curve"), "the light-curve view");
  check_inside (pb_test_get_text (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Find"), "Find");
  {
    GtkWidget *gallery_tab = pb_test_get_text (GTK_WIDGET (window), GTK_TYPE_LABEL, "Gallery");

    pb_test_scroll_to (gallery_tab);
    pb_test_click (gallery_tab);
    pb_test_wait_for (gtk_widget_get_mapped (pb_window_get_view (window, "gallery")), SOON,
                      "the Gallery tab did not show the gallery");
    check_inside (pb_window_get_view (window, "gallery"), "the gallery");
  }

  /* Model: a card and the inspector beside it */
  show_section ("model", "Model");
  pb_test_click (pb_builder_get_card (builder (), 0));
  pb_test_wait_for (pb_builder_get_selected (builder ()) == 0, SOON, "clicking the first card did not select it");
  check_inside (field (GTK_WIDGET (builder ()), "Type"), "the inspector's Type");
  {
    GtkWidget *kind = find_label_containing (pb_builder_get_card (builder (), 0),
                                             pb_layer_kind_title (kind_at (pb_builder_get_spec (builder ()), 0)));

    GtkWidget *stack = gtk_widget_get_ancestor (pb_builder_get_card (builder (), 0), GTK_TYPE_SCROLLED_WINDOW);

    pb_test_check (gtk_widget_get_width (stack) >= PB_BUILDER_MIN_STACK_WIDTH - 24,
                   "the layer stack is squeezed to %d px", gtk_widget_get_width (stack));
    pb_test_check (kind != NULL && pb_test_in_sight (kind), "the first layer card's kind is out of sight");
  }

  /* Tune: every control of the search, Start first, in the window */
  show_section ("tune", "Tune");
  {
    GtkWidget *tune = page (PB_TYPE_TUNE_PAGE);
    const char *const buttons[] = { "Start", "Stop", "Promote best to builder" };

    for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
      check_wholly_inside (pb_test_get_text (tune, GTK_TYPE_BUTTON, buttons[i]), buttons[i]);
    check_wholly_inside (field (tune, "Seed"), "the Seed field");
  }

  /* Results: every tab can be reached and shows its page */
  show_section ("results", "Results");
  for (guint i = 0; i < G_N_ELEMENTS (tabs); i++)
    {
      GtkWidget *tab = pb_test_get_text (results, GTK_TYPE_LABEL, tabs[i]);
      GtkStack *stack = gtk_stack_switcher_get_stack (GTK_STACK_SWITCHER (gtk_widget_get_ancestor (tab,
                                                                       GTK_TYPE_STACK_SWITCHER)));
      GtkWidget *before = gtk_stack_get_visible_child (stack);

      pb_test_scroll_to (tab);
      pb_test_click (tab);
      if (i > 0)
        pb_test_wait_for (gtk_stack_get_visible_child (stack) != before, SOON, "the %s tab shows nothing new",
                          tabs[i]);
      check_inside (gtk_stack_get_visible_child (stack), tabs[i]);
    }
}

/* The wheel over Train's settings scrolls the form; it changes a number
 * only in the field the user is typing in. */
static void
test_wheel_over_settings (Fixture *f, gconstpointer data)
{
  GtkWidget *train = page (PB_TYPE_TRAIN_PAGE);
  GtkSpinButton *rate;
  double before;

  show_section ("train", "Train");
  rate = GTK_SPIN_BUTTON (field (train, "Learning rate"));
  pb_test_scroll_to (GTK_WIDGET (rate));
  gtk_root_set_focus (GTK_ROOT (window), NULL);
  before = gtk_spin_button_get_value (rate);
  pb_test_point_at (GTK_WIDGET (rate), gtk_widget_get_width (GTK_WIDGET (rate)) / 3.0,
                    gtk_widget_get_height (GTK_WIDGET (rate)) / 2.0);
  for (int i = 0; i < 3; i++)
    pb_test_xdotool ("click", "5", NULL);
  pb_test_iterate (300);
  pb_test_check (gtk_spin_button_get_value (rate) == before, "the wheel changed the learning rate from %g to %g",
                 before, gtk_spin_button_get_value (rate));

  /* in the field being typed in, the wheel still steps the number */
  pb_test_scroll_to (GTK_WIDGET (rate));
  pb_test_click (GTK_WIDGET (rate));
  pb_test_wait_for (gtk_widget_has_focus (GTK_WIDGET (rate))
                    || gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_WIDGET (rate)),
                    SOON, "a click did not focus the learning rate");
  pb_test_xdotool ("click", "4", NULL);
  pb_test_wait_for (gtk_spin_button_get_value (rate) != before, SOON,
                    "the wheel does not change the learning rate being edited");
  gtk_spin_button_set_value (rate, before);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *runs_dir = NULL;
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
  /* runs of its own: another test's unfinished run would offer itself in Train */
  runs_dir = g_build_filename (tmp, "runs", NULL);
  g_setenv ("PASSBAND_RUNS_DIR", runs_dir, TRUE);
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
  g_test_add ("/input/results-follow-dataset", Fixture, NULL, setup, test_results_follow_dataset, teardown);
  g_test_add ("/input/fold-follows-object", Fixture, NULL, setup, test_fold_follows_object, teardown);
  g_test_add ("/input/csv-mapping", Fixture, NULL, setup, test_csv_mapping, teardown);
  g_test_add ("/input/tune-in-words", Fixture, NULL, setup, test_tune_in_words, teardown);
  g_test_add ("/input/small-window", Fixture, NULL, setup, test_small_window, teardown);
  g_test_add ("/input/wheel-over-settings", Fixture, NULL, setup, test_wheel_over_settings, teardown);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (settings);
  tu_remove_tree (tmp);
  g_free (tmp);
  return status;
}
