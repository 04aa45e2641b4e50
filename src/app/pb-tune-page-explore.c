/* pb-tune-page-explore.c: the Explore section: early classification and novelty (issue 7). */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lc-novelty.h"
#include "pb-results-page.h"
#include "pb-tune-page-explore.h"

#define MAX_GALLERY 60

struct _PbExplorePage
{
  GtkBox parent_instance;

  PbWindow *window;          /* not owned */
  PbRun *run;
  LcPredictor *predictor;
  LcEarlyAxis axis;
  PbRun *early_run;          /* the run at the slider's point */
  int point;

  LcEvaluation *test_evaluation; /* on a separate labelled file, or NULL */
  float *probs;              /* (n_objects, K) of every object */
  double *scores;            /* [n_objects] */
  int n_objects;
  LcNoveltyScore score_kind;

  GtkLabel *model_label;
  GtkLabel *test_label;
  GtkDropDown *axis_dropdown, *score_dropdown;
  GtkScale *slider, *threshold;
  GtkLabel *point_label;
  PbEarlyView *early_view;
  PbConfusionView *confusion;
  PbClassTable *class_table;
  PbNoveltyView *novelty_view;
  PbGalleryView *gallery;
  gboolean updating;
};

G_DEFINE_FINAL_TYPE (PbExplorePage, pb_explore_page, GTK_TYPE_BOX)

static const char *
score_name (LcNoveltyScore kind)
{
  switch (kind)
    {
    case LC_NOVELTY_MAX_PROB:
      return _("1 − max p");
    case LC_NOVELTY_ENTROPY:
      return _("Entropy (nats)");
    case LC_NOVELTY_P99:
    default:
      return _("P(99) = Π(1 − p)");
    }
}

/* ---- early classification ----------------------------------------------- */

static void
show_point (PbExplorePage *self)
{
  const LcEarlyCurve *curve = pb_early_view_get_curve (self->early_view);
  g_autoptr (GError) error = NULL;
  g_autofree char *label = NULL;
  LcEvaluation *ev;
  PbRun *run;

  if (curve == NULL || self->run == NULL || self->point < 0 || self->point >= curve->n_points)
    return;
  ev = lc_early_evaluate (self->predictor, self->run->dataset, self->run->evaluation->rows,
                          self->run->evaluation->n_rows, self->axis, curve->amount[self->point], 1, &error);
  if (ev == NULL)
    {
      gtk_label_set_text (self->point_label, error->message);
      return;
    }
  /* a run of its own, so the confusion view and table draw it as any other */
  run = pb_run_new (self->run->id, self->run->name, self->run->dataset);
  run->state = PB_RUN_OPENED;
  run->doc = nn_model_doc_copy (self->run->doc);
  run->evaluation = ev;
  g_clear_pointer (&self->early_run, pb_run_unref);
  self->early_run = run;
  pb_confusion_view_set_run (self->confusion, run);
  pb_class_table_set_run (self->class_table, run);
  pb_early_view_set_marker (self->early_view, self->point);
  {
    g_autofree char *amount = pb_early_amount_label (self->axis, curve->amount[self->point]);
    label = g_strdup_printf (self->axis == LC_EARLY_DAYS ? _("Seen: %s after the first detection — accuracy %.3f")
                                                         : _("Seen: first %s observations — accuracy %.3f"),
                             amount, ev->report->accuracy);
  }
  gtk_label_set_text (self->point_label, label);
}

static gboolean
compute_curve (PbExplorePage *self, GError **error)
{
  LcEarlyCurve *curve;
  if (self->run == NULL)
    return TRUE;
  curve = lc_early_curve_new (self->predictor, self->run->dataset, self->run->evaluation->rows,
                              self->run->evaluation->n_rows, self->axis, NULL, 0, 1, NULL, NULL, error);
  if (curve == NULL)
    return FALSE;
  self->updating = TRUE;
  gtk_range_set_range (GTK_RANGE (self->slider), 0, MAX (curve->n_points - 1, 1));
  gtk_scale_clear_marks (self->slider);
  for (int i = 0; i < curve->n_points; i++)
    {
      g_autofree char *mark = pb_early_amount_label (self->axis, curve->amount[i]);
      gtk_scale_add_mark (self->slider, i, GTK_POS_BOTTOM, mark);
    }
  self->point = curve->n_points - 1;
  gtk_range_set_value (GTK_RANGE (self->slider), self->point);
  self->updating = FALSE;
  pb_early_view_set_curve (self->early_view, curve);
  show_point (self);
  return TRUE;
}

static void
slider_changed (PbExplorePage *self)
{
  if (self->updating)
    return;
  self->point = (int) lround (gtk_range_get_value (GTK_RANGE (self->slider)));
  show_point (self);
}

static void
axis_changed (PbExplorePage *self)
{
  g_autoptr (GError) error = NULL;
  if ((LcEarlyAxis) gtk_drop_down_get_selected (self->axis_dropdown) == self->axis)
    return;
  if (!pb_explore_page_set_axis (self, gtk_drop_down_get_selected (self->axis_dropdown), &error))
    gtk_label_set_text (self->point_label, error->message);
}

/* ---- novelty -------------------------------------------------------------- */

static void
show_ranking (PbExplorePage *self)
{
  double threshold = gtk_range_get_value (GTK_RANGE (self->threshold));
  g_autofree int *ranked = NULL;
  g_autofree gsize *objects = NULL;
  g_autoptr (GPtrArray) captions = g_ptr_array_new_with_free_func (g_free);
  int n = 0, shown;

  pb_novelty_view_set_threshold (self->novelty_view, threshold);
  if (self->scores == NULL)
    {
      pb_gallery_view_set_items (self->gallery, NULL, NULL, 0, NULL);
      return;
    }
  ranked = lc_novelty_rank (self->scores, self->n_objects, threshold, &n);
  shown = MIN (n, MAX_GALLERY);
  objects = g_new (gsize, MAX (shown, 1));
  for (int i = 0; i < shown; i++)
    {
      const LcObject *o = &self->run->dataset->objects[ranked[i]];
      objects[i] = ranked[i];
      g_ptr_array_add (captions, g_strdup_printf ("%s · %.3f · %s", o->id, self->scores[ranked[i]],
                                                  o->label >= 0 ? self->run->dataset->classes[o->label].name
                                                                : _("unlabelled")));
    }
  pb_gallery_view_set_items (self->gallery, self->run->dataset, objects, shown,
                             (const char *const *) captions->pdata);
}

static void
compute_scores (PbExplorePage *self)
{
  int k = self->predictor->n_classes;
  double hi = self->score_kind == LC_NOVELTY_ENTROPY ? log (MAX (k, 2)) : 1.0;
  g_free (self->scores);
  self->scores = g_new (double, MAX (self->n_objects, 1));
  lc_novelty_scores (self->probs, self->n_objects, k, self->score_kind, self->scores);
  pb_novelty_view_set_scores (self->novelty_view, self->scores, self->n_objects, hi, score_name (self->score_kind));
  gtk_range_set_range (GTK_RANGE (self->threshold), 0, hi);
  show_ranking (self);
}

static void
score_changed (PbExplorePage *self)
{
  if ((LcNoveltyScore) gtk_drop_down_get_selected (self->score_dropdown) != self->score_kind)
    pb_explore_page_set_novelty_score (self, gtk_drop_down_get_selected (self->score_dropdown));
}

/* ---- following the Results section -------------------------------------- */

static PbRun *
results_run (PbExplorePage *self)
{
  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_STACK);
  GtkWidget *results = stack != NULL ? gtk_stack_get_child_by_name (GTK_STACK (stack), "results") : NULL;
  return results != NULL && PB_IS_RESULTS_PAGE (results) ? pb_results_page_get_run (PB_RESULTS_PAGE (results))
                                                         : NULL;
}

static void
page_mapped (PbExplorePage *self)
{
  PbRun *run = results_run (self);
  g_autoptr (GError) error = NULL;
  if (run != NULL && run != self->run && run->doc != NULL && run->evaluation != NULL
      && !pb_explore_page_set_run (self, run, &error))
    gtk_label_set_text (self->model_label, error->message);
}

static void
export_chosen (GtkNativeDialog *dialog, int response, PbExplorePage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;
      if (path != NULL && !pb_explore_page_export_predictions (self, path, &error))
        gtk_label_set_text (self->model_label, error->message);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_clicked (PbExplorePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Export predictions"),
                                                              GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "predictions.csv");
  g_signal_connect (dialog, "response", G_CALLBACK (export_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- a separate labelled test file ------------------------------------ */

static char *
scores_text (const char *what, const LcEvaluation *ev)
{
  return g_strdup_printf (_("%s: %d objects, accuracy %.3f, macro F1 %.3f, weighted log loss %.3f"), what,
                          ev->n_rows, ev->report->accuracy, ev->report->macro_f1, ev->report->weighted_log_loss);
}

gboolean
pb_explore_page_evaluate_file (PbExplorePage *self, const char *path, GError **error)
{
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (LcEvaluation) ev = NULL;
  g_autofree char *validation = NULL, *test = NULL, *base = NULL, *text = NULL;

  if (self->run == NULL)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH, _("No trained model to evaluate"));
      return FALSE;
    }
  ds = lc_load (path, NULL, NULL, NULL, error);
  if (ds == NULL)
    return FALSE;
  ev = lc_predictor_evaluate (self->predictor, ds, 1, error);
  if (ev == NULL)
    return FALSE;
  base = g_path_get_basename (path);
  validation = scores_text (_("Validation"), self->run->evaluation);
  test = scores_text (base, ev);
  text = g_strdup_printf ("%s\n%s", validation, test);
  gtk_label_set_text (self->test_label, text);
  g_clear_pointer (&self->test_evaluation, lc_evaluation_free);
  self->test_evaluation = g_steal_pointer (&ev);
  return TRUE;
}

const LcEvaluation *
pb_explore_page_get_test_evaluation (PbExplorePage *self)
{
  return self->test_evaluation;
}

static void
test_file_chosen (GtkNativeDialog *dialog, int response, PbExplorePage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;
      if (path != NULL && !pb_explore_page_evaluate_file (self, path, &error))
        gtk_label_set_text (self->test_label, error->message);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
test_file_clicked (PbExplorePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Evaluate on a labelled test file"),
                                                              GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              GTK_FILE_CHOOSER_ACTION_OPEN, _("_Evaluate"), NULL);
  g_signal_connect (dialog, "response", G_CALLBACK (test_file_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- construction --------------------------------------------------------- */

static void
pb_explore_page_finalize (GObject *object)
{
  PbExplorePage *self = PB_EXPLORE_PAGE (object);
  g_clear_pointer (&self->run, pb_run_unref);
  g_clear_pointer (&self->early_run, pb_run_unref);
  g_clear_pointer (&self->predictor, lc_predictor_free);
  g_clear_pointer (&self->test_evaluation, lc_evaluation_free);
  g_free (self->probs);
  g_free (self->scores);
  G_OBJECT_CLASS (pb_explore_page_parent_class)->finalize (object);
}

static void
pb_explore_page_class_init (PbExplorePageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pb_explore_page_finalize;
}

static GtkWidget *
scrolled (GtkWidget *child)
{
  GtkWidget *s = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (s), child);
  gtk_widget_set_vexpand (s, TRUE);
  gtk_widget_set_hexpand (s, TRUE);
  return s;
}

static void
pb_explore_page_init (PbExplorePage *self)
{
  const char *axes[] = { N_("First observations"), N_("Days since first detection"), NULL };
  const char *scores[] = { N_("P(99) = Π(1 − p)"), N_("1 − max p"), N_("Entropy"), NULL };
  const char *tr_axes[3], *tr_scores[4];
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *notebook = gtk_notebook_new ();
  GtkWidget *early = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *early_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *tables = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *novelty = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *novelty_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *export_button = gtk_button_new_with_mnemonic (_("E_xport predictions…"));
  GtkWidget *test_button = gtk_button_new_with_mnemonic (_("Evaluate on a _test file…"));

  for (int i = 0; i < 3; i++)
    tr_axes[i] = axes[i] != NULL ? _(axes[i]) : NULL;
  for (int i = 0; i < 4; i++)
    tr_scores[i] = scores[i] != NULL ? _(scores[i]) : NULL;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 8);
  gtk_widget_set_margin_start (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 12);
  self->point = -1;

  self->model_label = GTK_LABEL (gtk_label_new (_("Train a model (or open one on the Train page) to explore it")));
  gtk_label_set_xalign (self->model_label, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->model_label), TRUE);
  gtk_widget_set_tooltip_text (export_button, _("Every object's probabilities in the Kaggle layout with class_99"));
  g_signal_connect_swapped (export_button, "clicked", G_CALLBACK (export_clicked), self);
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (self->model_label));
  gtk_widget_set_tooltip_text (test_button, _("Score the model on a separate labelled file, beside the validation scores"));
  g_signal_connect_swapped (test_button, "clicked", G_CALLBACK (test_file_clicked), self);
  gtk_box_append (GTK_BOX (top), test_button);
  gtk_box_append (GTK_BOX (top), export_button);
  gtk_box_append (GTK_BOX (self), top);
  self->test_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->test_label, 0);
  gtk_label_set_selectable (self->test_label, TRUE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->test_label));

  self->axis_dropdown = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (tr_axes));
  g_signal_connect_swapped (self->axis_dropdown, "notify::selected", G_CALLBACK (axis_changed), self);
  self->slider = GTK_SCALE (gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 1));
  gtk_scale_set_draw_value (self->slider, FALSE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->slider), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->slider), _("How much of each light curve the model sees"));
  g_signal_connect_swapped (self->slider, "value-changed", G_CALLBACK (slider_changed), self);
  self->point_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_box_append (GTK_BOX (early_row), GTK_WIDGET (self->axis_dropdown));
  gtk_box_append (GTK_BOX (early_row), GTK_WIDGET (self->slider));
  self->early_view = PB_EARLY_VIEW (pb_early_view_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->early_view), -1, 230);
  gtk_widget_set_vexpand (tables, TRUE);
  self->confusion = PB_CONFUSION_VIEW (pb_confusion_view_new ());
  self->class_table = PB_CLASS_TABLE (pb_class_table_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->confusion), TRUE);
  gtk_box_append (GTK_BOX (tables), scrolled (GTK_WIDGET (self->confusion)));
  gtk_box_append (GTK_BOX (tables), scrolled (GTK_WIDGET (self->class_table)));
  gtk_box_append (GTK_BOX (early), GTK_WIDGET (self->early_view));
  gtk_box_append (GTK_BOX (early), early_row);
  gtk_box_append (GTK_BOX (early), GTK_WIDGET (self->point_label));
  gtk_box_append (GTK_BOX (early), tables);
  gtk_notebook_append_page (GTK_NOTEBOOK (notebook), early, gtk_label_new (_("Early classification")));

  self->score_dropdown = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (tr_scores));
  g_signal_connect_swapped (self->score_dropdown, "notify::selected", G_CALLBACK (score_changed), self);
  self->threshold = GTK_SCALE (gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 0.01));
  gtk_range_set_value (GTK_RANGE (self->threshold), 0.5);
  gtk_scale_set_draw_value (self->threshold, TRUE);
  gtk_scale_set_digits (self->threshold, 2);
  gtk_widget_set_hexpand (GTK_WIDGET (self->threshold), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->threshold), _("Objects at or above this score are ranked below"));
  g_signal_connect_swapped (self->threshold, "value-changed", G_CALLBACK (show_ranking), self);
  gtk_box_append (GTK_BOX (novelty_row), GTK_WIDGET (self->score_dropdown));
  gtk_box_append (GTK_BOX (novelty_row), GTK_WIDGET (self->threshold));
  self->novelty_view = PB_NOVELTY_VIEW (pb_novelty_view_new ());
  self->gallery = PB_GALLERY_VIEW (pb_gallery_view_new ());
  gtk_box_append (GTK_BOX (novelty), GTK_WIDGET (self->novelty_view));
  gtk_box_append (GTK_BOX (novelty), novelty_row);
  gtk_box_append (GTK_BOX (novelty), scrolled (GTK_WIDGET (self->gallery)));
  gtk_notebook_append_page (GTK_NOTEBOOK (notebook), novelty, gtk_label_new (_("Novelty")));
  gtk_widget_set_vexpand (notebook, TRUE);
  gtk_box_append (GTK_BOX (self), notebook);

  g_signal_connect (self, "map", G_CALLBACK (page_mapped), NULL);
}

GtkWidget *
pb_explore_page_new (PbWindow *window)
{
  PbExplorePage *self = g_object_new (PB_TYPE_EXPLORE_PAGE, NULL);
  self->window = window;
  return GTK_WIDGET (self);
}

gboolean
pb_explore_page_set_run (PbExplorePage *self, PbRun *run, GError **error)
{
  g_autoptr (LcPredictor) predictor = NULL;
  g_autofree char *label = NULL;
  float *probs;

  if (run == NULL || run->doc == NULL || run->evaluation == NULL)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH, _("The run has no trained model and scores yet"));
      return FALSE;
    }
  predictor = lc_predictor_new (run->doc, error);
  if (predictor == NULL)
    return FALSE;
  probs = lc_predictor_predict (predictor, run->dataset, NULL, 0, 1, NULL, error);
  if (probs == NULL)
    return FALSE;
  g_clear_pointer (&self->run, pb_run_unref);
  g_clear_pointer (&self->predictor, lc_predictor_free);
  g_free (self->probs);
  self->run = pb_run_ref (run);
  self->predictor = g_steal_pointer (&predictor);
  self->probs = probs;
  self->n_objects = (int) run->dataset->n_objects;
  label = g_strdup_printf (_("%s — %d validation objects, %d objects in the dataset"), run->name,
                           run->evaluation->n_rows, self->n_objects);
  gtk_label_set_text (self->model_label, label);
  {
    g_autofree char *validation = scores_text (_("Validation"), run->evaluation);
    gtk_label_set_text (self->test_label, validation);
  }
  g_clear_pointer (&self->test_evaluation, lc_evaluation_free);
  compute_scores (self);
  return compute_curve (self, error);
}

PbRun *
pb_explore_page_get_run (PbExplorePage *self)
{
  return self->run;
}

gboolean
pb_explore_page_set_axis (PbExplorePage *self, LcEarlyAxis axis, GError **error)
{
  self->axis = axis;
  if ((LcEarlyAxis) gtk_drop_down_get_selected (self->axis_dropdown) != axis)
    gtk_drop_down_set_selected (self->axis_dropdown, axis);
  return compute_curve (self, error);
}

void
pb_explore_page_set_early_point (PbExplorePage *self, int index)
{
  gtk_range_set_value (GTK_RANGE (self->slider), index);
  self->point = index;
  show_point (self);
}

int
pb_explore_page_get_early_point (PbExplorePage *self)
{
  return self->point;
}

PbRun *
pb_explore_page_get_early_run (PbExplorePage *self)
{
  return self->early_run;
}

PbEarlyView *
pb_explore_page_get_early_view (PbExplorePage *self)
{
  return self->early_view;
}

PbConfusionView *
pb_explore_page_get_confusion (PbExplorePage *self)
{
  return self->confusion;
}

PbClassTable *
pb_explore_page_get_class_table (PbExplorePage *self)
{
  return self->class_table;
}

void
pb_explore_page_set_novelty_score (PbExplorePage *self, LcNoveltyScore kind)
{
  self->score_kind = kind;
  if ((LcNoveltyScore) gtk_drop_down_get_selected (self->score_dropdown) != kind)
    gtk_drop_down_set_selected (self->score_dropdown, kind);
  if (self->probs != NULL)
    compute_scores (self);
}

void
pb_explore_page_set_threshold (PbExplorePage *self, double threshold)
{
  gtk_range_set_value (GTK_RANGE (self->threshold), threshold);
  show_ranking (self);
}

PbNoveltyView *
pb_explore_page_get_novelty_view (PbExplorePage *self)
{
  return self->novelty_view;
}

PbGalleryView *
pb_explore_page_get_gallery (PbExplorePage *self)
{
  return self->gallery;
}

gboolean
pb_explore_page_export_predictions (PbExplorePage *self, const char *path, GError **error)
{
  g_autofree const char **ids = NULL;
  if (self->run == NULL || self->probs == NULL)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH, _("No trained model to predict with"));
      return FALSE;
    }
  ids = g_new (const char *, MAX (self->n_objects, 1));
  for (int i = 0; i < self->n_objects; i++)
    ids[i] = self->run->dataset->objects[i].id;
  return lc_novelty_write_predictions (path, ids, self->probs, self->n_objects, self->predictor->n_classes,
                                       self->predictor->class_ids, error);
}
