/* pb-object-list.h: the objects of a dataset as a GListModel for the browser.
 *
 * Items are made on first use and kept, so a 50k-object survey costs nothing
 * until a view asks for rows (sorting and filtering do visit every row once).
 */
#pragma once

#include <gio/gio.h>

#include "lc-dataset.h"

G_BEGIN_DECLS

#define PB_TYPE_OBJECT_ITEM (pb_object_item_get_type ())
G_DECLARE_FINAL_TYPE (PbObjectItem, pb_object_item, PB, OBJECT_ITEM, GObject)

gsize       pb_object_item_get_index      (PbObjectItem *self);
const char *pb_object_item_get_id         (PbObjectItem *self);
int         pb_object_item_get_label      (PbObjectItem *self);   /* class index or -1 */
const char *pb_object_item_get_class_name (PbObjectItem *self);   /* "" when unknown */
int         pb_object_item_get_n_obs      (PbObjectItem *self);
double      pb_object_item_get_time_span  (PbObjectItem *self);   /* last - first time */
double      pb_object_item_get_redshift   (PbObjectItem *self);   /* specz, else photoz, else NaN */

#define PB_TYPE_OBJECT_LIST (pb_object_list_get_type ())
G_DECLARE_FINAL_TYPE (PbObjectList, pb_object_list, PB, OBJECT_LIST, GObject)

PbObjectList *pb_object_list_new         (LcDataset *ds);
LcDataset    *pb_object_list_get_dataset (PbObjectList *self);
/* Number of items created so far (for tests of the lazy behaviour). */
guint         pb_object_list_get_n_created (PbObjectList *self);

/* Compare functions for sorters (GCompareDataFunc on PbObjectItem). */
int pb_object_item_compare_id        (gconstpointer a, gconstpointer b, gpointer unused);
int pb_object_item_compare_class     (gconstpointer a, gconstpointer b, gpointer unused);
int pb_object_item_compare_n_obs     (gconstpointer a, gconstpointer b, gpointer unused);
int pb_object_item_compare_time_span (gconstpointer a, gconstpointer b, gpointer unused);
int pb_object_item_compare_redshift  (gconstpointer a, gconstpointer b, gpointer unused);

/* Whether the item matches a search (case-insensitive substring of id or class
 * name; NULL or "" matches all) and a class index (-1 matches all). */
gboolean pb_object_item_matches (PbObjectItem *self, const char *search_folded, int class_index);

G_END_DECLS
