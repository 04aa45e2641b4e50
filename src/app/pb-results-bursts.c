/* pb-results-bursts.c: the Bursts tab of Results */
#include "config.h"

#include "lc-burst.h"
#include "pb-results-bursts.h"

struct _PbResultsBursts
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkDropDown *class_dropdown;
  GtkStringList *class_names;
  PbBurstView *view;

  PbSession *session;
  PbRun *run;
  LcDataset *dataset;        /* whose classes the drop-down lists */
  GArray *classes;           /* int: dataset class index of each entry of the drop-down */
  gboolean listing;          /* the drop-down's entries are being replaced */
};

G_DEFINE_FINAL_TYPE (PbResultsBursts, pb_results_bursts, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_RUN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
class_changed_cb (PbResultsBursts *self)
{
  guint i = gtk_drop_down_get_selected (self->class_dropdown);

  if (self->listing)
    return;
  if (self->dataset == NULL || i >= self->classes->len)
    pb_burst_view_set_class (self->view, NULL, -1);
  else
    pb_burst_view_set_class (self->view, self->dataset, g_array_index (self->classes, int, i));
}

/* The transient classes of ds with objects, in the drop-down. */
static void
list_classes (PbResultsBursts *self, LcDataset *ds)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->class_names));
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  if (ds != NULL)
    lc_dataset_ref (ds);
  g_clear_pointer (&self->dataset, lc_dataset_unref);
  self->dataset = ds;
  g_array_set_size (self->classes, 0);
  for (int c = 0; ds != NULL && c < ds->n_classes; c++)
    if (ds->classes[c].count > 0 && lc_burst_class_is_transient (ds, c))
      {
        g_array_append_val (self->classes, c);
        g_ptr_array_add (names, ds->classes[c].name);
      }
  g_ptr_array_add (names, NULL);
  /* the typical curves are measured once, for the class selected after */
  self->listing = TRUE;
  gtk_string_list_splice (self->class_names, 0, n, (const char *const *) names->pdata);
  self->listing = FALSE;
  class_changed_cb (self);
}

static LcDataset *
current_dataset (PbResultsBursts *self)
{
  if (self->run != NULL)
    return self->run->dataset;
  return self->session != NULL ? pb_session_get_dataset (self->session) : NULL;
}

static void
session_dataset_changed_cb (PbResultsBursts *self)
{
  if (current_dataset (self) != self->dataset)
    list_classes (self, current_dataset (self));
}

void
pb_results_bursts_set_run (PbResultsBursts *self, PbRun *run)
{
  g_return_if_fail (PB_IS_RESULTS_BURSTS (self));

  if (run != NULL)
    pb_run_ref (run);
  g_clear_pointer (&self->run, pb_run_unref);
  self->run = run;
  list_classes (self, current_dataset (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
}

void
pb_results_bursts_show_object (PbResultsBursts *self, LcDataset *ds, gsize object, int true_class,
                               int predicted_class)
{
  g_return_if_fail (PB_IS_RESULTS_BURSTS (self));
  g_return_if_fail (ds != NULL && object < ds->n_objects);

  pb_burst_view_set_object (self->view, ds, object, true_class, predicted_class);
}

gboolean
pb_results_bursts_select (PbResultsBursts *self, guint i)
{
  g_return_val_if_fail (PB_IS_RESULTS_BURSTS (self), FALSE);

  if (i >= self->classes->len)
    return FALSE;
  if (gtk_drop_down_get_selected (self->class_dropdown) == i)
    class_changed_cb (self);
  else
    gtk_drop_down_set_selected (self->class_dropdown, i);
  return TRUE;
}

PbBurstView *
pb_results_bursts_get_view (PbResultsBursts *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_BURSTS (self), NULL);

  return self->view;
}

static void
set_session (PbResultsBursts *self, PbSession *session)
{
  self->session = g_object_ref (session);
  g_signal_connect_object (session, "dataset-changed", G_CALLBACK (session_dataset_changed_cb), self,
                           G_CONNECT_SWAPPED);
  session_dataset_changed_cb (self);
}

static void
pb_results_bursts_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbResultsBursts *self = PB_RESULTS_BURSTS (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_RUN:
      g_value_set_boxed (value, self->run);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_results_bursts_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbResultsBursts *self = PB_RESULTS_BURSTS (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      set_session (self, g_value_get_object (value));
      break;
    case PROP_RUN:
      pb_results_bursts_set_run (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_results_bursts_dispose (GObject *object)
{
  PbResultsBursts *self = PB_RESULTS_BURSTS (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_RESULTS_BURSTS);
  g_clear_pointer (&self->run, pb_run_unref);
  g_clear_pointer (&self->dataset, lc_dataset_unref);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (pb_results_bursts_parent_class)->dispose (object);
}

static void
pb_results_bursts_finalize (GObject *object)
{
  g_array_unref (PB_RESULTS_BURSTS (object)->classes);
  G_OBJECT_CLASS (pb_results_bursts_parent_class)->finalize (object);
}

static void
pb_results_bursts_class_init (PbResultsBurstsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_results_bursts_dispose;
  object_class->finalize = pb_results_bursts_finalize;
  object_class->get_property = pb_results_bursts_get_property;
  object_class->set_property = pb_results_bursts_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, PB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUN] =
    g_param_spec_boxed ("run", NULL, NULL, PB_TYPE_RUN,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PB_TYPE_BURST_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passband/Passband/ui/pb-results-bursts.ui");
  gtk_widget_class_bind_template_child (widget_class, PbResultsBursts, box);
  gtk_widget_class_bind_template_child (widget_class, PbResultsBursts, class_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PbResultsBursts, class_names);
  gtk_widget_class_bind_template_child (widget_class, PbResultsBursts, view);
  gtk_widget_class_bind_template_callback (widget_class, class_changed_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
pb_results_bursts_init (PbResultsBursts *self)
{
  self->classes = g_array_new (FALSE, FALSE, sizeof (int));
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
pb_results_bursts_new (PbSession *session)
{
  g_return_val_if_fail (PB_IS_SESSION (session), NULL);

  return g_object_new (PB_TYPE_RESULTS_BURSTS, "session", session, NULL);
}
