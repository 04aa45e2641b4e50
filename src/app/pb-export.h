/* pb-export.h: any view to PNG, SVG or PDF at a chosen size (DESIGN §8). */
#pragma once

#include <gtk/gtk.h>

#include "pb-plottable.h"

G_BEGIN_DECLS

typedef enum
{
  PB_EXPORT_PNG,
  PB_EXPORT_SVG,
  PB_EXPORT_PDF,
} PbExportFormat;

/* The format a file name asks for by its extension; FALSE when unknown. */
gboolean    pb_export_format_from_path (const char *path, PbExportFormat *format);
const char *pb_export_format_extension (PbExportFormat format);

/* Draws view at width x height (pixels, or points for PDF) into path, on the light
 * style so exports print well whatever the desktop theme. */
gboolean pb_export_plottable (PbPlottable *view, const char *path, PbExportFormat format,
                              int width, int height, GError **error);

#define PB_TYPE_EXPORT_DIALOG (pb_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PbExportDialog, pb_export_dialog, PB, EXPORT_DIALOG, GtkWindow)

/* A dialog asking for the size and format, then for the file. */
PbExportDialog *pb_export_dialog_new (GtkWindow *parent, PbPlottable *view, int width, int height);

G_END_DECLS
