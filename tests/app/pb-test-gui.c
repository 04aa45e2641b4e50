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
