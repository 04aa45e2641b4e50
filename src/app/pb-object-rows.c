/* pb-object-rows.c: a list of objects, one line of text each. */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-object-rows.h"

struct _PbObjectRows
{
  GtkWidget parent_instance;
  GtkStack *stack;
  GtkLabel *placeholder;
  GtkListView *list;
  GtkStringList *captions;
  GtkSingleSelection *selection;
  GArray *items;             /* int, one per row */
};

G_DEFINE_FINAL_TYPE (PbObjectRows, pb_object_rows, GTK_TYPE_WIDGET)

enum
{
  SELECTED,
  ACTIVATED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer unused)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_widget_set_margin_top (label, 3);
  gtk_widget_set_margin_bottom (label, 3);
  gtk_list_item_set_child (item, label);
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer unused)
{
  GtkStringObject *text = gtk_list_item_get_item (item);
  const char *caption = gtk_string_object_get_string (text);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), caption);
  gtk_widget_set_tooltip_text (gtk_list_item_get_child (item), caption);
}

static void
selection_changed_cb (PbObjectRows *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);

  if (position != GTK_INVALID_LIST_POSITION && position < self->items->len)
    g_signal_emit (self, signals[SELECTED], 0, g_array_index (self->items, int, position));
}

static void
activate_cb (PbObjectRows *self, guint position)
{
  pb_object_rows_activate (self, position);
}

static void
pb_object_rows_dispose (GObject *object)
{
  PbObjectRows *self = PB_OBJECT_ROWS (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (pb_object_rows_parent_class)->dispose (object);
}

static void
pb_object_rows_finalize (GObject *object)
{
  PbObjectRows *self = PB_OBJECT_ROWS (object);

  g_array_unref (self->items);
  G_OBJECT_CLASS (pb_object_rows_parent_class)->finalize (object);
}

static void
pb_object_rows_class_init (PbObjectRowsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_object_rows_dispose;
  object_class->finalize = pb_object_rows_finalize;
  /* the item of the row the user selected, or opened */
  signals[SELECTED] = g_signal_new ("selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                    NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[ACTIVATED] = g_signal_new ("activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                     NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "objectrows");
}

static void
pb_object_rows_init (PbObjectRows *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  self->items = g_array_new (FALSE, FALSE, sizeof (int));
  self->captions = gtk_string_list_new (NULL);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->captions));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  self->list = GTK_LIST_VIEW (gtk_list_view_new (GTK_SELECTION_MODEL (self->selection), factory));
  gtk_list_view_set_single_click_activate (self->list, FALSE);
  g_signal_connect_swapped (self->selection, "selection-changed", G_CALLBACK (selection_changed_cb), self);
  g_signal_connect_swapped (self->list, "activate", G_CALLBACK (activate_cb), self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->list));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);

  self->placeholder = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->placeholder, TRUE);
  gtk_label_set_justify (self->placeholder, GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->placeholder), "dim-label");
  gtk_widget_set_margin_start (GTK_WIDGET (self->placeholder), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->placeholder), 12);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->stack, scrolled, "rows");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->placeholder), "empty");
  gtk_stack_set_visible_child_name (self->stack, "empty");
  gtk_widget_set_parent (GTK_WIDGET (self->stack), GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "view");
}

GtkWidget *
pb_object_rows_new (const char *placeholder)
{
  PbObjectRows *self = g_object_new (PB_TYPE_OBJECT_ROWS, NULL);

  pb_object_rows_set_placeholder (self, placeholder);
  return GTK_WIDGET (self);
}

void
pb_object_rows_set_placeholder (PbObjectRows *self, const char *placeholder)
{
  gtk_label_set_text (self->placeholder, placeholder);
}

void
pb_object_rows_set (PbObjectRows *self, const int *items, const char *const *captions, guint n)
{
  g_autofree const char **strings = g_new0 (const char *, n + 1);

  for (guint i = 0; i < n; i++)
    strings[i] = captions[i];
  g_array_set_size (self->items, 0);
  g_array_append_vals (self->items, items, n);
  gtk_string_list_splice (self->captions, 0, g_list_model_get_n_items (G_LIST_MODEL (self->captions)),
                          strings);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "rows" : "empty");
}

guint
pb_object_rows_get_n_rows (PbObjectRows *self)
{
  return self->items->len;
}

const char *
pb_object_rows_get_caption (PbObjectRows *self, guint position)
{
  g_return_val_if_fail (position < self->items->len, NULL);
  return gtk_string_list_get_string (self->captions, position);
}

int
pb_object_rows_get_item (PbObjectRows *self, guint position)
{
  g_return_val_if_fail (position < self->items->len, -1);
  return g_array_index (self->items, int, position);
}

int
pb_object_rows_get_selected (PbObjectRows *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);
  return position == GTK_INVALID_LIST_POSITION ? -1 : (int) position;
}

void
pb_object_rows_select (PbObjectRows *self, guint position)
{
  g_return_if_fail (position < self->items->len);
  gtk_single_selection_set_selected (self->selection, position);
}

void
pb_object_rows_activate (PbObjectRows *self, guint position)
{
  g_return_if_fail (position < self->items->len);
  pb_object_rows_select (self, position);
  g_signal_emit (self, signals[ACTIVATED], 0, g_array_index (self->items, int, position));
}
