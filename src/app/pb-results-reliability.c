/* pb-results-reliability.c: the Reliability tab of Results */
#include "config.h"

#include "pb-results-reliability.h"

struct _PbResultsReliability
{
  GtkWidget parent_instance;

  PbReliabilityView *view;

  PbRun *run;
};

G_DEFINE_FINAL_TYPE (PbResultsReliability, pb_results_reliability, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_RUN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
pb_results_reliability_set_run (PbResultsReliability *self, PbRun *run)
{
  g_return_if_fail (PB_IS_RESULTS_RELIABILITY (self));

  if (run == self->run)
    return;
  if (run != NULL)
    pb_run_ref (run);
  g_clear_pointer (&self->run, pb_run_unref);
  self->run = run;
  pb_reliability_view_set_run (self->view, run);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
}

PbRun *
pb_results_reliability_get_run (PbResultsReliability *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_RELIABILITY (self), NULL);

  return self->run;
}

PbReliabilityView *
pb_results_reliability_get_view (PbResultsReliability *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_RELIABILITY (self), NULL);

  return self->view;
}

static void
pb_results_reliability_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbResultsReliability *self = PB_RESULTS_RELIABILITY (object);

  switch (prop_id)
    {
    case PROP_RUN:
      g_value_set_boxed (value, self->run);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_results_reliability_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbResultsReliability *self = PB_RESULTS_RELIABILITY (object);

  switch (prop_id)
    {
    case PROP_RUN:
      pb_results_reliability_set_run (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_results_reliability_dispose (GObject *object)
{
  PbResultsReliability *self = PB_RESULTS_RELIABILITY (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_RESULTS_RELIABILITY);
  g_clear_pointer (&self->run, pb_run_unref);
  G_OBJECT_CLASS (pb_results_reliability_parent_class)->dispose (object);
}

static void
pb_results_reliability_class_init (PbResultsReliabilityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_results_reliability_dispose;
  object_class->get_property = pb_results_reliability_get_property;
  object_class->set_property = pb_results_reliability_set_property;

  properties[PROP_RUN] =
    g_param_spec_boxed ("run", NULL, NULL, PB_TYPE_RUN,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PB_TYPE_RELIABILITY_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/passband/Passband/ui/pb-results-reliability.ui");
  gtk_widget_class_bind_template_child (widget_class, PbResultsReliability, view);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
pb_results_reliability_init (PbResultsReliability *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
pb_results_reliability_new (void)
{
  return g_object_new (PB_TYPE_RESULTS_RELIABILITY, NULL);
}
