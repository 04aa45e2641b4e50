/* pb-csv-mapping-dialog.h: which columns of a general long CSV hold the object,
 * time, band, value, error, detection flag and label (DESIGN §6). */
#pragma once

#include <gtk/gtk.h>

#include "lc-format.h"

G_BEGIN_DECLS

/* mapping is NULL when the user cancelled. */
typedef void (*PbCsvMappingFunc) (const LcCsvMapping *mapping, gpointer user_data);

#define PB_TYPE_CSV_MAPPING_DIALOG (pb_csv_mapping_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PbCsvMappingDialog, pb_csv_mapping_dialog, PB, CSV_MAPPING_DIALOG, GtkWindow)

PbCsvMappingDialog *pb_csv_mapping_dialog_new (GtkWindow *parent, const char *path,
                                               const char *const *header,
                                               PbCsvMappingFunc func, gpointer user_data);
/* The mapping the dialog shows now (for tests); free with lc_csv_mapping_free. */
LcCsvMapping *pb_csv_mapping_dialog_get_mapping (PbCsvMappingDialog *self);
/* Presses Open (or reports what is missing). */
void          pb_csv_mapping_dialog_accept      (PbCsvMappingDialog *self);

/* The first lines of the file the dialog shows, or NULL. */
const char         *pb_csv_mapping_dialog_get_preview (PbCsvMappingDialog *self);

G_END_DECLS
