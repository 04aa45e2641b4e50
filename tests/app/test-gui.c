/* test-gui.c: the real window under Xvfb: load every format from the shared
 * data, select objects, toggle bands, zoom, export every view, and check that
 * a broken file is reported and leaves the open dataset alone. */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "lc-format.h"
#include "pb-application.h"
#include "pb-csv-mapping-dialog.h"
#include "pb-export.h"
#include "pb-gallery-view.h"
#include "pb-light-curve-view.h"
#include "pb-object-browser.h"
#include "pb-overview-view.h"
#include "pb-plot.h"
#include "pb-preferences.h"
#include "pb-session.h"
#include "pb-settings.h"
#include "pb-train-page.h"
#include "pb-window.h"
#include "pb-test-gui.h"
#include "testutil.h"

typedef struct
{
  PbWindow *window;
  GSettings *settings;
  char *tmp;
} Fixture;

/* One window for the whole run (building it and simulating the sample is the
 * slow part); each test starts from the sample with no error shown. */
static PbWindow *shared_window;
static GSettings *shared_settings;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  GError *error = NULL;

  if (shared_window == NULL)
    {
      shared_settings = pb_settings_new (APP_ID, PB_BUILD_SCHEMA_DIR, NULL);
      g_assert_nonnull (shared_settings);
      shared_window = pb_window_new (NULL, shared_settings);
      gtk_window_set_default_size (GTK_WINDOW (shared_window), 1100, 700);
      gtk_window_present (GTK_WINDOW (shared_window));
    }
  f->window = shared_window;
  f->settings = shared_settings;
  f->tmp = g_dir_make_tmp ("passband-gui-XXXXXX", &error);
  g_assert_no_error (error);
  if (pb_window_get_dataset (f->window) == NULL
      || pb_window_get_dataset (f->window)->source != LC_SOURCE_SIMULATED)
    {
      pb_window_load_sample (f->window);
      pb_test_wait_for_load (f->window);
    }
  g_assert_nonnull (pb_window_get_dataset (f->window));
  pb_window_clear_last_error (f->window);
  pb_window_show_view (f->window, "overview");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  GtkWindow *dialog = pb_window_get_dialog (f->window);

  if (dialog != NULL)
    gtk_window_destroy (dialog);
  tu_remove_tree (f->tmp);
  g_free (f->tmp);
}

static void
open_path (Fixture *f, const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  pb_window_open_file (f->window, file);
  pb_test_wait_for_load (f->window);
}

/* Pixels of a PNG that are not the background colour of its top-left corner. */
static int
count_ink_png (const char *path, int *width, int *height)
{
  cairo_surface_t *png = cairo_image_surface_create_from_png (path);
  unsigned char *data;
  guint32 background;
  int stride, n = 0;

  g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
  data = cairo_image_surface_get_data (png);
  stride = cairo_image_surface_get_stride (png);
  *width = cairo_image_surface_get_width (png);
  *height = cairo_image_surface_get_height (png);
  background = *(guint32 *) data;
  for (int y = 0; y < *height; y++)
    for (int x = 0; x < *width; x++)
      if (*(guint32 *) (data + y * stride + 4 * x) != background)
        n++;
  cairo_surface_destroy (png);
  return n;
}

/* With PB_TEST_SAVE_DIR set, keep a picture of the whole window to look at. */
static void
maybe_save_window (gpointer window, const char *name)
{
  g_autofree char *stem = g_strconcat ("window-", name, NULL);

  pb_test_save_png (GTK_WIDGET (window), stem);
}

static void
test_sample (Fixture *f, gconstpointer data)
{
  LcDataset *ds = pb_window_get_dataset (f->window);
  PbObjectBrowser *browser = PB_OBJECT_BROWSER (pb_window_get_browser (f->window));
  PbLightCurveView *view = PB_LIGHT_CURVE_VIEW (pb_window_get_view (f->window, "light-curve"));

  g_assert_cmpuint (ds->n_objects, ==, PB_SAMPLE_OBJECTS);
  g_assert_cmpint (ds->source, ==, LC_SOURCE_SIMULATED);
  g_assert_cmpuint (pb_object_browser_get_n_shown (browser), ==, PB_SAMPLE_OBJECTS);
  /* the first row is selected and shown */
  g_assert_cmpint (pb_object_browser_get_selected (browser), >=, 0);
  g_assert_cmpint (pb_light_curve_view_get_object (view), ==, pb_object_browser_get_selected (browser));
  g_assert_null (pb_window_get_last_error (f->window));
  maybe_save_window (f->window, "overview");
}

static void
test_browse (Fixture *f, gconstpointer data)
{
  LcDataset *ds = pb_window_get_dataset (f->window);
  PbObjectBrowser *browser = PB_OBJECT_BROWSER (pb_window_get_browser (f->window));
  PbLightCurveView *view = PB_LIGHT_CURVE_VIEW (pb_window_get_view (f->window, "light-curve"));
  PbGalleryView *gallery = PB_GALLERY_VIEW (pb_window_get_view (f->window, "gallery"));
  g_autofree gsize *shown = NULL;
  guint n;
  int class_index = ds->objects[7].label;

  pb_window_show_view (f->window, "light-curve");
  pb_object_browser_select_object (browser, 7);
  pb_test_iterate (50);
  g_assert_cmpint (pb_light_curve_view_get_object (view), ==, 7);
  maybe_save_window (f->window, "light-curve");

  /* class filter: every shown row is of that class, and the gallery follows */
  pb_object_browser_set_class_filter (browser, class_index);
  pb_test_iterate (20);
  shown = pb_object_browser_get_shown_objects (browser, G_MAXUINT, &n);
  g_assert_cmpuint (n, ==, (guint) ds->classes[class_index].count);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (ds->objects[shown[i]].label, ==, class_index);
  g_assert_cmpuint (pb_gallery_view_get_n_items (gallery), ==, MIN (n, 60));
  g_assert_cmpuint (pb_gallery_view_get_object (gallery, 0), ==, shown[0]);
  pb_window_show_view (f->window, "gallery");
  maybe_save_window (f->window, "gallery");

  /* moving the selection to the last cell scrolls it into view */
  pb_test_iterate (300);
  {
    GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (gallery), GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

    g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
    pb_gallery_view_set_selected (gallery, pb_gallery_view_get_n_items (gallery) - 1);
    g_assert_cmpint (pb_gallery_view_get_selected (gallery), ==, (int) pb_gallery_view_get_n_items (gallery) - 1);
    g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 0);
  }

  /* search by id */
  pb_object_browser_set_class_filter (browser, -1);
  pb_object_browser_set_search (browser, ds->objects[123].id);
  g_assert_cmpuint (pb_object_browser_get_n_shown (browser), >=, 1);
  g_assert_cmpuint (pb_object_browser_get_n_shown (browser), <, ds->n_objects);

  /* selecting a hidden object clears the filters */
  pb_object_browser_select_object (browser, 321);
  g_assert_cmpint (pb_object_browser_get_selected (browser), ==, 321);
  g_assert_cmpuint (pb_object_browser_get_n_shown (browser), ==, ds->n_objects);

  /* sorting by observations puts the shortest light curve first */
  pb_object_browser_sort_by (browser, "observations", GTK_SORT_ASCENDING);
  g_clear_pointer (&shown, g_free);
  shown = pb_object_browser_get_shown_objects (browser, G_MAXUINT, &n);
  for (guint i = 1; i < n; i++)
    g_assert_cmpint (ds->objects[shown[i - 1]].n_obs, <=, ds->objects[shown[i]].n_obs);
  pb_object_browser_select_relative (browser, 1);
  g_assert_cmpint (pb_object_browser_get_selected (browser), !=, 321);
}

static void
test_light_curve_interaction (Fixture *f, gconstpointer data)
{
  PbLightCurveView *view = PB_LIGHT_CURVE_VIEW (pb_window_get_view (f->window, "light-curve"));
  const PbLightCurveOptions *options;
  int w, h;

  pb_window_show_view (f->window, "light-curve");
  pb_test_iterate (100);
  w = gtk_widget_get_width (GTK_WIDGET (view));
  h = gtk_widget_get_height (GTK_WIDGET (view));
  g_assert_cmpint (w, >, 100);
  g_assert_cmpint (h, >, 100);

  /* a click in the r legend entry toggles r (the click handler uses this lookup) */
  {
    PbRect box;

    g_assert_true (pb_light_curve_view_get_legend_box (view, 2, &box));
    g_assert_cmpint (pb_light_curve_view_legend_band_at (view, box.x + box.width / 2, box.y + box.height / 2), ==, 2);
    g_assert_cmpfloat (box.x + box.width, <=, w);
    g_assert_cmpint (pb_light_curve_view_legend_band_at (view, w / 2.0, h / 2.0), ==, -1);
  }
  g_assert_true (pb_light_curve_view_band_visible (view, 2));
  pb_light_curve_view_toggle_band (view, 2);
  g_assert_false (pb_light_curve_view_band_visible (view, 2));
  pb_light_curve_view_toggle_band (view, 2);
  g_assert_true (pb_light_curve_view_band_visible (view, 2));

  g_assert_false (pb_light_curve_view_is_zoomed (view));
  pb_light_curve_view_zoom_at (view, 2.0, w / 2.0, h / 2.0);
  g_assert_true (pb_light_curve_view_is_zoomed (view));
  options = pb_light_curve_view_get_options (view);
  {
    double span = options->view_xmax - options->view_xmin;
    pb_light_curve_view_pan (view, 100, 0);
    /* dragging right shows earlier times, at the same zoom */
    g_assert_cmpfloat (fabs ((options->view_xmax - options->view_xmin) - span), <, 1e-6 * span);
  }
  pb_test_iterate (50);
  pb_light_curve_view_reset_zoom (view);
  g_assert_false (pb_light_curve_view_is_zoomed (view));

  /* the keyboard actions (+/-, arrows, Home) */
  {
    double span;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "plot.zoom", "d", 1.25));
    g_assert_true (pb_light_curve_view_is_zoomed (view));
    span = options->view_xmax - options->view_xmin;
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "plot.zoom", "d", 0.8));
    g_assert_cmpfloat (options->view_xmax - options->view_xmin, >, span);
    {
      double before = options->view_xmin;

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "plot.pan", "(dd)", -0.1, 0.0));
      /* Right arrow: later times come into view */
      g_assert_cmpfloat (options->view_xmin, >, before);
    }
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "plot.reset", NULL));
    g_assert_false (pb_light_curve_view_is_zoomed (view));
  }

  /* the plot settings drive the view */
  g_settings_set_string (f->settings, "value-axis", "magnitude");
  g_assert_cmpint (options->value_kind, ==, LC_VALUE_MAGNITUDE);
  g_settings_set_string (f->settings, "time-axis", "days");
  g_assert_cmpint (options->time_axis, ==, PB_TIME_SINCE_FIRST);
  g_settings_set_boolean (f->settings, "error-bars", FALSE);
  g_assert_false (options->error_bars);
  pb_test_iterate (50);
  maybe_save_window (f->window, "light-curve-magnitude");
  g_settings_reset (f->settings, "value-axis");
  g_settings_reset (f->settings, "time-axis");
  g_settings_reset (f->settings, "error-bars");
  g_assert_cmpint (options->value_kind, ==, LC_VALUE_FLUX);
}

static void
test_export (Fixture *f, gconstpointer data)
{
  const char *views[] = { "overview", "light-curve", "gallery" };
  const PbExportFormat formats[] = { PB_EXPORT_PNG, PB_EXPORT_SVG, PB_EXPORT_PDF };

  for (guint v = 0; v < G_N_ELEMENTS (views); v++)
    for (guint k = 0; k < G_N_ELEMENTS (formats); k++)
      {
        g_autofree char *name = g_strdup_printf ("%s.%s", views[v], pb_export_format_extension (formats[k]));
        g_autofree char *path = g_build_filename (f->tmp, name, NULL);
        g_autoptr(GError) error = NULL;
        GStatBuf st;
        PbExportFormat detected;

        g_assert_true (pb_export_plottable (PB_PLOTTABLE (pb_window_get_view (f->window, views[v])), path,
                                            formats[k], 640, 400, &error));
        g_assert_no_error (error);
        g_assert_cmpint (g_stat (path, &st), ==, 0);
        g_assert_cmpint (st.st_size, >, 1000);
        g_assert_true (pb_export_format_from_path (path, &detected));
        g_assert_cmpint (detected, ==, formats[k]);
        if (formats[k] == PB_EXPORT_PNG)
          {
            int w, h;
            int ink = count_ink_png (path, &w, &h);

            g_assert_cmpint (w, ==, 640);
            g_assert_cmpint (h, ==, 400);
            g_assert_cmpint (ink, >, 2000);
          }
        else
          {
            g_autofree char *contents = NULL;
            g_file_get_contents (path, &contents, NULL, NULL);
            g_assert_true (g_str_has_prefix (contents, formats[k] == PB_EXPORT_SVG ? "<?xml" : "%PDF"));
          }
      }

  /* the current view is what the export action uses, through the size dialog */
  pb_window_show_view (f->window, "gallery");
  g_assert_true (pb_window_get_current_plottable (f->window)
                 == PB_PLOTTABLE (pb_window_get_view (f->window, "gallery")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.export", NULL));
  g_assert_true (PB_IS_EXPORT_DIALOG (pb_window_get_dialog (f->window)));
  maybe_save_window (pb_window_get_dialog (f->window), "export-dialog");
  gtk_window_destroy (pb_window_get_dialog (f->window));
  g_assert_null (pb_window_get_dialog (f->window));

  {
    g_autofree char *bad = g_build_filename (f->tmp, "no-such-folder", "x.png", NULL);
    g_autoptr(GError) error = NULL;
    g_assert_false (pb_export_plottable (pb_window_get_current_plottable (f->window), bad, PB_EXPORT_PNG,
                                         100, 100, &error));
    g_assert_nonnull (error);
  }

  /* an export replaces the file a link points to and keeps its mode, and
   * leaves no temporary file beside it */
  {
    g_autofree char *target = g_build_filename (f->tmp, "kept.svg", NULL);
    g_autofree char *link = g_build_filename (f->tmp, "link.svg", NULL);
    g_autofree char *contents = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) dir = NULL;
    const char *name;
    GStatBuf st;

    g_assert_true (g_file_set_contents (target, "old", -1, NULL));
    g_assert_cmpint (g_chmod (target, 0600), ==, 0);
    g_assert_cmpint (symlink ("kept.svg", link), ==, 0);
    g_assert_true (pb_export_plottable (pb_window_get_current_plottable (f->window), link, PB_EXPORT_SVG,
                                        200, 100, &error));
    g_assert_no_error (error);
    g_assert_cmpint (g_lstat (link, &st), ==, 0);
    g_assert_true (S_ISLNK (st.st_mode));
    g_assert_cmpint (g_stat (target, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 07777, ==, 0600);
    g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
    g_assert_true (g_str_has_prefix (contents, "<?xml"));
    dir = g_dir_open (f->tmp, 0, NULL);
    while ((name = g_dir_read_name (dir)) != NULL)
      g_assert_false (g_str_has_prefix (name, "."));
  }
}

static void
test_open_plasticc (Fixture *f, gconstpointer data)
{
  g_autofree char *path = tu_shared_path ("data/plasticc_training_sample/training_set_first10.csv");
  LcDataset *ds;

  open_path (f, path);
  g_assert_null (pb_window_get_last_error (f->window));
  ds = pb_window_get_dataset (f->window);
  g_assert_cmpint (ds->source, ==, LC_SOURCE_PLASTICC);
  g_assert_cmpuint (ds->n_objects, ==, 10);
  g_assert_cmpint (ds->n_bands, ==, 6);
  /* the metadata beside it was found: labels and redshifts */
  g_assert_nonnull (ds->meta_path);
  g_assert_cmpint (ds->objects[0].label, >=, 0);
  pb_window_show_view (f->window, "light-curve");
  maybe_save_window (f->window, "plasticc");

  /* remembered for the next start and in the recent files */
  {
    g_autofree char *last = g_settings_get_string (f->settings, "last-dataset");
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autofree char *uri = g_file_get_uri (file);
    g_autofree char *canonical = g_canonicalize_filename (path, NULL);

    g_assert_cmpstr (last, ==, canonical);
    g_assert_true (gtk_recent_manager_has_item (gtk_recent_manager_get_default (), uri));
  }
}

/* A program that never set its name (g_get_prgname () NULL, as after a bare
 * gtk_init ()) builds the recent menu and files a dataset without a
 * critical: this test program makes criticals fatal. */
static void
test_recent_without_program_name (Fixture *f, gconstpointer data)
{
  g_autofree char *path = tu_shared_path ("data/plasticc_training_sample/training_set_first10.csv");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *prgname = g_strdup (g_get_prgname ());
  GtkRecentManager *recent = gtk_recent_manager_get_default ();
  GtkRecentData entry = {
    .mime_type = (char *) "text/plain", .app_name = (char *) "passband", .app_exec = (char *) "passband %u",
  };
  GtkRecentInfo *info;
  PbWindow *window;

  /* an entry on record, so the new window's menu has one to look at */
  g_assert_true (gtk_recent_manager_add_full (recent, uri, &entry));
  pb_test_iterate (20);
  g_set_prgname (NULL);
  g_assert_null (g_get_prgname ());
  window = pb_window_new (NULL, f->settings);
  pb_window_open_file (window, file);
  pb_test_wait_for_load (window);
  pb_test_iterate (20);
  g_assert_null (pb_window_get_last_error (window));
  g_set_prgname (prgname);

  info = gtk_recent_manager_lookup_item (recent, uri, NULL);
  g_assert_nonnull (info);
  g_assert_true (gtk_recent_info_has_application (info, "passband"));
  gtk_recent_info_unref (info);
  gtk_window_destroy (GTK_WINDOW (window));
  pb_test_iterate (20);
}

static void
test_open_ts (Fixture *f, gconstpointer data)
{
  g_autofree char *path = tu_shared_path ("data/uea_lsst/LSST_TRAIN.ts");
  LcDataset *ds;

  open_path (f, path);
  g_assert_null (pb_window_get_last_error (f->window));
  ds = pb_window_get_dataset (f->window);
  g_assert_cmpint (ds->source, ==, LC_SOURCE_TS);
  g_assert_cmpuint (ds->n_objects, ==, 2459);
  g_assert_cmpint (ds->n_classes, ==, 14);
  g_assert_cmpuint (pb_object_browser_get_n_shown (PB_OBJECT_BROWSER (pb_window_get_browser (f->window))), ==, 2459);
  pb_window_show_view (f->window, "light-curve");
  maybe_save_window (f->window, "lsst-ts");
}

static void
test_open_npy (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = tu_shared_path ("data/rnn_classifier_sample");
  g_autofree char *file = g_build_filename (dir, "train_time_features.npy", NULL);
  LcDataset *ds;

  /* choosing one of the .npy files opens the triple in its folder */
  open_path (f, file);
  g_assert_null (pb_window_get_last_error (f->window));
  ds = pb_window_get_dataset (f->window);
  g_assert_cmpint (ds->source, ==, LC_SOURCE_NPY);
  g_assert_cmpuint (ds->n_objects, >, 0);
  pb_window_show_view (f->window, "light-curve");
  maybe_save_window (f->window, "npy");
}

static void
test_open_rrlyrae (Fixture *f, gconstpointer data)
{
  g_autofree char *folder = tu_extract_shared_archive ("data/sdss_s82_rrlyrae/rrlyrae_sesar2010_lightcurves.tar.gz",
                                                      f->tmp, "rrlyrae");
  PbObjectBrowser *browser = PB_OBJECT_BROWSER (pb_window_get_browser (f->window));
  PbLightCurveView *view = PB_LIGHT_CURVE_VIEW (pb_window_get_view (f->window, "light-curve"));
  LcDataset *ds;
  double period;

  open_path (f, folder);
  g_assert_null (pb_window_get_last_error (f->window));
  ds = pb_window_get_dataset (f->window);
  g_assert_cmpuint (ds->n_objects, ==, 483);
  g_assert_cmpint (ds->value_kind, ==, LC_VALUE_MAGNITUDE);

  /* the period of an RR Lyrae is filled in for folding */
  pb_object_browser_select_object (browser, 3);
  period = pb_light_curve_object_period (ds, 3);
  if (isfinite (period))
    {
      g_assert_cmpfloat (period, >, 0.2);
      g_assert_cmpfloat (period, <, 1.2);
      /* the period field was filled from the object's meta: folding uses it */
      pb_window_set_folding (f->window, TRUE);
      g_assert_cmpfloat (fabs (pb_light_curve_view_get_options (view)->period - period), <, 1e-6);
    }
  else
    g_test_message ("the RR Lyrae loader gives no period meta column");
  g_settings_set_string (f->settings, "value-axis", "magnitude");
  pb_window_show_view (f->window, "light-curve");
  maybe_save_window (f->window, "rrlyrae-folded");
  g_settings_reset (f->settings, "value-axis");
  pb_window_set_folding (f->window, FALSE);
  g_assert_cmpfloat (pb_light_curve_view_get_options (view)->period, ==, 0);
}

/* Runs the main loop until the period search is over (fails after 60 s). */
static void
wait_for_period (PbWindow *window)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (pb_window_is_finding_period (window))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      pb_test_iterate (20);
    }
  pb_test_iterate (50);
}

/* Runs the main loop until n searches have been stopped by a cancel (fails after 60 s). */
static void
wait_for_stopped_searches (PbWindow *window, guint n)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (pb_window_get_period_searches_stopped (window) < n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      pb_test_iterate (20);
    }
  g_assert_cmpuint (pb_window_get_period_searches_stopped (window), ==, n);
}

static GtkSpinButton *
period_spin (Fixture *f)
{
  return GTK_SPIN_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (f->window), PB_TYPE_WINDOW, "period_spin"));
}

static GtkToggleButton *
fold_button (Fixture *f)
{
  return GTK_TOGGLE_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (f->window), PB_TYPE_WINDOW, "fold_button"));
}

static void
test_find_period (Fixture *f, gconstpointer data)
{
  g_autofree char *folder = tu_extract_shared_archive ("data/sdss_s82_rrlyrae/rrlyrae_sesar2010_lightcurves.tar.gz",
                                                      f->tmp, "rrlyrae");
  PbObjectBrowser *browser = PB_OBJECT_BROWSER (pb_window_get_browser (f->window));
  PbLightCurveView *view = PB_LIGHT_CURVE_VIEW (pb_window_get_view (f->window, "light-curve"));
  const double catalogue = 0.641754;   /* Sesar et al. 2010 */
  gssize star = -1, other;
  guint stopped = pb_window_get_period_searches_stopped (f->window);
  double before, found;
  gint64 start;
  LcDataset *ds;

  open_path (f, folder);
  g_assert_null (pb_window_get_last_error (f->window));
  ds = pb_window_get_dataset (f->window);
  for (gsize i = 0; i < ds->n_objects && star < 0; i++)
    if (g_strcmp0 (ds->objects[i].id, "4099") == 0)
      star = i;
  g_assert_cmpint (star, >=, 0);
  other = star == 0 ? 1 : 0;

  /* selecting another object before the answer comes drops it */
  pb_window_set_folding (f->window, FALSE);
  pb_object_browser_select_object (browser, star);
  g_assert_true (pb_window_find_period (f->window));
  g_assert_true (pb_window_is_finding_period (f->window));
  /* one search at a time */
  g_assert_false (pb_window_find_period (f->window));
  pb_object_browser_select_object (browser, other);
  g_assert_false (pb_window_is_finding_period (f->window));
  before = gtk_spin_button_get_value (period_spin (f));
  /* its worker stops early (cancelled) rather than running to the end */
  wait_for_stopped_searches (f->window, stopped + 1);
  pb_test_iterate (500);
  g_assert_false (gtk_toggle_button_get_active (fold_button (f)));
  g_assert_cmpfloat (gtk_spin_button_get_value (period_spin (f)), ==, before);
  g_assert_cmpstr (pb_window_get_period_message (f->window), ==, "");

  /* a search started on another object cancels the first one, whose worker
   * ends as cancelled; the answer shown is the new object's */
  g_assert_true (pb_window_find_period (f->window));
  pb_object_browser_select_object (browser, star);
  g_assert_true (pb_window_find_period (f->window));
  wait_for_period (f->window);
  wait_for_stopped_searches (f->window, stopped + 2);
  g_assert_cmpfloat (fabs (gtk_spin_button_get_value (period_spin (f)) - catalogue), <, 0.01 * catalogue);
  g_assert_true (gtk_toggle_button_get_active (fold_button (f)));
  pb_window_set_folding (f->window, FALSE);

  /* the window action, as the button and Ctrl+P run it */
  pb_object_browser_select_object (browser, star);
  start = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.find-period", NULL));
  g_assert_true (pb_window_is_finding_period (f->window));
  wait_for_period (f->window);
  found = gtk_spin_button_get_value (period_spin (f));
  g_test_message ("period of 4099: %.6f d (catalogue %.6f) in about %.0f ms; %s", found, catalogue,
                  (g_get_monotonic_time () - start) / 1000.0, pb_window_get_period_message (f->window));
  g_assert_cmpfloat (fabs (found - catalogue), <, 0.01 * catalogue);
  g_assert_true (gtk_toggle_button_get_active (fold_button (f)));
  g_assert_cmpfloat (fabs (pb_light_curve_view_get_options (view)->period - found), <, 1e-9);
  g_assert_true (g_str_has_prefix (pb_window_get_period_message (f->window), "Period 0.64"));

  g_settings_set_string (f->settings, "value-axis", "magnitude");
  maybe_save_window (f->window, "rrlyrae-found-period");
  g_settings_reset (f->settings, "value-axis");
  pb_window_set_folding (f->window, FALSE);
}

/* Writes csv to f->tmp/name and opens it as a user would: a general CSV
 * brings up the column-mapping dialog, which is returned. */
static GtkWindow *
open_general_csv (Fixture *f, const char *name, const char *csv)
{
  g_autofree char *path = g_build_filename (f->tmp, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog;

  g_assert_true (g_file_set_contents (path, csv, -1, &error));
  pb_window_open_file (f->window, file);
  dialog = pb_window_get_dialog (f->window);
  g_assert_true (PB_IS_CSV_MAPPING_DIALOG (dialog));
  return dialog;
}

static void
test_find_period_too_short (Fixture *f, gconstpointer data)
{
  const char *csv =
    "star,hjd,filter,mag,magerr\n"
    "a,100.0,V,15.2,0.02\n" "a,100.3,V,15.4,0.02\n" "a,101.1,V,15.3,0.02\n"
    "a,102.5,V,15.1,0.02\n" "a,103.7,V,15.5,0.02\n";
  PbLightCurveView *view = PB_LIGHT_CURVE_VIEW (pb_window_get_view (f->window, "light-curve"));
  GtkWindow *dialog = open_general_csv (f, "short.csv", csv);
  double before;

  pb_csv_mapping_dialog_accept (PB_CSV_MAPPING_DIALOG (dialog));
  pb_test_wait_for_load (f->window);
  g_assert_null (pb_window_get_last_error (f->window));
  g_assert_cmpuint (pb_window_get_dataset (f->window)->n_objects, ==, 1);

  pb_window_set_folding (f->window, FALSE);
  pb_object_browser_select_object (PB_OBJECT_BROWSER (pb_window_get_browser (f->window)), 0);
  before = gtk_spin_button_get_value (period_spin (f));
  g_assert_true (pb_window_find_period (f->window));
  wait_for_period (f->window);
  g_assert_cmpstr (pb_window_get_period_message (f->window), ==, "Too few observations to search for a period");
  /* no made-up period, no fold */
  g_assert_cmpfloat (gtk_spin_button_get_value (period_spin (f)), ==, before);
  g_assert_false (gtk_toggle_button_get_active (fold_button (f)));
  g_assert_cmpfloat (pb_light_curve_view_get_options (view)->period, ==, 0);
  maybe_save_window (f->window, "too-short-for-period");
}

/* Names the loader does not know: each field still gets its own column,
 * guessed from words in the names, and the first lines are shown. */
static void
test_csv_mapping_guess (Fixture *f, gconstpointer data)
{
  const char *csv =
    "ObsFilter,Time_MJD,ObjName,FluxDensity,FluxDensityErr\n"
    "g,100.0,x1,15.2,0.2\n" "r,101.0,x1,15.3,0.2\n" "g,100.5,x2,9.0,0.3\n";
  GtkWindow *dialog = open_general_csv (f, "odd-names.csv", csv);
  g_autoptr(LcCsvMapping) mapping = pb_csv_mapping_dialog_get_mapping (PB_CSV_MAPPING_DIALOG (dialog));

  g_assert_cmpstr (mapping->object_column, ==, "ObjName");
  g_assert_cmpstr (mapping->time_column, ==, "Time_MJD");
  g_assert_cmpstr (mapping->band_column, ==, "ObsFilter");
  g_assert_cmpstr (mapping->value_column, ==, "FluxDensity");
  g_assert_cmpstr (mapping->error_column, ==, "FluxDensityErr");
  g_assert_cmpint (mapping->value_kind, ==, LC_VALUE_FLUX);
  g_assert_nonnull (strstr (pb_csv_mapping_dialog_get_preview (PB_CSV_MAPPING_DIALOG (dialog)), "g,100.0,x1"));
  maybe_save_window (dialog, "csv-mapping-guess");
  pb_csv_mapping_dialog_accept (PB_CSV_MAPPING_DIALOG (dialog));
  pb_test_wait_for_load (f->window);
  g_assert_null (pb_window_get_last_error (f->window));
  g_assert_cmpuint (pb_window_get_dataset (f->window)->n_objects, ==, 2);
}

static void
test_open_general_csv (Fixture *f, gconstpointer data)
{
  const char *csv =
    "star,hjd,filter,mag,magerr\n"
    "a,100.0,V,15.2,0.02\n" "a,101.0,V,15.3,0.02\n" "a,102.5,B,15.9,0.03\n"
    "b,100.2,V,17.0,0.05\n" "b,103.0,V,16.8,0.05\n";
  /* a general CSV asks which column is which, with a guess filled in */
  GtkWindow *dialog = open_general_csv (f, "stars.csv", csv);
  LcDataset *ds;

  {
    g_autoptr(LcCsvMapping) mapping = pb_csv_mapping_dialog_get_mapping (PB_CSV_MAPPING_DIALOG (dialog));
    g_assert_cmpstr (mapping->object_column, ==, "star");
    g_assert_cmpstr (mapping->time_column, ==, "hjd");
    g_assert_cmpstr (mapping->value_column, ==, "mag");
    g_assert_cmpint (mapping->value_kind, ==, LC_VALUE_MAGNITUDE);
  }
  maybe_save_window (dialog, "csv-mapping");
  pb_csv_mapping_dialog_accept (PB_CSV_MAPPING_DIALOG (dialog));
  pb_test_wait_for_load (f->window);
  g_assert_null (pb_window_get_last_error (f->window));
  ds = pb_window_get_dataset (f->window);
  g_assert_cmpuint (ds->n_objects, ==, 2);
  g_assert_cmpuint (ds->n_obs, ==, 5);
  g_assert_cmpint (ds->value_kind, ==, LC_VALUE_MAGNITUDE);
}

static void
test_open_broken (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->tmp, "broken_metadata_missing.csv", NULL);
  const char *csv = "object_id,mjd,passband,flux,flux_err,detected\n"
                    "615,59750.4229,2,-544.810303,3.622952,1\n"
                    "615,59750.4306,abc,-816.434326,5.553370,1\n";
  LcDataset *before = pb_window_get_dataset (f->window);
  const char *message;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, csv, -1, &error));
  /* no metadata beside it: the window asks with a chooser first, so load directly */
  pb_window_load_path (f->window, path, NULL);
  pb_test_wait_for_load (f->window);
  message = pb_window_get_last_error (f->window);
  g_assert_nonnull (message);
  g_test_message ("error shown: %s", message);
  /* the message names the file, the line and the field */
  g_assert_nonnull (strstr (message, "broken_metadata_missing.csv"));
  g_assert_nonnull (strstr (message, ":3"));
  g_assert_nonnull (strstr (message, "passband"));
  g_assert_true (GTK_IS_MESSAGE_DIALOG (pb_window_get_dialog (f->window)));
  /* the dataset that was open stays open */
  g_assert_true (pb_window_get_dataset (f->window) == before);

  /* an empty CSV: the header cannot be read for the column dialog */
  {
    g_autofree char *empty = g_build_filename (f->tmp, "empty.csv", NULL);

    pb_window_clear_last_error (f->window);
    g_assert_true (g_file_set_contents (empty, "", 0, NULL));
    open_path (f, empty);
    g_assert_nonnull (pb_window_get_last_error (f->window));
    g_assert_nonnull (strstr (pb_window_get_last_error (f->window), "empty.csv"));
    g_assert_true (pb_window_get_dataset (f->window) == before);
  }

  /* a folder with nothing to read */
  {
    g_autofree char *folder = g_build_filename (f->tmp, "nothing-here", NULL);

    pb_window_clear_last_error (f->window);
    g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
    open_path (f, folder);
    g_assert_nonnull (pb_window_get_last_error (f->window));
    g_assert_nonnull (strstr (pb_window_get_last_error (f->window), "nothing-here"));
    g_assert_true (pb_window_get_dataset (f->window) == before);
  }

  /* a file that is not there at all */
  {
    g_autofree char *missing = g_build_filename (f->tmp, "missing.ts", NULL);
    open_path (f, missing);
    g_assert_nonnull (strstr (pb_window_get_last_error (f->window), "missing.ts"));
    g_assert_true (pb_window_get_dataset (f->window) == before);
  }
}

static void
test_initial (Fixture *f, gconstpointer data)
{
  g_autofree char *path = tu_shared_path ("data/plasticc_training_sample/training_set_first10.csv");

  /* the last dataset reopens at the next start */
  g_settings_set_string (f->settings, "last-dataset", path);
  pb_window_open_initial (f->window);
  pb_test_wait_for_load (f->window);
  g_assert_cmpstr (pb_window_get_dataset (f->window)->path, ==, path);

  /* unless it is gone: then the sample */
  g_settings_set_string (f->settings, "last-dataset", "/nonexistent/passband/gone.csv");
  pb_window_open_initial (f->window);
  pb_test_wait_for_load (f->window);
  g_assert_cmpint (pb_window_get_dataset (f->window)->source, ==, LC_SOURCE_SIMULATED);
  g_assert_null (pb_window_get_last_error (f->window));
  g_settings_reset (f->settings, "last-dataset");
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autofree char *path = tu_shared_path ("data/uea_lsst/LSST_TRAIN.ts");
  LcDataset *before = pb_window_get_dataset (f->window);

  pb_window_load_path (f->window, path, NULL);
  g_assert_true (pb_window_is_loading (f->window));
  pb_window_cancel_loading (f->window);
  g_assert_false (pb_window_is_loading (f->window));
  /* the worker stops at its next progress report; whatever it returns is dropped */
  pb_test_iterate (400);
  g_assert_true (pb_window_get_dataset (f->window) == before);
  g_assert_null (pb_window_get_last_error (f->window));
}

static void
count_cb (gpointer data)
{
  (*(int *) data)++;
}

/* Opening the sample while LSST still loads: the sample stays, whenever the
 * first load would have ended. */
static void
test_stale_load (Fixture *f, gconstpointer data)
{
  g_autofree char *path = tu_shared_path ("data/uea_lsst/LSST_TRAIN.ts");
  PbSession *session = pb_window_get_session (f->window);
  int changes = 0;
  gulong handler = g_signal_connect_swapped (session, "dataset-changed", G_CALLBACK (count_cb), &changes);

  pb_window_load_path (f->window, path, NULL);
  pb_window_load_sample (f->window);
  pb_test_wait_for_load (f->window);
  /* long enough for the first file to have been read had it gone on */
  pb_test_iterate (1500);
  g_signal_handler_disconnect (session, handler);
  g_assert_cmpint (changes, ==, 1);
  g_assert_cmpint (pb_window_get_dataset (f->window)->source, ==, LC_SOURCE_SIMULATED);
  g_assert_null (pb_window_get_last_error (f->window));
}

/* Xvfb has no session bus: GTK warns once about it, which is not a failure here. */
static gboolean
fatal_log_cb (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  return strstr (message, "session bus") == NULL;
}

static void
test_about_and_shortcuts (Fixture *f, gconstpointer data)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/io/github/passband/Passband/gtk/help-overlay.ui");
  GObject *overlay = gtk_builder_get_object (builder, "help_overlay");
  g_autoptr(PbApplication) app = pb_application_new ();
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint before;

  /* the shortcuts window GtkApplication loads for win.show-help-overlay */
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  gtk_window_destroy (GTK_WINDOW (overlay));
  before = g_list_model_get_n_items (toplevels);

  pb_application_show_about (app);
  g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, before + 1);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_ABOUT_DIALOG (window))
        {
          g_assert_cmpstr (gtk_about_dialog_get_program_name (GTK_ABOUT_DIALOG (window)), ==, "Passband");
          gtk_window_destroy (window);
          break;
        }
    }
  g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, before);
}

/* Says which widgets are wider than 300 px (what to look at when a section
 * needs more than the window gives). */
static void
report_wide (GtkWidget *w, int depth)
{
  int m;

  gtk_widget_measure (w, GTK_ORIENTATION_HORIZONTAL, -1, &m, NULL, NULL, NULL);
  if (m < 300)
    return;
  g_test_message ("%*s%s needs %d px", depth * 2, "", G_OBJECT_TYPE_NAME (w), m);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    report_wide (c, depth + 1);
}

/* The window asks for the size every section is usable at, whichever
 * section is shown: no section needs more (tabs scroll, panes give way). */
static void
test_small_window (Fixture *f, gconstpointer data)
{
  GtkWidget *train = pb_test_find_descendant (GTK_WIDGET (f->window), PB_TYPE_TRAIN_PAGE);
  GtkStack *sections = GTK_STACK (gtk_widget_get_parent (train));
  const char *const names[] = { "data", "model", "train", "results", "tune" };
  const char *const views[] = { "overview", "light-curve", "gallery" };
  g_autofree char *spec_path = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models", "small-gru.json",
                                                 NULL);
  g_autoptr (NnModelDoc) spec = nn_model_doc_load (spec_path, NULL);
  g_autoptr (PbRun) run = NULL;

  g_assert_nonnull (spec);
  pb_object_browser_select_object (PB_OBJECT_BROWSER (pb_window_get_browser (f->window)), 0);
  /* Results with a run: its scores, buttons and slider must fit too */
  run = pb_test_trained_run (pb_window_get_dataset (f->window), spec, 1, "Run 1: Small GRU");
  pb_session_add_run (pb_window_get_session (f->window), run);
  pb_session_show_run (pb_window_get_session (f->window), run);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    for (guint v = 0; v < (i == 0 ? G_N_ELEMENTS (views) : 1); v++)
      {
        int min_w, min_h;

        gtk_stack_set_visible_child_name (sections, names[i]);
        if (i == 0)
          pb_window_show_view (f->window, views[v]);
        pb_test_iterate (50);
        gtk_widget_measure (GTK_WIDGET (f->window), GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
        gtk_widget_measure (GTK_WIDGET (f->window), GTK_ORIENTATION_VERTICAL, min_w, &min_h, NULL, NULL, NULL);
        if (min_w != 800 || min_h != 600)
          report_wide (gtk_stack_get_visible_child (sections), 0);
        if (min_w != 800 || min_h != 600)
          g_error ("section %s (%s) needs %d × %d", names[i], i == 0 ? views[v] : "", min_w, min_h);
      }
  gtk_stack_set_visible_child_name (sections, "data");
  pb_window_show_view (f->window, "overview");
}

static void
count_parsing_error_cb (int *errors, GtkCssSection *section, const GError *error)
{
  g_test_message ("style.css: %s", error->message);
  (*errors)++;
}

/* The first descendant of root carrying css_class, or NULL. */
static GtkWidget *
find_with_class (GtkWidget *root, const char *css_class)
{
  if (gtk_widget_has_css_class (root, css_class))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_with_class (c, css_class);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Every word of a palette entry fits its line ("SimpleRNN", not
 * "Simple-RNN"), with the window at the smallest size it allows. */
static void
test_palette_words_whole (Fixture *f, gconstpointer data)
{
  GtkWidget *train = pb_test_find_descendant (GTK_WIDGET (f->window), PB_TYPE_TRAIN_PAGE);
  GtkStack *sections = GTK_STACK (gtk_widget_get_parent (train));
  GtkWidget *palette;
  int checked = 0;

  gtk_stack_set_visible_child_name (sections, "model");
  gtk_window_set_default_size (GTK_WINDOW (f->window), 800, 600);
  pb_test_iterate (50);
  palette = find_with_class (GTK_WIDGET (f->window), "layer-palette");
  g_assert_nonnull (palette);
  /* the section is laid out on a later frame */
  for (int i = 0; i < 400 && gtk_widget_get_width (palette) == 0; i++)
    pb_test_iterate (5);
  pb_test_iterate (10);
  g_assert_cmpint (gtk_widget_get_width (palette), >, 0);
  for (GtkWidget *c = gtk_widget_get_first_child (palette); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *label = GTK_IS_BUTTON (c) ? gtk_button_get_child (GTK_BUTTON (c)) : c;
      g_auto (GStrv) words = NULL;

      if (!GTK_IS_LABEL (label))
        continue;
      words = g_strsplit (gtk_label_get_text (GTK_LABEL (label)), " ", -1);
      for (int i = 0; words[i] != NULL; i++)
        {
          g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (label, words[i]);
          int width;

          pango_layout_get_pixel_size (layout, &width, NULL);
          if (width > gtk_widget_get_width (label))
            g_error ("palette: “%s” is %d px wide, its line %d px", words[i], width, gtk_widget_get_width (label));
          checked++;
        }
    }
  g_assert_cmpint (checked, >, 10);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 700);
  gtk_stack_set_visible_child_name (sections, "data");
  pb_test_iterate (20);
}

/* The app's stylesheet parses cleanly and every window's display has it. */
static void
test_stylesheet_installed (Fixture *f, gconstpointer data)
{
  g_autoptr (GtkCssProvider) provider = gtk_css_provider_new ();
  int errors = 0;

  g_signal_connect_swapped (provider, "parsing-error", G_CALLBACK (count_parsing_error_cb), &errors);
  gtk_css_provider_load_from_resource (provider, "/io/github/passband/Passband/style.css");
  g_assert_cmpint (errors, ==, 0);
  g_assert_nonnull (g_object_get_data (G_OBJECT (gtk_widget_get_display (GTK_WIDGET (f->window))), "pb-style"));
}

/* The window list names the application; the dataset is the subtitle. */
static void
test_title (Fixture *f, gconstpointer data)
{
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (f->window)), ==, "Passband");
}

/* A fold belongs to its object: another object without a known period, or
 * another dataset, is shown unfolded. */
static void
test_fold_follows_object (Fixture *f, gconstpointer data)
{
  PbObjectBrowser *browser = PB_OBJECT_BROWSER (pb_window_get_browser (f->window));
  PbLightCurveView *view = PB_LIGHT_CURVE_VIEW (pb_window_get_view (f->window, "light-curve"));
  double period = -1;

  pb_object_browser_select_object (browser, 0);
  pb_window_show_view (f->window, "light-curve");
  pb_window_set_folding (f->window, TRUE);
  pb_test_iterate (20);
  g_object_get (view, "period", &period, NULL);
  g_assert_cmpfloat (period, >, 0);
  pb_object_browser_select_object (browser, 1);
  pb_test_iterate (20);
  g_assert_false (gtk_toggle_button_get_active (fold_button (f)));
  g_object_get (view, "period", &period, NULL);
  g_assert_cmpfloat (period, ==, 0);

  pb_window_set_folding (f->window, TRUE);
  pb_window_load_sample (f->window);
  pb_test_wait_for_load (f->window);
  g_assert_false (gtk_toggle_button_get_active (fold_button (f)));
}

/* Settings that cannot be written (dconf without a session bus): the plot
 * toggles still work for the session. */
static void
test_toggles_without_settings (Fixture *f, gconstpointer data)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  g_autoptr (GSettingsBackend) backend = g_null_settings_backend_new ();
  g_autoptr (GSettings) settings = NULL;
  PbWindow *window;
  GtkWidget *view;
  g_autofree char *axis = NULL;
  gboolean bars = TRUE;

  g_assert_nonnull (schema);
  settings = g_settings_new_full (schema, backend, NULL);
  g_assert_false (g_settings_is_writable (settings, "value-axis"));
  window = pb_window_new (NULL, settings);
  view = pb_window_get_view (window, "light-curve");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.value-axis", "s", "magnitude"));
  g_object_get (view, "value-axis", &axis, NULL);
  g_assert_cmpstr (axis, ==, "magnitude");
  g_object_get (view, "error-bars", &bars, NULL);
  g_assert_true (bars);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.error-bars", NULL));
  g_object_get (view, "error-bars", &bars, NULL);
  g_assert_false (bars);
  gtk_window_destroy (GTK_WINDOW (window));
  pb_test_iterate (50);
}

/* ---- Preferences -------------------------------------------------------- */

/* The widget a label's mnemonic (such as "_Training threads") moves the focus to. */
static GtkWidget *
mnemonic_target (GtkWidget *root, const char *mnemonic)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), mnemonic) == 0
      && gtk_label_get_use_underline (GTK_LABEL (root)))
    return gtk_label_get_mnemonic_widget (GTK_LABEL (root));
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = mnemonic_target (child, mnemonic);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The button under root that is labelled label (with its mnemonic underscore). */
static GtkWidget *
find_labelled (GtkWidget *root, GType type, const char *label)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    {
      g_autofree char *text = NULL;

      g_object_get (root, "label", &text, NULL);
      if (g_strcmp0 (text, label) == 0)
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_labelled (child, type, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Opens the Preferences window as the menu item and Ctrl+comma do. */
static GtkWindow *
open_preferences (PbWindow *window)
{
  GtkWindow *preferences;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL));
  preferences = pb_window_get_dialog (window);
  g_assert_true (PB_IS_PREFERENCES (preferences));
  g_assert_true (gtk_window_get_transient_for (preferences) == GTK_WINDOW (window));
  g_assert_true (gtk_window_get_modal (preferences));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (preferences)));
  pb_test_iterate (50);
  return preferences;
}

static int
train_page_threads (PbWindow *window)
{
  GtkWidget *train = pb_test_find_descendant (GTK_WIDGET (window), PB_TYPE_TRAIN_PAGE);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) spec = pb_train_page_build_spec (PB_TRAIN_PAGE (train), &error);

  g_assert_no_error (error);
  return spec->training.train.threads;
}

static void
choose_plot_theme (GtkWindow *preferences, const char *label)
{
  GtkWidget *button = find_labelled (GTK_WIDGET (preferences), GTK_TYPE_CHECK_BUTTON, label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_activate (button));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (button)));
  pb_test_iterate (20);
}

/* Each preference changes what the window does at once and is remembered. */
static void
test_preferences (Fixture *f, gconstpointer data)
{
  GtkWindow *preferences = open_preferences (f->window);
  GtkWidget *view = pb_window_get_view (f->window, "light-curve");
  GtkWidget *train = pb_test_find_descendant (GTK_WIDGET (f->window), PB_TYPE_TRAIN_PAGE);
  GtkSpinButton *threads = GTK_SPIN_BUTTON (mnemonic_target (GTK_WIDGET (preferences), "_Training threads"));
  GtkSpinButton *sample = GTK_SPIN_BUTTON (mnemonic_target (GTK_WIDGET (preferences), "Sa_mple size"));
  GtkWidget *close = find_labelled (GTK_WIDGET (preferences), GTK_TYPE_BUTTON, "_Close");
  PbPlotStyle style;
  GdkRGBA theme_fg;

  g_assert_true (GTK_IS_SPIN_BUTTON (threads));
  g_assert_true (GTK_IS_SPIN_BUTTON (sample));
  g_assert_nonnull (close);

  /* threads: the Train section follows, also for a model chosen afterwards */
  g_assert_cmpint (gtk_spin_button_get_value_as_int (threads), ==, 1);
  g_assert_cmpint (train_page_threads (f->window), ==, 1);
  gtk_spin_button_set_value (threads, 2);
  g_assert_cmpint (train_page_threads (f->window), ==, 2);
  g_assert_cmpint (g_settings_get_int (f->settings, "training-threads"), ==, 2);
  g_assert_true (pb_train_page_select_model (PB_TRAIN_PAGE (train), "small-gru.json"));
  g_assert_cmpint (train_page_threads (f->window), ==, 2);
  /* the schema's range: no third thread */
  gtk_spin_button_set_value (threads, 3);
  g_assert_cmpint (g_settings_get_int (f->settings, "training-threads"), ==, 2);

  /* plot theme: the views draw with the chosen colours */
  pb_window_show_view (f->window, "light-curve");
  pb_test_iterate (50);
  choose_plot_theme (preferences, "_Dark");
  g_assert_cmpint (pb_plot_get_theme (GTK_WIDGET (f->window)), ==, PB_PLOT_THEME_DARK);
  pb_plot_style_from_widget (&style, view);
  g_assert_true (style.dark);
  g_assert_cmpfloat (style.background.red, <, 0.5);
  g_autofree char *theme = g_settings_get_string (f->settings, "plot-theme");
  g_assert_cmpstr (theme, ==, "dark");
  choose_plot_theme (preferences, "_Light");
  pb_plot_style_from_widget (&style, view);
  g_assert_false (style.dark);
  g_assert_cmpfloat (style.background.red, ==, 1.0);
  g_assert_cmpfloat_with_epsilon (style.foreground.red, 0.15, 1e-6);
  choose_plot_theme (preferences, "Follow the _system theme");
  g_assert_cmpint (pb_plot_get_theme (GTK_WIDGET (f->window)), ==, PB_PLOT_THEME_SYSTEM);
  pb_plot_style_from_widget (&style, view);
  gtk_style_context_get_color (gtk_widget_get_style_context (view), &theme_fg);
  g_assert_true (gdk_rgba_equal (&style.foreground, &theme_fg));

  /* sample size: the open sample stays; the next one has that many objects */
  g_assert_cmpint (gtk_spin_button_get_value_as_int (sample), ==, PB_SAMPLE_OBJECTS);
  gtk_spin_button_set_value (sample, 200);
  g_assert_cmpint (g_settings_get_int (f->settings, "sample-objects"), ==, 200);
  g_assert_cmpuint (pb_window_get_dataset (f->window)->n_objects, ==, PB_SAMPLE_OBJECTS);

  /* Close closes */
  g_assert_true (gtk_widget_activate (close));
  /* a button activated from the keyboard clicks when its pressed look ends */
  pb_test_iterate (400);
  g_assert_null (pb_window_get_dialog (f->window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.open-sample", NULL));
  pb_test_wait_for_load (f->window);
  g_assert_cmpuint (pb_window_get_dataset (f->window)->n_objects, ==, 200);

  /* opened again, the window shows the values chosen */
  preferences = open_preferences (f->window);
  threads = GTK_SPIN_BUTTON (mnemonic_target (GTK_WIDGET (preferences), "_Training threads"));
  sample = GTK_SPIN_BUTTON (mnemonic_target (GTK_WIDGET (preferences), "Sa_mple size"));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (threads), ==, 2);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (sample), ==, 200);
  gtk_window_close (preferences);
  pb_test_iterate (20);

  /* a reset of the settings reaches the window too */
  g_settings_reset (f->settings, "training-threads");
  g_settings_reset (f->settings, "sample-objects");
  g_settings_reset (f->settings, "plot-theme");
  g_assert_cmpint (train_page_threads (f->window), ==, 1);
  pb_window_load_sample (f->window);
  pb_test_wait_for_load (f->window);
  g_assert_cmpuint (pb_window_get_dataset (f->window)->n_objects, ==, PB_SAMPLE_OBJECTS);
}

/* Settings that cannot be written: the preferences still work for the session,
 * and a value outside the schema's range is refused. */
static void
test_preferences_without_settings (Fixture *f, gconstpointer data)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  g_autoptr (GSettingsBackend) backend = g_null_settings_backend_new ();
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (GVariant) state = NULL;
  GtkWindow *preferences;
  PbWindow *window;

  g_assert_nonnull (schema);
  settings = g_settings_new_full (schema, backend, NULL);
  g_assert_false (g_settings_is_writable (settings, "training-threads"));
  window = pb_window_new (NULL, settings);
  gtk_window_present (GTK_WINDOW (window));
  preferences = open_preferences (window);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (mnemonic_target (GTK_WIDGET (preferences), "_Training threads")), 2);
  g_assert_cmpint (train_page_threads (window), ==, 2);
  choose_plot_theme (preferences, "_Dark");
  g_assert_cmpint (pb_plot_get_theme (GTK_WIDGET (window)), ==, PB_PLOT_THEME_DARK);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (mnemonic_target (GTK_WIDGET (preferences), "Sa_mple size")), 150);
  gtk_window_close (preferences);
  pb_window_load_sample (window);
  pb_test_wait_for_load (window);
  g_assert_cmpuint (pb_window_get_dataset (window)->n_objects, ==, 150);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sample-objects", "i", 5));
  state = g_action_group_get_action_state (G_ACTION_GROUP (window), "sample-objects");
  g_assert_cmpint (g_variant_get_int32 (state), ==, 150);
  gtk_window_destroy (GTK_WINDOW (window));
  pb_test_iterate (50);
}

int
main (int argc, char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  g_test_log_set_fatal_handler (fatal_log_cb, NULL);
  g_test_add ("/app/gui/sample", Fixture, NULL, fixture_setup, test_sample, fixture_teardown);
  g_test_add ("/app/gui/browse", Fixture, NULL, fixture_setup, test_browse, fixture_teardown);
  g_test_add ("/app/gui/light-curve", Fixture, NULL, fixture_setup, test_light_curve_interaction, fixture_teardown);
  g_test_add ("/app/gui/export", Fixture, NULL, fixture_setup, test_export, fixture_teardown);
  g_test_add ("/app/gui/open-plasticc", Fixture, NULL, fixture_setup, test_open_plasticc, fixture_teardown);
  g_test_add ("/app/gui/recent-without-program-name", Fixture, NULL, fixture_setup, test_recent_without_program_name,
              fixture_teardown);
  g_test_add ("/app/gui/open-ts", Fixture, NULL, fixture_setup, test_open_ts, fixture_teardown);
  g_test_add ("/app/gui/open-npy", Fixture, NULL, fixture_setup, test_open_npy, fixture_teardown);
  g_test_add ("/app/gui/open-rrlyrae", Fixture, NULL, fixture_setup, test_open_rrlyrae, fixture_teardown);
  g_test_add ("/app/gui/find-period", Fixture, NULL, fixture_setup, test_find_period, fixture_teardown);
  g_test_add ("/app/gui/find-period-too-short", Fixture, NULL, fixture_setup, test_find_period_too_short,
              fixture_teardown);
  g_test_add ("/app/gui/open-csv", Fixture, NULL, fixture_setup, test_open_general_csv, fixture_teardown);
  g_test_add ("/app/gui/csv-mapping-guess", Fixture, NULL, fixture_setup, test_csv_mapping_guess, fixture_teardown);
  g_test_add ("/app/gui/open-broken", Fixture, NULL, fixture_setup, test_open_broken, fixture_teardown);
  g_test_add ("/app/gui/about-and-shortcuts", Fixture, NULL, fixture_setup, test_about_and_shortcuts, fixture_teardown);
  g_test_add ("/app/gui/initial", Fixture, NULL, fixture_setup, test_initial, fixture_teardown);
  g_test_add ("/app/gui/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  g_test_add ("/app/gui/stale-load", Fixture, NULL, fixture_setup, test_stale_load, fixture_teardown);
  g_test_add ("/app/gui/small-window", Fixture, NULL, fixture_setup, test_small_window, fixture_teardown);
  g_test_add ("/app/gui/palette-words-whole", Fixture, NULL, fixture_setup, test_palette_words_whole,
              fixture_teardown);
  g_test_add ("/app/gui/stylesheet", Fixture, NULL, fixture_setup, test_stylesheet_installed, fixture_teardown);
  g_test_add ("/app/gui/title", Fixture, NULL, fixture_setup, test_title, fixture_teardown);
  g_test_add ("/app/gui/toggles-without-settings", Fixture, NULL, fixture_setup, test_toggles_without_settings,
              fixture_teardown);
  g_test_add ("/app/gui/fold-follows-object", Fixture, NULL, fixture_setup, test_fold_follows_object,
              fixture_teardown);
  g_test_add ("/app/gui/preferences", Fixture, NULL, fixture_setup, test_preferences, fixture_teardown);
  g_test_add ("/app/gui/preferences-without-settings", Fixture, NULL, fixture_setup,
              test_preferences_without_settings, fixture_teardown);
  status = g_test_run ();
  if (shared_window != NULL)
    gtk_window_destroy (GTK_WINDOW (shared_window));
  g_clear_object (&shared_settings);
  return status;
}
