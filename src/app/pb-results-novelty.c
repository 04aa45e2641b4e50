/* pb-results-novelty.c: the Novelty tab of Results */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pb-results-novelty.h"
#include "pb-run-scores.h"

struct _PbResultsNovelty
{
  GtkWidget parent_instance;

  GtkWidget *box;
  PbNoveltyView *view;
  GtkDropDown *score_dropdown;
  GtkScale *threshold;
  GtkCheckButton *include_trained;
  PbResultsGallery *gallery;

  PbSession *session;
  PbRun *run;
  PbRun *explored_run;       /* the run the scores were started for */
  PbNoveltyScores *scores;
  double *shown;             /* the scores of the kind shown, NaN for objects left out */
  int kind;                  /* a LcNoveltyScore or PB_NOVELTY_DISTANCE */
  GCancellable *cancellable;
  int n_jobs;
  char *error;
};

G_DEFINE_FINAL_TYPE (PbResultsNovelty, pb_results_novelty, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_RUN,
  PROP_BUSY,
  N_PROPS
};

enum
{
  BURST_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *
score_name (int kind)
{
  switch (kind)
    {
    case PB_NOVELTY_DISTANCE:
      return _("Distance to the nearest training object in the network's features");
    case LC_NOVELTY_MAX_PROB:
      return _("1 − max p");
    case LC_NOVELTY_ENTROPY:
      return _("Entropy (nats)");
    case LC_NOVELTY_P99:
    default:
      return _("P(99) = Π(1 − p)");
    }
}

/* The training objects not shown: 0 when they are included. */
static int
n_left_out (PbResultsNovelty *self)
{
  if (self->scores == NULL || gtk_check_button_get_active (self->include_trained))
    return 0;
  return self->scores->n_trained;
}

/* The scores of the kind shown, the training objects' NaN (left out of the
 * histogram and the ranking) unless they are included: a model knows them,
 * and the distance of each is 0, one bar that dwarfs the rest. */
static void
mask_scores (PbResultsNovelty *self)
{
  const double *scores = self->scores->scores[self->kind];
  gboolean leave_out = n_left_out (self) > 0;

  g_free (self->shown);
  self->shown = g_new (double, MAX (self->scores->n_objects, 1));
  for (int i = 0; i < self->scores->n_objects; i++)
    self->shown[i] = leave_out && self->scores->trained[i] ? NAN : scores[i];
}

/* The histogram of the objects shown. */
static void
draw_scores (PbResultsNovelty *self, double hi)
{
  g_autofree double *kept = g_new (double, MAX (self->scores->n_objects, 1));
  int n = 0;

  for (int i = 0; i < self->scores->n_objects; i++)
    if (!isnan (self->shown[i]) || !self->scores->trained[i])
      kept[n++] = self->shown[i];
  pb_novelty_view_set_scores (self->view, kept, n, hi, score_name (self->kind));
}

/* The objects at or above the threshold, most novel first. */
static void
show_ranking (PbResultsNovelty *self)
{
  double threshold = gtk_range_get_value (GTK_RANGE (self->threshold));
  g_autoptr (GPtrArray) captions = g_ptr_array_new_with_free_func (g_free);
  g_autofree int *ranked = NULL;
  g_autofree gsize *objects = NULL;
  g_autofree char *text = NULL;
  const double *scores;
  LcDataset *ds;
  int n = 0, shown;

  pb_novelty_view_set_threshold (self->view, threshold);
  if (self->scores == NULL || self->explored_run == NULL)
    {
      pb_gallery_view_set_items (pb_results_gallery_get_view (self->gallery), NULL, NULL, 0, NULL);
      return;
    }
  ds = self->explored_run->dataset;
  scores = self->shown;
  ranked = lc_novelty_rank (scores, self->scores->n_objects, threshold, &n);
  shown = MIN (n, PB_RESULTS_MAX_GALLERY);
  objects = g_new (gsize, MAX (shown, 1));
  for (int i = 0; i < shown; i++)
    {
      const LcObject *o = &ds->objects[ranked[i]];

      objects[i] = (gsize) ranked[i];
      g_ptr_array_add (captions, g_strdup_printf ("%s · %.3f · %s", o->id, scores[ranked[i]],
                                                  o->label >= 0 ? ds->classes[o->label].name : _("unlabelled")));
    }
  text = g_strdup_printf (_("%d of %d objects score at least %.2f, most novel first%s"), n,
                          self->scores->n_objects - n_left_out (self), threshold,
                          n > shown ? _(" (the first ones shown)") : "");
  if (n_left_out (self) > 0)
    {
      g_autofree char *note = text;
      text = g_strdup_printf (ngettext ("%s. %d training object left out", "%s. %d training objects left out",
                                        n_left_out (self)),
                              note, n_left_out (self));
    }
  if (self->scores->scores[PB_NOVELTY_DISTANCE] == NULL)
    {
      g_autofree char *note = text;
      text = g_strdup_printf (_("%s. This model keeps no features of its training objects, so the distance "
                                "score is not available (train it again)"), note);
    }
  pb_results_gallery_show (self->gallery, ds, objects, shown, (const char *const *) captions->pdata, text);
}

static void
threshold_changed_cb (PbResultsNovelty *self)
{
  show_ranking (self);
}

static void
show_scores (PbResultsNovelty *self)
{
  double hi;

  if (self->scores == NULL)
    {
      pb_novelty_view_set_scores (self->view, NULL, 0, 1, score_name (self->kind));
      show_ranking (self);
      return;
    }
  if (self->kind == PB_NOVELTY_DISTANCE && self->scores->scores[PB_NOVELTY_DISTANCE] == NULL)
    {
      /* an older model file keeps no training features: say so and fall back */
      self->kind = LC_NOVELTY_DEFAULT;
      gtk_drop_down_set_selected (self->score_dropdown, self->kind);
    }
  hi = pb_novelty_scores_high (self->scores, self->kind);
  mask_scores (self);
  draw_scores (self, hi);
  gtk_range_set_range (GTK_RANGE (self->threshold), 0, hi);
  /* the distance starts at the model's threshold (5 % of validation objects
   * above it), the other scores in the middle of their range */
  gtk_range_set_value (GTK_RANGE (self->threshold),
                       pb_novelty_scores_default_threshold (self->scores, self->kind));
  show_ranking (self);
}

/* The threshold stays where the user put it. */
static void
include_trained_toggled_cb (PbResultsNovelty *self)
{
  double hi;

  if (self->scores == NULL)
    return;
  hi = pb_novelty_scores_high (self->scores, self->kind);
  mask_scores (self);
  draw_scores (self, hi);
  show_ranking (self);
}

static void
score_changed_cb (PbResultsNovelty *self)
{
  self->kind = gtk_drop_down_get_selected (self->score_dropdown);
  show_scores (self);
}

static void
burst_requested_cb (PbResultsNovelty *self, guint64 object)
{
  g_signal_emit (self, signals[BURST_REQUESTED], 0, object);
}

static void
count_job (PbResultsNovelty *self, int change)
{
  gboolean was_busy = self->n_jobs > 0;

  self->n_jobs += change;
  if (was_busy != (self->n_jobs > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
scores_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbResultsNovelty *self = PB_RESULTS_NOVELTY (source);
  g_autoptr (GError) error = NULL;
  PbNoveltyScores *scores = pb_explore_novelty_finish (result, &error);

  count_job (self, -1);
  /* cancelled or replaced: stale */
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      pb_novelty_scores_free (scores);
      return;
    }
  if (scores == NULL)
    {
      g_free (self->error);
      self->error = g_strdup (error->message);
      pb_results_gallery_set_caption (self->gallery, error->message);
      return;
    }
  g_clear_pointer (&self->scores, pb_novelty_scores_free);
  self->scores = scores;
  show_scores (self);
}

void
pb_results_novelty_explore (PbResultsNovelty *self)
{
  g_return_if_fail (PB_IS_RESULTS_NOVELTY (self));

  if (self->explored_run == self->run || !pb_run_has_model (self->run))
    return;
  g_clear_pointer (&self->explored_run, pb_run_unref);
  self->explored_run = pb_run_ref (self->run);
  pb_results_gallery_clear (self->gallery, _("Scoring every object…"));
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  count_job (self, +1);
  pb_explore_novelty_async (G_OBJECT (self), self->run, self->cancellable, scores_done_cb, NULL);
}

void
pb_results_novelty_cancel (PbResultsNovelty *self)
{
  g_return_if_fail (PB_IS_RESULTS_NOVELTY (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->scores == NULL && self->explored_run != NULL)
    {
      pb_results_gallery_set_caption (self->gallery, _("Cancelled: the scores are computed again when the "
                                                       "Results section is next shown"));
      /* so that showing Results again starts over */
      g_clear_pointer (&self->explored_run, pb_run_unref);
    }
}

void
pb_results_novelty_set_run (PbResultsNovelty *self, PbRun *run)
{
  g_return_if_fail (PB_IS_RESULTS_NOVELTY (self));

  if (run != NULL)
    pb_run_ref (run);
  g_clear_pointer (&self->run, pb_run_unref);
  self->run = run;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->explored_run, pb_run_unref);
  g_clear_pointer (&self->scores, pb_novelty_scores_free);
  g_clear_pointer (&self->shown, g_free);
  g_clear_pointer (&self->error, g_free);
  pb_results_gallery_clear (self->gallery, NULL);
  show_scores (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
}

gboolean
pb_results_novelty_is_busy (PbResultsNovelty *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_NOVELTY (self), FALSE);

  return self->n_jobs > 0;
}

const char *
pb_results_novelty_get_error (PbResultsNovelty *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_NOVELTY (self), NULL);

  return self->error;
}

void
pb_results_novelty_set_score (PbResultsNovelty *self, int kind)
{
  g_return_if_fail (PB_IS_RESULTS_NOVELTY (self));

  gtk_drop_down_set_selected (self->score_dropdown, kind);
}

void
pb_results_novelty_set_threshold (PbResultsNovelty *self, double threshold)
{
  g_return_if_fail (PB_IS_RESULTS_NOVELTY (self));

  gtk_range_set_value (GTK_RANGE (self->threshold), threshold);
  show_ranking (self);
}

void
pb_results_novelty_set_include_trained (PbResultsNovelty *self, gboolean include)
{
  g_return_if_fail (PB_IS_RESULTS_NOVELTY (self));

  gtk_check_button_set_active (self->include_trained, include);
}

const PbNoveltyScores *
pb_results_novelty_get_scores (PbResultsNovelty *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_NOVELTY (self), NULL);

  return self->scores;
}

PbRun *
pb_results_novelty_get_scores_run (PbResultsNovelty *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_NOVELTY (self), NULL);

  return self->scores != NULL ? self->explored_run : NULL;
}

PbNoveltyView *
pb_results_novelty_get_view (PbResultsNovelty *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_NOVELTY (self), NULL);

  return self->view;
}

PbResultsGallery *
pb_results_novelty_get_gallery (PbResultsNovelty *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_NOVELTY (self), NULL);

  return self->gallery;
}

static void
pb_results_novelty_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbResultsNovelty *self = PB_RESULTS_NOVELTY (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_RUN:
      g_value_set_boxed (value, self->run);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->n_jobs > 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_results_novelty_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbResultsNovelty *self = PB_RESULTS_NOVELTY (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_set_object (&self->session, g_value_get_object (value));
      pb_results_gallery_set_session (self->gallery, self->session);
      break;
    case PROP_RUN:
      pb_results_novelty_set_run (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_results_novelty_dispose (GObject *object)
{
  PbResultsNovelty *self = PB_RESULTS_NOVELTY (object);

  /* a running job holds the panel until its callback, which finds it cancelled */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_RESULTS_NOVELTY);
  g_clear_pointer (&self->run, pb_run_unref);
  g_clear_pointer (&self->explored_run, pb_run_unref);
  g_clear_pointer (&self->scores, pb_novelty_scores_free);
  g_clear_pointer (&self->shown, g_free);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (pb_results_novelty_parent_class)->dispose (object);
}

static void
pb_results_novelty_finalize (GObject *object)
{
  g_free (PB_RESULTS_NOVELTY (object)->error);
  G_OBJECT_CLASS (pb_results_novelty_parent_class)->finalize (object);
}

static void
pb_results_novelty_class_init (PbResultsNoveltyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_results_novelty_dispose;
  object_class->finalize = pb_results_novelty_finalize;
  object_class->get_property = pb_results_novelty_get_property;
  object_class->set_property = pb_results_novelty_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, PB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUN] =
    g_param_spec_boxed ("run", NULL, NULL, PB_TYPE_RUN,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[BURST_REQUESTED] = g_signal_new ("burst-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);

  g_type_ensure (PB_TYPE_NOVELTY_VIEW);
  g_type_ensure (PB_TYPE_RESULTS_GALLERY);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/passband/Passband/ui/pb-results-novelty.ui");
  gtk_widget_class_bind_template_child (widget_class, PbResultsNovelty, box);
  gtk_widget_class_bind_template_child (widget_class, PbResultsNovelty, view);
  gtk_widget_class_bind_template_child (widget_class, PbResultsNovelty, score_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PbResultsNovelty, threshold);
  gtk_widget_class_bind_template_child (widget_class, PbResultsNovelty, include_trained);
  gtk_widget_class_bind_template_child (widget_class, PbResultsNovelty, gallery);
  gtk_widget_class_bind_template_callback (widget_class, score_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, threshold_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, include_trained_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, burst_requested_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
pb_results_novelty_init (PbResultsNovelty *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->kind = PB_NOVELTY_DISTANCE;
  gtk_drop_down_set_selected (self->score_dropdown, self->kind);
  gtk_range_set_value (GTK_RANGE (self->threshold), 0.5);
}

GtkWidget *
pb_results_novelty_new (PbSession *session)
{
  return g_object_new (PB_TYPE_RESULTS_NOVELTY, "session", session, NULL);
}
