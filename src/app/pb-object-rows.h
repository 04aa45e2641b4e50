/* pb-object-rows.h: a list of objects, one line of text each, for the
 * per-object history and the run comparison.  Selecting a row emits
 * "selected", activating it (double click, Enter) "activated"; both carry
 * the item the caller gave with the row. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PB_TYPE_OBJECT_ROWS (pb_object_rows_get_type ())
G_DECLARE_FINAL_TYPE (PbObjectRows, pb_object_rows, PB, OBJECT_ROWS, GtkWidget)

/* placeholder: the text shown when the list is empty. */
GtkWidget *pb_object_rows_new       (const char *placeholder);
/* Replaces the rows: items [n] and their captions [n] (copied). */
void       pb_object_rows_set       (PbObjectRows *self, const int *items,
                                     const char *const *captions, guint n);
void       pb_object_rows_set_placeholder (PbObjectRows *self, const char *placeholder);
guint      pb_object_rows_get_n_rows (PbObjectRows *self);
const char *pb_object_rows_get_caption (PbObjectRows *self, guint position);
int        pb_object_rows_get_item  (PbObjectRows *self, guint position);
/* The selected position, or -1. */
int        pb_object_rows_get_selected (PbObjectRows *self);
void       pb_object_rows_select    (PbObjectRows *self, guint position);
/* As a double click or Enter on the row. */
void       pb_object_rows_activate  (PbObjectRows *self, guint position);

G_END_DECLS
