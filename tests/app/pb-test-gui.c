/* pb-test-gui.c: helpers shared by the GUI tests */
#include "pb-test-gui.h"

#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>

/* Every GUI test process keeps its runs in a folder of its own, made before
 * main and removed at exit: a window lists the finished runs of its data in
 * the runs folder, and runs other tests left on the same sample would change
 * what a test sees.  A test that sets PASSBAND_RUNS_DIR itself keeps its own. */
static char *own_runs_dir;

static void
remove_own_runs_dir (void)
{
  g_autoptr (GDir) dir = g_dir_open (own_runs_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (own_runs_dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (own_runs_dir);
  g_clear_pointer (&own_runs_dir, g_free);
}

__attribute__ ((constructor)) static void
use_own_runs_dir (void)
{
  own_runs_dir = g_dir_make_tmp ("passband-test-runs-XXXXXX", NULL);
  if (own_runs_dir == NULL)
    return;
  g_setenv ("PASSBAND_RUNS_DIR", own_runs_dir, TRUE);
  atexit (remove_own_runs_dir);
}

void
pb_test_iterate (int ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

void
pb_test_wait_for_load (PbWindow *w)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (pb_window_is_loading (w))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  pb_test_iterate (50);
}

GtkWidget *
pb_test_find_descendant (GtkWidget *root, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = pb_test_find_descendant (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

void
pb_test_save_png (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("PB_TEST_SAVE_DIR");
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  int w, h;

  if (dir == NULL)
    return;
  /* past the stack's crossfade and the first draw of new content */
  pb_test_iterate (600);
  w = gtk_widget_get_width (widget);
  h = gtk_widget_get_height (widget);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  if (w <= 0 || h <= 0 || renderer == NULL)
    return;
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  path = g_strdup_printf ("%s/%s.png", dir, name);
  if (!gdk_texture_save_to_png (texture, path))
    g_test_message ("could not write %s", path);
}

PbWindow *
pb_test_window_on_sample (GSettings *settings)
{
  PbWindow *window = pb_window_new (NULL, settings);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  pb_window_load_sample (window);
  pb_test_wait_for_load (window);
  return window;
}

PbRun *
pb_test_trained_run (LcDataset *ds, NnModelDoc *spec, int epochs, const char *name)
{
  g_autoptr (LcTrainRun) train = NULL;
  g_autoptr (LcPredictor) p = NULL;
  g_autoptr (GError) error = NULL;
  LcTrainOverrides o;
  PbRun *run;

  lc_train_overrides_init (&o);
  o.epochs = epochs;
  train = lc_train_run_prepare (ds, spec, &o, &error);
  g_assert_no_error (error);
  lc_train_run_train (train, NULL, &error);
  g_assert_no_error (error);
  p = lc_predictor_new (train->doc, &error);
  g_assert_no_error (error);
  run = pb_run_new (1, name, ds);
  run->state = PB_RUN_FINISHED;
  run->doc = nn_model_doc_copy (train->doc);
  run->n_val = train->n_val;
  run->evaluation = lc_predictor_evaluate_rows (p, ds, train->val_rows, train->n_val, 1, &error);
  g_assert_no_error (error);
  return run;
}

/* ---- real input -------------------------------------------------------------- */

typedef struct
{
  gboolean done;
  GError *error;
} SpawnWait;

static void
spawn_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  SpawnWait *wait = data;

  g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &wait->error);
  wait->done = TRUE;
}

/* Runs the main loop until the X server has answered everything sent so far
 * and GTK has handled the events queued before that answer. */
static void
settle (void)
{
  gdk_display_sync (gdk_display_get_default ());
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  pb_test_iterate (10);
}

static void
run_xdotool (GPtrArray *argv)
{
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  SpawnWait wait = { FALSE, NULL };
  gint64 deadline;

  g_ptr_array_insert (argv, 0, (gpointer) "xdotool");
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char *const *) argv->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
  if (process == NULL)
    pb_test_fail ("cannot run xdotool (Debian package xdotool): %s", error->message);
  g_subprocess_wait_check_async (process, NULL, spawn_done_cb, &wait);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!wait.done)
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_subprocess_force_exit (process);
          pb_test_fail ("xdotool %s did not finish", (const char *) argv->pdata[1]);
        }
      pb_test_iterate (1);
    }
  if (wait.error != NULL)
    {
      g_autofree char *line = g_strjoinv (" ", (char **) argv->pdata);

      pb_test_fail ("%s: %s", line, wait.error->message);
    }
  settle ();
}

void
pb_test_xdotool (const char *first_arg, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  va_list args;

  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  run_xdotool (argv);
}

/* The point (x, y) of widget on the X screen, checked to be where a user
 * could reach it: the widget is shown, the point is inside its window and
 * the screen, and no other widget is on top of it there. */
static void
placed_point (GtkWidget *widget, double x, double y, int *root_x, int *root_y)
{
  GtkNative *native;
  GdkSurface *surface;
  Display *display;
  graphene_point_t p;
  GtkWidget *picked;
  Window child;
  double tx, ty;

  if (!gtk_widget_get_mapped (widget))
    pb_test_fail ("%s is not on screen", G_OBJECT_TYPE_NAME (widget));
  native = gtk_widget_get_native (widget);
  if (!gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (x, y), &p))
    pb_test_fail ("%s has no place in its window", G_OBJECT_TYPE_NAME (widget));
  if (p.x < 0 || p.y < 0 || p.x >= gtk_widget_get_width (GTK_WIDGET (native))
      || p.y >= gtk_widget_get_height (GTK_WIDGET (native)))
    pb_test_fail ("%s: (%g, %g) lies outside its window (%d × %d)", G_OBJECT_TYPE_NAME (widget), p.x, p.y,
                  gtk_widget_get_width (GTK_WIDGET (native)), gtk_widget_get_height (GTK_WIDGET (native)));
  picked = gtk_widget_pick (GTK_WIDGET (native), p.x, p.y, GTK_PICK_DEFAULT);
  if (picked == NULL || (picked != widget && !gtk_widget_is_ancestor (picked, widget)))
    pb_test_fail ("%s is covered by %s at (%g, %g)", G_OBJECT_TYPE_NAME (widget),
                  picked != NULL ? G_OBJECT_TYPE_NAME (picked) : "nothing", p.x, p.y);
  gtk_native_get_surface_transform (native, &tx, &ty);
  surface = gtk_native_get_surface (native);
  display = gdk_x11_display_get_xdisplay (gdk_surface_get_display (surface));
  XTranslateCoordinates (display, gdk_x11_surface_get_xid (surface), DefaultRootWindow (display),
                         (int) floor (p.x + tx), (int) floor (p.y + ty), root_x, root_y, &child);
  if (*root_x < 0 || *root_y < 0 || *root_x >= DisplayWidth (display, DefaultScreen (display))
      || *root_y >= DisplayHeight (display, DefaultScreen (display)))
    pb_test_fail ("%s is off the screen at (%d, %d)", G_OBJECT_TYPE_NAME (widget), *root_x, *root_y);
}

/* The same once the widget has stopped moving (a popover placing itself,
 * a list growing its columns): the point stays put over 100 ms. */
static void
screen_point (GtkWidget *widget, double x, double y, int *root_x, int *root_y)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  GtkWidget *native = GTK_WIDGET (gtk_widget_get_native (widget));
  int last_x, last_y, still = 0;

  /* a window just shown has no size until it has been laid out */
  pb_test_wait_for (native != NULL && gtk_widget_get_width (native) > 0 && gtk_widget_get_height (native) > 0, 5000,
                    "%s is in a window that never got a size", G_OBJECT_TYPE_NAME (widget));
  placed_point (widget, x, y, root_x, root_y);
  while (still < 2)
    {
      /* a stack in a crossfade still shows, and picks, the page it leaves */
      for (GtkWidget *a = widget; a != NULL; a = gtk_widget_get_parent (a))
        if (GTK_IS_STACK (a))
          pb_test_wait_for (!gtk_stack_get_transition_running (GTK_STACK (a)), 5000, "a page transition never ends");
      if (g_get_monotonic_time () > deadline)
        pb_test_fail ("%s keeps moving", G_OBJECT_TYPE_NAME (widget));
      last_x = *root_x;
      last_y = *root_y;
      pb_test_iterate (50);
      placed_point (widget, x, y, root_x, root_y);
      still = last_x == *root_x && last_y == *root_y ? still + 1 : 0;
    }
}

/* Where the X server has the pointer. */
static void
pointer_position (int *root_x, int *root_y)
{
  Display *display = gdk_x11_display_get_xdisplay (gdk_display_get_default ());
  Window root, child;
  int x, y;
  unsigned int mask;

  XQueryPointer (display, DefaultRootWindow (display), &root, &child, root_x, root_y, &x, &y, &mask);
}

static void
pointer_to (int root_x, int root_y)
{
  char x[16], y[16];
  int at_x = -1, at_y = -1;

  g_snprintf (x, sizeof x, "%d", root_x);
  g_snprintf (y, sizeof y, "%d", root_y);
  /* the pointer must be there before a button goes down */
  for (int tries = 0; tries < 5 && (at_x != root_x || at_y != root_y); tries++)
    {
      pb_test_xdotool ("mousemove", x, y, NULL);
      pointer_position (&at_x, &at_y);
    }
  if (at_x != root_x || at_y != root_y)
    pb_test_fail ("the pointer went to (%d, %d), not (%d, %d)", at_x, at_y, root_x, root_y);
}

void
pb_test_point_at (GtkWidget *widget, double x, double y)
{
  int root_x, root_y;

  screen_point (widget, x, y, &root_x, &root_y);
  pointer_to (root_x, root_y);
}

void
pb_test_click_at (GtkWidget *widget, double x, double y)
{
  pb_test_point_at (widget, x, y);
  pb_test_xdotool ("click", "1", NULL);
}

gboolean
pb_test_in_sight (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;

  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  if (scrolled == NULL)
    return TRUE;
  return gtk_widget_compute_bounds (widget, scrolled, &bounds)
         && graphene_rect_intersection (&bounds, &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (scrolled),
                                                                      gtk_widget_get_height (scrolled)), NULL);
}

/* The middle of the part of widget a user sees: inside the scrolled window
 * around it, if any. */
static void
visible_middle (GtkWidget *widget, double *x, double *y)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds, seen;
  graphene_point_t middle;

  *x = gtk_widget_get_width (widget) / 2.0;
  *y = gtk_widget_get_height (widget) / 2.0;
  if (scrolled == NULL || !gtk_widget_compute_bounds (widget, scrolled, &bounds))
    return;
  if (!graphene_rect_intersection (&bounds, &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (scrolled),
                                                                 gtk_widget_get_height (scrolled)), &seen))
    pb_test_fail ("%s is scrolled out of sight", G_OBJECT_TYPE_NAME (widget));
  graphene_rect_get_center (&seen, &middle);
  *x = middle.x - bounds.origin.x;
  *y = middle.y - bounds.origin.y;
}

void
pb_test_click (GtkWidget *widget)
{
  double x, y;

  if (!gtk_widget_get_mapped (widget))
    pb_test_fail ("%s is not on screen", G_OBJECT_TYPE_NAME (widget));
  pb_test_wait_for (gtk_widget_is_sensitive (widget), 5000, "%s stays insensitive", G_OBJECT_TYPE_NAME (widget));
  visible_middle (widget, &x, &y);
  pb_test_click_at (widget, x, y);
}

void
pb_test_key (const char *keys)
{
  pb_test_xdotool ("key", "--clearmodifiers", keys, NULL);
}

void
pb_test_type (const char *text)
{
  pb_test_xdotool ("type", "--delay", "5", text, NULL);
}

void
pb_test_drag (GtkWidget *from, GtkWidget *to, double x, double y)
{
  const int steps = 8;
  int x0, y0, x1, y1;

  screen_point (from, gtk_widget_get_width (from) / 2.0, gtk_widget_get_height (from) / 2.0, &x0, &y0);
  pointer_to (x0, y0);
  pb_test_xdotool ("mousedown", "1", NULL);
  /* past GTK's drag threshold, one motion at a time as a hand moves */
  for (int i = 1; i <= 3; i++)
    pointer_to (x0 + 4 * i, y0 + 4 * i);
  screen_point (to, x, y, &x1, &y1);
  for (int i = 1; i <= steps; i++)
    pointer_to (x0 + 12 + (x1 - x0 - 12) * i / steps, y0 + 12 + (y1 - y0 - 12) * i / steps);
  /* a last small move lets the target see the pointer settle over it */
  pointer_to (x1 + 1, y1);
  pointer_to (x1, y1);
  pb_test_xdotool ("mouseup", "1", NULL);
}

/* Whether the middle of widget lies inside the visible part of scrolled,
 * and all of it when it fits; otherwise the wheel button that brings it
 * closer (4 up, 5 down, 6 left, 7 right). */
static const char *
wheel_towards (GtkWidget *widget, GtkWidget *scrolled)
{
  graphene_rect_t r;
  double w = gtk_widget_get_width (scrolled), h = gtk_widget_get_height (scrolled);
  double mid_x, mid_y;

  if (!gtk_widget_compute_bounds (widget, scrolled, &r))
    pb_test_fail ("%s has no place in its scrolled window", G_OBJECT_TYPE_NAME (widget));
  mid_x = r.origin.x + r.size.width / 2;
  mid_y = r.origin.y + r.size.height / 2;
  if (mid_y < 0 || (r.size.height <= h && r.origin.y < 0))
    return "4";
  if (mid_y > h || (r.size.height <= h && r.origin.y + r.size.height > h))
    return "5";
  if (mid_x < 0 || (r.size.width <= w && r.origin.x < 0))
    return "6";
  if (mid_x > w || (r.size.width <= w && r.origin.x + r.size.width > w))
    return "7";
  return NULL;
}

/* Runs the main loop until a scroll's animation has ended: the position
 * stays the same for a few frames. */
static void
wait_until_still (GtkScrolledWindow *sw)
{
  GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (sw);
  GtkAdjustment *v = gtk_scrolled_window_get_vadjustment (sw);
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  double x, y;

  do
    {
      if (g_get_monotonic_time () > deadline)
        pb_test_fail ("a scrolled window keeps moving");
      x = gtk_adjustment_get_value (h);
      y = gtk_adjustment_get_value (v);
      pb_test_iterate (60);
    }
  while (x != gtk_adjustment_get_value (h) || y != gtk_adjustment_get_value (v));
}

void
pb_test_scroll_to (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  const char *button;

  if (scrolled == NULL)
    return;
  for (int turns = 0; (button = wheel_towards (widget, scrolled)) != NULL; turns++)
    {
      GtkScrolledWindow *sw = GTK_SCROLLED_WINDOW (scrolled);
      double before_x = gtk_adjustment_get_value (gtk_scrolled_window_get_hadjustment (sw));
      double before_y = gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (sw));

      if (turns > 60)
        pb_test_fail ("%s stays out of sight in its scrolled window", G_OBJECT_TYPE_NAME (widget));
      /* near the left edge, where labels are: a spin button under the
       * pointer would take the wheel for itself */
      pb_test_point_at (scrolled, 6, gtk_widget_get_height (scrolled) / 2.0);
      pb_test_xdotool ("click", button, NULL);
      pb_test_wait_for (gtk_adjustment_get_value (gtk_scrolled_window_get_hadjustment (sw)) != before_x
                        || gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (sw)) != before_y, 2000,
                        "the wheel (button %s) does not scroll towards %s", button, G_OBJECT_TYPE_NAME (widget));
      wait_until_still (sw);
    }
}

/* ---- finding widgets by what they say ------------------------------------------ */

/* text without mnemonic underscores ("_Presets" → "Presets") */
static char *
without_mnemonic (const char *text)
{
  GString *plain = g_string_new (NULL);

  for (const char *c = text; *c != '\0'; c++)
    if (*c != '_' || c[1] == '_')
      g_string_append_c (plain, *c == '_' ? *++c : *c);
  return g_string_free (plain, FALSE);
}

static gboolean
says (GtkWidget *widget, const char *text)
{
  g_autofree char *label = NULL;
  g_autofree char *plain = NULL;

  if (GTK_IS_LABEL (widget))
    return g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
  if (GTK_IS_INSCRIPTION (widget))
    return g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), text) == 0;
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (widget), "label") == NULL)
    return FALSE;
  g_object_get (widget, "label", &label, NULL);
  if (label == NULL)
    return FALSE;
  plain = without_mnemonic (label);
  return g_strcmp0 (label, text) == 0 || g_strcmp0 (plain, text) == 0;
}

GtkWidget *
pb_test_find_text (GtkWidget *root, GType type, const char *text)
{
  if (!gtk_widget_get_mapped (root))
    return NULL;
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && says (root, text))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = pb_test_find_text (child, type, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
pb_test_get_text (GtkWidget *root, GType type, const char *text)
{
  GtkWidget *found = NULL;

  pb_test_wait_for ((found = pb_test_find_text (root, type, text)) != NULL, 2000,
                    "no %s says “%s”", g_type_name (type), text);
  return found;
}

/* ---- failing with a picture ------------------------------------------------------ */

void
pb_test_screenshot (const char *name)
{
  const char *dir = g_getenv ("PB_TEST_SAVE_DIR");
  g_autofree char *path = g_strdup_printf ("%s/%s.png", dir != NULL ? dir : g_test_get_dir (G_TEST_BUILT), name);
  const char *argv[] = { "import", "-window", "root", path, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_printerr ("no screenshot %s: %s\n", path, error->message);
  else
    g_printerr ("screenshot: %s\n", path);
}

void
pb_test_fail (const char *format, ...)
{
  g_autofree char *message = NULL;
  g_autofree char *name = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  name = g_strdup_printf ("failed%s", g_test_get_path () != NULL ? g_test_get_path () : "");
  g_strdelimit (name, "/", '-');
  pb_test_screenshot (name);
  g_error ("%s", message);
}
