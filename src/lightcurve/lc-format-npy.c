/* lc-format-npy.c: the GOTO classifier's NumPy arrays:
 *   <split>_time_features.npy        (N, T, 3): time or step, value, error; -99 pads
 *   <split>_contextual_features.npy  (N, C) per-object features (optional)
 *   <split>_labels.npy               (N, K) one-hot or (N,) integers (optional)
 */
#include "config.h"

#include "lc-format.h"
#include "lc-csv.h"
#include "lc-dataset-builder.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define MASK_VALUE (-99.0)
#define MAX_DIMS 8
#define MAX_HEADER (1u << 20)

typedef enum { KIND_FLOAT, KIND_INT, KIND_UINT, KIND_BOOL } ElementKind;

typedef struct
{
  char *name;            /* base name, for messages */
  char *contents;        /* whole file */
  gsize length;
  const guint8 *data;    /* first element */
  ElementKind kind;
  int item_size;
  gboolean swap;         /* big-endian data */
  int ndim;
  gsize shape[MAX_DIMS];
  gsize count;           /* elements */
} NpyArray;

static void
npy_array_clear (NpyArray *a)
{
  g_clear_pointer (&a->name, g_free);
  g_clear_pointer (&a->contents, g_free);
}

static gboolean
npy_error (const NpyArray *a, GError **error, const char *format, ...) G_GNUC_PRINTF (3, 4);

/* keys and types come straight from the file: lc_format_error_valist cleans them */
static gboolean
npy_error (const NpyArray *a, GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  lc_format_error_valist (error, a->name, format, args);
  va_end (args);
  return FALSE;
}

/* ---- the header: a Python dict literal ---- */

typedef struct
{
  const char *p;
  const char *end;
} Cursor;

static void
skip_space (Cursor *c)
{
  while (c->p < c->end && g_ascii_isspace (*c->p))
    c->p++;
}

static gboolean
take (Cursor *c, char ch)
{
  skip_space (c);
  if (c->p < c->end && *c->p == ch)
    {
      c->p++;
      return TRUE;
    }
  return FALSE;
}

/* A quoted Python string ('...' or "..."), without escapes inside. */
static char *
parse_string (Cursor *c)
{
  char quote;
  const char *start;

  skip_space (c);
  if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
    return NULL;
  quote = *c->p++;
  start = c->p;
  while (c->p < c->end && *c->p != quote)
    c->p++;
  if (c->p >= c->end)
    return NULL;
  return g_strndup (start, (gsize) (c->p++ - start));
}

static gboolean
parse_word (Cursor *c, const char *word)
{
  gsize n = strlen (word);

  skip_space (c);
  if ((gsize) (c->end - c->p) >= n && strncmp (c->p, word, n) == 0)
    {
      c->p += n;
      return TRUE;
    }
  return FALSE;
}

static gboolean
parse_shape (Cursor *c, NpyArray *a)
{
  if (!take (c, '('))
    return FALSE;
  a->ndim = 0;
  for (;;)
    {
      guint64 value = 0;
      gboolean digit = FALSE;

      if (take (c, ')'))
        return TRUE;
      skip_space (c);
      while (c->p < c->end && g_ascii_isdigit (*c->p))
        {
          if (value > G_MAXUINT32)
            return FALSE;
          value = value * 10 + (guint64) (*c->p++ - '0');
          digit = TRUE;
        }
      /* Python 2 era files may write 560L */
      if (c->p < c->end && *c->p == 'L')
        c->p++;
      if (!digit || a->ndim == MAX_DIMS)
        return FALSE;
      a->shape[a->ndim++] = (gsize) value;
      if (!take (c, ',') && !(skip_space (c), c->p < c->end && *c->p == ')'))
        return FALSE;
    }
}

static gboolean
parse_descr (const char *descr, NpyArray *a)
{
  char order = descr[0];
  char type;
  gint64 size;

  if (order != '<' && order != '>' && order != '|' && order != '=')
    return FALSE;
  type = descr[1];
  if (type == '\0' || !lc_parse_int64 (descr + 2, strlen (descr + 2), &size))
    return FALSE;
  a->item_size = (int) size;
  a->swap = order == '>' && size > 1;
  switch (type)
    {
    case 'f': a->kind = KIND_FLOAT; return size == 4 || size == 8;
    case 'i': a->kind = KIND_INT; return size == 1 || size == 2 || size == 4 || size == 8;
    case 'u': a->kind = KIND_UINT; return size == 1 || size == 2 || size == 4 || size == 8;
    case 'b': a->kind = KIND_BOOL; return size == 1;
    default: return FALSE;
    }
}

static gboolean
parse_header (NpyArray *a, const char *text, gsize len, GError **error)
{
  Cursor c = { text, text + len };
  gboolean have_descr = FALSE, have_order = FALSE, have_shape = FALSE;

  if (!take (&c, '{'))
    return npy_error (a, error, _("header: expected a Python dict “{...}”"));
  while (!take (&c, '}'))
    {
      g_autofree char *key = parse_string (&c);
      if (key == NULL || !take (&c, ':'))
        return npy_error (a, error, _("header: expected 'key': value at byte %d"), (int) (c.p - text));
      if (strcmp (key, "descr") == 0)
        {
          g_autofree char *descr = parse_string (&c);
          if (descr == NULL)
            return npy_error (a, error, _("header: 'descr': expected a simple type such as '<f8' "
                              "(structured arrays are not supported)"));
          if (!parse_descr (descr, a))
            return npy_error (a, error, _("header: 'descr': expected a number type (<f4, <f8, <i8, ...), found '%s'"),
                              descr);
          have_descr = TRUE;
        }
      else if (strcmp (key, "fortran_order") == 0)
        {
          if (parse_word (&c, "True"))
            return npy_error (a, error, _("header: 'fortran_order' is True: save the array in C order "
                              "(numpy.ascontiguousarray) and try again"));
          if (!parse_word (&c, "False"))
            return npy_error (a, error, _("header: 'fortran_order': expected True or False"));
          have_order = TRUE;
        }
      else if (strcmp (key, "shape") == 0)
        {
          if (!parse_shape (&c, a))
            return npy_error (a, error, _("header: 'shape': expected a tuple of up to %d sizes"), MAX_DIMS);
          have_shape = TRUE;
        }
      else
        return npy_error (a, error, _("header: unexpected key '%s'"), key);
      if (!take (&c, ',') && !(skip_space (&c), c.p < c.end && *c.p == '}'))
        return npy_error (a, error, _("header: expected “,” or “}” at byte %d"), (int) (c.p - text));
    }
  if (!have_descr || !have_order || !have_shape)
    return npy_error (a, error, _("header: expected the keys 'descr', 'fortran_order' and 'shape'"));
  return TRUE;
}

static gboolean
check_data_size (NpyArray *a, gsize data_offset, GError **error)
{
  gsize count = 1, bytes;

  for (int d = 0; d < a->ndim; d++)
    if (!g_size_checked_mul (&count, count, a->shape[d]))
      return npy_error (a, error, _("shape is too large"));
  if (!g_size_checked_mul (&bytes, count, (gsize) a->item_size))
    return npy_error (a, error, _("shape is too large"));
  if (a->length - data_offset < bytes)
    return npy_error (a, error, _("truncated: the shape needs %zu bytes of data, the file has %zu"), bytes,
                      a->length - data_offset);
  if (a->length - data_offset > bytes)
    return npy_error (a, error, _("%zu bytes after the array data (expected exactly %zu)"),
                      a->length - data_offset - bytes, bytes);
  a->count = count;
  a->data = (const guint8 *) a->contents + data_offset;
  return TRUE;
}

/* Reads a whole .npy file (format versions 1.0, 2.0 and 3.0). */
static gboolean
npy_array_load (NpyArray *a, const char *path, GError **error)
{
  const guint8 *bytes;
  gsize header_len, header_start;
  GError *local = NULL;

  a->name = g_filename_display_basename (path);
  if (!g_file_get_contents (path, &a->contents, &a->length, &local))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_OPEN, _("%s: cannot read: %s"), a->name, local->message);
      g_error_free (local);
      return FALSE;
    }
  bytes = (const guint8 *) a->contents;
  if (a->length < 10 || memcmp (bytes, "\x93NUMPY", 6) != 0)
    return npy_error (a, error, _("not a NumPy .npy file (expected the magic “\\x93NUMPY”)"));
  if (bytes[6] == 1)
    {
      header_len = bytes[8] | (gsize) bytes[9] << 8;
      header_start = 10;
    }
  else if (bytes[6] == 2 || bytes[6] == 3)
    {
      if (a->length < 12)
        return npy_error (a, error, _("truncated header"));
      header_len = bytes[8] | (gsize) bytes[9] << 8 | (gsize) bytes[10] << 16 | (gsize) bytes[11] << 24;
      header_start = 12;
    }
  else
    return npy_error (a, error, _("format version %d.%d is not supported (expected 1.0, 2.0 or 3.0)"),
                      bytes[6], bytes[7]);
  if (header_len > MAX_HEADER || header_len > a->length - header_start)
    return npy_error (a, error, _("truncated header (%zu bytes announced)"), header_len);
  return parse_header (a, a->contents + header_start, header_len, error)
         && check_data_size (a, header_start + header_len, error);
}

/* Element i as a double, whatever the stored type and byte order. */
static double
npy_get (const NpyArray *a, gsize i)
{
  const guint8 *p = a->data + i * (gsize) a->item_size;
  guint8 raw[8];

  for (int k = 0; k < a->item_size; k++)
    raw[k] = p[a->swap ? a->item_size - 1 - k : k];
  switch (a->kind)
    {
    case KIND_FLOAT:
      if (a->item_size == 4)
        {
          float f;
          memcpy (&f, raw, 4);
          return f;
        }
      else
        {
          double d;
          memcpy (&d, raw, 8);
          return d;
        }
    case KIND_INT:
      switch (a->item_size)
        {
        case 1: return (gint8) raw[0];
        case 2: { gint16 v; memcpy (&v, raw, 2); return v; }
        case 4: { gint32 v; memcpy (&v, raw, 4); return v; }
        default: { gint64 v; memcpy (&v, raw, 8); return (double) v; }
        }
    case KIND_UINT:
    case KIND_BOOL:
    default:
      switch (a->item_size)
        {
        case 1: return raw[0];
        case 2: { guint16 v; memcpy (&v, raw, 2); return v; }
        case 4: { guint32 v; memcpy (&v, raw, 4); return v; }
        default: { guint64 v; memcpy (&v, raw, 8); return (double) v; }
        }
    }
}

/* ---- the three arrays together ---- */

static gboolean
shape_error (const NpyArray *a, const char *expected, GError **error)
{
  GString *shape = g_string_new ("(");

  for (int d = 0; d < a->ndim; d++)
    g_string_append_printf (shape, d > 0 ? ", %" G_GSIZE_FORMAT : "%" G_GSIZE_FORMAT, a->shape[d]);
  g_string_append_c (shape, ')');
  npy_error (a, error, _("expected shape %s, found %s"), expected, shape->str);
  g_string_free (shape, TRUE);
  return FALSE;
}

static gboolean
count_mismatch (const NpyArray *a, gsize n, GError **error)
{
  g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
               _("%s: %zu rows, but the time features have %zu objects"),
               a->name, a->shape[0], n);
  return FALSE;
}

/* Class of every object from one-hot (N, K) or integer (N,) labels. */
static gboolean
read_labels (LcDatasetBuilder *b, const NpyArray *a, gsize n, GError **error)
{
  gboolean one_hot = a->ndim == 2 && a->shape[1] > 1;
  gsize k_max = one_hot ? a->shape[1] : 0;

  if (!(a->ndim == 1 || (a->ndim == 2 && a->shape[1] >= 1)))
    return shape_error (a, _("(N, K) one-hot or (N,) class numbers"), error);
  if (a->shape[0] != n)
    return count_mismatch (a, n, error);
  if (k_max > 4096)
    return shape_error (a, _("(N, K) with at most 4096 classes"), error);
  for (gsize k = 0; k < k_max; k++)
    lc_dataset_builder_add_class (b, (int) k, NULL);
  for (gsize i = 0; i < n; i++)
    {
      int class_id = -1;
      if (one_hot)
        {
          for (gsize k = 0; k < k_max; k++)
            {
              double v = npy_get (a, i * k_max + k);
              if (v == 1.0 && class_id < 0)
                class_id = (int) k;
              else if (v != 0.0)
                return npy_error (a, error, _("row %zu: expected a one-hot row (a single 1, "
                                  "the rest 0), found %g at column %zu"), i, v, k);
            }
          if (class_id < 0)
            return npy_error (a, error, _("row %zu: expected a one-hot row, found no 1"), i);
        }
      else
        {
          double v = npy_get (a, i);
          if (!(v >= 0 && v <= 100000) || v != floor (v))
            return npy_error (a, error, _("row %zu: expected a class number 0..100000, found %g"), i, v);
          class_id = (int) v;
        }
      lc_dataset_builder_set_object_class (b, i, class_id);
    }
  return TRUE;
}

static gboolean
read_context (LcDatasetBuilder *b, const NpyArray *a, gsize n, GError **error)
{
  gsize n_context;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (a->ndim != 1 && a->ndim != 2)
    return shape_error (a, "(N, C)", error);
  if (a->shape[0] != n)
    return count_mismatch (a, n, error);
  n_context = a->ndim == 2 ? a->shape[1] : 1;
  if (n_context > 4096)
    return shape_error (a, _("(N, C) with at most 4096 features"), error);
  for (gsize k = 0; k < n_context; k++)
    g_ptr_array_add (names, g_strdup_printf ("context%" G_GSIZE_FORMAT, k));
  lc_dataset_builder_set_meta_names (b, (int) n_context, (const char *const *) names->pdata);
  for (gsize i = 0; i < n; i++)
    for (gsize k = 0; k < n_context; k++)
      lc_dataset_builder_set_meta (b, i, (int) k, (float) npy_get (a, i * n_context + k));
  return TRUE;
}

/* Steps where any feature is the mask value are padding, not observations. */
static gboolean
read_time_features (LcDatasetBuilder *b, const NpyArray *a, gboolean *on_grid, GError **error)
{
  gsize n, steps, features;
  gsize skipped = 0;

  if (a->ndim != 3 || a->shape[2] < 2 || a->shape[2] > 3)
    return shape_error (a, _("(N, T, 3): time or step, value, error"), error);
  n = a->shape[0];
  steps = a->shape[1];
  features = a->shape[2];
  if (n == 0 || steps == 0)
    /* TRANSLATORS: %s is the translation of "objects" or "time steps" */
    return npy_error (a, error, _("no %s (shape (%zu, %zu, %zu))"),
                      n == 0 ? _("objects") : _("time steps"), n, steps, features);
  *on_grid = TRUE;
  lc_dataset_builder_reserve (b, n * steps);
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GSIZE_FORMAT, i);
      lc_dataset_builder_begin_object (b, id, -1);
      for (gsize t = 0; t < steps; t++)
        {
          gsize at = (i * steps + t) * features;
          double time = npy_get (a, at);
          double value = npy_get (a, at + 1);
          double err = features > 2 ? npy_get (a, at + 2) : NAN;
          if (time == MASK_VALUE || value == MASK_VALUE || err == MASK_VALUE)
            continue;
          if (!isfinite (time) || !lc_fits_float (value) || (!isnan (err) && !lc_fits_float (err)))
            {
              if (isnan (value) && isfinite (time))
                {
                  skipped++;
                  continue;
                }
              return npy_error (a, error, _("object %zu, step %zu: expected a finite time, value and error "
                                            "(error may be NaN), found %g, %g, %g"),
                                i, t, time, value, err);
            }
          if (time != (double) t)
            *on_grid = FALSE;
          lc_dataset_builder_add_observation (b, time, (float) value, (float) err, 0, TRUE);
        }
    }
  lc_dataset_builder_add_skipped (b, skipped);
  return TRUE;
}

/* dir/split_, or the prefix of a path ending in one of the array suffixes. */
static char *
npy_prefix (const char *dir_or_prefix, const char *split)
{
  static const char *const suffixes[] = { "_time_features.npy", "_contextual_features.npy", "_labels.npy" };

  if (g_file_test (dir_or_prefix, G_FILE_TEST_IS_DIR))
    return g_build_filename (dir_or_prefix, split != NULL ? split : "train", NULL);
  for (guint s = 0; s < G_N_ELEMENTS (suffixes); s++)
    if (g_str_has_suffix (dir_or_prefix, suffixes[s]))
      return g_strndup (dir_or_prefix, strlen (dir_or_prefix) - strlen (suffixes[s]));
  return g_strdup (dir_or_prefix);
}

static gboolean
progress_step (double fraction, const char *name, LcProgressFunc progress, gpointer user_data, GError **error)
{
  if (progress == NULL || progress (fraction, user_data))
    return TRUE;
  g_set_error (error, LC_ERROR, LC_ERROR_CANCELLED, _("%s: loading cancelled"), name);
  return FALSE;
}

LcDataset *
lc_load_npy (const char *dir_or_prefix, const char *split,
             LcProgressFunc progress, gpointer user_data, GError **error)
{
  g_autofree char *prefix = NULL;
  g_autofree char *time_path = NULL, *context_path = NULL, *labels_path = NULL;
  g_autoptr (LcDatasetBuilder) b = NULL;
  NpyArray times = { 0 }, context = { 0 }, labels = { 0 };
  gboolean on_grid = TRUE;
  gboolean ok;

  g_return_val_if_fail (dir_or_prefix != NULL, NULL);
  if (split != NULL && (strchr (split, '/') != NULL || split[0] == '\0'))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_OPEN,
                   _("%s: split “%s”: expected a name such as train, validation or test"), dir_or_prefix, split);
      return NULL;
    }
  prefix = npy_prefix (dir_or_prefix, split);
  time_path = g_strconcat (prefix, "_time_features.npy", NULL);
  context_path = g_strconcat (prefix, "_contextual_features.npy", NULL);
  labels_path = g_strconcat (prefix, "_labels.npy", NULL);
  if (!g_file_test (time_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_OPEN, _("%s: no such file (expected the time features array)"), time_path);
      return NULL;
    }

  b = lc_dataset_builder_new (LC_SOURCE_NPY, LC_VALUE_FLUX, dir_or_prefix);
  lc_dataset_builder_set_bands (b, 1, (const char *[]) { "0" });
  ok = npy_array_load (&times, time_path, error)
       && read_time_features (b, &times, &on_grid, error)
       && progress_step (0.6, times.name, progress, user_data, error);
  if (ok && g_file_test (context_path, G_FILE_TEST_IS_REGULAR))
    {
      ok = npy_array_load (&context, context_path, error)
           && read_context (b, &context, times.shape[0], error);
      if (ok)
        lc_dataset_builder_set_meta_path (b, context_path);
    }
  if (ok && g_file_test (labels_path, G_FILE_TEST_IS_REGULAR))
    ok = npy_array_load (&labels, labels_path, error)
         && read_labels (b, &labels, times.shape[0], error);
  ok = ok && progress_step (1.0, times.name, progress, user_data, error);
  npy_array_clear (&times);
  npy_array_clear (&context);
  npy_array_clear (&labels);
  if (!ok)
    return NULL;
  lc_dataset_builder_set_on_grid (b, on_grid);
  return lc_dataset_builder_finish (b, error);
}
