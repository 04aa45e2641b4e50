/* test-object-list.c: the object browser's list model: lazy items, sorting,
 * filtering, and speed on a 50k-object dataset (no display needed). */
#include <gtk/gtk.h>
#include <math.h>

#include "pb-object-list.h"
#include "pb-test-dataset.h"

static void
test_items (void)
{
  g_autoptr(LcDataset) ds = pb_test_dataset_new (10);
  g_autoptr(PbObjectList) list = pb_object_list_new (ds);
  g_autoptr(PbObjectItem) item = NULL;
  g_autoptr(PbObjectItem) again = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 10);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == PB_TYPE_OBJECT_ITEM);
  g_assert_cmpuint (pb_object_list_get_n_created (list), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 10));

  item = g_list_model_get_item (G_LIST_MODEL (list), 4);
  again = g_list_model_get_item (G_LIST_MODEL (list), 4);
  g_assert_true (item == again);
  g_assert_cmpuint (pb_object_list_get_n_created (list), ==, 1);
  g_assert_cmpstr (pb_object_item_get_id (item), ==, "1004");
  g_assert_cmpstr (pb_object_item_get_class_name (item), ==, "RR Lyrae");
  g_assert_cmpint (pb_object_item_get_n_obs (item), ==, 48);
  g_assert_cmpfloat (pb_object_item_get_time_span (item), ==, 3.0 * 47);
  g_assert_cmpfloat (fabs (pb_object_item_get_redshift (item) - 0.4), <, 1e-6);

  {
    g_autoptr(PbObjectItem) odd = g_list_model_get_item (G_LIST_MODEL (list), 3);
    g_assert_true (isnan (pb_object_item_get_redshift (odd)));
    /* unknown redshifts sort after known ones */
    g_assert_cmpint (pb_object_item_compare_redshift (odd, item, NULL), >, 0);
    g_assert_cmpint (pb_object_item_compare_n_obs (odd, item, NULL), <, 0);
    g_assert_cmpint (pb_object_item_compare_id (odd, item, NULL), <, 0);
  }

  /* search: case-insensitive on id and class name; class filter by index */
  g_assert_true (pb_object_item_matches (item, NULL, -1));
  g_assert_true (pb_object_item_matches (item, "100", -1));
  g_assert_true (pb_object_item_matches (item, "lyr", -1));
  g_assert_false (pb_object_item_matches (item, "agn", -1));
  g_assert_true (pb_object_item_matches (item, "", 1));
  g_assert_false (pb_object_item_matches (item, "", 0));
}

static void
test_item_outlives_list (void)
{
  LcDataset *ds = pb_test_dataset_new (3);
  PbObjectList *list = pb_object_list_new (ds);
  PbObjectItem *item = g_list_model_get_item (G_LIST_MODEL (list), 2);

  lc_dataset_unref (ds);
  g_object_unref (list);
  g_assert_cmpstr (pb_object_item_get_id (item), ==, "1002");
  g_object_unref (item);
}

static gboolean
filter_func (gpointer item, gpointer data)
{
  return pb_object_item_matches (item, data, -1);
}

static void
test_sort_filter_50k (void)
{
  g_autoptr(LcDataset) ds = pb_test_dataset_new (50000);
  PbObjectList *list = pb_object_list_new (ds);
  GtkCustomFilter *filter;
  GtkFilterListModel *filtered;
  GtkCustomSorter *sorter;
  g_autoptr(GtkSortListModel) sorted = NULL;
  gint64 start = g_get_monotonic_time ();
  guint n;
  double ms;

  filter = gtk_custom_filter_new (filter_func, (gpointer) "99", NULL);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (list), GTK_FILTER (filter));
  sorter = gtk_custom_sorter_new (pb_object_item_compare_n_obs, NULL, NULL);

  sorted = gtk_sort_list_model_new (G_LIST_MODEL (filtered), GTK_SORTER (sorter));
  n = g_list_model_get_n_items (G_LIST_MODEL (sorted));
  ms = (g_get_monotonic_time () - start) / 1000.0;
  /* informative only: speed is a benchmark's business, not a unit test's */
  g_test_message ("items, filter and sort of 50000 objects: %.1f ms, %u match", ms, n);

  /* ids 1099, 1199, ..., 10990..10999, ... contain "99" */
  g_assert_cmpuint (n, >, 500);
  g_assert_cmpuint (n, <, 5000);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(PbObjectItem) a = g_list_model_get_item (G_LIST_MODEL (sorted), i - 1);
      g_autoptr(PbObjectItem) b = g_list_model_get_item (G_LIST_MODEL (sorted), i);
      g_assert_cmpint (pb_object_item_get_n_obs (a), <=, pb_object_item_get_n_obs (b));
      g_assert_nonnull (strstr (pb_object_item_get_id (b), "99"));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/object-list/items", test_items);
  g_test_add_func ("/app/object-list/item-outlives-list", test_item_outlives_list);
  g_test_add_func ("/app/object-list/sort-filter-50k", test_sort_filter_50k);
  return g_test_run ();
}
