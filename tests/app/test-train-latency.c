/* test-train-latency.c: benchmark of the main loop's responsiveness while the
 * worker trains: a user scrolls the object browser and zooms the
 * light-curve view every 10 ms, once with no training and once during
 * training; the gaps between those ticks (and the frames drawn) are reported.
 * Run with `meson test --benchmark --suite train-ui`. */
#include "config.h"

#include <gtk/gtk.h>
#include <math.h>
#include <stdio.h>

#include "pb-light-curve-view.h"
#include "pb-object-browser.h"
#include "pb-settings.h"
#include "pb-train-page.h"
#include "pb-window.h"
#include "pb-test-gui.h"

#define TICK_MS 10
#define MEASURE_SECONDS 6

typedef struct
{
  PbWindow *window;
  GArray *gaps;          /* double ms between ticks */
  gint64 last_us;
  guint ticks;
  guint frames;
  gint64 end_us;
  gboolean done;
} Probe;

/* What a user does: the next object in the browser, and a zoom in or out of its light curve. */
static gboolean
tick_cb (gpointer data)
{
  Probe *p = data;
  gint64 now = g_get_monotonic_time ();
  GtkWidget *view = pb_window_get_view (p->window, "light-curve");

  if (p->last_us > 0)
    {
      double gap = (now - p->last_us) / 1000.0;
      g_array_append_val (p->gaps, gap);
    }
  p->last_us = now;
  p->ticks++;
  pb_object_browser_select_relative (PB_OBJECT_BROWSER (pb_window_get_browser (p->window)), 1);
  pb_light_curve_view_zoom_at (PB_LIGHT_CURVE_VIEW (view), p->ticks % 2 ? 1.25 : 0.8, 200, 200);
  if (now >= p->end_us)
    {
      p->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
frame_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  ((Probe *) data)->frames++;
  return G_SOURCE_CONTINUE;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
measure (PbWindow *window, const char *label)
{
  Probe p = { window, g_array_new (FALSE, FALSE, sizeof (double)), 0, 0, 0, 0, FALSE };
  guint tick_id;
  double *g, sum = 0;
  guint n;

  p.end_us = g_get_monotonic_time () + MEASURE_SECONDS * G_USEC_PER_SEC;
  tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (window), frame_cb, &p, NULL);
  g_timeout_add (TICK_MS, tick_cb, &p);
  while (!p.done)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (GTK_WIDGET (window), tick_id);

  g_array_sort (p.gaps, compare_doubles);
  g = (double *) (void *) p.gaps->data;
  n = p.gaps->len;
  for (guint i = 0; i < n; i++)
    sum += g[i];
  printf ("%-16s ticks %4u  gap mean %6.1f ms  p95 %6.1f ms  max %6.1f ms  frames/s %5.1f\n", label, n,
          n > 0 ? sum / n : NAN, n > 0 ? g[(guint) (0.95 * (n - 1))] : NAN, n > 0 ? g[n - 1] : NAN,
          p.frames / (double) MEASURE_SECONDS);
  fflush (stdout);
  g_array_unref (p.gaps);
}

int
main (int argc, char **argv)
{
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (GError) error = NULL;
  PbWindow *window;
  PbTrainPage *page;

  gtk_init ();
  settings = pb_settings_new (APP_ID, PB_BUILD_SCHEMA_DIR, NULL);
  window = pb_window_new (NULL, settings);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  pb_window_load_sample (window);
  while (pb_window_is_loading (window) || pb_window_get_dataset (window) == NULL)
    g_main_context_iteration (NULL, TRUE);
  pb_window_show_view (window, "light-curve");
  pb_object_browser_select_object (PB_OBJECT_BROWSER (pb_window_get_browser (window)), 0);

  measure (window, "idle");

  page = PB_TRAIN_PAGE (pb_test_find_descendant (GTK_WIDGET (window), PB_TYPE_TRAIN_PAGE));
  pb_train_page_select_model (page, "small-gru.json");
  pb_train_page_set_epochs (page, 1000);
  if (!pb_train_page_start (page, &error))
    g_error ("%s", error->message);
  measure (window, "while training");
  printf ("training reached: %s\n", pb_train_page_get_status (page));

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
