/* pb-test-gui.c: helpers shared by the GUI tests */
#include "pb-test-gui.h"

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
  run->evaluation = lc_predictor_evaluate_rows (p, ds, train->val_rows, train->n_val, 1, &error);
  g_assert_no_error (error);
  return run;
}
