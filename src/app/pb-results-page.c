/* pb-results-page.c: the Results section */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lc-burst.h"
#include "pb-export.h"
#include "pb-object-browser.h"
#include "pb-results-page.h"

struct _PbResultsPage
{
  GtkBox parent_instance;

  PbWindow *window;          /* weak */
  PbTrainer *trainer;
  PbRun *run;
  PbRun *wrong_run;          /* the run the "currently wrong" panel follows */

  GtkLabel *run_label;
  GtkToggleButton *normalise_toggle;
  GtkStack *stack;
  PbConfusionView *confusion;
  PbGalleryView *cell_gallery;
  GtkLabel *cell_label;
  PbClassTable *class_table;
  PbGalleryView *wrong_gallery;
  GtkLabel *wrong_label;
  GtkDropDown *burst_class_drop;
  GtkStringList *burst_class_names;
  GArray *burst_classes;     /* int: dataset class index of each entry of the drop-down */
  PbBurstView *burst_view;
  int cell_true, cell_predicted;
};

G_DEFINE_FINAL_TYPE (PbResultsPage, pb_results_page, GTK_TYPE_BOX)

/* ---- classes of a run ------------------------------------------------- */

/* The dataset's class index of model class k (-1 when the data lack it). */
static int
dataset_class (PbRun *run, int k)
{
  if (run->doc == NULL || k < 0 || (guint) k >= run->doc->classes->len)
    return -1;
  return lc_dataset_class_index (run->dataset, g_array_index (run->doc->classes, NnClassSpec, k).id);
}

static const char *
dataset_class_name (const LcDataset *ds, int c)
{
  return c >= 0 && c < ds->n_classes ? ds->classes[c].name : _("unknown");
}

/* ---- the cell gallery ------------------------------------------------- */

/* "615 · SN Ia 0.61 · SN II 0.22": the object's three most likely classes. */
static char *
probability_caption (PbRun *run, int i)
{
  const LcEvaluation *ev = run->evaluation;
  int k = ev->report->n_classes;
  const float *p = ev->probs + (gsize) i * k;
  GString *text = g_string_new (run->dataset->objects[ev->rows[i]].id);
  gboolean used[256] = { FALSE };

  for (int shown = 0; shown < MIN (3, MIN (k, 256)); shown++)
    {
      int best = -1;

      for (int c = 0; c < MIN (k, 256); c++)
        if (!used[c] && (best < 0 || p[c] > p[best]))
          best = c;
      used[best] = TRUE;
      g_string_append_printf (text, " · %s %.2f", pb_run_class_name (run, best), p[best]);
    }
  return g_string_free (text, FALSE);
}

static void
show_cell (PbResultsPage *self, int t, int p)
{
  PbRun *run = self->run;
  const LcEvaluation *ev;
  g_autoptr (GPtrArray) captions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) objects = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autofree char *text = NULL;
  int k, total = 0;

  if (run == NULL || run->evaluation == NULL)
    return;
  ev = run->evaluation;
  k = ev->report->n_classes;
  for (int i = 0; i < ev->n_rows; i++)
    {
      gsize row = (gsize) ev->rows[i];

      if (ev->labels[i] != t || nn_metrics_argmax (ev->probs + (gsize) i * k, k) != p)
        continue;
      total++;
      if (objects->len >= PB_RESULTS_MAX_GALLERY)
        continue;
      g_array_append_val (objects, row);
      g_ptr_array_add (captions, probability_caption (run, i));
    }
  self->cell_true = t;
  self->cell_predicted = p;
  pb_gallery_view_set_items (self->cell_gallery, run->dataset, (const gsize *) (void *) objects->data,
                             objects->len, (const char *const *) captions->pdata);
  if (total > (int) objects->len)
    text = g_strdup_printf (_("True %s, predicted %s: %d objects (the first %u shown)"),
                            pb_run_class_name (run, t), pb_run_class_name (run, p), total, objects->len);
  else
    text = g_strdup_printf (ngettext ("True %s, predicted %s: %d object", "True %s, predicted %s: %d objects",
                                      total),
                            pb_run_class_name (run, t), pb_run_class_name (run, p), total);
  gtk_label_set_text (self->cell_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->cell_label), text);
}

static void
cell_activated_cb (PbResultsPage *self, int t, int p)
{
  show_cell (self, t, p);
}

/* Opens an object of the run's dataset in the Data section's light-curve view. */
static void
open_object (PbResultsPage *self, LcDataset *ds, gint64 object)
{
  GtkWidget *browser;

  if (self->window == NULL || pb_window_get_dataset (self->window) != ds)
    {
      gtk_label_set_text (self->cell_label, _("This run's dataset is no longer open"));
      return;
    }
  browser = pb_window_get_browser (self->window);
  /* a class filter must not hide the object asked for */
  pb_object_browser_set_class_filter (PB_OBJECT_BROWSER (browser), -1);
  pb_object_browser_set_search (PB_OBJECT_BROWSER (browser), "");
  pb_object_browser_select_object (PB_OBJECT_BROWSER (browser), (gsize) object);
  pb_window_show_view (self->window, "light-curve");
}

static void
cell_object_activated_cb (PbResultsPage *self, gint64 object)
{
  if (self->run != NULL)
    open_object (self, self->run->dataset, object);
}

static void
wrong_object_activated_cb (PbResultsPage *self, gint64 object)
{
  if (self->wrong_run != NULL)
    open_object (self, self->wrong_run->dataset, object);
}

/* ---- bursts ----------------------------------------------------------- */

static void
rebuild_burst_classes (PbResultsPage *self, LcDataset *ds)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->burst_class_names));
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  g_array_set_size (self->burst_classes, 0);
  for (int c = 0; ds != NULL && c < ds->n_classes; c++)
    if (ds->classes[c].count > 0 && lc_burst_class_is_transient (ds, c))
      {
        g_array_append_val (self->burst_classes, c);
        g_ptr_array_add (names, ds->classes[c].name);
      }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->burst_class_names, 0, n, (const char *const *) names->pdata);
}

static LcDataset *
current_dataset (PbResultsPage *self)
{
  if (self->run != NULL)
    return self->run->dataset;
  return self->window != NULL ? pb_window_get_dataset (self->window) : NULL;
}

static void
burst_class_changed_cb (PbResultsPage *self)
{
  guint i = gtk_drop_down_get_selected (self->burst_class_drop);
  LcDataset *ds = current_dataset (self);

  if (ds == NULL || i >= self->burst_classes->len)
    pb_burst_view_set_class (self->burst_view, NULL, -1);
  else
    pb_burst_view_set_class (self->burst_view, ds, g_array_index (self->burst_classes, int, i));
}

void
pb_results_page_show_burst_for (PbResultsPage *self, gsize object)
{
  LcDataset *ds = current_dataset (self);
  int true_class, predicted = -1;

  if (ds == NULL || object >= ds->n_objects)
    return;
  true_class = ds->objects[object].label;
  /* the model's guess: from the evaluation when the object is in it, else the live panel */
  if (self->run != NULL && self->run->evaluation != NULL)
    {
      const LcEvaluation *ev = self->run->evaluation;
      int k = ev->report->n_classes;

      for (int i = 0; i < ev->n_rows; i++)
        if ((gsize) ev->rows[i] == object)
          predicted = dataset_class (self->run, nn_metrics_argmax (ev->probs + (gsize) i * k, k));
    }
  if (predicted < 0 && self->wrong_run != NULL)
    for (guint i = 0; i < self->wrong_run->wrong_rows->len; i++)
      if (g_array_index (self->wrong_run->wrong_rows, gsize, i) == object)
        predicted = g_array_index (self->wrong_run->wrong_predicted, int, i);
  pb_burst_view_set_object (self->burst_view, ds, object, true_class, predicted);
  gtk_stack_set_visible_child_name (self->stack, "bursts");
}

static void
burst_selected_clicked_cb (PbGalleryView *gallery, PbResultsPage *self)
{
  int position = pb_gallery_view_get_selected (gallery);

  if (position >= 0)
    pb_results_page_show_burst_for (self, pb_gallery_view_get_object (gallery, position));
}

/* ---- the "currently wrong" panel --------------------------------------- */

static void
show_wrong (PbResultsPage *self, PbRun *run, int epoch)
{
  g_autoptr (GPtrArray) captions = g_ptr_array_new_with_free_func (g_free);
  guint n = MIN (run->wrong_rows->len, PB_RESULTS_MAX_GALLERY);
  g_autofree char *text = NULL;

  if (self->wrong_run != run)
    {
      g_clear_pointer (&self->wrong_run, pb_run_unref);
      self->wrong_run = pb_run_ref (run);
    }
  for (guint i = 0; i < n; i++)
    {
      gsize row = g_array_index (run->wrong_rows, gsize, i);
      const LcObject *o = &run->dataset->objects[row];

      g_ptr_array_add (captions, g_strdup_printf (_("%s: %s → %s"), o->id,
                                                  dataset_class_name (run->dataset, o->label),
                                                  dataset_class_name (run->dataset,
                                                                      g_array_index (run->wrong_predicted, int, i))));
    }
  pb_gallery_view_set_items (self->wrong_gallery, run->dataset, (const gsize *) (void *) run->wrong_rows->data, n,
                             (const char *const *) captions->pdata);
  text = g_strdup_printf (_("%s, epoch %d: %u of %d validation objects misclassified%s"), run->name, epoch + 1,
                          run->wrong_rows->len, run->n_val,
                          run->wrong_rows->len > n ? _(" (the first ones shown)") : "");
  gtk_label_set_text (self->wrong_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->wrong_label), text);
}

static void
trainer_epoch_cb (PbResultsPage *self, PbRun *run, int epoch)
{
  if (run->n_val > 0)
    show_wrong (self, run, epoch);
}

/* ---- the run ---------------------------------------------------------- */

void
pb_results_page_set_run (PbResultsPage *self, PbRun *run)
{
  g_autofree char *text = NULL;
  g_autofree char *summary = NULL;

  if (run != NULL)
    pb_run_ref (run);
  g_clear_pointer (&self->run, pb_run_unref);
  self->run = run;
  pb_confusion_view_set_run (self->confusion, run);
  pb_class_table_set_run (self->class_table, run);
  pb_gallery_view_set_items (self->cell_gallery, NULL, NULL, 0, NULL);
  gtk_label_set_text (self->cell_label, _("Click a cell to see the light curves behind it"));
  rebuild_burst_classes (self, current_dataset (self));
  burst_class_changed_cb (self);
  if (run != NULL && run->evaluation != NULL)
    {
      summary = pb_class_table_summary (run->evaluation->report);
      text = g_strdup_printf (run->state == PB_RUN_OPENED ? _("%s on the current dataset: %s")
                                                          : _("%s on its validation objects: %s"),
                              run->name, summary);
    }
  gtk_label_set_text (self->run_label, text != NULL ? text : _("Train a model or open one to see results"));
}

PbRun *
pb_results_page_get_run (PbResultsPage *self)
{
  return self->run;
}

void
pb_results_page_set_trainer (PbResultsPage *self, PbTrainer *trainer)
{
  if (self->trainer != NULL)
    g_signal_handlers_disconnect_by_data (self->trainer, self);
  g_set_object (&self->trainer, trainer);
  if (trainer != NULL)
    g_signal_connect_swapped (trainer, "epoch", G_CALLBACK (trainer_epoch_cb), self);
}

static void
normalise_toggled_cb (PbResultsPage *self)
{
  pb_confusion_view_set_normalised (self->confusion, gtk_toggle_button_get_active (self->normalise_toggle));
}

static void
export_clicked_cb (PbResultsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const char *name = gtk_stack_get_visible_child_name (self->stack);
  GtkWidget *view = g_strcmp0 (name, "scores") == 0 ? GTK_WIDGET (self->class_table)
                    : g_strcmp0 (name, "bursts") == 0 ? GTK_WIDGET (self->burst_view)
                    : g_strcmp0 (name, "wrong") == 0 ? GTK_WIDGET (self->wrong_gallery)
                                                     : GTK_WIDGET (self->confusion);
  PbExportDialog *dialog;

  if (!PB_IS_PLOTTABLE (view))
    view = GTK_WIDGET (self->confusion);
  dialog = pb_export_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, PB_PLOTTABLE (view), 1000, 800);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
window_dataset_changed_cb (PbResultsPage *self)
{
  /* the burst classes follow the open data until a run is shown */
  if (self->run == NULL)
    {
      rebuild_burst_classes (self, current_dataset (self));
      burst_class_changed_cb (self);
    }
}

/* ---- construction ----------------------------------------------------- */

static GtkWidget *
scrolled (GtkWidget *child)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), child);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_widget_set_hexpand (scroller, TRUE);
  return scroller;
}

static GtkLabel *
caption_label (const char *text)
{
  GtkLabel *label = GTK_LABEL (gtk_label_new (text));

  gtk_label_set_xalign (label, 0);
  /* no wrapping beside buttons in a row (GTK 4.8 mis-measures that); the tooltip has it all */
  gtk_label_set_ellipsize (label, PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_start (GTK_WIDGET (label), 6);
  gtk_widget_set_margin_top (GTK_WIDGET (label), 6);
  return label;
}

static void
burst_button_clicked_cb (GtkButton *button, PbGalleryView *gallery)
{
  burst_selected_clicked_cb (gallery, g_object_get_data (G_OBJECT (button), "page"));
}

static GtkWidget *
gallery_panel (PbGalleryView *gallery, GtkLabel *label, PbResultsPage *self, const char *description)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *burst = gtk_button_new_with_mnemonic (_("Compare _Burst"));

  gtk_widget_set_tooltip_text (burst, _("Draw the selected object against the typical curves of its true and "
                                        "its predicted class"));
  g_signal_connect_object (burst, "clicked", G_CALLBACK (burst_button_clicked_cb), gallery, 0);
  g_object_set_data (G_OBJECT (burst), "page", self);
  gtk_widget_set_hexpand (GTK_WIDGET (label), TRUE);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (label));
  gtk_box_append (GTK_BOX (header), burst);
  gtk_box_append (GTK_BOX (box), header);
  gtk_widget_set_tooltip_text (GTK_WIDGET (gallery), _("Double-click or press Enter to open an object in the "
                                                       "light-curve view"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (gallery), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  gtk_box_append (GTK_BOX (box), scrolled (GTK_WIDGET (gallery)));
  return box;
}

static GtkWidget *
build_confusion_tab (PbResultsPage *self)
{
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkWidget *panel;

  self->confusion = PB_CONFUSION_VIEW (pb_confusion_view_new ());
  self->cell_gallery = PB_GALLERY_VIEW (pb_gallery_view_new ());
  self->cell_label = caption_label (_("Click a cell to see the light curves behind it"));
  g_signal_connect_swapped (self->confusion, "cell-activated", G_CALLBACK (cell_activated_cb), self);
  g_signal_connect_swapped (self->cell_gallery, "object-activated", G_CALLBACK (cell_object_activated_cb), self);
  panel = gallery_panel (self->cell_gallery, self->cell_label, self,
                         _("Light curves of the objects in the chosen confusion-matrix cell"));
  gtk_paned_set_start_child (GTK_PANED (paned), GTK_WIDGET (self->confusion));
  gtk_paned_set_end_child (GTK_PANED (paned), panel);
  gtk_paned_set_position (GTK_PANED (paned), 560);
  return paned;
}

static GtkWidget *
build_wrong_tab (PbResultsPage *self)
{
  self->wrong_gallery = PB_GALLERY_VIEW (pb_gallery_view_new ());
  self->wrong_label = caption_label (_("During training, the validation objects the model gets wrong at the "
                                       "latest epoch appear here"));
  g_signal_connect_swapped (self->wrong_gallery, "object-activated", G_CALLBACK (wrong_object_activated_cb), self);
  return gallery_panel (self->wrong_gallery, self->wrong_label, self,
                        _("Validation objects misclassified at the latest epoch"));
}

static GtkWidget *
build_burst_tab (PbResultsPage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (_("Transient _class"));

  self->burst_class_names = gtk_string_list_new (NULL);
  self->burst_class_drop = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->burst_class_names)),
                                                             NULL));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->burst_class_drop));
  gtk_widget_set_margin_start (header, 6);
  gtk_widget_set_margin_top (header, 6);
  gtk_box_append (GTK_BOX (header), label);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->burst_class_drop));
  gtk_box_append (GTK_BOX (box), header);
  self->burst_view = PB_BURST_VIEW (pb_burst_view_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->burst_view), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->burst_view));
  g_signal_connect_swapped (self->burst_class_drop, "notify::selected", G_CALLBACK (burst_class_changed_cb), self);
  return box;
}

static void
pb_results_page_dispose (GObject *object)
{
  PbResultsPage *self = PB_RESULTS_PAGE (object);

  pb_results_page_set_trainer (self, NULL);
  g_clear_pointer (&self->run, pb_run_unref);
  g_clear_pointer (&self->wrong_run, pb_run_unref);
  g_clear_object (&self->burst_class_names);
  if (self->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  self->window = NULL;
  G_OBJECT_CLASS (pb_results_page_parent_class)->dispose (object);
}

static void
pb_results_page_finalize (GObject *object)
{
  g_array_unref (PB_RESULTS_PAGE (object)->burst_classes);
  G_OBJECT_CLASS (pb_results_page_parent_class)->finalize (object);
}

static void
pb_results_page_class_init (PbResultsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pb_results_page_dispose;
  object_class->finalize = pb_results_page_finalize;
}

static void
pb_results_page_init (PbResultsPage *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *switcher = gtk_stack_switcher_new ();
  GtkWidget *export_button = gtk_button_new_from_icon_name ("document-save-as-symbolic");

  self->burst_classes = g_array_new (FALSE, FALSE, sizeof (int));
  self->cell_true = self->cell_predicted = -1;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);

  self->run_label = caption_label (_("Train a model or open one to see results"));
  gtk_label_set_selectable (self->run_label, TRUE);
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), self->stack);
  self->normalise_toggle = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_("Row-_normalised")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->normalise_toggle),
                               _("Show each true class's row as percentages instead of counts"));
  g_signal_connect_swapped (self->normalise_toggle, "toggled", G_CALLBACK (normalise_toggled_cb), self);
  gtk_widget_set_tooltip_text (export_button, _("Export the shown chart as PNG, SVG or PDF"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (export_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Export the shown chart"), -1);
  g_signal_connect_swapped (export_button, "clicked", G_CALLBACK (export_clicked_cb), self);

  gtk_widget_set_margin_start (header, 6);
  gtk_widget_set_margin_end (header, 6);
  gtk_widget_set_margin_top (header, 6);
  gtk_widget_set_hexpand (switcher, TRUE);
  gtk_widget_set_halign (switcher, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (header), switcher);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->normalise_toggle));
  gtk_box_append (GTK_BOX (header), export_button);
  gtk_box_append (GTK_BOX (self), header);
  /* the scores on a line of their own, where they may wrap */
  gtk_label_set_ellipsize (self->run_label, PANGO_ELLIPSIZE_NONE);
  gtk_label_set_wrap (self->run_label, TRUE);
  gtk_widget_set_margin_end (GTK_WIDGET (self->run_label), 6);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->run_label));

  gtk_stack_add_titled (self->stack, build_confusion_tab (self), "confusion", _("Confusion Matrix"));
  self->class_table = PB_CLASS_TABLE (pb_class_table_new ());
  gtk_stack_add_titled (self->stack, scrolled (GTK_WIDGET (self->class_table)), "scores", _("Per-Class Scores"));
  gtk_stack_add_titled (self->stack, build_wrong_tab (self), "wrong", _("Currently Wrong"));
  gtk_stack_add_titled (self->stack, build_burst_tab (self), "bursts", _("Bursts"));
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->stack));
}

GtkWidget *
pb_results_page_new (PbWindow *window)
{
  PbResultsPage *self = g_object_new (PB_TYPE_RESULTS_PAGE, NULL);

  self->window = window;
  if (window != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
      g_signal_connect_object (window, "dataset-changed", G_CALLBACK (window_dataset_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  window_dataset_changed_cb (self);
  return GTK_WIDGET (self);
}

PbConfusionView *
pb_results_page_get_confusion (PbResultsPage *self)
{
  return self->confusion;
}

PbClassTable *
pb_results_page_get_class_table (PbResultsPage *self)
{
  return self->class_table;
}

PbGalleryView *
pb_results_page_get_cell_gallery (PbResultsPage *self)
{
  return self->cell_gallery;
}

PbGalleryView *
pb_results_page_get_wrong_gallery (PbResultsPage *self)
{
  return self->wrong_gallery;
}

PbBurstView *
pb_results_page_get_burst_view (PbResultsPage *self)
{
  return self->burst_view;
}

void
pb_results_page_show_tab (PbResultsPage *self, const char *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
}
