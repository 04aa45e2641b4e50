/* pb-results-wrong.c: the Currently Wrong tab of Results */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-results-wrong.h"

struct _PbResultsWrong
{
  GtkWidget parent_instance;

  PbResultsGallery *gallery;

  PbSession *session;
  PbTrainer *trainer;
  PbRun *run;
};

G_DEFINE_FINAL_TYPE (PbResultsWrong, pb_results_wrong, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
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
class_name (const LcDataset *ds, int c)
{
  return c >= 0 && c < ds->n_classes ? ds->classes[c].name : _("unknown");
}

void
pb_results_wrong_show_run (PbResultsWrong *self, PbRun *run)
{
  g_autoptr (GPtrArray) captions = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = NULL;
  guint n;

  g_return_if_fail (PB_IS_RESULTS_WRONG (self));
  g_return_if_fail (run != NULL);

  if (self->run != run)
    {
      g_clear_pointer (&self->run, pb_run_unref);
      self->run = pb_run_ref (run);
    }
  n = MIN (run->wrong_rows->len, PB_RESULTS_MAX_GALLERY);
  for (guint i = 0; i < n; i++)
    {
      const LcObject *o = &run->dataset->objects[g_array_index (run->wrong_rows, gsize, i)];
      int predicted = g_array_index (run->wrong_predicted, int, i);

      g_ptr_array_add (captions, g_strdup_printf (_("%s: %s → %s"), o->id, class_name (run->dataset, o->label),
                                                  class_name (run->dataset, predicted)));
    }
  text = g_strdup_printf (_("%s, epoch %u: %u of %d validation objects misclassified%s"), run->name,
                          run->epochs->len, run->wrong_rows->len, run->n_val,
                          run->wrong_rows->len > n ? _(" (the first ones shown)") : "");
  pb_gallery_view_set_attribution_run (pb_results_gallery_get_view (self->gallery), run);
  pb_results_gallery_show (self->gallery, run->dataset, (const gsize *) (void *) run->wrong_rows->data, n,
                           (const char *const *) captions->pdata, text);
}

PbRun *
pb_results_wrong_get_run (PbResultsWrong *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_WRONG (self), NULL);

  return self->run;
}

int
pb_results_wrong_predicted_for (PbResultsWrong *self, gsize object)
{
  g_return_val_if_fail (PB_IS_RESULTS_WRONG (self), -1);

  for (guint i = 0; self->run != NULL && i < self->run->wrong_rows->len; i++)
    if (g_array_index (self->run->wrong_rows, gsize, i) == object)
      return g_array_index (self->run->wrong_predicted, int, i);
  return -1;
}

PbResultsGallery *
pb_results_wrong_get_gallery (PbResultsWrong *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_WRONG (self), NULL);

  return self->gallery;
}

static void
trainer_wrong_cb (PbResultsWrong *self, PbRun *run)
{
  if (run->n_val > 0 && run->epochs->len > 0
      && lc_dataset_same_data (run->dataset, pb_session_get_dataset (self->session)))
    pb_results_wrong_show_run (self, run);
}

/* The run has its model once it is shown: its misclassified objects get their strips. */
static void
session_run_shown_cb (PbResultsWrong *self, PbRun *run)
{
  if (run != NULL && run == self->run)
    pb_gallery_view_set_attribution_run (pb_results_gallery_get_view (self->gallery), run);
}

/* Another dataset: what a run got wrong on the old one is not shown. */
static void
session_dataset_changed_cb (PbResultsWrong *self)
{
  if (self->run == NULL || lc_dataset_same_data (self->run->dataset, pb_session_get_dataset (self->session)))
    return;
  g_clear_pointer (&self->run, pb_run_unref);
  pb_results_gallery_clear (self->gallery, NULL);
}

static void
burst_requested_cb (PbResultsWrong *self, guint64 object)
{
  g_signal_emit (self, signals[BURST_REQUESTED], 0, object);
}

static void
set_session (PbResultsWrong *self, PbSession *session)
{
  self->session = g_object_ref (session);
  g_signal_connect_object (session, "dataset-changed", G_CALLBACK (session_dataset_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "run-shown", G_CALLBACK (session_run_shown_cb), self, G_CONNECT_SWAPPED);
  self->trainer = g_object_ref (pb_session_get_trainer (session));
  g_signal_connect_object (self->trainer, "wrong", G_CALLBACK (trainer_wrong_cb), self, G_CONNECT_SWAPPED);
  pb_results_gallery_set_session (self->gallery, session);
}

static void
pb_results_wrong_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbResultsWrong *self = PB_RESULTS_WRONG (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_results_wrong_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbResultsWrong *self = PB_RESULTS_WRONG (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_results_wrong_dispose (GObject *object)
{
  PbResultsWrong *self = PB_RESULTS_WRONG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_RESULTS_WRONG);
  g_clear_pointer (&self->run, pb_run_unref);
  g_clear_object (&self->trainer);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (pb_results_wrong_parent_class)->dispose (object);
}

static void
pb_results_wrong_class_init (PbResultsWrongClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_results_wrong_dispose;
  object_class->get_property = pb_results_wrong_get_property;
  object_class->set_property = pb_results_wrong_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, PB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[BURST_REQUESTED] = g_signal_new ("burst-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);

  g_type_ensure (PB_TYPE_RESULTS_GALLERY);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passband/Passband/ui/pb-results-wrong.ui");
  gtk_widget_class_bind_template_child (widget_class, PbResultsWrong, gallery);
  gtk_widget_class_bind_template_callback (widget_class, burst_requested_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
pb_results_wrong_init (PbResultsWrong *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  pb_results_gallery_clear (self->gallery, _("During training, the validation objects the model gets wrong at the "
                                             "latest epoch appear here"));
}

GtkWidget *
pb_results_wrong_new (PbSession *session)
{
  g_return_val_if_fail (PB_IS_SESSION (session), NULL);

  return g_object_new (PB_TYPE_RESULTS_WRONG, "session", session, NULL);
}
