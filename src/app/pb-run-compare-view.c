/* pb-run-compare-view.c: two runs compared object by object. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pb-plottable.h"
#include "pb-run-compare-view.h"

struct _PbRunCompareView
{
  GtkWidget parent_instance;
  PbSession *session;
  GPtrArray *runs;            /* PbRun (references), what the drop-downs offer */
  GtkStringList *names;
  GtkDropDown *drop_a;
  GtkDropDown *drop_b;
  GtkLabel *summary;
  GtkLabel *fixed_title;
  GtkLabel *broken_title;
  PbObjectRows *fixed;
  PbObjectRows *broken;
  PbObjectHistoryView *chart;
  gboolean updating;
};

static void pb_run_compare_view_plottable_init (PbPlottableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbRunCompareView, pb_run_compare_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (PB_TYPE_PLOTTABLE, pb_run_compare_view_plottable_init))

static PbRun *
picked (PbRunCompareView *self, GtkDropDown *drop)
{
  guint i = gtk_drop_down_get_selected (drop);
  return i < self->runs->len ? g_ptr_array_index (self->runs, i) : NULL;
}

/* "615 · SN Ia (A: SN II)" for a fixed object, "615 · SN Ia (B: SN II)" for
 * a broken one: the true class and the wrong run's prediction. */
static char *
compare_caption (PbRun *a, PbRun *b, gboolean fixed, int i)
{
  const int *rows = NULL;
  PbRun *wrong = fixed ? a : b;
  const NnObjectHistory *h = pb_run_get_object_history (wrong, NULL);
  int p = nn_object_history_predicted (h, h->n_epochs - 1, i);

  pb_run_get_object_history (a, &rows);
  return g_strdup_printf (fixed ? _("%s · %s (A: %s)") : _("%s · %s (B: %s)"),
                          a->dataset->objects[rows[i]].id, pb_run_class_name (a, h->labels[i]),
                          pb_run_class_name (wrong, p));
}

static void
fill_rows (PbObjectRows *rows, GtkLabel *title, const char *format, PbRun *a, PbRun *b,
           gboolean fixed, GArray *objects)
{
  g_autoptr (GPtrArray) captions = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = NULL;
  guint n = objects != NULL ? objects->len : 0;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (captions, compare_caption (a, b, fixed, g_array_index (objects, int, i)));
  pb_object_rows_set (rows, n > 0 ? (const int *) (void *) objects->data : NULL,
                      (const char *const *) captions->pdata, n);
  text = g_strdup_printf (format, n);
  gtk_label_set_text (title, text);
}

/* Same validation objects: the same rows of the same dataset, so the
 * object indices of one history are those of the other. */
static gboolean
same_objects (PbRun *a, PbRun *b)
{
  const int *ra = NULL, *rb = NULL;
  const NnObjectHistory *ha = pb_run_get_object_history (a, &ra);
  const NnObjectHistory *hb = pb_run_get_object_history (b, &rb);

  return lc_dataset_same_data (a->dataset, b->dataset) && ha->n_objects == hb->n_objects
         && memcmp (ra, rb, (size_t) ha->n_objects * sizeof (int)) == 0;
}

static void
compare (PbRunCompareView *self)
{
  PbRun *a = picked (self, self->drop_a), *b = picked (self, self->drop_b);
  g_autoptr (GArray) fixed = NULL;
  g_autoptr (GArray) broken = NULL;
  g_autofree char *text = NULL;
  const char *problem = NULL;

  if (self->runs->len < 2)
    problem = _("Train two runs on this dataset to compare them object by object");
  else if (a == b)
    problem = _("Pick two different runs");
  else if (!same_objects (a, b)
           || !nn_object_history_compare (pb_run_get_object_history (a, NULL),
                                          pb_run_get_object_history (b, NULL), &fixed, &broken))
    problem = _("These runs validated on different objects (another split or seed): they cannot be "
                "compared object by object");
  fill_rows (self->fixed, self->fixed_title, _("Fixed by B (%u)"), a, b, TRUE, problem == NULL ? fixed : NULL);
  fill_rows (self->broken, self->broken_title, _("Broken by B (%u)"), a, b, FALSE, problem == NULL ? broken : NULL);
  pb_object_history_view_set_object (self->chart, problem == NULL ? b : NULL, -1);
  if (problem != NULL)
    {
      gtk_label_set_text (self->summary, problem);
      return;
    }
  text = g_strdup_printf (_("Of %d validation objects, B got %u right that A got wrong and %u wrong that A got right"),
                          pb_run_get_object_history (a, NULL)->n_objects, fixed->len, broken->len);
  gtk_label_set_text (self->summary, text);
}

static void
pick_changed_cb (PbRunCompareView *self)
{
  if (!self->updating)
    compare (self);
}

/* The drop-downs offer the runs on the open dataset with a history; the
 * picks stay on the same runs when they still are there, else the last two. */
static void
update_runs (PbRunCompareView *self)
{
  PbRun *a = picked (self, self->drop_a), *b = picked (self, self->drop_b);
  g_autoptr (GPtrArray) all = pb_session_get_dataset_runs (self->session);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  guint old_a = G_MAXUINT, old_b = G_MAXUINT;
  g_autoptr (GPtrArray) previous = g_steal_pointer (&self->runs);

  self->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_run_unref);
  for (guint i = 0; i < all->len; i++)
    {
      PbRun *run = g_ptr_array_index (all, i);
      const NnObjectHistory *h = pb_run_get_object_history (run, NULL);
      if (h == NULL || h->n_epochs == 0)
        continue;
      if (run == a)
        old_a = self->runs->len;
      if (run == b)
        old_b = self->runs->len;
      g_ptr_array_add (self->runs, pb_run_ref (run));
      g_ptr_array_add (names, run->name);
    }
  g_ptr_array_add (names, NULL);
  self->updating = TRUE;
  gtk_string_list_splice (self->names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->names)),
                          (const char *const *) names->pdata);
  if (old_a == G_MAXUINT || old_b == G_MAXUINT || old_a == old_b)
    {
      old_b = self->runs->len > 0 ? self->runs->len - 1 : 0;
      old_a = self->runs->len > 1 ? self->runs->len - 2 : 0;
    }
  gtk_drop_down_set_selected (self->drop_a, self->runs->len > 0 ? old_a : GTK_INVALID_LIST_POSITION);
  gtk_drop_down_set_selected (self->drop_b, self->runs->len > 0 ? old_b : GTK_INVALID_LIST_POSITION);
  self->updating = FALSE;
  compare (self);
}

static void
session_changed_cb (PbRunCompareView *self)
{
  update_runs (self);
}

static void
object_selected_cb (PbRunCompareView *self, int object)
{
  pb_object_history_view_set_object (self->chart, picked (self, self->drop_b), object);
}

static void
object_activated_cb (PbRunCompareView *self, int object)
{
  PbRun *b = picked (self, self->drop_b);
  const int *rows = NULL;

  if (b == NULL || pb_run_get_object_history (b, &rows) == NULL)
    return;
  if (!lc_dataset_same_data (pb_session_get_dataset (self->session), b->dataset))
    {
      gtk_label_set_text (self->summary, _("This run's dataset is no longer open"));
      return;
    }
  pb_session_show_object (self->session, rows[object]);
}

static void
plottable_draw (PbPlottable *plottable, cairo_t *cr, int width, int height, const PbPlotStyle *style)
{
  pb_plottable_draw (PB_PLOTTABLE (PB_RUN_COMPARE_VIEW (plottable)->chart), cr, width, height, style);
}

static char *
plottable_export_name (PbPlottable *plottable)
{
  return pb_plottable_export_name (PB_PLOTTABLE (PB_RUN_COMPARE_VIEW (plottable)->chart));
}

static void
pb_run_compare_view_plottable_init (PbPlottableInterface *iface)
{
  iface->draw = plottable_draw;
  iface->export_name = plottable_export_name;
}

static void
pb_run_compare_view_dispose (GObject *object)
{
  PbRunCompareView *self = PB_RUN_COMPARE_VIEW (object);
  GtkWidget *child;

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (pb_run_compare_view_parent_class)->dispose (object);
}

static void
pb_run_compare_view_finalize (GObject *object)
{
  g_object_unref (PB_RUN_COMPARE_VIEW (object)->names);
  G_OBJECT_CLASS (pb_run_compare_view_parent_class)->finalize (object);
}

static void
pb_run_compare_view_class_init (PbRunCompareViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pb_run_compare_view_dispose;
  G_OBJECT_CLASS (klass)->finalize = pb_run_compare_view_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "runcompareview");
}

static GtkDropDown *
run_drop (PbRunCompareView *self, const char *label, const char *tooltip, GtkWidget *box)
{
  GtkWidget *title = gtk_label_new_with_mnemonic (label);
  GtkDropDown *drop = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->names)), NULL));

  gtk_label_set_mnemonic_widget (GTK_LABEL (title), GTK_WIDGET (drop));
  gtk_widget_set_tooltip_text (GTK_WIDGET (drop), tooltip);
  gtk_widget_set_size_request (GTK_WIDGET (drop), 150, -1);
  g_signal_connect_swapped (drop, "notify::selected", G_CALLBACK (pick_changed_cb), self);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (drop));
  return drop;
}

static GtkWidget *
titled_rows (GtkLabel **title, PbObjectRows **rows, const char *placeholder, PbRunCompareView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

  *title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (*title, 0);
  gtk_widget_add_css_class (GTK_WIDGET (*title), "heading");
  *rows = PB_OBJECT_ROWS (pb_object_rows_new (placeholder));
  gtk_widget_set_size_request (GTK_WIDGET (*rows), 160, 100);
  gtk_widget_set_vexpand (GTK_WIDGET (*rows), TRUE);
  g_signal_connect_swapped (*rows, "selected", G_CALLBACK (object_selected_cb), self);
  g_signal_connect_swapped (*rows, "activated", G_CALLBACK (object_activated_cb), self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (*title));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (*rows));
  gtk_widget_set_hexpand (box, TRUE);
  return box;
}

static void
pb_run_compare_view_init (PbRunCompareView *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *lists = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  self->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_run_unref);
  self->names = gtk_string_list_new (NULL);
  self->drop_a = run_drop (self, _("Run _A"), _("The run to compare with"), header);
  self->drop_b = run_drop (self, _("Run _B"), _("The run whose fixes and breaks are listed"), header);
  gtk_widget_set_margin_start (header, 6);
  gtk_widget_set_margin_top (header, 6);
  gtk_widget_set_parent (header, GTK_WIDGET (self));

  self->summary = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->summary, 0);
  gtk_label_set_wrap (self->summary, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->summary), "dim-label");
  gtk_widget_set_margin_start (GTK_WIDGET (self->summary), 6);
  gtk_widget_set_parent (GTK_WIDGET (self->summary), GTK_WIDGET (self));

  gtk_box_append (GTK_BOX (lists), titled_rows (&self->fixed_title, &self->fixed,
                                                _("No object that A got wrong is right in B"), self));
  gtk_box_append (GTK_BOX (lists), titled_rows (&self->broken_title, &self->broken,
                                                _("No object that A got right is wrong in B"), self));
  gtk_widget_set_margin_start (lists, 6);
  gtk_widget_set_margin_bottom (lists, 6);
  self->chart = PB_OBJECT_HISTORY_VIEW (pb_object_history_view_new ());
  gtk_paned_set_start_child (GTK_PANED (paned), lists);
  gtk_paned_set_end_child (GTK_PANED (paned), GTK_WIDGET (self->chart));
  gtk_paned_set_resize_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_position (GTK_PANED (paned), 420);
  gtk_widget_set_vexpand (paned, TRUE);
  gtk_widget_set_parent (paned, GTK_WIDGET (self));
}

GtkWidget *
pb_run_compare_view_new (PbSession *session)
{
  PbRunCompareView *self = g_object_new (PB_TYPE_RUN_COMPARE_VIEW, NULL);

  self->session = g_object_ref (session);
  g_signal_connect_swapped (session, "run-added", G_CALLBACK (session_changed_cb), self);
  g_signal_connect_swapped (session, "run-removed", G_CALLBACK (session_changed_cb), self);
  g_signal_connect_swapped (session, "dataset-changed", G_CALLBACK (session_changed_cb), self);
  update_runs (self);
  return GTK_WIDGET (self);
}

GPtrArray *
pb_run_compare_view_get_runs (PbRunCompareView *self)
{
  return self->runs;
}

void
pb_run_compare_view_set_runs (PbRunCompareView *self, guint a, guint b)
{
  g_return_if_fail (a < self->runs->len && b < self->runs->len);
  self->updating = TRUE;
  gtk_drop_down_set_selected (self->drop_a, a);
  gtk_drop_down_set_selected (self->drop_b, b);
  self->updating = FALSE;
  compare (self);
}

PbObjectRows *
pb_run_compare_view_get_fixed (PbRunCompareView *self)
{
  return self->fixed;
}

PbObjectRows *
pb_run_compare_view_get_broken (PbRunCompareView *self)
{
  return self->broken;
}

PbObjectHistoryView *
pb_run_compare_view_get_chart (PbRunCompareView *self)
{
  return self->chart;
}

const char *
pb_run_compare_view_get_summary (PbRunCompareView *self)
{
  return gtk_label_get_text (self->summary);
}
