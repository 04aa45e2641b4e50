/* lc-dataset-builder.c: flat, doubling storage that becomes an LcDataset */
#include "config.h"

#include "lc-dataset-builder.h"
#include "lc-csv.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#define MAX_BANDS 255

typedef struct
{
  char *id;
  int class_id;
  gsize n_obs;
} BuilderObject;

typedef struct
{
  gsize object;
  gsize start;
  gsize length;
} Run;

typedef struct
{
  int id;
  char *name;
  gboolean default_name;  /* name was made up, a real one may replace it */
} BuilderClass;

struct _LcDatasetBuilder
{
  LcSourceKind source;
  LcValueKind value_kind;
  char *path;
  char *meta_path;
  gboolean on_grid;

  GPtrArray *bands;       /* char * */
  GPtrArray *meta_names;  /* char * */
  GArray *classes;        /* BuilderClass */

  GArray *objects;        /* BuilderObject */
  GHashTable *object_index;  /* id (owned by objects) -> index + 1 */
  float *meta;            /* objects capacity * n_meta */
  gsize meta_capacity;    /* objects the meta array has room for */

  gsize n_obs;
  gsize capacity;
  double *time;
  float *value;
  float *error;
  guint8 *band;
  guint8 *detected;
  /* runs of consecutive observations of one object, in arrival order: one
   * per object for a sorted file, so regrouping costs nothing per row */
  GArray *runs;           /* Run */

  gboolean have_current;
  gsize current;
  /* TRUE while the observations are grouped by object in index order, so
   * finish need not regroup them (the usual case of a sorted survey file) */
  gboolean grouped;
  gsize n_skipped;
  gboolean bad_band;
  gsize bad_band_obs;
  int bad_band_value;
};

LcDatasetBuilder *
lc_dataset_builder_new (LcSourceKind source, LcValueKind value_kind, const char *path)
{
  LcDatasetBuilder *b = g_new0 (LcDatasetBuilder, 1);

  b->source = source;
  b->value_kind = value_kind;
  b->path = g_strdup (path);
  b->bands = g_ptr_array_new_with_free_func (g_free);
  b->meta_names = g_ptr_array_new_with_free_func (g_free);
  b->classes = g_array_new (FALSE, TRUE, sizeof (BuilderClass));
  b->objects = g_array_new (FALSE, TRUE, sizeof (BuilderObject));
  b->object_index = g_hash_table_new (g_str_hash, g_str_equal);
  b->runs = g_array_new (FALSE, FALSE, sizeof (Run));
  b->grouped = TRUE;
  return b;
}

LcDatasetBuilder *
lc_dataset_builder_new_like (const LcDataset *ds)
{
  LcDatasetBuilder *b = lc_dataset_builder_new (ds->source, ds->value_kind, ds->path);

  lc_dataset_builder_set_meta_path (b, ds->meta_path);
  lc_dataset_builder_set_on_grid (b, ds->on_grid);
  lc_dataset_builder_set_bands (b, ds->n_bands, (const char *const *) ds->band_names);
  lc_dataset_builder_set_meta_names (b, ds->n_meta, (const char *const *) ds->meta_names);
  for (int c = 0; c < ds->n_classes; c++)
    lc_dataset_builder_add_class (b, ds->classes[c].id, ds->classes[c].name);
  return b;
}

static void
builder_clear_objects (LcDatasetBuilder *b)
{
  g_hash_table_remove_all (b->object_index);
  for (guint i = 0; i < b->objects->len; i++)
    g_free (g_array_index (b->objects, BuilderObject, i).id);
  g_array_set_size (b->objects, 0);
  for (guint c = 0; c < b->classes->len; c++)
    g_free (g_array_index (b->classes, BuilderClass, c).name);
  g_array_set_size (b->classes, 0);
  g_clear_pointer (&b->meta, g_free);
  b->meta_capacity = 0;
  g_clear_pointer (&b->time, g_free);
  g_clear_pointer (&b->value, g_free);
  g_clear_pointer (&b->error, g_free);
  g_clear_pointer (&b->band, g_free);
  g_clear_pointer (&b->detected, g_free);
  g_array_set_size (b->runs, 0);
  b->n_obs = b->capacity = 0;
  b->have_current = FALSE;
  b->grouped = TRUE;
  b->n_skipped = 0;
  b->bad_band = FALSE;
}

void
lc_dataset_builder_free (LcDatasetBuilder *b)
{
  if (b == NULL)
    return;
  builder_clear_objects (b);
  g_free (b->path);
  g_free (b->meta_path);
  g_ptr_array_unref (b->bands);
  g_ptr_array_unref (b->meta_names);
  g_array_unref (b->classes);
  g_array_unref (b->objects);
  g_hash_table_unref (b->object_index);
  g_array_unref (b->runs);
  g_free (b);
}

void
lc_dataset_builder_set_meta_path (LcDatasetBuilder *b, const char *meta_path)
{
  g_free (b->meta_path);
  b->meta_path = g_strdup (meta_path);
}

void
lc_dataset_builder_set_on_grid (LcDatasetBuilder *b, gboolean on_grid)
{
  b->on_grid = on_grid;
}

void
lc_dataset_builder_set_value_kind (LcDatasetBuilder *b, LcValueKind value_kind)
{
  b->value_kind = value_kind;
}

/* ---- bands ---- */

void
lc_dataset_builder_set_bands (LcDatasetBuilder *b, int n_bands, const char *const *names)
{
  g_ptr_array_set_size (b->bands, 0);
  for (int i = 0; i < n_bands && i < MAX_BANDS; i++)
    g_ptr_array_add (b->bands, g_strdup (names[i]));
}

int
lc_dataset_builder_find_band (const LcDatasetBuilder *b, const char *name)
{
  for (guint i = 0; i < b->bands->len; i++)
    if (strcmp (g_ptr_array_index (b->bands, i), name) == 0)
      return (int) i;
  return -1;
}

int
lc_dataset_builder_add_band (LcDatasetBuilder *b, const char *name)
{
  int found = lc_dataset_builder_find_band (b, name);

  if (found >= 0)
    return found;
  if (b->bands->len >= MAX_BANDS)
    return -1;
  g_ptr_array_add (b->bands, g_strdup (name));
  return (int) b->bands->len - 1;
}

int
lc_dataset_builder_n_bands (const LcDatasetBuilder *b)
{
  return (int) b->bands->len;
}

const char *
lc_dataset_builder_band_name (const LcDatasetBuilder *b, int band)
{
  g_return_val_if_fail (band >= 0 && band < (int) b->bands->len, NULL);
  return g_ptr_array_index (b->bands, band);
}

/* ---- metadata ---- */

void
lc_dataset_builder_set_meta_names (LcDatasetBuilder *b, int n_meta, const char *const *names)
{
  g_ptr_array_set_size (b->meta_names, 0);
  for (int i = 0; i < n_meta; i++)
    g_ptr_array_add (b->meta_names, g_strdup (names[i]));
  /* objects read so far get the new columns, all NaN */
  g_clear_pointer (&b->meta, g_free);
  if (n_meta > 0 && b->meta_capacity > 0)
    {
      b->meta = g_new (float, b->meta_capacity * n_meta);
      for (gsize i = 0; i < b->meta_capacity * n_meta; i++)
        b->meta[i] = NAN;
    }
}

int
lc_dataset_builder_n_meta (const LcDatasetBuilder *b)
{
  return (int) b->meta_names->len;
}

void
lc_dataset_builder_set_meta (LcDatasetBuilder *b, gsize object, int k, float value)
{
  g_return_if_fail (object < b->objects->len);
  g_return_if_fail (k >= 0 && k < (int) b->meta_names->len);
  b->meta[object * b->meta_names->len + k] = value;
}

/* ---- classes ---- */

static char *
default_class_name (const LcDatasetBuilder *b, int class_id)
{
  const char *known = NULL;

  if (b->source == LC_SOURCE_PLASTICC || b->source == LC_SOURCE_SIMULATED)
    known = lc_plasticc_class_name (class_id);
  return known != NULL ? g_strdup (known) : g_strdup_printf ("Class %d", class_id);
}

static BuilderClass *
find_class_by_id (const LcDatasetBuilder *b, int class_id)
{
  for (guint c = 0; c < b->classes->len; c++)
    if (g_array_index (b->classes, BuilderClass, c).id == class_id)
      return &g_array_index (b->classes, BuilderClass, c);
  return NULL;
}

void
lc_dataset_builder_add_class (LcDatasetBuilder *b, int class_id, const char *name)
{
  BuilderClass *existing = find_class_by_id (b, class_id);
  BuilderClass fresh = { class_id, NULL, FALSE };

  if (existing != NULL)
    {
      if (existing->default_name && name != NULL)
        {
          g_free (existing->name);
          existing->name = g_strdup (name);
          existing->default_name = FALSE;
        }
      return;
    }
  fresh.default_name = (name == NULL);
  fresh.name = name != NULL ? g_strdup (name) : default_class_name (b, class_id);
  g_array_append_val (b->classes, fresh);
}

int
lc_dataset_builder_find_class (const LcDatasetBuilder *b, const char *name)
{
  for (guint c = 0; c < b->classes->len; c++)
    {
      const BuilderClass *k = &g_array_index (b->classes, BuilderClass, c);
      if (g_strcmp0 (k->name, name) == 0)
        return k->id;
    }
  return -1;
}

int
lc_dataset_builder_class_for_name (LcDatasetBuilder *b, const char *name)
{
  int id = lc_dataset_builder_find_class (b, name);
  int next = 0;

  if (id >= 0)
    return id;
  for (guint c = 0; c < b->classes->len; c++)
    next = MAX (next, g_array_index (b->classes, BuilderClass, c).id + 1);
  lc_dataset_builder_add_class (b, next, name);
  return next;
}

/* ---- objects ---- */

static void
grow_meta (LcDatasetBuilder *b)
{
  gsize n_meta = b->meta_names->len;
  gsize old = b->meta_capacity;

  if (b->objects->len < old)
    return;
  b->meta_capacity = MAX (64, old * 2);
  if (n_meta == 0)
    return;
  b->meta = g_renew (float, b->meta, b->meta_capacity * n_meta);
  for (gsize i = old * n_meta; i < b->meta_capacity * n_meta; i++)
    b->meta[i] = NAN;
}

gsize
lc_dataset_builder_begin_object_len (LcDatasetBuilder *b, const char *id, gsize id_len, int class_id)
{
  /* short ids (all real ones) are looked up without allocating */
  char small[64];
  g_autofree char *big = NULL;
  char *key = small;
  gpointer found;
  BuilderObject object = { NULL, class_id, 0 };
  gsize index;

  if (id_len >= sizeof small)
    key = big = g_malloc (id_len + 1);
  memcpy (key, id, id_len);
  key[id_len] = '\0';
  found = g_hash_table_lookup (b->object_index, key);

  if (found != NULL)
    {
      index = GPOINTER_TO_SIZE (found) - 1;
      if (class_id >= 0)
        g_array_index (b->objects, BuilderObject, index).class_id = class_id;
    }
  else
    {
      grow_meta (b);
      object.id = g_strdup (key);
      index = b->objects->len;
      g_array_append_val (b->objects, object);
      g_hash_table_insert (b->object_index, object.id, GSIZE_TO_POINTER (index + 1));
    }
  b->current = index;
  b->have_current = TRUE;
  return index;
}

gsize
lc_dataset_builder_begin_object (LcDatasetBuilder *b, const char *id, int class_id)
{
  return lc_dataset_builder_begin_object_len (b, id, strlen (id), class_id);
}

gssize
lc_dataset_builder_find_object (const LcDatasetBuilder *b, const char *id)
{
  gpointer found = g_hash_table_lookup (b->object_index, id);

  return found != NULL ? (gssize) GPOINTER_TO_SIZE (found) - 1 : -1;
}

gsize
lc_dataset_builder_n_objects (const LcDatasetBuilder *b)
{
  return b->objects->len;
}

const char *
lc_dataset_builder_object_id (const LcDatasetBuilder *b, gsize object)
{
  g_return_val_if_fail (object < b->objects->len, NULL);
  return g_array_index (b->objects, BuilderObject, object).id;
}

int
lc_dataset_builder_object_class (const LcDatasetBuilder *b, gsize object)
{
  g_return_val_if_fail (object < b->objects->len, -1);
  return g_array_index (b->objects, BuilderObject, object).class_id;
}

gsize
lc_dataset_builder_object_n_obs (const LcDatasetBuilder *b, gsize object)
{
  g_return_val_if_fail (object < b->objects->len, 0);
  return g_array_index (b->objects, BuilderObject, object).n_obs;
}

void
lc_dataset_builder_set_object_class (LcDatasetBuilder *b, gsize object, int class_id)
{
  g_return_if_fail (object < b->objects->len);
  g_array_index (b->objects, BuilderObject, object).class_id = class_id;
}

/* ---- observations ---- */

/* Large arrays in 2 MB pages fault in 512 times less often: a tenth of
 * the load time of a big survey file went to first-touch page faults. */
static void
advise_huge_pages (void *data, gsize bytes)
{
#ifdef MADV_HUGEPAGE
  const gsize huge = 2u << 20;
  guintptr start = ((guintptr) data + huge - 1) & ~(guintptr) (huge - 1);
  guintptr end = ((guintptr) data + bytes) & ~(guintptr) (huge - 1);

  if (end > start)
    madvise ((void *) start, end - start, MADV_HUGEPAGE);
#endif
}

static void
grow_observations (LcDatasetBuilder *b, gsize capacity)
{
  b->capacity = capacity;
  b->time = g_renew (double, b->time, capacity);
  b->value = g_renew (float, b->value, capacity);
  b->error = g_renew (float, b->error, capacity);
  b->band = g_renew (guint8, b->band, capacity);
  b->detected = g_renew (guint8, b->detected, capacity);
  advise_huge_pages (b->time, capacity * sizeof (double));
  advise_huge_pages (b->value, capacity * sizeof (float));
  advise_huge_pages (b->error, capacity * sizeof (float));
}

void
lc_dataset_builder_reserve (LcDatasetBuilder *b, gsize n_obs)
{
  if (n_obs > b->capacity)
    grow_observations (b, n_obs);
}

void
lc_dataset_builder_add_observation (LcDatasetBuilder *b, double time, float value, float error,
                                    int band, gboolean detected)
{
  BuilderObject *object;
  gsize i = b->n_obs;
  Run *run = b->runs->len > 0 ? &g_array_index (b->runs, Run, b->runs->len - 1) : NULL;

  g_return_if_fail (b->have_current);
  if (i == b->capacity)
    grow_observations (b, MAX (1024, b->capacity * 2));

  object = &g_array_index (b->objects, BuilderObject, b->current);
  if (run == NULL || run->object != b->current)
    {
      Run fresh = { b->current, i, 0 };
      /* still grouped if this starts a later object that has nothing yet */
      if (run != NULL && (object->n_obs > 0 || run->object > b->current))
        b->grouped = FALSE;
      g_array_append_val (b->runs, fresh);
      run = &g_array_index (b->runs, Run, b->runs->len - 1);
    }
  run->length++;

  if ((band < 0 || band > MAX_BANDS) && !b->bad_band)
    {
      b->bad_band = TRUE;
      b->bad_band_obs = i;
      b->bad_band_value = band;
    }
  b->time[i] = time;
  b->value[i] = value;
  b->error[i] = error;
  b->band[i] = (guint8) CLAMP (band, 0, MAX_BANDS);
  b->detected[i] = detected ? 1 : 0;
  object->n_obs++;
  b->n_obs++;
}

gsize
lc_dataset_builder_n_obs (const LcDatasetBuilder *b)
{
  return b->n_obs;
}

void
lc_dataset_builder_reorder_bands (LcDatasetBuilder *b, const int *order)
{
  guint n = b->bands->len;
  g_autofree guint8 *new_index = g_new0 (guint8, MAX_BANDS + 1);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      g_return_if_fail (order[i] >= 0 && order[i] < (int) n);
      new_index[order[i]] = (guint8) i;
      g_ptr_array_add (names, g_strdup (g_ptr_array_index (b->bands, order[i])));
    }
  for (gsize k = 0; k < b->n_obs; k++)
    if (b->band[k] < n)
      b->band[k] = new_index[b->band[k]];
  g_ptr_array_set_size (b->bands, 0);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (b->bands, g_strdup (g_ptr_array_index (names, i)));
}

void
lc_dataset_builder_add_skipped (LcDatasetBuilder *b, gsize n)
{
  b->n_skipped += n;
}

/* ---- finish ---- */

/* Applies the permutation order (new position -> old index) to every array. */
static void
permute_observations (LcDatasetBuilder *b, const gsize *order, gsize start, gsize n)
{
  g_autofree double *time = g_new (double, n);
  g_autofree float *value = g_new (float, n);
  g_autofree float *error = g_new (float, n);
  g_autofree guint8 *band = g_new (guint8, n);
  g_autofree guint8 *detected = g_new (guint8, n);

  for (gsize k = 0; k < n; k++)
    {
      gsize from = order[k];
      time[k] = b->time[from];
      value[k] = b->value[from];
      error[k] = b->error[from];
      band[k] = b->band[from];
      detected[k] = b->detected[from];
    }
  memcpy (b->time + start, time, n * sizeof *time);
  memcpy (b->value + start, value, n * sizeof *value);
  memcpy (b->error + start, error, n * sizeof *error);
  memcpy (b->band + start, band, n);
  memcpy (b->detected + start, detected, n);
}

/* Stable grouping of the observations by object, run by run. */
static void
group_by_object (LcDatasetBuilder *b, const gsize *first)
{
  g_autofree gsize *next = g_memdup2 (first, b->objects->len * sizeof (gsize));
  g_autofree gsize *order = g_new (gsize, b->n_obs);

  for (guint r = 0; r < b->runs->len; r++)
    {
      const Run *run = &g_array_index (b->runs, Run, r);
      for (gsize k = 0; k < run->length; k++)
        order[next[run->object]++] = run->start + k;
    }
  permute_observations (b, order, 0, b->n_obs);
}

static int
compare_time (gconstpointer pa, gconstpointer pb, gpointer user_data)
{
  const double *time = user_data;
  double a = time[*(const gsize *) pa];
  double b = time[*(const gsize *) pb];

  /* NaN sorts last so the comparison stays a total order */
  if (isnan (a) || isnan (b))
    return isnan (a) - isnan (b);
  return (a > b) - (a < b);
}

static gboolean
is_sorted_by_time (const double *time, gsize n)
{
  for (gsize k = 1; k < n; k++)
    if (!(time[k - 1] <= time[k]) && !isnan (time[k]))
      return FALSE;
  return TRUE;
}

static void
sort_object_by_time (LcDatasetBuilder *b, gsize first, gsize n)
{
  g_autofree gsize *order = NULL;

  if (is_sorted_by_time (b->time + first, n))
    return;
  order = g_new (gsize, n);
  for (gsize k = 0; k < n; k++)
    order[k] = first + k;
  /* g_qsort_with_data is a stable merge sort */
  g_qsort_with_data (order, (gint) n, sizeof (gsize), compare_time, b->time);
  permute_observations (b, order, first, n);
}

static int
compare_class_id (gconstpointer pa, gconstpointer pb)
{
  const BuilderClass *a = pa, *b = pb;

  return (a->id > b->id) - (a->id < b->id);
}

static void
build_classes (LcDatasetBuilder *b, LcDataset *ds)
{
  for (guint i = 0; i < b->objects->len; i++)
    {
      int class_id = g_array_index (b->objects, BuilderObject, i).class_id;
      if (class_id >= 0 && find_class_by_id (b, class_id) == NULL)
        lc_dataset_builder_add_class (b, class_id, NULL);
    }
  g_array_sort (b->classes, compare_class_id);

  ds->n_classes = (int) b->classes->len;
  ds->classes = g_new0 (LcClass, MAX (1, ds->n_classes));
  for (int c = 0; c < ds->n_classes; c++)
    {
      BuilderClass *k = &g_array_index (b->classes, BuilderClass, c);
      ds->classes[c].id = k->id;
      ds->classes[c].name = g_steal_pointer (&k->name);
    }
}

static char **
steal_strv (GPtrArray *array)
{
  char **strv = g_new0 (char *, array->len + 1);

  for (guint i = 0; i < array->len; i++)
    strv[i] = g_strdup (g_ptr_array_index (array, i));
  return strv;
}

static gboolean
check_bands (const LcDatasetBuilder *b, GError **error)
{
  if (b->bad_band)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("%s: observation %zu: band %d is not a valid passband index"),
                   b->path, b->bad_band_obs, b->bad_band_value);
      return FALSE;
    }
  for (guint r = 0; r < b->runs->len; r++)
    {
      const Run *run = &g_array_index (b->runs, Run, r);
      for (gsize i = run->start; i < run->start + run->length; i++)
        if (b->band[i] >= b->bands->len)
          {
            g_autofree char *id = lc_sanitize_text (g_array_index (b->objects, BuilderObject, run->object).id, 40);
            g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                         _("%s: object “%s”: band %d is beyond the %u passbands declared"),
                         b->path, id, b->band[i], b->bands->len);
            return FALSE;
          }
    }
  return TRUE;
}

static void
shrink_observations (LcDatasetBuilder *b)
{
  if (b->n_obs > 0 && b->n_obs < b->capacity)
    grow_observations (b, b->n_obs);
}

LcDataset *
lc_dataset_builder_finish (LcDatasetBuilder *b, GError **error)
{
  LcDataset *ds;
  gsize n_objects = b->objects->len;
  gsize n_meta = b->meta_names->len;
  g_autofree gsize *first = NULL;
  gsize offset = 0;

  if (!check_bands (b, error))
    {
      builder_clear_objects (b);
      return NULL;
    }

  first = g_new (gsize, MAX (1, n_objects));
  for (gsize i = 0; i < n_objects; i++)
    {
      first[i] = offset;
      offset += g_array_index (b->objects, BuilderObject, i).n_obs;
    }
  if (!b->grouped)
    group_by_object (b, first);
  for (gsize i = 0; i < n_objects; i++)
    sort_object_by_time (b, first[i], g_array_index (b->objects, BuilderObject, i).n_obs);
  shrink_observations (b);

  ds = g_new0 (LcDataset, 1);
  ds->ref_count = 1;
  ds->path = g_strdup (b->path);
  ds->meta_path = g_strdup (b->meta_path);
  ds->source = b->source;
  ds->value_kind = b->value_kind;
  ds->on_grid = b->on_grid;
  ds->n_bands = (int) b->bands->len;
  ds->band_names = steal_strv (b->bands);
  ds->n_meta = (int) n_meta;
  ds->meta_names = steal_strv (b->meta_names);
  build_classes (b, ds);

  ds->n_obs = b->n_obs;
  ds->n_skipped = b->n_skipped;
  ds->time = g_steal_pointer (&b->time);
  ds->value = g_steal_pointer (&b->value);
  ds->error = g_steal_pointer (&b->error);
  ds->band = g_steal_pointer (&b->band);
  ds->detected = g_steal_pointer (&b->detected);
  if (ds->n_obs == 0)
    {
      /* keep the arrays non-NULL so readers can index them without checks */
      ds->time = g_new0 (double, 1);
      ds->value = g_new0 (float, 1);
      ds->error = g_new0 (float, 1);
      ds->band = g_new0 (guint8, 1);
      ds->detected = g_new0 (guint8, 1);
    }

  ds->meta_storage = g_new (float, MAX (1, n_objects * n_meta));
  if (n_objects * n_meta > 0)
    memcpy (ds->meta_storage, b->meta, n_objects * n_meta * sizeof (float));

  ds->n_objects = n_objects;
  ds->objects = g_new0 (LcObject, MAX (1, n_objects));
  for (gsize i = 0; i < n_objects; i++)
    {
      BuilderObject *object = &g_array_index (b->objects, BuilderObject, i);
      LcObject *out = &ds->objects[i];
      out->id = g_steal_pointer (&object->id);
      out->first = first[i];
      out->n_obs = (int) object->n_obs;
      out->meta = ds->meta_storage + i * n_meta;
      out->label = object->class_id >= 0 ? lc_dataset_class_index (ds, object->class_id) : -1;
      if (out->label >= 0)
        ds->classes[out->label].count++;
    }

  builder_clear_objects (b);
  return ds;
}
