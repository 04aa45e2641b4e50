/* pb-results-early.c: the Early Classification tab of Results */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pb-results-early.h"

struct _PbResultsEarly
{
  GtkWidget parent_instance;

  GtkWidget *box;
  PbEarlyView *view;
  GtkLabel *caption;

  PbResultsSeen *seen;
};

G_DEFINE_FINAL_TYPE (PbResultsEarly, pb_results_early, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SEEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "0.412", or a dash where a score is undefined (an AUC without both sides). */
static char *
score_text (double value)
{
  return isfinite (value) ? g_strdup_printf ("%.3f", value) : g_strdup ("–");
}

static void
show_point (PbResultsEarly *self)
{
  const LcEarlyCurve *curve = pb_early_view_get_curve (self->view);
  int point = pb_results_seen_get_point (self->seen);
  g_autofree char *amount = NULL;
  g_autofree char *accuracy = NULL, *f1 = NULL, *auc = NULL;
  g_autofree char *text = NULL;

  pb_early_view_set_marker (self->view, point);
  if (curve == NULL || point < 0 || point >= curve->n_points)
    {
      gtk_label_set_text (self->caption, "");
      return;
    }
  amount = pb_early_amount_label (curve->axis, curve->amount[point]);
  accuracy = score_text (curve->accuracy[point]);
  f1 = score_text (curve->macro_f1[point]);
  auc = score_text (curve->macro_auc[point]);
  if (curve->amount[point] <= 0)
    text = g_strdup_printf (_("Whole curves of %d objects: accuracy %s · macro F1 %s · macro AUC %s"),
                            curve->n_rows, accuracy, f1, auc);
  else
    text = g_strdup_printf (curve->axis == LC_EARLY_DAYS
                              ? _("%s after detection, %d objects: accuracy %s · macro F1 %s · macro AUC %s")
                              : _("First %s obs. of %d objects: accuracy %s · macro F1 %s · macro AUC %s"),
                            amount, curve->n_rows, accuracy, f1, auc);
  gtk_label_set_text (self->caption, text);
}

static void
curve_changed_cb (PbResultsEarly *self)
{
  pb_early_view_set_curve (self->view, lc_early_curve_copy (pb_results_seen_get_curve (self->seen)));
  show_point (self);
}

static void
set_seen (PbResultsEarly *self, PbResultsSeen *seen)
{
  self->seen = g_object_ref (seen);
  g_signal_connect_object (seen, "notify::curve", G_CALLBACK (curve_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (seen, "notify::point", G_CALLBACK (show_point), self, G_CONNECT_SWAPPED);
  curve_changed_cb (self);
}

PbEarlyView *
pb_results_early_get_view (PbResultsEarly *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_EARLY (self), NULL);

  return self->view;
}

const char *
pb_results_early_get_caption (PbResultsEarly *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_EARLY (self), NULL);

  return gtk_label_get_text (self->caption);
}

static void
pb_results_early_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbResultsEarly *self = PB_RESULTS_EARLY (object);

  switch (prop_id)
    {
    case PROP_SEEN:
      g_value_set_object (value, self->seen);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_results_early_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbResultsEarly *self = PB_RESULTS_EARLY (object);

  switch (prop_id)
    {
    case PROP_SEEN:
      set_seen (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_results_early_dispose (GObject *object)
{
  PbResultsEarly *self = PB_RESULTS_EARLY (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_RESULTS_EARLY);
  g_clear_object (&self->seen);
  G_OBJECT_CLASS (pb_results_early_parent_class)->dispose (object);
}

static void
pb_results_early_class_init (PbResultsEarlyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_results_early_dispose;
  object_class->get_property = pb_results_early_get_property;
  object_class->set_property = pb_results_early_set_property;

  properties[PROP_SEEN] =
    g_param_spec_object ("seen", NULL, NULL, PB_TYPE_RESULTS_SEEN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PB_TYPE_EARLY_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passband/Passband/ui/pb-results-early.ui");
  gtk_widget_class_bind_template_child (widget_class, PbResultsEarly, box);
  gtk_widget_class_bind_template_child (widget_class, PbResultsEarly, view);
  gtk_widget_class_bind_template_child (widget_class, PbResultsEarly, caption);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
pb_results_early_init (PbResultsEarly *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
pb_results_early_new (PbResultsSeen *seen)
{
  g_return_val_if_fail (PB_IS_RESULTS_SEEN (seen), NULL);

  return g_object_new (PB_TYPE_RESULTS_EARLY, "seen", seen, NULL);
}
