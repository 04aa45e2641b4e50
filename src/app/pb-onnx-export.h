/* pb-onnx-export.h: a trained model saved as ONNX from the app (lc-onnx.h). */
#pragma once

#include <gtk/gtk.h>

#include "nn-model-file.h"
#include "pb-session.h"
#include "pb-window.h"

G_BEGIN_DECLS

/* Asks where to save (a native save dialog) and writes doc, a trained model,
 * as ONNX; a failure shows an error dialog that names the file. */
void pb_onnx_export_ask     (GtkWindow *parent, const NnModelDoc *doc);

/* What the dialog does once it has a file name: doc (a trained model) as ONNX at path. */
gboolean pb_onnx_export_write (const NnModelDoc *doc, const char *path, GError **error);

/* Adds win.export-onnx to window: it exports the run Results shows (the
 * session's shown run), and is disabled while that run has no trained model. */
void pb_onnx_export_install (PbWindow *window, PbSession *session);

/* A button for win.export-onnx (Results). */
GtkWidget *pb_onnx_export_button_new (void);

G_END_DECLS
