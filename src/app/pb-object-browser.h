/* pb-object-browser.h: the object list of the Data page: a sortable column
 * view with search and a class filter (DESIGN §8). */
#pragma once

#include <gtk/gtk.h>

#include "lc-dataset.h"

G_BEGIN_DECLS

#define PB_TYPE_OBJECT_BROWSER (pb_object_browser_get_type ())
G_DECLARE_FINAL_TYPE (PbObjectBrowser, pb_object_browser, PB, OBJECT_BROWSER, GtkWidget)

GtkWidget *pb_object_browser_new          (void);
void       pb_object_browser_set_dataset  (PbObjectBrowser *self, LcDataset *ds);
/* The selected object's index in the dataset, or -1. */
gssize     pb_object_browser_get_selected (PbObjectBrowser *self);
/* Selects an object, clearing the search and class filter when they hide it. */
void       pb_object_browser_select_object (PbObjectBrowser *self, gsize object);
/* Moves the selection by delta rows in the shown order. */
void       pb_object_browser_select_relative (PbObjectBrowser *self, int delta);
/* class_index -1 shows every class. */
void       pb_object_browser_set_class_filter (PbObjectBrowser *self, int class_index);
int        pb_object_browser_get_class_filter (PbObjectBrowser *self);
void       pb_object_browser_set_search   (PbObjectBrowser *self, const char *text);
void       pb_object_browser_focus_search (PbObjectBrowser *self);
/* Rows shown after filtering. */
guint      pb_object_browser_get_n_shown  (PbObjectBrowser *self);
/* Object indices of the first max shown rows, in the shown order; *n gets the count. */
gsize     *pb_object_browser_get_shown_objects (PbObjectBrowser *self, guint max, guint *n);
/* Sorts by a column: "id", "class", "observations", "span" or "redshift". */
void       pb_object_browser_sort_by      (PbObjectBrowser *self, const char *column, GtkSortType order);

G_END_DECLS
