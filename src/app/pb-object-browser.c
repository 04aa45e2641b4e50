/* pb-object-browser.c: sortable, searchable object list */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pb-object-browser.h"
#include "pb-object-list.h"

struct _PbObjectBrowser
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkSearchEntry *search_entry;
  GtkDropDown *class_dropdown;
  GtkColumnView *column_view;
  GtkLabel *count_label;

  LcDataset *dataset;
  PbObjectList *list;
  GtkCustomFilter *filter;
  GtkFilterListModel *filter_model;
  GtkSortListModel *sort_model;
  GtkSingleSelection *selection;

  char *search_folded;
  int class_filter;
  gssize selected;
  gboolean updating_dropdown;
};

enum
{
  OBJECT_SELECTED,
  FILTER_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PbObjectBrowser, pb_object_browser, GTK_TYPE_WIDGET)

typedef char *(*CellTextFunc) (PbObjectItem *item);

static char *
id_text (PbObjectItem *item)
{
  return g_strdup (pb_object_item_get_id (item));
}

static char *
class_text (PbObjectItem *item)
{
  return g_strdup (pb_object_item_get_class_name (item));
}

static char *
n_obs_text (PbObjectItem *item)
{
  return g_strdup_printf ("%d", pb_object_item_get_n_obs (item));
}

static char *
span_text (PbObjectItem *item)
{
  return g_strdup_printf ("%.1f", pb_object_item_get_time_span (item));
}

static char *
redshift_text (PbObjectItem *item)
{
  double z = pb_object_item_get_redshift (item);

  return isnan (z) ? g_strdup ("–") : g_strdup_printf ("%.3f", z);
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer numeric)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_INT (numeric) ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (GPOINTER_TO_INT (numeric))
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, CellTextFunc text_func)
{
  g_autofree char *text = text_func (gtk_list_item_get_item (list_item));

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static void
add_column (PbObjectBrowser *self, const char *id, const char *title, CellTextFunc text_func,
            GCompareDataFunc compare, gboolean numeric, gboolean expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), GINT_TO_POINTER (numeric));
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), text_func);
  column = gtk_column_view_column_new (title, factory);
  /* gtk_column_view_column_set_id is 4.10; keep our own tag */
  g_object_set_data (G_OBJECT (column), "pb-column-id", (gpointer) id);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_sorter (column, GTK_SORTER (gtk_custom_sorter_new (compare, NULL, NULL)));
  gtk_column_view_append_column (self->column_view, column);
  g_object_unref (column);
}

static gboolean
filter_func (gpointer item, gpointer user_data)
{
  PbObjectBrowser *self = user_data;

  return pb_object_item_matches (item, self->search_folded, self->class_filter);
}

static void
update_count (PbObjectBrowser *self)
{
  g_autofree char *text = NULL;
  guint shown = pb_object_browser_get_n_shown (self);
  guint total = self->dataset != NULL ? (guint) self->dataset->n_objects : 0;

  if (shown == total)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u object", "%u objects", total), total);
  else
    text = g_strdup_printf (_("%u of %u objects"), shown, total);
  gtk_label_set_text (self->count_label, text);
}

static void
emit_selection (PbObjectBrowser *self)
{
  PbObjectItem *item = gtk_single_selection_get_selected_item (self->selection);
  gssize selected = item != NULL ? (gssize) pb_object_item_get_index (item) : -1;

  if (selected == self->selected)
    return;
  self->selected = selected;
  g_signal_emit (self, signals[OBJECT_SELECTED], 0, (gint64) selected);
}

static void
selection_changed_cb (PbObjectBrowser *self)
{
  emit_selection (self);
}

static void
refilter (PbObjectBrowser *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_count (self);
  emit_selection (self);
  g_signal_emit (self, signals[FILTER_CHANGED], 0);
}

static void
search_changed_cb (PbObjectBrowser *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  g_free (self->search_folded);
  self->search_folded = g_utf8_casefold (text, -1);
  refilter (self);
}

static void
class_selected_cb (PbObjectBrowser *self)
{
  guint selected = gtk_drop_down_get_selected (self->class_dropdown);

  if (self->updating_dropdown)
    return;
  self->class_filter = selected == GTK_INVALID_LIST_POSITION || selected == 0 ? -1 : (int) selected - 1;
  refilter (self);
}

static void
fill_class_dropdown (PbObjectBrowser *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  gtk_string_list_append (names, _("All classes"));
  for (int c = 0; self->dataset != NULL && c < self->dataset->n_classes; c++)
    {
      g_autofree char *label = g_strdup_printf ("%s (%d)", self->dataset->classes[c].name,
                                                self->dataset->classes[c].count);
      gtk_string_list_append (names, label);
    }
  self->updating_dropdown = TRUE;
  gtk_drop_down_set_model (self->class_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->class_dropdown, 0);
  self->updating_dropdown = FALSE;
}

void
pb_object_browser_set_dataset (PbObjectBrowser *self, LcDataset *ds)
{
  g_autoptr(PbObjectList) list = NULL;

  g_return_if_fail (PB_IS_OBJECT_BROWSER (self));
  if (ds != NULL)
    lc_dataset_ref (ds);
  g_clear_pointer (&self->dataset, lc_dataset_unref);
  self->dataset = ds;
  self->class_filter = -1;
  g_clear_pointer (&self->search_folded, g_free);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  fill_class_dropdown (self);

  g_clear_object (&self->list);
  if (ds != NULL)
    self->list = pb_object_list_new (ds);
  gtk_filter_list_model_set_model (self->filter_model, G_LIST_MODEL (self->list));
  self->selected = -2;  /* force a signal even when the index stays the same */
  update_count (self);
  emit_selection (self);
  g_signal_emit (self, signals[FILTER_CHANGED], 0);
}

gssize
pb_object_browser_get_selected (PbObjectBrowser *self)
{
  return self->selected;
}

static guint
position_of (PbObjectBrowser *self, gsize object)
{
  GListModel *model = G_LIST_MODEL (self->sort_model);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PbObjectItem) item = g_list_model_get_item (model, i);

      if (pb_object_item_get_index (item) == object)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

void
pb_object_browser_select_object (PbObjectBrowser *self, gsize object)
{
  guint position;

  if (self->dataset == NULL || object >= self->dataset->n_objects)
    return;
  position = position_of (self, object);
  if (position == GTK_INVALID_LIST_POSITION)
    {
      /* the object is filtered out: show everything so it can be selected */
      self->updating_dropdown = TRUE;
      gtk_drop_down_set_selected (self->class_dropdown, 0);
      self->updating_dropdown = FALSE;
      self->class_filter = -1;
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      g_clear_pointer (&self->search_folded, g_free);
      refilter (self);
      position = position_of (self, object);
    }
  if (position == GTK_INVALID_LIST_POSITION)
    return;
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->column_view), "list.scroll-to-item", "u", position);
  emit_selection (self);
}

void
pb_object_browser_select_relative (PbObjectBrowser *self, int delta)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sort_model));
  guint position = gtk_single_selection_get_selected (self->selection);
  gint64 next;

  if (n == 0)
    return;
  next = position == GTK_INVALID_LIST_POSITION ? 0 : (gint64) position + delta;
  next = CLAMP (next, 0, (gint64) n - 1);
  gtk_single_selection_set_selected (self->selection, (guint) next);
  gtk_widget_activate_action (GTK_WIDGET (self->column_view), "list.scroll-to-item", "u", (guint) next);
}

void
pb_object_browser_set_class_filter (PbObjectBrowser *self, int class_index)
{
  int n = self->dataset != NULL ? self->dataset->n_classes : 0;

  gtk_drop_down_set_selected (self->class_dropdown, class_index >= 0 && class_index < n ? class_index + 1 : 0);
}

int
pb_object_browser_get_class_filter (PbObjectBrowser *self)
{
  return self->class_filter;
}

void
pb_object_browser_set_search (PbObjectBrowser *self, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* apply now rather than after the entry's search delay */
  search_changed_cb (self);
}

void
pb_object_browser_focus_search (PbObjectBrowser *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

guint
pb_object_browser_get_n_shown (PbObjectBrowser *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->sort_model));
}

gsize *
pb_object_browser_get_shown_objects (PbObjectBrowser *self, guint max, guint *n)
{
  GListModel *model = G_LIST_MODEL (self->sort_model);
  guint count = MIN (max, g_list_model_get_n_items (model));
  gsize *objects = g_new (gsize, MAX (count, 1));

  for (guint i = 0; i < count; i++)
    {
      g_autoptr(PbObjectItem) item = g_list_model_get_item (model, i);
      objects[i] = pb_object_item_get_index (item);
    }
  *n = count;
  return objects;
}

void
pb_object_browser_sort_by (PbObjectBrowser *self, const char *column_id, GtkSortType order)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (column), "pb-column-id"), column_id) == 0)
        gtk_column_view_sort_by_column (self->column_view, column, order);
    }
}

static void
pb_object_browser_dispose (GObject *object)
{
  PbObjectBrowser *self = PB_OBJECT_BROWSER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_OBJECT_BROWSER);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_pointer (&self->dataset, lc_dataset_unref);
  G_OBJECT_CLASS (pb_object_browser_parent_class)->dispose (object);
}

static void
pb_object_browser_finalize (GObject *object)
{
  PbObjectBrowser *self = PB_OBJECT_BROWSER (object);

  g_free (self->search_folded);
  G_OBJECT_CLASS (pb_object_browser_parent_class)->finalize (object);
}

static void
pb_object_browser_class_init (PbObjectBrowserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_object_browser_dispose;
  object_class->finalize = pb_object_browser_finalize;

  /* the selected object changed: its dataset index, or -1 */
  signals[OBJECT_SELECTED] = g_signal_new ("object-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /* the search or class filter changed the shown rows */
  signals[FILTER_CHANGED] = g_signal_new ("filter-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/passband/Passband/ui/pb-object-browser.ui");
  gtk_widget_class_bind_template_child (widget_class, PbObjectBrowser, box);
  gtk_widget_class_bind_template_child (widget_class, PbObjectBrowser, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PbObjectBrowser, class_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PbObjectBrowser, column_view);
  gtk_widget_class_bind_template_child (widget_class, PbObjectBrowser, count_label);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, class_selected_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "objectbrowser");
}

static void
pb_object_browser_init (PbObjectBrowser *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->class_filter = -1;
  self->selected = -1;

  add_column (self, "id", _("Object"), id_text, pb_object_item_compare_id, FALSE, TRUE);
  add_column (self, "class", _("Class"), class_text, pb_object_item_compare_class, FALSE, TRUE);
  add_column (self, "observations", _("Obs."), n_obs_text, pb_object_item_compare_n_obs, TRUE, FALSE);
  add_column (self, "span", _("Span (d)"), span_text, pb_object_item_compare_time_span, TRUE, FALSE);
  add_column (self, "redshift", _("Redshift"), redshift_text, pb_object_item_compare_redshift, TRUE, FALSE);

  /* list -> filter -> sort (sorting fewer rows is cheaper) -> selection */
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filter_model = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  self->sort_model = gtk_sort_list_model_new (G_LIST_MODEL (self->filter_model),
                                              g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->sort_model));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Objects of the dataset"), -1);
  update_count (self);
}

GtkWidget *
pb_object_browser_new (void)
{
  return g_object_new (PB_TYPE_OBJECT_BROWSER, NULL);
}
