/* pb-attribution-panel.c: Explain for the light-curve view (see pb-attribution-panel.h) */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pb-attribution-draw.h"
#include "pb-attribution-job.h"
#include "pb-attribution-panel.h"

/* Metadata features listed beside the bands at most. */
#define TOP_META 6

/* ---- the summary drawing ----------------------------------------------- */

void
pb_attribution_band_totals (const LcDataset *ds, const LcExplanation *ex, double *totals_out)
{
  const LcObject *o = &ds->objects[ex->object];

  for (int b = 0; b < ds->n_bands; b++)
    totals_out[b] = 0.0;
  for (int i = 0; i < ex->n_observations && i < o->n_obs; i++)
    if (isfinite (ex->observation_attribution[i]))
      totals_out[ds->band[o->first + i]] += fabs (ex->observation_attribution[i]);
}

/* The object's own value of a static input: its metadata column when the
 * dataset has one of that name, else NaN (an aggregate feature). */
static double
raw_meta_value (const LcDataset *ds, gsize object, const char *name)
{
  for (int m = 0; name != NULL && m < ds->n_meta; m++)
    if (g_strcmp0 (ds->meta_names[m], name) == 0)
      return ds->objects[object].meta[m];
  return NAN;
}

/* A dimmed title clipped to its column. */
static void
draw_column_title (cairo_t *cr, const PbPlotStyle *style, const char *title, double x, double width)
{
  GdkRGBA dim = style->foreground;

  dim.alpha *= 0.7;
  cairo_save (cr);
  cairo_rectangle (cr, x, 0, width, 40);
  cairo_clip (cr);
  gdk_cairo_set_source_rgba (cr, &dim);
  pb_plot_draw_text (cr, style, title, x, 2, PB_ALIGN_START, PB_ALIGN_START, 0.8, FALSE, NULL);
  cairo_restore (cr);
}

static void
draw_bands (cairo_t *cr, const PbPlotStyle *style, const PbAttributionSummary *summary, double x, double width,
            double row_h)
{
  const LcDataset *ds = summary->dataset;
  const LcExplanation *ex = summary->explanation;
  g_autofree double *totals = g_new (double, MAX (ds->n_bands, 1));
  double sum = 0.0, name_w = 0.0, delta_w, bar_x, bar_w;

  pb_attribution_band_totals (ds, ex, totals);
  for (int b = 0; b < ds->n_bands; b++)
    {
      double w;

      sum += totals[b];
      pb_plot_measure_text (cr, style, ds->band_names[b], 0.85, TRUE, &w, NULL);
      name_w = MAX (name_w, w);
    }
  pb_plot_measure_text (cr, style, "−0.000", 0.8, FALSE, &delta_w, NULL);
  bar_x = x + name_w + 8;
  bar_w = MAX (width - (bar_x - x) - delta_w - 10, 10);

  draw_column_title (cr, style, _("Band: |attribution|, Δp without it"), x, width);
  for (int b = 0; b < ds->n_bands; b++)
    {
      double y = 2 + row_h * (b + 1), share = sum > 0.0 ? totals[b] / sum : 0.0;
      GdkRGBA color;

      pb_plot_style_band_color (style, lc_band_color (ds, b), &color);
      gdk_cairo_set_source_rgba (cr, &color);
      pb_plot_draw_text (cr, style, ds->band_names[b], x, y + row_h / 2, PB_ALIGN_START, PB_ALIGN_CENTER, 0.85,
                         TRUE, NULL);
      gdk_cairo_set_source_rgba (cr, &style->grid);
      cairo_rectangle (cr, bar_x, y + 3, bar_w, row_h - 6);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_rectangle (cr, bar_x, y + 3, bar_w * share, row_h - 6);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &style->foreground);
      if (isfinite (ex->band_occlusion[b]))
        {
          g_autofree char *delta = g_strdup_printf ("%+.3f", ex->band_occlusion[b]);
          pb_plot_draw_text (cr, style, delta, x + width - 2, y + row_h / 2, PB_ALIGN_END, PB_ALIGN_CENTER,
                             0.8, FALSE, NULL);
        }
      else
        pb_plot_draw_text (cr, style, "–", x + width - 2, y + row_h / 2, PB_ALIGN_END, PB_ALIGN_CENTER, 0.8,
                           FALSE, NULL);
    }
}

static void
draw_metadata (cairo_t *cr, const PbPlotStyle *style, const PbAttributionSummary *summary, double x,
               double width, double row_h, int rows)
{
  const NnAttribution *a = summary->explanation->attribution;
  const NnData *encoded = summary->explanation->encoded;
  g_autofree int *ranked = g_new (int, MAX (a->meta_features, 1));
  double scale;

  lc_explanation_rank_metadata (summary->explanation, ranked);
  scale = a->meta_features > 0 ? fabs (a->meta[ranked[0]]) : 0.0;
  draw_column_title (cr, style, _("Metadata: value, attribution"), x, width);
  for (int i = 0; i < MIN (rows, a->meta_features); i++)
    {
      int s = ranked[i];
      const char *name = summary->meta_names != NULL ? summary->meta_names[s] : "?";
      double y = 2 + row_h * (i + 1), raw = raw_meta_value (summary->dataset, summary->explanation->object, name);
      g_autofree char *value = isfinite (raw) ? g_strdup_printf ("%.4g", raw)
                               /* a feature the encoder computed: its standardised value */
                               : g_strdup_printf ("%+.2fσ", encoded->meta[s]);
      g_autofree char *label = g_strdup_printf ("%s = %s", name, value);
      g_autofree char *weight = g_strdup_printf ("%+.3f", a->meta[s]);
      double weight_w;
      GdkRGBA c;

      pb_plot_measure_text (cr, style, weight, 0.8, FALSE, &weight_w, NULL);
      cairo_save (cr);
      cairo_rectangle (cr, x, y, MAX (width - weight_w - 8, 1), row_h);
      cairo_clip (cr);
      gdk_cairo_set_source_rgba (cr, &style->foreground);
      pb_plot_draw_text (cr, style, label, x, y + row_h / 2, PB_ALIGN_START, PB_ALIGN_CENTER, 0.8, FALSE, NULL);
      cairo_restore (cr);
      pb_attribution_color (style, a->meta[s], scale, &c);
      gdk_cairo_set_source_rgba (cr, &c);
      pb_plot_draw_text (cr, style, weight, x + width - 2, y + row_h / 2, PB_ALIGN_END, PB_ALIGN_CENTER, 0.8,
                         TRUE, NULL);
    }
}

static double
summary_row_height (cairo_t *cr, const PbPlotStyle *style)
{
  double text_h;

  pb_plot_measure_text (cr, style, "Mg", 0.85, TRUE, NULL, &text_h);
  return ceil (text_h + 3);
}

void
pb_attribution_summary_draw (cairo_t *cr, int width, int height, const PbAttributionSummary *summary,
                             const PbPlotStyle *style)
{
  gboolean with_meta;
  double row_h, split;

  cairo_save (cr);
  pb_plot_fill_background (cr, style, width, height);
  if (summary == NULL || summary->explanation == NULL)
    {
      cairo_restore (cr);
      return;
    }
  row_h = summary_row_height (cr, style);
  with_meta = summary->explanation->attribution->meta_features > 0;
  split = with_meta ? floor (width * 0.48) : width;
  draw_bands (cr, style, summary, 6, split - 12, row_h);
  if (with_meta)
    draw_metadata (cr, style, summary, split + 6, width - split - 12, row_h,
                   MAX (summary->dataset->n_bands, TOP_META / 2));
  cairo_restore (cr);
}

/* ---- the panel ---------------------------------------------------------- */

struct _PbAttributionPanel
{
  GtkWidget parent_instance;

  PbSession *session;
  PbLightCurveView *view;         /* weak */
  LcDataset *dataset;
  gssize object;
  gboolean active;
  int target;
  PbRun *run;                     /* whose classes the drop-down lists */

  PbJob *job;
  guint start_source;             /* the job starts when the selection rests */
  guint start_delay_ms;
  gboolean busy;
  PbAttributionResult *result;
  char *status_text;

  GtkToggleButton *toggle;
  GtkDropDown *class_drop;
  GtkStringList *class_list;
  GtkLabel *status;
  GtkRevealer *revealer;
  GtkDrawingArea *summary_area;
};

G_DEFINE_FINAL_TYPE (PbAttributionPanel, pb_attribution_panel, GTK_TYPE_WIDGET)

static void
set_status (PbAttributionPanel *self, const char *text)
{
  g_free (self->status_text);
  self->status_text = g_strdup (text != NULL ? text : "");
  gtk_label_set_text (self->status, self->status_text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status), text);
}

/* The run whose model explains: the session's shown run, when it has a
 * model and was trained or evaluated on the data shown. */
static PbRun *
explaining_run (PbAttributionPanel *self)
{
  PbRun *run = self->session != NULL ? pb_session_get_shown_run (self->session) : NULL;

  if (run == NULL || run->doc == NULL || !lc_dataset_same_data (run->dataset, self->dataset))
    return NULL;
  return run;
}

static void
show_result_in_view (PbAttributionPanel *self)
{
  const LcExplanation *ex = self->result != NULL ? self->result->explanation : NULL;
  g_autofree char *title = NULL;

  if (self->view == NULL)
    return;
  if (ex == NULL)
    {
      pb_light_curve_view_set_attribution (self->view, NULL, 0, NULL);
      return;
    }
  title = g_strdup_printf (_("Attribution to %s"), pb_run_class_name (self->run, ex->target));
  pb_light_curve_view_set_attribution (self->view, ex->observation_attribution, ex->n_observations, title);
}

static void
update_summary_size (PbAttributionPanel *self)
{
  int rows = self->dataset != NULL ? MAX (self->dataset->n_bands, 1) : 1;

  /* a title row and one row per band, at about 16 px a row */
  gtk_drawing_area_set_content_height (self->summary_area, 6 + 16 * (rows + 1));
}

static void
explained_cb (gpointer owner, PbAttributionResult *result)
{
  PbAttributionPanel *self = owner;
  const LcExplanation *ex;
  g_autofree char *text = NULL;

  /* a cancelled job delivers nothing; this guards against a job of another object all the same */
  if ((gssize) result->object != self->object)
    return;
  g_clear_pointer (&self->result, pb_attribution_result_free);
  self->result = g_new0 (PbAttributionResult, 1);
  *self->result = *result;
  *result = (PbAttributionResult) { 0 };
  ex = self->result->explanation;
  text = g_strdup_printf (_("%s: p = %.3f, %.3f at the zero baseline"),
                          pb_run_class_name (self->run, ex->target), ex->probability,
                          ex->attribution->baseline_probability);
  set_status (self, text);
  show_result_in_view (self);
  update_summary_size (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->summary_area));
  gtk_revealer_set_reveal_child (self->revealer, TRUE);
}

static void
finished_cb (gpointer owner, const char *error_message)
{
  PbAttributionPanel *self = owner;

  self->busy = FALSE;
  if (error_message != NULL)
    set_status (self, error_message);
}

/* Browsing with the arrow keys passes many objects a second: explain the
 * one the selection rests on, not each one on the way. */
#define START_DELAY_MS 150

static gboolean
start_job_cb (gpointer data)
{
  static const PbAttributionCallbacks callbacks = { explained_cb, finished_cb };
  PbAttributionPanel *self = data;
  PbRun *run = explaining_run (self);
  gsize object = (gsize) self->object;

  self->start_source = 0;
  /* every change of run or object cancels this timeout first */
  g_return_val_if_fail (run != NULL && self->object >= 0, G_SOURCE_REMOVE);
  self->job = pb_attribution_job_start (self, run, &object, 1, self->target, &callbacks);
  return G_SOURCE_REMOVE;
}

/* Whatever was shown or computed is for the old state: drop it and start again. */
static void
refresh (PbAttributionPanel *self)
{
  PbRun *run = explaining_run (self);

  g_clear_handle_id (&self->start_source, g_source_remove);
  pb_job_clear (&self->job);
  self->busy = FALSE;
  g_clear_pointer (&self->result, pb_attribution_result_free);
  show_result_in_view (self);
  gtk_revealer_set_reveal_child (self->revealer, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->class_drop), run != NULL);

  if (!self->active)
    set_status (self, NULL);
  else if (run == NULL)
    set_status (self, _("Train a model or open one to see why it decides"));
  else if (self->object < 0)
    set_status (self, _("Select an object to explain"));
  else
    {
      g_autofree char *text = g_strdup_printf (_("Explaining object %s…"),
                                               self->dataset->objects[self->object].id);
      set_status (self, text);
      self->busy = TRUE;
      if (self->start_delay_ms == 0)
        start_job_cb (self);
      else
        self->start_source = g_timeout_add (self->start_delay_ms, start_job_cb, self);
    }
}

static void class_selected_cb (GtkDropDown *drop, GParamSpec *pspec, PbAttributionPanel *self);

/* The drop-down lists the classes of the run that explains. */
static void
update_classes (PbAttributionPanel *self)
{
  PbRun *run = explaining_run (self);
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->class_list));
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  if (run == self->run && run != NULL)
    return;
  g_clear_pointer (&self->run, pb_run_unref);
  self->run = run != NULL ? pb_run_ref (run) : NULL;
  self->target = -1;
  g_ptr_array_add (names, (gpointer) _("Predicted class"));
  for (int k = 0; run != NULL && k < pb_run_n_classes (run); k++)
    g_ptr_array_add (names, (gpointer) pb_run_class_name (run, k));
  g_ptr_array_add (names, NULL);
  g_signal_handlers_block_by_func (self->class_drop, class_selected_cb, self);
  gtk_string_list_splice (self->class_list, 0, n_old, (const char *const *) names->pdata);
  gtk_drop_down_set_selected (self->class_drop, 0);
  g_signal_handlers_unblock_by_func (self->class_drop, class_selected_cb, self);
}

static void
session_run_shown_cb (PbAttributionPanel *self)
{
  update_classes (self);
  refresh (self);
}

void
pb_attribution_panel_set_session (PbAttributionPanel *self, PbSession *session)
{
  g_return_if_fail (PB_IS_ATTRIBUTION_PANEL (self));
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_swapped (session, "run-shown", G_CALLBACK (session_run_shown_cb), self);
    }
  session_run_shown_cb (self);
}

void
pb_attribution_panel_set_view (PbAttributionPanel *self, PbLightCurveView *view)
{
  g_return_if_fail (PB_IS_ATTRIBUTION_PANEL (self));
  if (self->view != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->view), (gpointer *) &self->view);
  self->view = view;
  if (view != NULL)
    g_object_add_weak_pointer (G_OBJECT (view), (gpointer *) &self->view);
}

void
pb_attribution_panel_set_object (PbAttributionPanel *self, LcDataset *ds, gssize object)
{
  g_return_if_fail (PB_IS_ATTRIBUTION_PANEL (self));
  if (ds != self->dataset)
    {
      g_clear_pointer (&self->dataset, lc_dataset_unref);
      self->dataset = ds != NULL ? lc_dataset_ref (ds) : NULL;
      update_classes (self);
    }
  self->object = ds != NULL && object >= 0 && (gsize) object < ds->n_objects ? object : -1;
  refresh (self);
}

void
pb_attribution_panel_set_active (PbAttributionPanel *self, gboolean active)
{
  g_return_if_fail (PB_IS_ATTRIBUTION_PANEL (self));
  /* the toggle's handler does the rest */
  gtk_toggle_button_set_active (self->toggle, active);
}

gboolean
pb_attribution_panel_get_active (PbAttributionPanel *self)
{
  return self->active;
}

void
pb_attribution_panel_set_target (PbAttributionPanel *self, int target)
{
  g_return_if_fail (PB_IS_ATTRIBUTION_PANEL (self));
  gtk_drop_down_set_selected (self->class_drop, target < 0 ? 0 : (guint) target + 1);
}

const LcExplanation *
pb_attribution_panel_get_explanation (PbAttributionPanel *self)
{
  return self->result != NULL ? self->result->explanation : NULL;
}

gboolean
pb_attribution_panel_is_busy (PbAttributionPanel *self)
{
  return self->busy;
}

void
pb_attribution_panel_set_start_delay (PbAttributionPanel *self, guint ms)
{
  self->start_delay_ms = ms;
}

const char *
pb_attribution_panel_get_status (PbAttributionPanel *self)
{
  return self->status_text;
}

static void
toggle_toggled_cb (GtkToggleButton *toggle, PbAttributionPanel *self)
{
  self->active = gtk_toggle_button_get_active (toggle);
  refresh (self);
}

static void
class_selected_cb (GtkDropDown *drop, GParamSpec *pspec, PbAttributionPanel *self)
{
  guint selected = gtk_drop_down_get_selected (drop);

  self->target = selected == GTK_INVALID_LIST_POSITION || selected == 0 ? -1 : (int) selected - 1;
  if (self->active)
    refresh (self);
}

static void
draw_summary_cb (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  PbAttributionPanel *self = data;
  PbAttributionSummary summary = { 0 };
  PbPlotStyle style;

  if (self->result == NULL || self->dataset == NULL)
    return;
  pb_plot_style_from_widget (&style, GTK_WIDGET (area));
  summary.dataset = self->dataset;
  summary.explanation = self->result->explanation;
  summary.meta_names = (const char *const *) self->result->meta_names;
  pb_attribution_summary_draw (cr, width, height, &summary, &style);
}

static void
pb_attribution_panel_dispose (GObject *object)
{
  PbAttributionPanel *self = PB_ATTRIBUTION_PANEL (object);
  GtkWidget *child;

  g_clear_handle_id (&self->start_source, g_source_remove);
  pb_job_clear (&self->job);
  pb_attribution_panel_set_view (self, NULL);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (pb_attribution_panel_parent_class)->dispose (object);
}

static void
pb_attribution_panel_finalize (GObject *object)
{
  PbAttributionPanel *self = PB_ATTRIBUTION_PANEL (object);

  g_clear_pointer (&self->result, pb_attribution_result_free);
  g_clear_pointer (&self->run, pb_run_unref);
  g_clear_pointer (&self->dataset, lc_dataset_unref);
  g_free (self->status_text);
  G_OBJECT_CLASS (pb_attribution_panel_parent_class)->finalize (object);
}

static void
pb_attribution_panel_class_init (PbAttributionPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_attribution_panel_dispose;
  object_class->finalize = pb_attribution_panel_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attributionpanel");
}

static void
pb_attribution_panel_init (PbAttributionPanel *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  self->object = -1;
  self->target = -1;
  self->start_delay_ms = START_DELAY_MS;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_widget_add_css_class (row, "plot-toolbar");

  self->toggle = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_("_Explain")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->toggle),
                               _("Colour each observation by how much it raised (red) or lowered (blue) "
                                 "the model's probability of the class"));
  g_signal_connect (self->toggle, "toggled", G_CALLBACK (toggle_toggled_cb), self);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->toggle));

  self->class_list = gtk_string_list_new ((const char *const[]) { _("Predicted class"), NULL });
  self->class_drop = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (self->class_list), NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->class_drop), _("The class whose probability is explained"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->class_drop), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Class to explain"), -1);
  g_signal_connect (self->class_drop, "notify::selected", G_CALLBACK (class_selected_cb), self);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->class_drop));

  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->status, 0);
  gtk_label_set_ellipsize (self->status, PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (self->status, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->status), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "dim-label");
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->status));
  gtk_widget_set_parent (row, GTK_WIDGET (self));

  self->summary_area = GTK_DRAWING_AREA (gtk_drawing_area_new ());
  gtk_drawing_area_set_draw_func (self->summary_area, draw_summary_cb, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->summary_area), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Each band's share of the attribution, the change of the probability "
                                    "without the band, and the metadata features that weigh most"), -1);
  self->revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (self->revealer, GTK_WIDGET (self->summary_area));
  gtk_widget_set_parent (GTK_WIDGET (self->revealer), GTK_WIDGET (self));
  update_summary_size (self);
  set_status (self, NULL);
}

GtkWidget *
pb_attribution_panel_new (void)
{
  return g_object_new (PB_TYPE_ATTRIBUTION_PANEL, NULL);
}
