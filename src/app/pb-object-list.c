/* pb-object-list.c: lazily created list items over an LcDataset */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pb-object-list.h"

struct _PbObjectItem
{
  GObject parent_instance;

  LcDataset *dataset;   /* a reference: an item may outlive its list */
  gsize index;
  double redshift;      /* looked up once: sorting compares it many times */
};

G_DEFINE_FINAL_TYPE (PbObjectItem, pb_object_item, G_TYPE_OBJECT)

static void
pb_object_item_finalize (GObject *object)
{
  PbObjectItem *self = PB_OBJECT_ITEM (object);

  g_clear_pointer (&self->dataset, lc_dataset_unref);
  G_OBJECT_CLASS (pb_object_item_parent_class)->finalize (object);
}

static void
pb_object_item_class_init (PbObjectItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pb_object_item_finalize;
}

static void
pb_object_item_init (PbObjectItem *self)
{
}

static const LcObject *
item_object (PbObjectItem *self)
{
  return &self->dataset->objects[self->index];
}

gsize
pb_object_item_get_index (PbObjectItem *self)
{
  return self->index;
}

const char *
pb_object_item_get_id (PbObjectItem *self)
{
  return item_object (self)->id;
}

int
pb_object_item_get_label (PbObjectItem *self)
{
  return item_object (self)->label;
}

const char *
pb_object_item_get_class_name (PbObjectItem *self)
{
  int label = item_object (self)->label;

  return label >= 0 && label < self->dataset->n_classes ? self->dataset->classes[label].name : "";
}

int
pb_object_item_get_n_obs (PbObjectItem *self)
{
  return item_object (self)->n_obs;
}

double
pb_object_item_get_time_span (PbObjectItem *self)
{
  const LcObject *o = item_object (self);

  if (o->n_obs == 0)
    return 0;
  return self->dataset->time[o->first + o->n_obs - 1] - self->dataset->time[o->first];
}

static int
meta_index (const LcDataset *ds, const char *name)
{
  for (int m = 0; m < ds->n_meta && ds->meta_names != NULL; m++)
    if (g_strcmp0 (ds->meta_names[m], name) == 0)
      return m;
  return -1;
}

double
pb_object_item_get_redshift (PbObjectItem *self)
{
  return self->redshift;
}

static double
lookup_redshift (PbObjectItem *self)
{
  const LcObject *o = item_object (self);
  int specz = meta_index (self->dataset, "hostgal_specz");
  int photoz = meta_index (self->dataset, "hostgal_photoz");

  if (specz >= 0 && isfinite (o->meta[specz]))
    return o->meta[specz];
  if (photoz >= 0 && isfinite (o->meta[photoz]))
    return o->meta[photoz];
  return NAN;
}

gboolean
pb_object_item_matches (PbObjectItem *self, const char *search_folded, int class_index)
{
  const LcObject *o = item_object (self);
  g_autofree char *id = NULL;
  g_autofree char *class_name = NULL;

  if (class_index >= 0 && o->label != class_index)
    return FALSE;
  if (search_folded == NULL || search_folded[0] == '\0')
    return TRUE;
  id = g_utf8_casefold (o->id, -1);
  if (strstr (id, search_folded) != NULL)
    return TRUE;
  class_name = g_utf8_casefold (pb_object_item_get_class_name (self), -1);
  return strstr (class_name, search_folded) != NULL;
}

static int
compare_doubles (double a, double b)
{
  /* unknown values sort last */
  if (isnan (a) || isnan (b))
    return isnan (a) - isnan (b);
  return (a > b) - (a < b);
}

int
pb_object_item_compare_id (gconstpointer a, gconstpointer b, gpointer unused)
{
  const char *ia = pb_object_item_get_id ((PbObjectItem *) a), *ib = pb_object_item_get_id ((PbObjectItem *) b);
  char *end_a, *end_b;
  gint64 na = g_ascii_strtoll (ia, &end_a, 10), nb = g_ascii_strtoll (ib, &end_b, 10);

  /* numeric ids in numeric order, the rest alphabetically */
  if (*end_a == '\0' && *end_b == '\0' && end_a != ia && end_b != ib)
    return (na > nb) - (na < nb);
  /* byte order: collation is too slow for 50k-row sorts and ids are ASCII */
  return strcmp (ia, ib);
}

int
pb_object_item_compare_class (gconstpointer a, gconstpointer b, gpointer unused)
{
  int c = pb_object_item_get_label ((PbObjectItem *) a) == pb_object_item_get_label ((PbObjectItem *) b) ? 0
          : strcmp (pb_object_item_get_class_name ((PbObjectItem *) a),
                    pb_object_item_get_class_name ((PbObjectItem *) b));

  return c != 0 ? c : pb_object_item_compare_id (a, b, NULL);
}

int
pb_object_item_compare_n_obs (gconstpointer a, gconstpointer b, gpointer unused)
{
  return compare_doubles (pb_object_item_get_n_obs ((PbObjectItem *) a),
                          pb_object_item_get_n_obs ((PbObjectItem *) b));
}

int
pb_object_item_compare_time_span (gconstpointer a, gconstpointer b, gpointer unused)
{
  return compare_doubles (pb_object_item_get_time_span ((PbObjectItem *) a),
                          pb_object_item_get_time_span ((PbObjectItem *) b));
}

int
pb_object_item_compare_redshift (gconstpointer a, gconstpointer b, gpointer unused)
{
  return compare_doubles (pb_object_item_get_redshift ((PbObjectItem *) a),
                          pb_object_item_get_redshift ((PbObjectItem *) b));
}

/* ---- the list --------------------------------------------------------- */

struct _PbObjectList
{
  GObject parent_instance;

  LcDataset *dataset;
  PbObjectItem **items;   /* n_objects slots, NULL until asked for */
  guint n_created;
};

static void pb_object_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbObjectList, pb_object_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, pb_object_list_model_init))

static GType
pb_object_list_get_item_type (GListModel *model)
{
  return PB_TYPE_OBJECT_ITEM;
}

static guint
pb_object_list_get_n_items (GListModel *model)
{
  PbObjectList *self = PB_OBJECT_LIST (model);

  return self->dataset != NULL ? (guint) self->dataset->n_objects : 0;
}

static gpointer
pb_object_list_get_item (GListModel *model, guint position)
{
  PbObjectList *self = PB_OBJECT_LIST (model);
  PbObjectItem *item;

  if (self->dataset == NULL || position >= self->dataset->n_objects)
    return NULL;
  if (self->items[position] == NULL)
    {
      item = g_object_new (PB_TYPE_OBJECT_ITEM, NULL);
      item->dataset = lc_dataset_ref (self->dataset);
      item->index = position;
      item->redshift = lookup_redshift (item);
      self->items[position] = item;
      self->n_created++;
    }
  return g_object_ref (self->items[position]);
}

static void
pb_object_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = pb_object_list_get_item_type;
  iface->get_n_items = pb_object_list_get_n_items;
  iface->get_item = pb_object_list_get_item;
}

static void
pb_object_list_finalize (GObject *object)
{
  PbObjectList *self = PB_OBJECT_LIST (object);

  if (self->items != NULL)
    for (gsize i = 0; i < self->dataset->n_objects; i++)
      g_clear_object (&self->items[i]);
  g_free (self->items);
  g_clear_pointer (&self->dataset, lc_dataset_unref);
  G_OBJECT_CLASS (pb_object_list_parent_class)->finalize (object);
}

static void
pb_object_list_class_init (PbObjectListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pb_object_list_finalize;
}

static void
pb_object_list_init (PbObjectList *self)
{
}

PbObjectList *
pb_object_list_new (LcDataset *ds)
{
  PbObjectList *self = g_object_new (PB_TYPE_OBJECT_LIST, NULL);

  g_return_val_if_fail (ds != NULL, self);
  self->dataset = lc_dataset_ref (ds);
  self->items = g_new0 (PbObjectItem *, ds->n_objects);
  return self;
}

LcDataset *
pb_object_list_get_dataset (PbObjectList *self)
{
  return self->dataset;
}

guint
pb_object_list_get_n_created (PbObjectList *self)
{
  return self->n_created;
}
