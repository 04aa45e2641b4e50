/* pb-results-seen.c: the "Seen so far" row of Results */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pb-early-view.h"
#include "pb-explore-jobs.h"
#include "pb-results-seen.h"
#include "pb-run-scores.h"

/* labels under the slider at most */
#define SEEN_LABELS 6

struct _PbResultsSeen
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkDropDown *axis_dropdown;
  GtkScale *slider;
  GtkLabel *label;

  PbRun *run;
  PbRun *explored_run;       /* the run the curve was started for */
  PbRun *early_run;          /* the scores at the slider's point, NULL: the whole curves */
  LcEarlyCurve *curve;
  LcEarlyAxis axis;
  int point;                 /* the slider's index into the curve, -1 none */
  int shown_point;           /* the point whose scores are shown */
  GCancellable *curve_cancel, *point_cancel;
  int n_jobs;
  char *error;
  guint settle_timeout;
  gboolean updating;
};

G_DEFINE_FINAL_TYPE (PbResultsSeen, pb_results_seen, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_RUN,
  PROP_SHOWN_RUN,
  PROP_CURVE,
  PROP_POINT,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

PbRun *
pb_results_seen_get_shown_run (PbResultsSeen *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_SEEN (self), NULL);

  return self->early_run != NULL ? self->early_run : self->run;
}

/* Takes run (NULL: the whole curves, the run's own scores). */
static void
set_early_run (PbResultsSeen *self, PbRun *run)
{
  if (run == NULL && self->early_run == NULL)
    return;
  g_clear_pointer (&self->early_run, pb_run_unref);
  self->early_run = run;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOWN_RUN]);
}

static void
set_point (PbResultsSeen *self, int point)
{
  if (self->point == point)
    return;
  self->point = point;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POINT]);
}

/* Takes curve. */
static void
set_curve (PbResultsSeen *self, LcEarlyCurve *curve)
{
  if (curve == NULL && self->curve == NULL)
    return;
  g_clear_pointer (&self->curve, lc_early_curve_free);
  self->curve = curve;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURVE]);
}

/* A job started (+1) or ended (-1). */
static void
count_job (PbResultsSeen *self, int change)
{
  gboolean was_busy = self->n_jobs > 0;

  self->n_jobs += change;
  if (was_busy != (self->n_jobs > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Starts a job: a fresh cancellable in *slot, the old job's result dropped. */
static GCancellable *
begin_job (PbResultsSeen *self, GCancellable **slot)
{
  if (*slot != NULL)
    g_cancellable_cancel (*slot);
  g_clear_object (slot);
  *slot = g_cancellable_new ();
  count_job (self, +1);
  return *slot;
}

/* Ends a job; FALSE when its result is stale (cancelled or replaced). */
static gboolean
end_job (PbResultsSeen *self, GError *error)
{
  count_job (self, -1);
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  if (error != NULL)
    {
      g_free (self->error);
      self->error = g_strdup (error->message);
    }
  return TRUE;
}

static void
cancel_jobs (PbResultsSeen *self)
{
  g_clear_handle_id (&self->settle_timeout, g_source_remove);
  if (self->curve_cancel != NULL)
    g_cancellable_cancel (self->curve_cancel);
  if (self->point_cancel != NULL)
    g_cancellable_cancel (self->point_cancel);
}

static gboolean
point_on_curve (PbResultsSeen *self)
{
  return self->curve != NULL && self->point >= 0 && self->point < self->curve->n_points;
}

static void
show_label (PbResultsSeen *self)
{
  PbRun *run = pb_results_seen_get_shown_run (self);
  g_autofree char *amount = NULL;
  g_autofree char *text = NULL;

  if (!point_on_curve (self) || !pb_run_has_model (run))
    return;
  amount = pb_early_amount_label (self->axis, self->curve->amount[self->point]);
  /* short: it sits beside the slider; the tooltip says what was scored */
  if (self->curve->amount[self->point] <= 0)
    text = g_strdup_printf (_("Whole curves: accuracy %.3f"), run->evaluation->report->accuracy);
  else
    text = g_strdup_printf (self->axis == LC_EARLY_DAYS ? _("%s after detection: accuracy %.3f")
                                                        : _("First %s obs.: accuracy %.3f"),
                            amount, run->evaluation->report->accuracy);
  gtk_label_set_text (self->label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->label),
                               _("The confusion matrix and the per-class scores use this much of each "
                                 "validation light curve"));
}

/* Puts the slider at point without asking for its scores. */
static void
move_slider (PbResultsSeen *self, int point)
{
  self->updating = TRUE;
  gtk_range_set_value (GTK_RANGE (self->slider), point);
  self->updating = FALSE;
  set_point (self, point);
}

static void
point_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbResultsSeen *self = PB_RESULTS_SEEN (source);
  g_autoptr (GError) error = NULL;
  PbRun *early = pb_explore_point_finish (result, &error);

  if (!end_job (self, error))
    return;
  if (early == NULL)
    {
      gtk_label_set_text (self->label, error->message);
      return;
    }
  self->shown_point = self->point;
  set_early_run (self, early);
  show_label (self);
}

/* Scores the validation rows at the slider's point, in a worker. */
static void
request_point (PbResultsSeen *self)
{
  g_clear_handle_id (&self->settle_timeout, g_source_remove);
  if (!point_on_curve (self) || !pb_run_has_model (self->run))
    return;
  if (self->point_cancel != NULL)
    g_cancellable_cancel (self->point_cancel);
  /* the whole curves are the run's own scores: nothing to compute */
  if (self->curve->amount[self->point] <= 0)
    {
      self->shown_point = self->point;
      set_early_run (self, NULL);
      show_label (self);
      return;
    }
  gtk_label_set_text (self->label, _("Scoring…"));
  pb_explore_point_async (G_OBJECT (self), self->run, self->axis, self->curve->amount[self->point],
                          begin_job (self, &self->point_cancel), point_done_cb, NULL);
}

static gboolean
slider_settled_cb (gpointer data)
{
  PbResultsSeen *self = data;

  self->settle_timeout = 0;
  request_point (self);
  return G_SOURCE_REMOVE;
}

static void
slider_changed_cb (PbResultsSeen *self)
{
  if (self->updating)
    return;
  set_point (self, (int) lround (gtk_range_get_value (GTK_RANGE (self->slider))));
  /* compute once the slider settles, not at every pixel of a drag */
  g_clear_handle_id (&self->settle_timeout, g_source_remove);
  self->settle_timeout = g_timeout_add (200, slider_settled_cb, self);
}

/* Marks under the slider: a tick at every point, a label at every few (a
 * dozen labels run into each other). */
static void
mark_slider (PbResultsSeen *self, const LcEarlyCurve *curve)
{
  int every = MAX ((curve->n_points + SEEN_LABELS - 1) / SEEN_LABELS, 1);
  int last = curve->n_points - 1;

  gtk_scale_clear_marks (self->slider);
  for (int i = 0; i < curve->n_points; i++)
    {
      gboolean labelled = i == last || (i % every == 0 && last - i >= every);
      g_autofree char *mark = labelled ? pb_early_amount_label (self->axis, curve->amount[i]) : NULL;

      gtk_scale_add_mark (self->slider, i, GTK_POS_BOTTOM, mark);
    }
}

static void
curve_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbResultsSeen *self = PB_RESULTS_SEEN (source);
  g_autoptr (GError) error = NULL;
  LcEarlyCurve *curve = pb_explore_curve_finish (result, &error);

  if (!end_job (self, error))
    return;
  if (curve == NULL)
    {
      gtk_label_set_text (self->label, error->message);
      return;
    }
  self->updating = TRUE;
  gtk_range_set_range (GTK_RANGE (self->slider), 0, MAX (curve->n_points - 1, 1));
  mark_slider (self, curve);
  self->updating = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->slider), TRUE);
  set_curve (self, curve);
  self->shown_point = curve->n_points - 1;
  move_slider (self, self->shown_point);
  set_early_run (self, NULL);
  show_label (self);
}

static void
request_curve (PbResultsSeen *self)
{
  g_clear_handle_id (&self->settle_timeout, g_source_remove);
  if (self->point_cancel != NULL)
    g_cancellable_cancel (self->point_cancel);
  gtk_widget_set_sensitive (GTK_WIDGET (self->slider), FALSE);
  self->shown_point = -1;
  set_point (self, -1);
  set_curve (self, NULL);
  set_early_run (self, NULL);
  if (!pb_run_has_model (self->run))
    return;
  gtk_label_set_text (self->label, _("Computing the early-classification curve…"));
  pb_explore_curve_async (G_OBJECT (self), self->run, self->axis, begin_job (self, &self->curve_cancel),
                          curve_done_cb, NULL);
}

static void
axis_changed_cb (PbResultsSeen *self)
{
  LcEarlyAxis axis = gtk_drop_down_get_selected (self->axis_dropdown);

  if (axis == self->axis)
    return;
  self->axis = axis;
  request_curve (self);
}

void
pb_results_seen_explore (PbResultsSeen *self)
{
  g_return_if_fail (PB_IS_RESULTS_SEEN (self));

  if (self->explored_run == self->run || !pb_run_has_model (self->run))
    return;
  g_clear_pointer (&self->explored_run, pb_run_unref);
  self->explored_run = pb_run_ref (self->run);
  request_curve (self);
}

void
pb_results_seen_set_run (PbResultsSeen *self, PbRun *run)
{
  g_return_if_fail (PB_IS_RESULTS_SEEN (self));

  if (run != NULL)
    pb_run_ref (run);
  g_clear_pointer (&self->run, pb_run_unref);
  self->run = run;
  cancel_jobs (self);
  g_clear_pointer (&self->explored_run, pb_run_unref);
  g_clear_pointer (&self->error, g_free);
  set_early_run (self, NULL);
  set_curve (self, NULL);
  self->shown_point = -1;
  set_point (self, -1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->slider), FALSE);
  gtk_label_set_text (self->label, pb_run_has_model (run) ? "" : _("Needs a trained model"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
  /* the whole curves: the run's own scores */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOWN_RUN]);
}

PbRun *
pb_results_seen_get_run (PbResultsSeen *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_SEEN (self), NULL);

  return self->run;
}

void
pb_results_seen_set_axis (PbResultsSeen *self, LcEarlyAxis axis)
{
  g_return_if_fail (PB_IS_RESULTS_SEEN (self));

  /* the drop-down's handler starts the curve */
  gtk_drop_down_set_selected (self->axis_dropdown, axis);
}

void
pb_results_seen_set_point (PbResultsSeen *self, int index)
{
  g_return_if_fail (PB_IS_RESULTS_SEEN (self));

  move_slider (self, index);
  request_point (self);
}

int
pb_results_seen_get_point (PbResultsSeen *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_SEEN (self), -1);

  return self->point;
}

const LcEarlyCurve *
pb_results_seen_get_curve (PbResultsSeen *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_SEEN (self), NULL);

  return self->curve;
}

void
pb_results_seen_cancel (PbResultsSeen *self)
{
  g_return_if_fail (PB_IS_RESULTS_SEEN (self));

  cancel_jobs (self);
  if (self->curve == NULL)
    {
      if (self->explored_run != NULL)
        gtk_label_set_text (self->label, _("Cancelled"));
      /* so that showing Results again starts over */
      g_clear_pointer (&self->explored_run, pb_run_unref);
      return;
    }
  /* the slider goes back to what the matrix and table still show */
  move_slider (self, self->shown_point);
  show_label (self);
}

gboolean
pb_results_seen_is_busy (PbResultsSeen *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_SEEN (self), FALSE);

  return self->n_jobs > 0 || self->settle_timeout != 0;
}

const char *
pb_results_seen_get_error (PbResultsSeen *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_SEEN (self), NULL);

  return self->error;
}

const char *
pb_results_seen_get_text (PbResultsSeen *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_SEEN (self), NULL);

  return gtk_label_get_text (self->label);
}

static void
pb_results_seen_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbResultsSeen *self = PB_RESULTS_SEEN (object);

  switch (prop_id)
    {
    case PROP_RUN:
      g_value_set_boxed (value, self->run);
      break;
    case PROP_SHOWN_RUN:
      g_value_set_boxed (value, pb_results_seen_get_shown_run (self));
      break;
    case PROP_CURVE:
      g_value_set_pointer (value, self->curve);
      break;
    case PROP_POINT:
      g_value_set_int (value, self->point);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->n_jobs > 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_results_seen_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbResultsSeen *self = PB_RESULTS_SEEN (object);

  switch (prop_id)
    {
    case PROP_RUN:
      pb_results_seen_set_run (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_results_seen_dispose (GObject *object)
{
  PbResultsSeen *self = PB_RESULTS_SEEN (object);

  /* running jobs hold the row until their callbacks, which find them cancelled */
  cancel_jobs (self);
  g_clear_object (&self->curve_cancel);
  g_clear_object (&self->point_cancel);
  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_RESULTS_SEEN);
  g_clear_pointer (&self->run, pb_run_unref);
  g_clear_pointer (&self->explored_run, pb_run_unref);
  g_clear_pointer (&self->early_run, pb_run_unref);
  g_clear_pointer (&self->curve, lc_early_curve_free);
  G_OBJECT_CLASS (pb_results_seen_parent_class)->dispose (object);
}

static void
pb_results_seen_finalize (GObject *object)
{
  g_free (PB_RESULTS_SEEN (object)->error);
  G_OBJECT_CLASS (pb_results_seen_parent_class)->finalize (object);
}

static void
pb_results_seen_class_init (PbResultsSeenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_results_seen_dispose;
  object_class->finalize = pb_results_seen_finalize;
  object_class->get_property = pb_results_seen_get_property;
  object_class->set_property = pb_results_seen_set_property;

  properties[PROP_RUN] =
    g_param_spec_boxed ("run", NULL, NULL, PB_TYPE_RUN,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOWN_RUN] =
    g_param_spec_boxed ("shown-run", NULL, NULL, PB_TYPE_RUN, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURVE] = g_param_spec_pointer ("curve", NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_POINT] =
    g_param_spec_int ("point", NULL, NULL, -1, G_MAXINT, -1, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passband/Passband/ui/pb-results-seen.ui");
  gtk_widget_class_bind_template_child (widget_class, PbResultsSeen, box);
  gtk_widget_class_bind_template_child (widget_class, PbResultsSeen, axis_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PbResultsSeen, slider);
  gtk_widget_class_bind_template_child (widget_class, PbResultsSeen, label);
  gtk_widget_class_bind_template_callback (widget_class, axis_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, slider_changed_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
pb_results_seen_init (PbResultsSeen *self)
{
  self->point = self->shown_point = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->axis = gtk_drop_down_get_selected (self->axis_dropdown);
}

GtkWidget *
pb_results_seen_new (void)
{
  return g_object_new (PB_TYPE_RESULTS_SEEN, NULL);
}
