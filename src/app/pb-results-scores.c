/* pb-results-scores.c: the Per-Class Scores tab of Results */
#include "config.h"

#include "pb-results-scores.h"

struct _PbResultsScores
{
  GtkWidget parent_instance;

  GtkWidget *scroller;
  PbClassTable *table;

  PbRun *run;
};

G_DEFINE_FINAL_TYPE (PbResultsScores, pb_results_scores, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_RUN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
pb_results_scores_set_run (PbResultsScores *self, PbRun *run)
{
  g_return_if_fail (PB_IS_RESULTS_SCORES (self));

  if (run == self->run)
    return;
  if (run != NULL)
    pb_run_ref (run);
  g_clear_pointer (&self->run, pb_run_unref);
  self->run = run;
  pb_class_table_set_run (self->table, run);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
}

PbRun *
pb_results_scores_get_run (PbResultsScores *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_SCORES (self), NULL);

  return self->run;
}

PbClassTable *
pb_results_scores_get_view (PbResultsScores *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_SCORES (self), NULL);

  return self->table;
}

static void
pb_results_scores_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbResultsScores *self = PB_RESULTS_SCORES (object);

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
pb_results_scores_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbResultsScores *self = PB_RESULTS_SCORES (object);

  switch (prop_id)
    {
    case PROP_RUN:
      pb_results_scores_set_run (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_results_scores_dispose (GObject *object)
{
  PbResultsScores *self = PB_RESULTS_SCORES (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_RESULTS_SCORES);
  g_clear_pointer (&self->run, pb_run_unref);
  G_OBJECT_CLASS (pb_results_scores_parent_class)->dispose (object);
}

static void
pb_results_scores_class_init (PbResultsScoresClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_results_scores_dispose;
  object_class->get_property = pb_results_scores_get_property;
  object_class->set_property = pb_results_scores_set_property;

  properties[PROP_RUN] =
    g_param_spec_boxed ("run", NULL, NULL, PB_TYPE_RUN,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PB_TYPE_CLASS_TABLE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/passband/Passband/ui/pb-results-scores.ui");
  gtk_widget_class_bind_template_child (widget_class, PbResultsScores, scroller);
  gtk_widget_class_bind_template_child (widget_class, PbResultsScores, table);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
pb_results_scores_init (PbResultsScores *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
pb_results_scores_new (void)
{
  return g_object_new (PB_TYPE_RESULTS_SCORES, NULL);
}
