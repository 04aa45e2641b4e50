/* test-builder-draw.c: the network diagram drawn into image surfaces without a
 * display: every preset at a slide size and a small size, invalid layers
 * outlined in red and only those. */
#include <stdlib.h>

#include "nn.h"
#include "nn-model-info.h"
#include "pb-builder.h"
#include "pb-network-diagram.h"

enum { T = 36, F = 6, K = 14, S = 31 };

/* Pixels within tol (per channel, 0..255) of r, g, b. */
static int
count_color (cairo_surface_t *surface, int r, int g, int b, int tol)
{
  unsigned char *data;
  int stride, n = 0;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
      {
        guint32 p = *(guint32 *) (data + y * stride + 4 * x);

        if (abs ((int) ((p >> 16) & 0xff) - r) <= tol && abs ((int) ((p >> 8) & 0xff) - g) <= tol
            && abs ((int) (p & 0xff) - b) <= tol)
          n++;
      }
  return n;
}

static cairo_surface_t *
draw (const NnModelDoc *doc, const NnModelInfo *info, int width, int height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  PbPlotStyle style;
  const char *dir = g_getenv ("PB_TEST_SAVE_DIR");

  pb_plot_style_init_light (&style);
  pb_network_diagram_draw (cr, width, height, &style, doc, info, -1);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  if (dir != NULL)
    {
      g_autofree char *path = g_strdup_printf ("%s/diagram-%s-%dx%d.png", dir,
                                               *doc->name != '\0' ? doc->name : "custom", width, height);
      cairo_surface_write_to_png (surface, path);
    }
  return surface;
}

static void
test_presets (void)
{
  g_auto(GStrv) presets = pb_session_list_presets ();

  g_assert_cmpuint (g_strv_length (presets), >=, 7);
  for (int i = 0; presets[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NnModelDoc) doc = pb_session_load_preset_doc (presets[i], &error);
      g_autoptr(NnModelInfo) info = NULL;
      cairo_surface_t *big, *small;
      int ink, accent;

      g_assert_no_error (error);
      info = nn_model_info_new (doc, F, S, K, T);
      g_assert_true (info->valid);
      big = draw (doc, info, 800, 900);
      small = draw (doc, info, 300, 200);
      /* text and arrows in the foreground colour; boxes in their tints; no red */
      ink = count_color (big, 0x26, 0x26, 0x2b, 40);
      g_assert_cmpint (ink, >, 500);
      g_assert_cmpint (count_color (big, 0xe0, 0x1c, 0x24, 30), ==, 0);
      accent = count_color (big, 0x35, 0x84, 0xe4, 40) + count_color (big, 0x2e, 0xc2, 0x7e, 40);
      g_assert_cmpint (accent, >, 100);
      g_assert_cmpint (count_color (small, 0x26, 0x26, 0x2b, 40), >, 50);
      cairo_surface_destroy (big);
      cairo_surface_destroy (small);
    }
}

static void
test_invalid_layer_is_red (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModelDoc) doc = pb_session_load_preset_doc ("small-gru.json", &error);
  g_autoptr(NnModelInfo) valid = NULL;
  g_autoptr(NnModelInfo) invalid = NULL;
  NnLayerConfig cfg;
  cairo_surface_t *surface;

  g_assert_no_error (error);
  valid = nn_model_info_new (doc, F, 0, K, T);
  /* a second GRU after one that gives a vector */
  nn_layer_config_default_for_kind (&cfg, NN_LAYER_GRU);
  g_array_insert_val (doc->layers, 1, ((NnLayerSpec) { .kind = NN_LAYER_GRU, .cfg = cfg }));
  invalid = nn_model_info_new (doc, F, 0, K, T);
  g_assert_false (invalid->valid);
  surface = draw (doc, invalid, 600, 500);
  g_assert_cmpint (count_color (surface, 0xe0, 0x1c, 0x24, 30), >, 200);
  cairo_surface_destroy (surface);
}

/* Nothing to draw still draws the input and the output, never crashes. */
static void
test_empty (void)
{
  g_autoptr(NnModelDoc) doc = nn_model_doc_new ();
  g_autoptr(NnModelInfo) info = nn_model_info_new (doc, F, 0, K, T);
  cairo_surface_t *surface = draw (doc, info, 400, 300);

  g_assert_cmpint (count_color (surface, 0x26, 0x26, 0x2b, 40), >, 100);
  cairo_surface_destroy (surface);
  surface = draw (doc, info, 1, 1);
  cairo_surface_destroy (surface);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/builder-draw/presets", test_presets);
  g_test_add_func ("/builder-draw/invalid-layer-is-red", test_invalid_layer_is_red);
  g_test_add_func ("/builder-draw/empty", test_empty);
  return g_test_run ();
}
