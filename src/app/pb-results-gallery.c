/* pb-results-gallery.c: the light curves behind a Results panel */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-results-gallery.h"

struct _PbResultsGallery
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkLabel *caption;
  GtkWidget *burst_button;
  PbGalleryView *view;

  PbSession *session;
  LcDataset *dataset;        /* of the objects shown */
};

G_DEFINE_FINAL_TYPE (PbResultsGallery, pb_results_gallery, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_DESCRIPTION,
  N_PROPS
};

enum
{
  BURST_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
object_activated_cb (PbResultsGallery *self, gint64 object)
{
  if (self->session == NULL || !lc_dataset_same_data (pb_session_get_dataset (self->session), self->dataset))
    {
      pb_results_gallery_set_caption (self, _("This run's dataset is no longer open"));
      return;
    }
  pb_session_show_object (self->session, object);
}

static void
burst_clicked_cb (PbResultsGallery *self)
{
  int position = pb_gallery_view_get_selected (self->view);

  if (position >= 0)
    g_signal_emit (self, signals[BURST_REQUESTED], 0, (guint64) pb_gallery_view_get_object (self->view, position));
}

void
pb_results_gallery_set_caption (PbResultsGallery *self, const char *caption)
{
  g_return_if_fail (PB_IS_RESULTS_GALLERY (self));

  gtk_label_set_text (self->caption, caption != NULL ? caption : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->caption), caption != NULL && caption[0] != '\0' ? caption : NULL);
}

const char *
pb_results_gallery_get_caption (PbResultsGallery *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_GALLERY (self), NULL);

  return gtk_label_get_text (self->caption);
}

void
pb_results_gallery_show (PbResultsGallery *self, LcDataset *ds, const gsize *objects, guint n,
                         const char *const *captions, const char *caption)
{
  g_return_if_fail (PB_IS_RESULTS_GALLERY (self));

  if (ds != NULL)
    lc_dataset_ref (ds);
  g_clear_pointer (&self->dataset, lc_dataset_unref);
  self->dataset = ds;
  pb_gallery_view_set_items (self->view, ds, objects, n, captions);
  pb_results_gallery_set_caption (self, caption);
}

void
pb_results_gallery_clear (PbResultsGallery *self, const char *caption)
{
  pb_results_gallery_show (self, NULL, NULL, 0, NULL, caption);
}

PbGalleryView *
pb_results_gallery_get_view (PbResultsGallery *self)
{
  g_return_val_if_fail (PB_IS_RESULTS_GALLERY (self), NULL);

  return self->view;
}

void
pb_results_gallery_set_session (PbResultsGallery *self, PbSession *session)
{
  g_return_if_fail (PB_IS_RESULTS_GALLERY (self));

  if (g_set_object (&self->session, session))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
set_description (PbResultsGallery *self, const char *description)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description != NULL ? description : "", -1);
}

static void
pb_results_gallery_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbResultsGallery *self = PB_RESULTS_GALLERY (object);

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
pb_results_gallery_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbResultsGallery *self = PB_RESULTS_GALLERY (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      pb_results_gallery_set_session (self, g_value_get_object (value));
      break;
    case PROP_DESCRIPTION:
      set_description (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_results_gallery_dispose (GObject *object)
{
  PbResultsGallery *self = PB_RESULTS_GALLERY (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_RESULTS_GALLERY);
  g_clear_object (&self->session);
  g_clear_pointer (&self->dataset, lc_dataset_unref);
  G_OBJECT_CLASS (pb_results_gallery_parent_class)->dispose (object);
}

static void
pb_results_gallery_class_init (PbResultsGalleryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_results_gallery_dispose;
  object_class->get_property = pb_results_gallery_get_property;
  object_class->set_property = pb_results_gallery_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, PB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL, G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[BURST_REQUESTED] = g_signal_new ("burst-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);

  g_type_ensure (PB_TYPE_GALLERY_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passband/Passband/ui/pb-results-gallery.ui");
  gtk_widget_class_bind_template_child (widget_class, PbResultsGallery, box);
  gtk_widget_class_bind_template_child (widget_class, PbResultsGallery, caption);
  gtk_widget_class_bind_template_child (widget_class, PbResultsGallery, burst_button);
  gtk_widget_class_bind_template_child (widget_class, PbResultsGallery, view);
  gtk_widget_class_bind_template_callback (widget_class, object_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, burst_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
pb_results_gallery_init (PbResultsGallery *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
pb_results_gallery_new (PbSession *session, const char *description)
{
  return g_object_new (PB_TYPE_RESULTS_GALLERY, "session", session, "description", description, NULL);
}
