/* pb-results-confusion.c: the Confusion Matrix tab of Results */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-results-confusion.h"

struct _PbResultsConfusion
{
  GtkWidget parent_instance;

  GtkWidget *paned;
  GtkToggleButton *normalise_toggle;
  PbConfusionView *view;
  PbResultsGallery *gallery;

  PbSession *session;
  PbRun *run;
  int cell_true, cell_predicted;   /* the chosen cell, -1 none */
};

G_DEFINE_FINAL_TYPE (PbResultsConfusion, pb_results_confusion, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_RUN,
  N_PROPS
};

enum
{
  BURST_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

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

void
pb_results_confusion_show_cell (PbResultsConfusion *self, int t, int p)
{
  const LcEvaluation *ev;
  g_autoptr (GPtrArray) captions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) objects = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autofree char *text = NULL;
  int k, total = 0;

  g_return_if_fail (PB_IS_RESULTS_CONFUSION (self));

  if (self->run == NULL || self->run->evaluation == NULL)
    return;
  ev = self->run->evaluation;
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
      g_ptr_array_add (captions, probability_caption (self->run, i));
    }
  self->cell_true = t;
  self->cell_predicted = p;
  if (total > (int) objects->len)
    text = g_strdup_printf (_("True %s, predicted %s: %d objects (the first %u shown)"),
                            pb_run_class_name (self->run, t), pb_run_class_name (self->run, p), total, objects->len);
  else
    text = g_strdup_printf (ngettext ("True %s, predicted %s: %d object", "True %s, predicted %s: %d objects",
                                      total),
                            pb_run_class_name (self->run, t), pb_run_class_name (self->run, p), total);
  pb_gallery_view_set_attribution_run (pb_results_gallery_get_view (self->gallery), self->run);
  pb_results_gallery_show (self->gallery, self->run->dataset, (const gsize *) (void *) objects->data, objects->len,
                           (const char *const *) captions->pdata, text);
}

static void
cell_activated_cb (PbResultsConfusion *self, int t, int p)
{
  pb_results_confusion_show_cell (self, t, p);
}

static void
normalise_toggled_cb (PbResultsConfusion *self)
{
  pb_confusion_view_set_normalised (self->view, gtk_toggle_button_get_active (self->normalise_toggle));
}

static void
burst_requested_cb (PbResultsConfusion *self, guint64 object)
{
  g_signal_emit (self, signals[BURST_REQUESTED], 0, object);
}

/* Whether a cell of one run means the same objects' classes in the other. */
static gboolean
same_classes (PbRun *a, PbRun *b)
{
  return a != NULL && b != NULL && lc_dataset_same_data (a->dataset, b->dataset) && pb_run_n_classes (a) == pb_run_n_classes (b);
}

void
pb_results_confusion_set_run (PbResultsConfusion *self, PbRun *run)
{
  gboolean keep_cell;

  g_return_if_fail (PB_IS_RESULTS_CONFUSION (self));

  if (run == self->run)
    return;
  keep_cell = same_classes (run, self->run) && self->cell_true >= 0;
  if (run != NULL)
    pb_run_ref (run);
  g_clear_pointer (&self->run, pb_run_unref);
  self->run = run;
  pb_confusion_view_set_run (self->view, run);
  if (keep_cell)
    pb_results_confusion_show_cell (self, self->cell_true, self->cell_predicted);
  else
    {
      self->cell_true = self->cell_predicted = -1;
      pb_results_gallery_clear (self->gallery, _("Click a cell to see the light curves behind it"));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
}

PbRun *
pb_results_confusion_get_run (PbResultsConfusion *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_CONFUSION (self), NULL);

  return self->run;
}

PbConfusionView *
pb_results_confusion_get_view (PbResultsConfusion *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_CONFUSION (self), NULL);

  return self->view;
}

PbResultsGallery *
pb_results_confusion_get_gallery (PbResultsConfusion *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_CONFUSION (self), NULL);

  return self->gallery;
}

static void
pb_results_confusion_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbResultsConfusion *self = PB_RESULTS_CONFUSION (object);

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
pb_results_confusion_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbResultsConfusion *self = PB_RESULTS_CONFUSION (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_set_object (&self->session, g_value_get_object (value));
      pb_results_gallery_set_session (self->gallery, self->session);
      break;
    case PROP_RUN:
      pb_results_confusion_set_run (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_results_confusion_dispose (GObject *object)
{
  PbResultsConfusion *self = PB_RESULTS_CONFUSION (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_RESULTS_CONFUSION);
  g_clear_pointer (&self->run, pb_run_unref);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (pb_results_confusion_parent_class)->dispose (object);
}

static void
pb_results_confusion_class_init (PbResultsConfusionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_results_confusion_dispose;
  object_class->get_property = pb_results_confusion_get_property;
  object_class->set_property = pb_results_confusion_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, PB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUN] =
    g_param_spec_boxed ("run", NULL, NULL, PB_TYPE_RUN,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[BURST_REQUESTED] = g_signal_new ("burst-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);

  g_type_ensure (PB_TYPE_CONFUSION_VIEW);
  g_type_ensure (PB_TYPE_RESULTS_GALLERY);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/passband/Passband/ui/pb-results-confusion.ui");
  gtk_widget_class_bind_template_child (widget_class, PbResultsConfusion, paned);
  gtk_widget_class_bind_template_child (widget_class, PbResultsConfusion, normalise_toggle);
  gtk_widget_class_bind_template_child (widget_class, PbResultsConfusion, view);
  gtk_widget_class_bind_template_child (widget_class, PbResultsConfusion, gallery);
  gtk_widget_class_bind_template_callback (widget_class, cell_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, normalise_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, burst_requested_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
pb_results_confusion_init (PbResultsConfusion *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cell_true = self->cell_predicted = -1;
  pb_results_gallery_clear (self->gallery, _("Click a cell to see the light curves behind it"));
}

GtkWidget *
pb_results_confusion_new (PbSession *session)
{
  return g_object_new (PB_TYPE_RESULTS_CONFUSION, "session", session, NULL);
}
