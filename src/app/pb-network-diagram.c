/* pb-network-diagram.c: the network as a block diagram (see pb-network-diagram.h) */
#include "config.h"

#include <glib/gi18n.h>

#include "nn-fields.h"
#include "pb-layer-card.h"
#include "pb-network-diagram.h"
#include "pb-plottable.h"

/* Where the boxes go; computed once per draw from the text height. */
typedef struct
{
  double margin, text_h;
  double box_x, box_w, box_h, arrow_h, top;
  double side_x, side_w;  /* the metadata box, right of the stack */
  gboolean two_lines;
} Layout;

static void
compute_layout (cairo_t *cr, const PbPlotStyle *style, int width, int height, int rows,
                gboolean with_side, Layout *l)
{
  double avail_w, avail_h;

  pb_plot_measure_text (cr, style, "Mg", 1.0, FALSE, NULL, &l->text_h);
  l->margin = MAX (8.0, l->text_h * 0.8);
  l->top = l->margin + l->text_h * 1.8;  /* room for the title */
  l->arrow_h = l->text_h * 1.7;
  avail_h = height - l->top - l->margin - (rows - 1) * l->arrow_h;
  l->box_h = CLAMP (avail_h / rows, l->text_h * 1.3, l->text_h * 3.0);
  /* too many layers for the height: shorter arrows before smaller boxes */
  if (avail_h / rows < l->text_h * 1.3)
    l->arrow_h = MAX (l->text_h * 0.9, (height - l->top - l->margin - rows * l->box_h) / MAX (rows - 1, 1));
  l->two_lines = l->box_h >= l->text_h * 2.4;
  avail_w = width - 2 * l->margin;
  l->side_w = with_side ? MIN (avail_w * 0.3, l->text_h * 13) : 0;
  l->box_w = MIN (avail_w - (with_side ? l->side_w + l->text_h * 3 : 0), l->text_h * 24);
  l->box_x = l->margin + (avail_w - l->box_w - (with_side ? l->side_w + l->text_h * 3 : 0)) / 2;
  l->side_x = l->box_x + l->box_w + l->text_h * 3;
}

static double
row_y (const Layout *l, int row)
{
  return l->top + row * (l->box_h + l->arrow_h);
}

static void
rounded_rect (cairo_t *cr, double x, double y, double w, double h, double r)
{
  r = MIN (r, MIN (w, h) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* A tint per family of layers, so the branch structure reads at a glance. */
static void
kind_tint (NnLayerKind kind, const PbPlotStyle *style, GdkRGBA *out)
{
  const NnLayerKindInfo *row = nn_layer_kind_info (kind);
  const char *hex = "#77767b";

  switch (row != NULL ? row->family : NN_LAYER_FAMILY_CORE)
    {
    case NN_LAYER_FAMILY_RECURRENT:
      hex = "#3584e4";
      break;
    case NN_LAYER_FAMILY_CONVOLUTION:
    case NN_LAYER_FAMILY_POOLING:
      hex = "#2ec27e";
      break;
    case NN_LAYER_FAMILY_JOIN:
      hex = "#e5a50a";
      break;
    case NN_LAYER_FAMILY_REGULARISATION:
      hex = "#9141ac";
      break;
    case NN_LAYER_FAMILY_CORE:
    default:
      break;
    }
  pb_plot_style_band_color (style, hex, out);
}

static void
draw_box (cairo_t *cr, const PbPlotStyle *style, const Layout *l, double x, double y, double w,
          const GdkRGBA *tint, gboolean invalid, gboolean selected, const char *title,
          const char *detail)
{
  GdkRGBA error = { 0.88, 0.11, 0.14, 1.0 };
  g_autofree char *one_line = NULL;

  rounded_rect (cr, x, y, w, l->box_h, l->text_h * 0.4);
  cairo_set_source_rgba (cr, tint->red, tint->green, tint->blue, selected ? 0.35 : 0.16);
  cairo_fill_preserve (cr);
  if (invalid)
    gdk_cairo_set_source_rgba (cr, &error);
  else
    gdk_cairo_set_source_rgba (cr, tint);
  cairo_set_line_width (cr, invalid || selected ? 2.5 : 1.2);
  cairo_stroke (cr);

  gdk_cairo_set_source_rgba (cr, &style->foreground);
  cairo_save (cr);
  cairo_rectangle (cr, x + 2, y, w - 4, l->box_h);
  cairo_clip (cr);
  if (l->two_lines && detail != NULL && *detail != '\0')
    {
      pb_plot_draw_text (cr, style, title, x + w / 2, y + l->box_h / 2, PB_ALIGN_CENTER, PB_ALIGN_END,
                         1.0, TRUE, NULL);
      pb_plot_draw_text (cr, style, detail, x + w / 2, y + l->box_h / 2, PB_ALIGN_CENTER, PB_ALIGN_START,
                         0.85, FALSE, NULL);
    }
  else
    {
      one_line = detail != NULL && *detail != '\0' ? g_strdup_printf ("%s — %s", title, detail) : g_strdup (title);
      pb_plot_draw_text (cr, style, one_line, x + w / 2, y + l->box_h / 2, PB_ALIGN_CENTER, PB_ALIGN_CENTER,
                         1.0, TRUE, NULL);
    }
  cairo_restore (cr);
}

static void
arrow_head (cairo_t *cr, double x, double y, double dx, double dy, double size)
{
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x - dx * size - dy * size * 0.5, y - dy * size - dx * size * 0.5);
  cairo_line_to (cr, x - dx * size + dy * size * 0.5, y - dy * size + dx * size * 0.5);
  cairo_close_path (cr);
  cairo_fill (cr);
}

/* A downward arrow from row to row + 1, labelled with the shape it carries. */
static void
draw_down_arrow (cairo_t *cr, const PbPlotStyle *style, const Layout *l, int row, const char *label)
{
  double x = l->box_x + l->box_w / 2;
  double y0 = row_y (l, row) + l->box_h, y1 = row_y (l, row + 1);

  gdk_cairo_set_source_rgba (cr, &style->foreground);
  cairo_set_line_width (cr, 1.2);
  cairo_move_to (cr, x, y0 + 1);
  cairo_line_to (cr, x, y1 - 2);
  cairo_stroke (cr);
  arrow_head (cr, x, y1 - 1, 0, 1, MIN (l->text_h * 0.5, (y1 - y0) * 0.5));
  if (label != NULL)
    pb_plot_draw_text (cr, style, label, x + l->text_h * 0.5, (y0 + y1) / 2, PB_ALIGN_START, PB_ALIGN_CENTER,
                       0.85, FALSE, NULL);
}

static void
draw_metadata_branch (cairo_t *cr, const PbPlotStyle *style, const Layout *l, int row, int meta_features)
{
  GdkRGBA tint;
  g_autofree char *title = g_strdup (_("Metadata"));
  g_autofree char *detail = g_strdup_printf (ngettext ("%d feature", "%d features", meta_features),
                                             meta_features);
  g_autofree char *label = g_strdup_printf ("%d", meta_features);
  double y = row_y (l, row) + l->box_h / 2;
  double x0 = l->side_x, x1 = l->box_x + l->box_w;

  kind_tint (NN_LAYER_CONCAT_METADATA, style, &tint);
  draw_box (cr, style, l, l->side_x, row_y (l, row), l->side_w, &tint, FALSE, FALSE, title, detail);
  gdk_cairo_set_source_rgba (cr, &style->foreground);
  cairo_move_to (cr, x0 - 1, y);
  cairo_line_to (cr, x1 + 2, y);
  cairo_stroke (cr);
  arrow_head (cr, x1 + 1, y, -1, 0, l->text_h * 0.5);
  pb_plot_draw_text (cr, style, label, (x0 + x1) / 2, y - 2, PB_ALIGN_CENTER, PB_ALIGN_END, 0.85, FALSE, NULL);
}

static void
draw_title (cairo_t *cr, const PbPlotStyle *style, const Layout *l, int width, const NnModelDoc *doc,
            const NnModelInfo *info)
{
  g_autofree char *count = pb_format_count ((double) info->n_params);
  g_autofree char *text = NULL;
  const char *name = doc->name != NULL && *doc->name != '\0' ? doc->name : _("Network");

  if (info->valid)
    text = g_strdup_printf (_("%s — %s parameters"), name, count);
  else
    text = g_strdup_printf (_("%s — not valid yet"), name);
  gdk_cairo_set_source_rgba (cr, &style->foreground);
  pb_plot_draw_text (cr, style, text, width / 2.0, l->margin, PB_ALIGN_CENTER, PB_ALIGN_START, 1.1, TRUE, NULL);
}

void
pb_network_diagram_draw (cairo_t *cr, int width, int height, const PbPlotStyle *style,
                         const NnModelDoc *doc, const NnModelInfo *info, int selected)
{
  int n = MIN ((int) doc->layers->len, info->n_layers);
  int rows = n + 2;
  gboolean with_side = info->concat_index >= 0 && info->meta_features > 0;
  NnShape input = { TRUE, info->max_steps, info->seq_features };
  g_autofree char *input_detail = nn_shape_to_string (&input);
  g_autofree char *output_detail = g_strdup_printf (ngettext ("%d class", "%d classes", info->n_classes),
                                                    info->n_classes);
  GdkRGBA grey;
  Layout l;

  pb_plot_fill_background (cr, style, width, height);
  compute_layout (cr, style, width, height, rows, with_side, &l);
  draw_title (cr, style, &l, width, doc, info);
  kind_tint (NN_LAYER_N_KINDS, style, &grey);

  draw_box (cr, style, &l, l.box_x, row_y (&l, 0), l.box_w, &grey, FALSE, FALSE, _("Light curve"),
            input_detail);
  draw_down_arrow (cr, style, &l, 0, input_detail);
  for (int i = 0; i < n; i++)
    {
      const NnLayerSpec *spec = &g_array_index (doc->layers, NnLayerSpec, i);
      const NnLayerInfo *li = &info->layers[i];
      g_autofree char *detail = pb_layer_summary (spec);
      g_autofree char *shape = li->ok ? nn_shape_to_string (&li->out) : g_strdup ("?");
      g_autoptr(GArray) problems = nn_model_info_layer_problems (info, i);
      GdkRGBA tint;

      kind_tint (spec->kind, style, &tint);
      draw_box (cr, style, &l, l.box_x, row_y (&l, i + 1), l.box_w, &tint, problems->len > 0, i == selected,
                pb_layer_kind_title (spec->kind), detail);
      draw_down_arrow (cr, style, &l, i + 1, shape);
      if (spec->kind == NN_LAYER_CONCAT_METADATA && i == info->concat_index && with_side)
        draw_metadata_branch (cr, style, &l, i + 1, info->meta_features);
    }
  draw_box (cr, style, &l, l.box_x, row_y (&l, n + 1), l.box_w, &grey, FALSE, FALSE, _("Class probabilities"),
            output_detail);
}

/* ---- the widget ------------------------------------------------------- */

struct _PbNetworkDiagram
{
  GtkWidget parent_instance;

  const NnModelDoc *doc;
  const NnModelInfo *info;
  int selected;
};

static void pb_network_diagram_plottable_init (PbPlottableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbNetworkDiagram, pb_network_diagram, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (PB_TYPE_PLOTTABLE, pb_network_diagram_plottable_init))

static void
update_accessible_description (PbNetworkDiagram *self)
{
  GString *s = g_string_new (_("Block diagram of the network:"));

  for (int i = 0; self->doc != NULL && i < (int) self->doc->layers->len && i < self->info->n_layers; i++)
    {
      const NnLayerSpec *spec = &g_array_index (self->doc->layers, NnLayerSpec, i);
      g_autofree char *shape = self->info->layers[i].ok ? nn_shape_to_string (&self->info->layers[i].out)
                                                        : g_strdup ("?");
      g_string_append_printf (s, " %s (%s)%s", pb_layer_kind_title (spec->kind), shape,
                              i + 1 < (int) self->doc->layers->len ? "," : ".");
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, s->str, -1);
  g_string_free (s, TRUE);
}

void
pb_network_diagram_set_model (PbNetworkDiagram *self, const NnModelDoc *doc, const NnModelInfo *info,
                              int selected)
{
  g_return_if_fail (PB_IS_NETWORK_DIAGRAM (self));
  self->doc = doc;
  self->info = info;
  self->selected = selected;
  update_accessible_description (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
pb_network_diagram_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  PbNetworkDiagram *self = PB_NETWORK_DIAGRAM (widget);
  PbPlotStyle style;
  int width, height;
  cairo_t *cr;

  if (self->doc == NULL)
    return;
  cr = pb_view_begin_cairo (widget, snapshot, &style, &width, &height);
  if (cr == NULL)
    return;
  pb_network_diagram_draw (cr, width, height, &style, self->doc, self->info, self->selected);
  cairo_destroy (cr);
}

static void
pb_network_diagram_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                            int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  PbNetworkDiagram *self = PB_NETWORK_DIAGRAM (widget);
  int rows = self->doc != NULL ? (int) self->doc->layers->len + 2 : 2;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 480;
    }
  else
    {
      /* enough for one-line boxes and short arrows; a scrolled window shows the rest */
      *minimum = 40 + rows * 48;
      *natural = 40 + rows * 72;
    }
}

static void
plottable_draw (PbPlottable *plottable, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  PbNetworkDiagram *self = PB_NETWORK_DIAGRAM (plottable);

  if (self->doc != NULL)
    pb_network_diagram_draw (cr, width, height, style, self->doc, self->info, -1);
}

static char *
plottable_export_name (PbPlottable *plottable)
{
  PbNetworkDiagram *self = PB_NETWORK_DIAGRAM (plottable);
  g_autofree char *name = NULL;

  if (self->doc == NULL || self->doc->name == NULL || *self->doc->name == '\0')
    return g_strdup ("network");
  name = g_ascii_strdown (self->doc->name, -1);
  g_strcanon (name, "abcdefghijklmnopqrstuvwxyz0123456789-", '-');
  return g_strdup_printf ("network-%s", name);
}

static void
pb_network_diagram_plottable_init (PbPlottableInterface *iface)
{
  iface->draw = plottable_draw;
  iface->export_name = plottable_export_name;
}

static void
pb_network_diagram_class_init (PbNetworkDiagramClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = pb_network_diagram_snapshot;
  widget_class->measure = pb_network_diagram_measure;
  gtk_widget_class_set_css_name (widget_class, "networkdiagram");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pb_network_diagram_init (PbNetworkDiagram *self)
{
  self->selected = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  update_accessible_description (self);
}

GtkWidget *
pb_network_diagram_new (void)
{
  return g_object_new (PB_TYPE_NETWORK_DIAGRAM, NULL);
}
