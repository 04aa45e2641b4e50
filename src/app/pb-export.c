/* pb-export.c: render a view into PNG, SVG or PDF files */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "pb-export.h"

#include "nn-atomic.h"

gboolean
pb_export_format_from_path (const char *path, PbExportFormat *format)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".png"))
    *format = PB_EXPORT_PNG;
  else if (g_str_has_suffix (lower, ".svg"))
    *format = PB_EXPORT_SVG;
  else if (g_str_has_suffix (lower, ".pdf"))
    *format = PB_EXPORT_PDF;
  else
    return FALSE;
  return TRUE;
}

const char *
pb_export_format_extension (PbExportFormat format)
{
  switch (format)
    {
    case PB_EXPORT_SVG: return "svg";
    case PB_EXPORT_PDF: return "pdf";
    case PB_EXPORT_PNG:
    default: return "png";
    }
}

static gboolean
check_status (cairo_status_t status, const char *path, GError **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s: cannot write: %s"), path,
               cairo_status_to_string (status));
  return FALSE;
}

static cairo_status_t
write_to_file_cb (void *closure, const unsigned char *data, unsigned int length)
{
  return fwrite (data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* Drawn into a temporary file beside path (nn-atomic), renamed over it when
 * complete: a failed export never leaves half a picture. */
gboolean
pb_export_plottable (PbPlottable *view, const char *path, PbExportFormat format,
                     int width, int height, GError **error)
{
  g_autoptr (NnAtomicFile) file = NULL;
  g_autoptr (GError) local = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  PbPlotStyle style;
  cairo_status_t status;
  FILE *stream;

  g_return_val_if_fail (PB_IS_PLOTTABLE (view), FALSE);
  if (width < 1 || height < 1 || width > 20000 || height > 20000)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s: size %d × %d is out of range (1 to 20000)"), path, width, height);
      return FALSE;
    }
  file = nn_atomic_file_new (path, &local);
  stream = file != NULL ? nn_atomic_file_stream (file) : NULL;
  if (stream == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s: cannot write: %s"), path,
                   local != NULL ? local->message : g_strerror (errno));
      return FALSE;
    }
  pb_plot_style_init_light (&style);
  switch (format)
    {
    case PB_EXPORT_SVG:
      surface = cairo_svg_surface_create_for_stream (write_to_file_cb, stream, width, height);
      break;
    case PB_EXPORT_PDF:
      surface = cairo_pdf_surface_create_for_stream (write_to_file_cb, stream, width, height);
      break;
    case PB_EXPORT_PNG:
    default:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      break;
    }
  if (!check_status (cairo_surface_status (surface), path, error))
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }
  cr = cairo_create (surface);
  pb_plottable_draw (view, cr, width, height, &style);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && format == PB_EXPORT_PNG)
    status = cairo_surface_write_to_png_stream (surface, write_to_file_cb, stream);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (!check_status (status, path, error))
    return FALSE;
  if (!nn_atomic_file_commit (file, &local))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s: cannot write: %s"), path, local->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- the dialog ------------------------------------------------------- */

struct _PbExportDialog
{
  GtkWindow parent_instance;

  GtkSpinButton *width_spin;
  GtkSpinButton *height_spin;
  GtkDropDown *format_dropdown;

  PbPlottable *view;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (PbExportDialog, pb_export_dialog, GTK_TYPE_WINDOW)

static void
show_error (GtkWindow *parent, const char *message)
{
  GtkWidget *dialog = gtk_message_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s",
                                              _("The view could not be exported"));

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", message);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
chooser_response_cb (GtkNativeDialog *chooser, int response, PbExportDialog *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  PbExportFormat format = gtk_drop_down_get_selected (self->format_dropdown);

  if (response != GTK_RESPONSE_ACCEPT)
    return;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  path = file != NULL ? g_file_get_path (file) : NULL;
  if (path == NULL)
    return;
  /* a typed extension wins over the dropdown */
  pb_export_format_from_path (path, &format);
  if (!pb_export_plottable (self->view, path, format, gtk_spin_button_get_value_as_int (self->width_spin),
                            gtk_spin_button_get_value_as_int (self->height_spin), &error))
    {
      show_error (gtk_window_get_transient_for (GTK_WINDOW (self)), error->message);
      return;
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
export_clicked_cb (PbExportDialog *self)
{
  PbExportFormat format = gtk_drop_down_get_selected (self->format_dropdown);
  g_autofree char *stem = pb_plottable_export_name (self->view);
  g_autofree char *name = g_strdup_printf ("%s.%s", stem, pb_export_format_extension (format));

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Export View"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
pb_export_dialog_dispose (GObject *object)
{
  PbExportDialog *self = PB_EXPORT_DIALOG (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->view);
  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_EXPORT_DIALOG);
  G_OBJECT_CLASS (pb_export_dialog_parent_class)->dispose (object);
}

static void
pb_export_dialog_class_init (PbExportDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pb_export_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/passband/Passband/ui/pb-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PbExportDialog, width_spin);
  gtk_widget_class_bind_template_child (widget_class, PbExportDialog, height_spin);
  gtk_widget_class_bind_template_child (widget_class, PbExportDialog, format_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, export_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, gtk_window_close);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pb_export_dialog_init (PbExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PbExportDialog *
pb_export_dialog_new (GtkWindow *parent, PbPlottable *view, int width, int height)
{
  PbExportDialog *self = g_object_new (PB_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);

  self->view = g_object_ref (view);
  gtk_spin_button_set_value (self->width_spin, MAX (width, 400));
  gtk_spin_button_set_value (self->height_spin, MAX (height, 300));
  return self;
}
