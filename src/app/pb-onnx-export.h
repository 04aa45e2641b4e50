/* pb-onnx-export.h: a trained model saved as ONNX from the app (lc-onnx.h). */
#pragma once

#include <gtk/gtk.h>

#include "nn-model-file.h"
#include "pb-window.h"

G_BEGIN_DECLS

/* Asks where to save (a native save dialog) and writes doc, a trained model,
 * as ONNX; a failure shows an error dialog that names the file. */
void pb_onnx_export_ask     (GtkWindow *parent, const NnModelDoc *doc);

/* What the dialog does once it has a file name: doc (a trained model) as ONNX at path. */
gboolean pb_onnx_export_write (const NnModelDoc *doc, const char *path, GError **error);

/* Adds win.export-onnx to window: it exports the latest run train_page emits
 * with "run-ready" (what Results shows), and is disabled until there is one
 * with a model. */
void pb_onnx_export_install (PbWindow *window, GtkWidget *train_page);

/* A button for win.export-onnx (Results). */
GtkWidget *pb_onnx_export_button_new (void);

G_END_DECLS
