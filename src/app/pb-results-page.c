/* pb-results-page.c: the Results section */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lc-burst.h"
#include "lc-novelty.h"
#include "pb-reliability-view.h"
#include "pb-explore-jobs.h"
#include "pb-export.h"
#include "pb-layout.h"
#include "pb-onnx-export.h"
#include "pb-results-page.h"

/* labels under the Seen-so-far slider at most */
#define SEEN_LABELS 6

struct _PbResultsPage
{
  GtkBox parent_instance;

  PbSession *session;
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

  /* early classification and novelty (issue 7); every long step is a job */
  GtkDropDown *axis_dropdown;
  GtkScale *seen_slider;
  GtkLabel *seen_label;
  GtkSpinner *spinner;
  GtkWidget *cancel_button;
  GtkLabel *test_label;
  PbEarlyView *early_view;
  PbNoveltyView *novelty_view;
  PbReliabilityView *reliability;
  PbGalleryView *novelty_gallery;
  GtkLabel *novelty_label;
  GtkDropDown *score_dropdown;
  GtkScale *threshold;
  LcEarlyAxis axis;
  int point;                 /* index into the early curve, -1 none */
  int shown_point;           /* the point the matrix and table show */
  PbRun *early_run;          /* the scores at the slider's point, NULL: the whole curves */
  PbRun *explored_run;       /* the run the jobs were started for */
  PbNoveltyScores *novelty;
  LcNoveltyScore score_kind;
  LcEvaluation *test_evaluation;
  char *job_error;           /* the last failed job's message */
  GCancellable *curve_cancel, *point_cancel, *novelty_cancel, *file_cancel;
  int n_jobs;
  int file_jobs;             /* test-file evaluations and exports in flight */
  guint seen_timeout;
  gboolean updating, disposed;
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
  /* the cell of what the matrix shows: at the slider's point when moved */
  PbRun *run = self->early_run != NULL ? self->early_run : self->run;
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
  /* strips for the shown run's own model, not for one of its early windows */
  pb_gallery_view_set_attribution_run (self->cell_gallery, run == self->run ? run : NULL);
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
  if (self->session == NULL || pb_session_get_dataset (self->session) != ds)
    {
      gtk_label_set_text (self->cell_label, _("This run's dataset is no longer open"));
      return;
    }
  pb_session_show_object (self->session, object);
}

static void
cell_object_activated_cb (PbResultsPage *self, gint64 object)
{
  if (self->run != NULL)
    open_object (self, self->run->dataset, object);
}

static void
novelty_object_activated_cb (PbResultsPage *self, gint64 object)
{
  if (self->explored_run != NULL)
    open_object (self, self->explored_run->dataset, object);
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
  return self->session != NULL ? pb_session_get_dataset (self->session) : NULL;
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
  pb_gallery_view_set_attribution_run (self->wrong_gallery, run);
  pb_gallery_view_set_items (self->wrong_gallery, run->dataset, (const gsize *) (void *) run->wrong_rows->data, n,
                             (const char *const *) captions->pdata);
  text = g_strdup_printf (_("%s, epoch %d: %u of %d validation objects misclassified%s"), run->name, epoch + 1,
                          run->wrong_rows->len, run->n_val,
                          run->wrong_rows->len > n ? _(" (the first ones shown)") : "");
  gtk_label_set_text (self->wrong_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->wrong_label), text);
}

static void
trainer_wrong_cb (PbResultsPage *self, PbRun *run)
{
  if (run->n_val > 0 && run->epochs->len > 0 && run->dataset == pb_session_get_dataset (self->session))
    show_wrong (self, run, (int) run->epochs->len - 1);
}

/* ---- early classification and novelty (issue 7) ----------------------- */

/* The run the confusion matrix, the table and the cell gallery show: the
 * scores at the slider's point, or the run itself with whole curves. */
static PbRun *
shown_run (PbResultsPage *self)
{
  return self->early_run != NULL ? self->early_run : self->run;
}

static gboolean
run_has_model (PbRun *run)
{
  return run != NULL && run->doc != NULL && run->evaluation != NULL;
}

static void
update_busy (PbResultsPage *self)
{
  gboolean busy = self->n_jobs > 0;

  if (self->disposed)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (self->cancel_button, busy);
}

/* The validation and test-file scores; the tooltip has them in full. */
static void
set_test_text (PbResultsPage *self, const char *text)
{
  gtk_label_set_text (self->test_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->test_label), text[0] != '\0' ? text : NULL);
}

/* Starts a job: a fresh cancellable in *slot, the old job's result dropped. */
static GCancellable *
begin_job (PbResultsPage *self, GCancellable **slot)
{
  if (*slot != NULL)
    g_cancellable_cancel (*slot);
  g_clear_object (slot);
  *slot = g_cancellable_new ();
  self->n_jobs++;
  update_busy (self);
  return *slot;
}

/* Ends a job; FALSE when its result is stale (cancelled or replaced). */
static gboolean
end_job (PbResultsPage *self, GError *error)
{
  self->n_jobs--;
  update_busy (self);
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  if (error != NULL)
    {
      g_free (self->job_error);
      self->job_error = g_strdup (error->message);
    }
  return !self->disposed;
}

static void
cancel_jobs (PbResultsPage *self)
{
  GCancellable **slots[] = { &self->curve_cancel, &self->point_cancel, &self->novelty_cancel, &self->file_cancel };

  g_clear_handle_id (&self->seen_timeout, g_source_remove);
  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    if (*slots[i] != NULL)
      g_cancellable_cancel (*slots[i]);
}

static void
show_shown_run (PbResultsPage *self)
{
  pb_confusion_view_set_run (self->confusion, shown_run (self));
  pb_class_table_set_run (self->class_table, shown_run (self));
  pb_reliability_view_set_run (self->reliability, shown_run (self));
  if (self->cell_true >= 0)
    show_cell (self, self->cell_true, self->cell_predicted);
}

static void
set_early_run (PbResultsPage *self, PbRun *run)
{
  g_clear_pointer (&self->early_run, pb_run_unref);
  self->early_run = run;
  show_shown_run (self);
}

static void
show_seen_label (PbResultsPage *self)
{
  const LcEarlyCurve *curve = pb_early_view_get_curve (self->early_view);
  g_autofree char *amount = NULL;
  g_autofree char *text = NULL;
  PbRun *run = shown_run (self);

  if (curve == NULL || self->point < 0 || self->point >= curve->n_points)
    return;
  amount = pb_early_amount_label (self->axis, curve->amount[self->point]);
  /* short: it sits beside the slider; the tooltip says what was scored */
  if (curve->amount[self->point] <= 0)
    text = g_strdup_printf (_("Whole curves: accuracy %.3f"), run->evaluation->report->accuracy);
  else
    text = g_strdup_printf (self->axis == LC_EARLY_DAYS ? _("%s after detection: accuracy %.3f")
                                                        : _("First %s obs.: accuracy %.3f"),
                            amount, run->evaluation->report->accuracy);
  gtk_label_set_text (self->seen_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->seen_label),
                               _("The confusion matrix and the per-class scores use this much of each "
                                 "validation light curve"));
}

static void
point_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbResultsPage *self = PB_RESULTS_PAGE (source);
  g_autoptr (GError) error = NULL;
  PbRun *early = pb_explore_point_finish (result, &error);

  if (!end_job (self, error))
    return;
  if (early == NULL)
    {
      gtk_label_set_text (self->seen_label, error->message);
      return;
    }
  self->shown_point = self->point;
  set_early_run (self, early);
  show_seen_label (self);
}

/* Scores the validation rows at the slider's point, in a worker. */
static void
request_point (PbResultsPage *self)
{
  const LcEarlyCurve *curve = pb_early_view_get_curve (self->early_view);
  GCancellable *cancellable;

  g_clear_handle_id (&self->seen_timeout, g_source_remove);
  if (curve == NULL || self->point < 0 || self->point >= curve->n_points || !run_has_model (self->run))
    return;
  if (self->point_cancel != NULL)
    g_cancellable_cancel (self->point_cancel);
  /* the whole curves are the run's own scores: nothing to compute */
  if (curve->amount[self->point] <= 0)
    {
      self->shown_point = self->point;
      set_early_run (self, NULL);
      show_seen_label (self);
      return;
    }
  gtk_label_set_text (self->seen_label, _("Scoring…"));
  cancellable = begin_job (self, &self->point_cancel);
  pb_explore_point_async (G_OBJECT (self), self->run, self->axis, curve->amount[self->point], cancellable,
                          point_done_cb, NULL);
}

static gboolean
seen_settled_cb (gpointer data)
{
  PbResultsPage *self = data;

  self->seen_timeout = 0;
  request_point (self);
  return G_SOURCE_REMOVE;
}

static void
seen_changed_cb (PbResultsPage *self)
{
  if (self->updating)
    return;
  self->point = (int) lround (gtk_range_get_value (GTK_RANGE (self->seen_slider)));
  pb_early_view_set_marker (self->early_view, self->point);
  /* compute once the slider settles, not at every pixel of a drag */
  g_clear_handle_id (&self->seen_timeout, g_source_remove);
  self->seen_timeout = g_timeout_add (200, seen_settled_cb, self);
}

static void
curve_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbResultsPage *self = PB_RESULTS_PAGE (source);
  g_autoptr (GError) error = NULL;
  LcEarlyCurve *curve = pb_explore_curve_finish (result, &error);

  if (!end_job (self, error))
    return;
  if (curve == NULL)
    {
      gtk_label_set_text (self->seen_label, error->message);
      return;
    }
  self->updating = TRUE;
  gtk_range_set_range (GTK_RANGE (self->seen_slider), 0, MAX (curve->n_points - 1, 1));
  gtk_scale_clear_marks (self->seen_slider);
  for (int i = 0; i < curve->n_points; i++)
    {
      /* a tick at every point, a label at every few: a dozen labels run into each other */
      int every = (curve->n_points + SEEN_LABELS - 1) / SEEN_LABELS;
      int last = curve->n_points - 1;
      gboolean labelled = i == last || (i % MAX (every, 1) == 0 && last - i >= every);
      g_autofree char *mark = labelled ? pb_early_amount_label (self->axis, curve->amount[i]) : NULL;

      gtk_scale_add_mark (self->seen_slider, i, GTK_POS_BOTTOM, mark);
    }
  self->point = self->shown_point = curve->n_points - 1;
  gtk_range_set_value (GTK_RANGE (self->seen_slider), self->point);
  self->updating = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->seen_slider), TRUE);
  pb_early_view_set_curve (self->early_view, curve);
  pb_early_view_set_marker (self->early_view, self->point);
  set_early_run (self, NULL);
  show_seen_label (self);
}

static void
request_curve (PbResultsPage *self)
{
  GCancellable *cancellable;

  g_clear_handle_id (&self->seen_timeout, g_source_remove);
  if (self->point_cancel != NULL)
    g_cancellable_cancel (self->point_cancel);
  pb_early_view_set_curve (self->early_view, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->seen_slider), FALSE);
  self->point = self->shown_point = -1;
  set_early_run (self, NULL);
  if (!run_has_model (self->run))
    return;
  gtk_label_set_text (self->seen_label, _("Computing the early-classification curve…"));
  cancellable = begin_job (self, &self->curve_cancel);
  pb_explore_curve_async (G_OBJECT (self), self->run, self->axis, cancellable, curve_done_cb, NULL);
}

static void
axis_changed_cb (PbResultsPage *self)
{
  LcEarlyAxis axis = gtk_drop_down_get_selected (self->axis_dropdown);

  if (axis == self->axis)
    return;
  self->axis = axis;
  request_curve (self);
}

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

static void
show_ranking (PbResultsPage *self)
{
  double threshold = gtk_range_get_value (GTK_RANGE (self->threshold));
  g_autoptr (GPtrArray) captions = g_ptr_array_new_with_free_func (g_free);
  g_autofree int *ranked = NULL;
  g_autofree gsize *objects = NULL;
  g_autofree char *text = NULL;
  const double *scores;
  LcDataset *ds;
  int n = 0, shown;

  pb_novelty_view_set_threshold (self->novelty_view, threshold);
  if (self->novelty == NULL || self->explored_run == NULL)
    {
      pb_gallery_view_set_items (self->novelty_gallery, NULL, NULL, 0, NULL);
      return;
    }
  ds = self->explored_run->dataset;
  scores = self->novelty->scores[self->score_kind];
  ranked = lc_novelty_rank (scores, self->novelty->n_objects, threshold, &n);
  shown = MIN (n, PB_RESULTS_MAX_GALLERY);
  objects = g_new (gsize, MAX (shown, 1));
  for (int i = 0; i < shown; i++)
    {
      const LcObject *o = &ds->objects[ranked[i]];

      objects[i] = (gsize) ranked[i];
      g_ptr_array_add (captions, g_strdup_printf ("%s · %.3f · %s", o->id, scores[ranked[i]],
                                                  o->label >= 0 ? ds->classes[o->label].name : _("unlabelled")));
    }
  pb_gallery_view_set_items (self->novelty_gallery, ds, objects, shown, (const char *const *) captions->pdata);
  text = g_strdup_printf (_("%d of %d objects score at least %.2f, most novel first%s"), n,
                          self->novelty->n_objects, threshold, n > shown ? _(" (the first ones shown)") : "");
  gtk_label_set_text (self->novelty_label, text);
}

static void
show_novelty_scores (PbResultsPage *self)
{
  double hi;

  if (self->novelty == NULL)
    {
      pb_novelty_view_set_scores (self->novelty_view, NULL, 0, 1, score_name (self->score_kind));
      show_ranking (self);
      return;
    }
  hi = pb_novelty_scores_high (self->novelty, self->score_kind);
  pb_novelty_view_set_scores (self->novelty_view, self->novelty->scores[self->score_kind], self->novelty->n_objects,
                              hi, score_name (self->score_kind));
  gtk_range_set_range (GTK_RANGE (self->threshold), 0, hi);
  /* each score has its own range: start in the middle of it */
  gtk_range_set_value (GTK_RANGE (self->threshold),
                       lc_novelty_default_threshold (self->score_kind, self->novelty->n_classes));
  show_ranking (self);
}

static void
score_changed_cb (PbResultsPage *self)
{
  self->score_kind = gtk_drop_down_get_selected (self->score_dropdown);
  show_novelty_scores (self);
}

static void
novelty_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbResultsPage *self = PB_RESULTS_PAGE (source);
  g_autoptr (GError) error = NULL;
  PbNoveltyScores *scores = pb_explore_novelty_finish (result, &error);

  if (!end_job (self, error))
    {
      pb_novelty_scores_free (scores);
      return;
    }
  if (scores == NULL)
    {
      gtk_label_set_text (self->novelty_label, error->message);
      return;
    }
  g_clear_pointer (&self->novelty, pb_novelty_scores_free);
  self->novelty = scores;
  show_novelty_scores (self);
}

static char *
scores_text (const char *what, const LcEvaluation *ev)
{
  return g_strdup_printf (_("%s: %d objects, accuracy %.3f, macro F1 %.3f, weighted log loss %.3f"), what,
                          ev->n_rows, ev->report->accuracy, ev->report->macro_f1, ev->report->weighted_log_loss);
}

/* Starts what the Early Classification and Novelty tabs need for the run. */
static void
explore_run (PbResultsPage *self)
{
  g_autofree char *validation = NULL;

  if (self->explored_run == self->run || !run_has_model (self->run))
    return;
  g_clear_pointer (&self->explored_run, pb_run_unref);
  self->explored_run = pb_run_ref (self->run);
  validation = scores_text (_("Validation"), self->run->evaluation);
  set_test_text (self, validation);
  request_curve (self);
  gtk_label_set_text (self->novelty_label, _("Scoring every object…"));
  pb_explore_novelty_async (G_OBJECT (self), self->run, begin_job (self, &self->novelty_cancel),
                            novelty_done_cb, NULL);
}

/* Forgets everything computed for the previous run. */
static void
reset_explore (PbResultsPage *self)
{
  cancel_jobs (self);
  g_clear_pointer (&self->explored_run, pb_run_unref);
  g_clear_pointer (&self->early_run, pb_run_unref);
  g_clear_pointer (&self->novelty, pb_novelty_scores_free);
  g_clear_pointer (&self->test_evaluation, lc_evaluation_free);
  g_clear_pointer (&self->job_error, g_free);
  pb_early_view_set_curve (self->early_view, NULL);
  self->point = self->shown_point = -1;
  gtk_widget_set_sensitive (GTK_WIDGET (self->seen_slider), FALSE);
  gtk_label_set_text (self->seen_label, run_has_model (self->run) ? "" : _("Needs a trained model"));
  set_test_text (self, "");
  gtk_label_set_text (self->novelty_label, "");
  show_novelty_scores (self);
}

static void
page_mapped_cb (PbResultsPage *self)
{
  explore_run (self);
}

static void
cancel_clicked_cb (PbResultsPage *self)
{
  const LcEarlyCurve *curve = pb_early_view_get_curve (self->early_view);

  cancel_jobs (self);
  if (self->file_jobs > 0)
    set_test_text (self, _("Cancelled"));
  if (self->novelty == NULL && self->explored_run != NULL)
    {
      gtk_label_set_text (self->novelty_label, _("Cancelled: the scores are computed again when the "
                                                 "Results section is next shown"));
      /* so that mapping the page again starts over */
      g_clear_pointer (&self->explored_run, pb_run_unref);
    }
  if (curve == NULL)
    {
      gtk_label_set_text (self->seen_label, _("Cancelled"));
      return;
    }
  /* the slider goes back to what the matrix and table still show */
  self->updating = TRUE;
  gtk_range_set_value (GTK_RANGE (self->seen_slider), self->shown_point);
  self->updating = FALSE;
  self->point = self->shown_point;
  pb_early_view_set_marker (self->early_view, self->point);
  show_seen_label (self);
}

/* ---- a separate labelled test file and the predictions export -------- */

static void
test_file_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbResultsPage *self = PB_RESULTS_PAGE (source);
  g_autoptr (GError) error = NULL;
  g_autofree char *base = user_data;
  g_autofree char *validation = NULL, *test = NULL, *text = NULL;
  LcEvaluation *ev = pb_explore_test_file_finish (result, &error);

  self->file_jobs--;
  if (!end_job (self, error))
    {
      g_clear_pointer (&ev, lc_evaluation_free);
      return;
    }
  validation = run_has_model (self->run) ? scores_text (_("Validation"), self->run->evaluation) : g_strdup ("");
  if (ev == NULL)
    {
      text = g_strdup_printf ("%s\n%s: %s", validation, base, error->message);
      set_test_text (self, text);
      return;
    }
  g_clear_pointer (&self->test_evaluation, lc_evaluation_free);
  self->test_evaluation = ev;
  test = scores_text (base, ev);
  text = g_strdup_printf ("%s\n%s", validation, test);
  set_test_text (self, text);
}

gboolean
pb_results_page_evaluate_file (PbResultsPage *self, const char *path, GError **error)
{
  g_autofree char *text = NULL;
  char *base;

  if (!run_has_model (self->run))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH, _("No trained model to evaluate"));
      return FALSE;
    }
  base = g_path_get_basename (path);
  text = g_strdup_printf (_("Evaluating on %s…"), base);
  set_test_text (self, text);
  g_clear_pointer (&self->job_error, g_free);
  self->file_jobs++;
  pb_explore_test_file_async (G_OBJECT (self), self->run, path, begin_job (self, &self->file_cancel),
                              test_file_done_cb, base);
  return TRUE;
}

static void
export_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbResultsPage *self = PB_RESULTS_PAGE (source);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = user_data;
  g_autofree char *text = NULL;

  pb_explore_export_finish (result, &error);
  self->file_jobs--;
  if (!end_job (self, error))
    return;
  text = error != NULL ? g_strdup (error->message) : g_strdup_printf (_("Predictions written to %s"), path);
  gtk_label_set_text (self->novelty_label, text);
}

gboolean
pb_results_page_export_predictions (PbResultsPage *self, const char *path, GError **error)
{
  if (self->novelty == NULL || self->explored_run == NULL)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                   _("No predictions yet: train or open a model and wait for its scores"));
      return FALSE;
    }
  g_clear_pointer (&self->job_error, g_free);
  /* the export has no cancellable of its own: Cancel stops the test file's slot */
  self->file_jobs++;
  pb_explore_export_async (G_OBJECT (self), self->explored_run, self->novelty, path,
                           begin_job (self, &self->file_cancel), export_done_cb, g_strdup (path));
  return TRUE;
}

static void
report_error (PbResultsPage *self, GError *error)
{
  if (error != NULL)
    set_test_text (self, error->message);
}

static void
export_chosen_cb (GtkNativeDialog *dialog, int response, PbResultsPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;

      if (path != NULL && !pb_results_page_export_predictions (self, path, &error))
        report_error (self, error);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
predictions_clicked_cb (PbResultsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Export predictions"),
                                                              GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "predictions.csv");
  g_signal_connect (dialog, "response", G_CALLBACK (export_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
test_file_chosen_cb (GtkNativeDialog *dialog, int response, PbResultsPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;

      if (path != NULL && !pb_results_page_evaluate_file (self, path, &error))
        report_error (self, error);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
test_file_clicked_cb (PbResultsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Evaluate on a labelled test file"),
                                                              GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              GTK_FILE_CHOOSER_ACTION_OPEN, _("_Evaluate"), NULL);

  g_signal_connect (dialog, "response", G_CALLBACK (test_file_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
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
  reset_explore (self);
  pb_confusion_view_set_run (self->confusion, run);
  pb_class_table_set_run (self->class_table, run);
  pb_reliability_view_set_run (self->reliability, run);
  self->cell_true = self->cell_predicted = -1;
  pb_gallery_view_set_items (self->cell_gallery, NULL, NULL, 0, NULL);
  gtk_label_set_text (self->cell_label, _("Click a cell to see the light curves behind it"));
  rebuild_burst_classes (self, current_dataset (self));
  burst_class_changed_cb (self);
  if (run != NULL && run->evaluation != NULL)
    {
      summary = pb_class_table_summary (run->evaluation->report);
      g_autofree char *dataset = pb_session_dataset_name (run->dataset);

      text = g_strdup_printf (run->state == PB_RUN_OPENED ? _("%s on %s: %s")
                                                          : _("%s on the validation objects of %s: %s"),
                              run->name, dataset, summary);
    }
  else
    {
      g_autofree char *dataset = pb_session_dataset_name (current_dataset (self));

      text = g_strdup_printf (_("No run on %s yet: train a model or open one to see results"), dataset);
    }
  gtk_label_set_text (self->run_label, text);
  /* the early curve and novelty scores cost a few seconds: only for a page someone sees */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    explore_run (self);
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
    g_signal_connect_swapped (trainer, "wrong", G_CALLBACK (trainer_wrong_cb), self);
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
                    : g_strcmp0 (name, "early") == 0 ? GTK_WIDGET (self->early_view)
                    : g_strcmp0 (name, "novelty") == 0 ? GTK_WIDGET (self->novelty_view)
                                                     : GTK_WIDGET (self->confusion);
  PbExportDialog *dialog;

  if (!PB_IS_PLOTTABLE (view))
    view = GTK_WIDGET (self->confusion);
  dialog = pb_export_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, PB_PLOTTABLE (view), 1000, 800);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
session_run_shown_cb (PbResultsPage *self, PbRun *run)
{
  if (run != self->run)
    pb_results_page_set_run (self, run);
  /* the run has its model now: its misclassified objects get their strips */
  if (run != NULL && run == self->wrong_run)
    pb_gallery_view_set_attribution_run (self->wrong_gallery, run);
}

static void
session_dataset_changed_cb (PbResultsPage *self)
{
  LcDataset *ds = pb_session_get_dataset (self->session);

  /* every tab is about the open data: a run on other data is not shown */
  if (self->run == NULL || self->run->dataset != ds)
    pb_results_page_set_run (self, NULL);
  if (self->wrong_run != NULL && self->wrong_run->dataset != ds)
    {
      g_clear_pointer (&self->wrong_run, pb_run_unref);
      pb_gallery_view_set_items (self->wrong_gallery, NULL, NULL, 0, NULL);
      gtk_label_set_text (self->wrong_label, "");
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
  /* the objects of a cell stay whole; the matrix scales to what is left */
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_position (GTK_PANED (paned), 420);
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

/* "Seen so far": how much of each light curve the matrix and table score. */
static GtkWidget *
build_seen_row (PbResultsPage *self)
{
  const char *axes[] = { _("First observations"), _("Days since first detection"), NULL };
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (_("_Seen so far"));

  self->axis_dropdown = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (axes));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->axis_dropdown), _("Count observations or days since the first "
                                                                   "detection"));
  g_signal_connect_swapped (self->axis_dropdown, "notify::selected", G_CALLBACK (axis_changed_cb), self);
  self->seen_slider = GTK_SCALE (gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 1));
  gtk_scale_set_draw_value (self->seen_slider, FALSE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->seen_slider), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->seen_slider), FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->seen_slider),
                               _("How much of each light curve the model sees: the confusion matrix and the "
                                 "per-class scores follow"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->seen_slider));
  g_signal_connect_swapped (self->seen_slider, "value-changed", G_CALLBACK (seen_changed_cb), self);
  self->seen_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_width_chars (self->seen_label, 30);
  gtk_label_set_max_width_chars (self->seen_label, 30);
  gtk_label_set_xalign (self->seen_label, 0);
  gtk_label_set_ellipsize (self->seen_label, PANGO_ELLIPSIZE_END);
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  self->cancel_button = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_widget_set_tooltip_text (self->cancel_button, _("Stop the computations in progress"));
  gtk_widget_set_visible (self->cancel_button, FALSE);
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (cancel_clicked_cb), self);
  gtk_widget_set_margin_start (row, 6);
  gtk_widget_set_margin_end (row, 6);
  /* the scale's marks make the row tall: the rest stays at its middle */
  gtk_widget_set_valign (GTK_WIDGET (self->axis_dropdown), GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->cancel_button, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->axis_dropdown));
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->seen_slider));
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->seen_label));
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->spinner));
  gtk_box_append (GTK_BOX (row), self->cancel_button);
  return row;
}

static GtkWidget *
build_novelty_tab (PbResultsPage *self)
{
  const char *scores[] = { _("P(99) = Π(1 − p)"), _("1 − max p"), _("Entropy"), NULL };
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (_("T_hreshold"));

  self->score_dropdown = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (scores));
  self->score_kind = LC_NOVELTY_DEFAULT;
  gtk_drop_down_set_selected (self->score_dropdown, self->score_kind);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->score_dropdown), _("How an object's novelty is scored"));
  g_signal_connect_swapped (self->score_dropdown, "notify::selected", G_CALLBACK (score_changed_cb), self);
  self->threshold = GTK_SCALE (gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 0.01));
  /* until a model gives the class count, the smallest range of the score */
  gtk_range_set_value (GTK_RANGE (self->threshold), lc_novelty_default_threshold (self->score_kind, 2));
  gtk_scale_set_draw_value (self->threshold, TRUE);
  gtk_scale_set_digits (self->threshold, 2);
  gtk_widget_set_hexpand (GTK_WIDGET (self->threshold), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->threshold), _("Objects at or above this score are ranked below"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->threshold));
  g_signal_connect_swapped (self->threshold, "value-changed", G_CALLBACK (show_ranking), self);
  gtk_widget_set_margin_start (row, 6);
  gtk_widget_set_margin_end (row, 6);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->score_dropdown));
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->threshold));
  self->novelty_view = PB_NOVELTY_VIEW (pb_novelty_view_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->novelty_view), -1, 200);
  self->novelty_gallery = PB_GALLERY_VIEW (pb_gallery_view_new ());
  self->novelty_label = caption_label (NULL);
  g_signal_connect_swapped (self->novelty_gallery, "object-activated", G_CALLBACK (novelty_object_activated_cb),
                            self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->novelty_view));
  gtk_box_append (GTK_BOX (box), row);
  gtk_box_append (GTK_BOX (box), gallery_panel (self->novelty_gallery, self->novelty_label, self,
                                                _("The objects above the novelty threshold, most novel first")));
  return box;
}

static void
pb_results_page_dispose (GObject *object)
{
  PbResultsPage *self = PB_RESULTS_PAGE (object);

  pb_results_page_set_trainer (self, NULL);
  /* running jobs hold the page until their callbacks, which then see it disposed */
  cancel_jobs (self);
  self->disposed = TRUE;
  g_clear_object (&self->curve_cancel);
  g_clear_object (&self->point_cancel);
  g_clear_object (&self->novelty_cancel);
  g_clear_object (&self->file_cancel);
  g_clear_pointer (&self->run, pb_run_unref);
  g_clear_pointer (&self->early_run, pb_run_unref);
  g_clear_pointer (&self->explored_run, pb_run_unref);
  g_clear_pointer (&self->novelty, pb_novelty_scores_free);
  g_clear_pointer (&self->test_evaluation, lc_evaluation_free);
  g_clear_pointer (&self->wrong_run, pb_run_unref);
  g_clear_object (&self->burst_class_names);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (pb_results_page_parent_class)->dispose (object);
}

static void
pb_results_page_finalize (GObject *object)
{
  g_array_unref (PB_RESULTS_PAGE (object)->burst_classes);
  g_free (PB_RESULTS_PAGE (object)->job_error);
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
  GtkWidget *test_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *test_button = gtk_button_new_with_mnemonic (_("Evaluate on a _Test File…"));
  GtkWidget *predictions_button = gtk_button_new_with_mnemonic (_("E_xport Predictions…"));

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
  gtk_widget_set_halign (switcher, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (header), pb_scroll_sideways (switcher));
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->normalise_toggle));
  gtk_widget_set_tooltip_text (test_button, _("Score the model on a separate labelled file, beside the validation "
                                              "scores"));
  g_signal_connect_swapped (test_button, "clicked", G_CALLBACK (test_file_clicked_cb), self);
  gtk_box_append (GTK_BOX (test_row), test_button);
  gtk_widget_set_tooltip_text (predictions_button, _("Every object's probabilities in the Kaggle layout with "
                                                     "class_99"));
  g_signal_connect_swapped (predictions_button, "clicked", G_CALLBACK (predictions_clicked_cb), self);
  gtk_box_append (GTK_BOX (test_row), predictions_button);
  gtk_box_append (GTK_BOX (test_row), pb_onnx_export_button_new ());
  gtk_box_append (GTK_BOX (header), export_button);
  gtk_box_append (GTK_BOX (self), header);
  /* the scores on a line of their own, where they may wrap */
  gtk_label_set_ellipsize (self->run_label, PANGO_ELLIPSIZE_NONE);
  gtk_label_set_wrap (self->run_label, TRUE);
  gtk_widget_set_margin_end (GTK_WIDGET (self->run_label), 6);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->run_label));
  self->test_label = caption_label (NULL);
  gtk_label_set_selectable (self->test_label, TRUE);
  /* beside the buttons: one line per evaluation, never wrapped (see caption_label) */
  gtk_widget_set_hexpand (GTK_WIDGET (self->test_label), TRUE);
  gtk_widget_set_margin_top (GTK_WIDGET (self->test_label), 0);
  gtk_box_prepend (GTK_BOX (test_row), GTK_WIDGET (self->test_label));
  gtk_widget_set_margin_end (test_row, 6);
  /* rows whose labels and buttons come and go scroll rather than widen the window */
  gtk_box_append (GTK_BOX (self), pb_scroll_sideways (test_row));
  /* above the tabs: the slider drives the matrix and the table below it */
  gtk_box_append (GTK_BOX (self), pb_scroll_sideways (build_seen_row (self)));

  gtk_stack_add_titled (self->stack, build_confusion_tab (self), "confusion", _("Confusion Matrix"));
  self->class_table = PB_CLASS_TABLE (pb_class_table_new ());
  gtk_stack_add_titled (self->stack, scrolled (GTK_WIDGET (self->class_table)), "scores", _("Per-Class Scores"));
  self->reliability = PB_RELIABILITY_VIEW (pb_reliability_view_new ());
  gtk_stack_add_titled (self->stack, GTK_WIDGET (self->reliability), "reliability", _("Reliability"));
  self->early_view = PB_EARLY_VIEW (pb_early_view_new ());
  gtk_stack_add_titled (self->stack, GTK_WIDGET (self->early_view), "early", _("Early Classification"));
  gtk_stack_add_titled (self->stack, build_novelty_tab (self), "novelty", _("Novelty"));
  gtk_stack_add_titled (self->stack, build_wrong_tab (self), "wrong", _("Currently Wrong"));
  gtk_stack_add_titled (self->stack, build_burst_tab (self), "bursts", _("Bursts"));
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->stack));
  self->point = self->shown_point = -1;
  g_signal_connect (self, "map", G_CALLBACK (page_mapped_cb), NULL);
}

GtkWidget *
pb_results_page_new (PbSession *session)
{
  PbResultsPage *self = g_object_new (PB_TYPE_RESULTS_PAGE, NULL);

  self->session = g_object_ref (session);
  g_signal_connect_swapped (session, "dataset-changed", G_CALLBACK (session_dataset_changed_cb), self);
  g_signal_connect_swapped (session, "run-shown", G_CALLBACK (session_run_shown_cb), self);
  pb_results_page_set_trainer (self, pb_session_get_trainer (session));
  pb_results_page_set_run (self, pb_session_get_shown_run (session));
  session_dataset_changed_cb (self);
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

void
pb_results_page_set_early_axis (PbResultsPage *self, LcEarlyAxis axis)
{
  /* the drop-down's handler starts the curve */
  gtk_drop_down_set_selected (self->axis_dropdown, axis);
}

void
pb_results_page_set_early_point (PbResultsPage *self, int index)
{
  self->updating = TRUE;
  gtk_range_set_value (GTK_RANGE (self->seen_slider), index);
  self->updating = FALSE;
  self->point = index;
  pb_early_view_set_marker (self->early_view, index);
  request_point (self);
}

int
pb_results_page_get_early_point (PbResultsPage *self)
{
  return self->point;
}

PbRun *
pb_results_page_get_shown_run (PbResultsPage *self)
{
  return shown_run (self);
}

PbEarlyView *
pb_results_page_get_early_view (PbResultsPage *self)
{
  return self->early_view;
}

void
pb_results_page_set_novelty_score (PbResultsPage *self, LcNoveltyScore kind)
{
  gtk_drop_down_set_selected (self->score_dropdown, kind);
}

void
pb_results_page_set_threshold (PbResultsPage *self, double threshold)
{
  gtk_range_set_value (GTK_RANGE (self->threshold), threshold);
  show_ranking (self);
}

PbNoveltyView *
pb_results_page_get_novelty_view (PbResultsPage *self)
{
  return self->novelty_view;
}

PbGalleryView *
pb_results_page_get_novelty_gallery (PbResultsPage *self)
{
  return self->novelty_gallery;
}

const LcEvaluation *
pb_results_page_get_test_evaluation (PbResultsPage *self)
{
  return self->test_evaluation;
}

const char *
pb_results_page_get_test_text (PbResultsPage *self)
{
  return gtk_label_get_text (self->test_label);
}

const char *
pb_results_page_get_job_error (PbResultsPage *self)
{
  return self->job_error;
}

gboolean
pb_results_page_is_busy (PbResultsPage *self)
{
  return self->n_jobs > 0 || self->seen_timeout != 0;
}

void
pb_results_page_explore (PbResultsPage *self)
{
  explore_run (self);
}

GtkWidget *
pb_results_page_get_cancel_button (PbResultsPage *self)
{
  return self->cancel_button;
}
