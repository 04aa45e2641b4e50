/* pb-object-history-panel.c: the Results tab "History". */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-object-history-panel.h"
#include "pb-plottable.h"

struct _PbObjectHistoryPanel
{
  GtkWidget parent_instance;
  PbSession *session;
  PbRun *run;
  GtkDropDown *query_drop;
  GtkSpinButton *epoch_spin;
  GtkLabel *epoch_label;
  GtkLabel *summary;
  GtkWidget *open_button;
  PbObjectRows *rows;
  PbObjectHistoryView *view;
};

static void pb_object_history_panel_plottable_init (PbPlottableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbObjectHistoryPanel, pb_object_history_panel, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (PB_TYPE_PLOTTABLE,
                                                      pb_object_history_panel_plottable_init))

static const NnObjectHistory *
run_history (PbObjectHistoryPanel *self, const int **rows)
{
  return self->run != NULL ? pb_run_get_object_history (self->run, rows) : NULL;
}

/* "615 · true SN Ia · now SN II 0.61": the object, its class and the last epoch's prediction. */
static char *
object_caption (PbRun *run, const NnObjectHistory *h, const int *rows, int i)
{
  int last = h->n_epochs - 1, p = nn_object_history_predicted (h, last, i);
  float prob = h->probs[((size_t) last * h->n_objects + i) * h->n_classes + p];
  const char *id = run->dataset->objects[rows[i]].id;

  if (h->labels[i] < 0)
    return g_strdup_printf (_("%s · now %s %.2f"), id, pb_run_class_name (run, p), prob);
  return g_strdup_printf (_("%s · true %s · now %s %.2f"), id, pb_run_class_name (run, h->labels[i]),
                          pb_run_class_name (run, p), prob);
}

static PbHistoryQuery
current_query (PbObjectHistoryPanel *self)
{
  return (PbHistoryQuery) gtk_drop_down_get_selected (self->query_drop);
}

static GArray *
query_objects (const NnObjectHistory *h, PbHistoryQuery query, int epoch)
{
  switch (query)
    {
    case PB_HISTORY_ALWAYS_WRONG:
      return nn_object_history_always_wrong (h);
    case PB_HISTORY_LEARNED_AT:
      return nn_object_history_learned_at (h, epoch - 1);
    case PB_HISTORY_FLIPPED_LATE:
    default:
      return nn_object_history_flipped_after (h, epoch - 1);
    }
}

static char *
query_summary (PbHistoryQuery query, guint n, int epoch)
{
  switch (query)
    {
    case PB_HISTORY_ALWAYS_WRONG:
      return g_strdup_printf (ngettext ("%u object wrong at every epoch", "%u objects wrong at every epoch", n),
                              n);
    case PB_HISTORY_LEARNED_AT:
      return g_strdup_printf (ngettext ("%u object learned at epoch %d", "%u objects learned at epoch %d", n),
                              n, epoch);
    case PB_HISTORY_FLIPPED_LATE:
    default:
      return g_strdup_printf (ngettext ("%u object changed its class at or after epoch %d",
                                        "%u objects changed their class at or after epoch %d", n),
                              n, epoch);
    }
}

static void
refresh_list (PbObjectHistoryPanel *self)
{
  const int *rows = NULL;
  const NnObjectHistory *h = run_history (self, &rows);
  PbHistoryQuery query = current_query (self);
  int epoch = gtk_spin_button_get_value_as_int (self->epoch_spin);
  g_autoptr (GArray) objects = NULL;
  g_autoptr (GPtrArray) captions = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *summary = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->epoch_spin), query != PB_HISTORY_ALWAYS_WRONG);
  gtk_widget_set_sensitive (GTK_WIDGET (self->epoch_label), query != PB_HISTORY_ALWAYS_WRONG);
  if (h == NULL || h->n_epochs == 0)
    {
      pb_object_rows_set (self->rows, NULL, NULL, 0);
      gtk_label_set_text (self->summary, self->run == NULL ? _("No run shown")
                                                           : _("This run kept no per-object history"));
      pb_object_history_view_set_object (self->view, self->run, -1);
      gtk_widget_set_sensitive (self->open_button, FALSE);
      return;
    }
  objects = query_objects (h, query, epoch);
  for (guint i = 0; i < objects->len; i++)
    g_ptr_array_add (captions, object_caption (self->run, h, rows, g_array_index (objects, int, i)));
  pb_object_rows_set (self->rows, (const int *) (void *) objects->data,
                      (const char *const *) captions->pdata, objects->len);
  summary = query_summary (query, objects->len, epoch);
  gtk_label_set_text (self->summary, summary);
  gtk_widget_set_sensitive (self->open_button, FALSE);
  if (objects->len > 0)
    pb_object_rows_select (self->rows, 0);
  else
    pb_object_history_view_set_object (self->view, self->run, -1);
}

static void
query_changed_cb (PbObjectHistoryPanel *self)
{
  refresh_list (self);
}

static void
object_selected_cb (PbObjectHistoryPanel *self, int object)
{
  pb_object_history_view_set_object (self->view, self->run, object);
  gtk_widget_set_sensitive (self->open_button, TRUE);
}

static void
object_activated_cb (PbObjectHistoryPanel *self, int object)
{
  const int *rows = NULL;

  if (run_history (self, &rows) == NULL || self->session == NULL)
    return;
  if (!lc_dataset_same_data (pb_session_get_dataset (self->session), self->run->dataset))
    {
      gtk_label_set_text (self->summary, _("This run's dataset is no longer open"));
      return;
    }
  pb_session_show_object (self->session, rows[object]);
}

static void
open_clicked_cb (PbObjectHistoryPanel *self)
{
  int position = pb_object_rows_get_selected (self->rows);

  if (position >= 0)
    pb_object_rows_activate (self->rows, (guint) position);
}

/* The object the window shows is charted when the run validated on it. */
static void
session_show_object_cb (PbObjectHistoryPanel *self, gint64 row)
{
  const int *rows = NULL;
  const NnObjectHistory *h = run_history (self, &rows);

  if (h == NULL || !lc_dataset_same_data (self->run->dataset, pb_session_get_dataset (self->session)))
    return;
  for (int i = 0; i < h->n_objects; i++)
    if (rows[i] == row)
      {
        pb_object_history_view_set_object (self->view, self->run, i);
        return;
      }
}

static void
session_run_shown_cb (PbObjectHistoryPanel *self, PbRun *run)
{
  pb_object_history_panel_set_run (self, run);
}

static void
plottable_draw (PbPlottable *plottable, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  pb_plottable_draw (PB_PLOTTABLE (PB_OBJECT_HISTORY_PANEL (plottable)->view), cr, width, height, style);
}

static char *
plottable_export_name (PbPlottable *plottable)
{
  return pb_plottable_export_name (PB_PLOTTABLE (PB_OBJECT_HISTORY_PANEL (plottable)->view));
}

static void
pb_object_history_panel_plottable_init (PbPlottableInterface *iface)
{
  iface->draw = plottable_draw;
  iface->export_name = plottable_export_name;
}

static void
pb_object_history_panel_dispose (GObject *object)
{
  PbObjectHistoryPanel *self = PB_OBJECT_HISTORY_PANEL (object);
  GtkWidget *child;

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->run, pb_run_unref);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (pb_object_history_panel_parent_class)->dispose (object);
}

static void
pb_object_history_panel_class_init (PbObjectHistoryPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pb_object_history_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "objecthistorypanel");
}

static void
pb_object_history_panel_init (PbObjectHistoryPanel *self)
{
  static const char *const queries[] = { N_("Flipped late"), N_("Always wrong"), N_("Learned at epoch"), NULL };
  const char *translated[G_N_ELEMENTS (queries)];
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkWidget *list_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    translated[i] = queries[i] != NULL ? _(queries[i]) : NULL;
  self->query_drop = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (translated));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->query_drop),
                               _("Which validation objects to list: those whose predicted class changed "
                                 "at or after epoch N, those never right, or those right from epoch N on"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->query_drop), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Objects to list"), -1);
  self->epoch_label = GTK_LABEL (gtk_label_new_with_mnemonic (_("_N")));
  self->epoch_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 1, 1));
  gtk_label_set_mnemonic_widget (self->epoch_label, GTK_WIDGET (self->epoch_spin));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->epoch_spin), _("The epoch N of the list (1 is the first)"));
  self->open_button = gtk_button_new_with_mnemonic (_("Open _Light Curve"));
  gtk_widget_set_tooltip_text (self->open_button, _("Show the selected object in the Data section"));
  gtk_widget_set_sensitive (self->open_button, FALSE);
  g_signal_connect_swapped (self->open_button, "clicked", G_CALLBACK (open_clicked_cb), self);
  g_signal_connect_swapped (self->query_drop, "notify::selected", G_CALLBACK (query_changed_cb), self);
  g_signal_connect_swapped (self->epoch_spin, "value-changed", G_CALLBACK (query_changed_cb), self);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->query_drop));
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->epoch_label));
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->epoch_spin));
  gtk_box_append (GTK_BOX (header), self->open_button);
  gtk_widget_set_margin_start (header, 6);
  gtk_widget_set_margin_top (header, 6);
  gtk_widget_set_parent (header, GTK_WIDGET (self));

  self->summary = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->summary, 0);
  gtk_label_set_wrap (self->summary, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->summary), "dim-label");
  self->rows = PB_OBJECT_ROWS (pb_object_rows_new (_("No objects in this list")));
  gtk_widget_set_size_request (GTK_WIDGET (self->rows), 220, 120);
  gtk_widget_set_vexpand (GTK_WIDGET (self->rows), TRUE);
  g_signal_connect_swapped (self->rows, "selected", G_CALLBACK (object_selected_cb), self);
  g_signal_connect_swapped (self->rows, "activated", G_CALLBACK (object_activated_cb), self);
  gtk_box_append (GTK_BOX (list_box), GTK_WIDGET (self->summary));
  gtk_box_append (GTK_BOX (list_box), GTK_WIDGET (self->rows));
  gtk_widget_set_margin_start (list_box, 6);
  gtk_widget_set_margin_bottom (list_box, 6);

  self->view = PB_OBJECT_HISTORY_VIEW (pb_object_history_view_new ());
  gtk_paned_set_start_child (GTK_PANED (paned), list_box);
  gtk_paned_set_end_child (GTK_PANED (paned), GTK_WIDGET (self->view));
  /* the list gives way, not the chart */
  gtk_paned_set_resize_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_position (GTK_PANED (paned), 290);
  gtk_widget_set_vexpand (paned, TRUE);
  gtk_widget_set_parent (paned, GTK_WIDGET (self));
  refresh_list (self);
}

GtkWidget *
pb_object_history_panel_new (PbSession *session)
{
  PbObjectHistoryPanel *self = g_object_new (PB_TYPE_OBJECT_HISTORY_PANEL, NULL);

  self->session = g_object_ref (session);
  g_signal_connect_swapped (session, "run-shown", G_CALLBACK (session_run_shown_cb), self);
  g_signal_connect_swapped (session, "show-object", G_CALLBACK (session_show_object_cb), self);
  pb_object_history_panel_set_run (self, pb_session_get_shown_run (session));
  return GTK_WIDGET (self);
}

void
pb_object_history_panel_set_run (PbObjectHistoryPanel *self, PbRun *run)
{
  const NnObjectHistory *h;

  if (run != self->run)
    {
      g_clear_pointer (&self->run, pb_run_unref);
      self->run = run != NULL ? pb_run_ref (run) : NULL;
    }
  h = run_history (self, NULL);
  /* a new run: N starts in its last third, where late flips are */
  g_signal_handlers_block_by_func (self->epoch_spin, query_changed_cb, self);
  gtk_spin_button_set_range (self->epoch_spin, 1, h != NULL ? MAX (h->n_epochs, 1) : 1);
  gtk_spin_button_set_value (self->epoch_spin, h != NULL ? MAX (1, h->n_epochs - h->n_epochs / 3) : 1);
  g_signal_handlers_unblock_by_func (self->epoch_spin, query_changed_cb, self);
  refresh_list (self);
}

void
pb_object_history_panel_set_query (PbObjectHistoryPanel *self, PbHistoryQuery query, int epoch)
{
  g_signal_handlers_block_by_func (self->epoch_spin, query_changed_cb, self);
  gtk_spin_button_set_value (self->epoch_spin, epoch);
  g_signal_handlers_unblock_by_func (self->epoch_spin, query_changed_cb, self);
  if (current_query (self) != query)
    gtk_drop_down_set_selected (self->query_drop, query);
  else
    refresh_list (self);
}

PbObjectRows *
pb_object_history_panel_get_rows (PbObjectHistoryPanel *self)
{
  return self->rows;
}

PbObjectHistoryView *
pb_object_history_panel_get_view (PbObjectHistoryPanel *self)
{
  return self->view;
}

const char *
pb_object_history_panel_get_summary (PbObjectHistoryPanel *self)
{
  return gtk_label_get_text (self->summary);
}
