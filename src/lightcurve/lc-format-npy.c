/* lc-format-npy.c: NumPy arrays, in two layouts.
 *
 * The GOTO classifier's, one set per split (train, validation, test, ...):
 *   <split>_time_features.npy        (N, T, 3): time or step, value, error; -99 pads
 *   <split>_contextual_features.npy  (N, C) per-object features (optional)
 *   <split>_labels.npy               (N, K) one-hot or (N,) integers (optional)
 * and the usual one elsewhere (sktime, aeon, tslearn, Keras examples):
 *   X.npy or X_<split>.npy           (N, T, F) or (N, T): F bands on a grid, NaN missing
 *   y.npy or y_<split>.npy           (N,) class numbers or strings, or (N, K) one-hot (optional)
 * A folder is read whole: every set in it, objects named "<split>/<i>" when
 * there is more than one.  Arrays may be in C or Fortran order, of any
 * float (float16 too), integer or bool type; object arrays are refused
 * (loading them would run pickled code).
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

typedef enum { KIND_FLOAT, KIND_INT, KIND_UINT, KIND_BOOL, KIND_UNICODE } ElementKind;

typedef struct
{
  char *name;            /* the path as given, for messages */
  char *contents;        /* whole file */
  gsize length;
  const guint8 *data;    /* first element */
  ElementKind kind;
  int item_size;
  gboolean swap;         /* big-endian data */
  gboolean fortran;      /* column-major in the file (made C order on load) */
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
  if (type == 'U')
    {
      /* UTF-32 strings of size characters, for labels */
      a->kind = KIND_UNICODE;
      a->item_size = (int) (size * 4);
      a->swap = order == '>';
      return size >= 1 && size <= 256;
    }
  a->item_size = (int) size;
  a->swap = order == '>' && size > 1;
  switch (type)
    {
    case 'f': a->kind = KIND_FLOAT; return size == 2 || size == 4 || size == 8;
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
          if (descr[0] != '\0' && descr[1] == 'O')
            return npy_error (a, error, _("header: 'descr' is '%s': object arrays (pickles) are never loaded; "
                              "save numbers or strings (numpy.asarray (x, dtype=float))"), descr);
          if (!parse_descr (descr, a))
            return npy_error (a, error, _("header: 'descr': expected a number type (<f4, <f8, <i8, ...), found '%s'"),
                              descr);
          have_descr = TRUE;
        }
      else if (strcmp (key, "fortran_order") == 0)
        {
          if (parse_word (&c, "True"))
            a->fortran = TRUE;
          else if (parse_word (&c, "False"))
            a->fortran = FALSE;
          else
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

/* Rewrites a Fortran-order array in C order, so that element i is the i-th
 * in row-major order whatever the file's order. */
static void
make_c_order (NpyArray *a)
{
  gsize index[MAX_DIMS] = { 0 };
  gsize stride[MAX_DIMS];
  gsize bytes = a->count * (gsize) a->item_size;
  guint8 *c_data;

  if (!a->fortran || a->ndim < 2 || a->count == 0)
    return;
  /* in Fortran order the first index varies fastest */
  stride[0] = 1;
  for (int d = 1; d < a->ndim; d++)
    stride[d] = stride[d - 1] * a->shape[d - 1];
  c_data = g_malloc (bytes);
  for (gsize i = 0; i < a->count; i++)
    {
      gsize from = 0;
      for (int d = 0; d < a->ndim; d++)
        from += index[d] * stride[d];
      memcpy (c_data + i * (gsize) a->item_size, a->data + from * (gsize) a->item_size, (gsize) a->item_size);
      /* next C-order index: the last dimension varies fastest */
      for (int d = a->ndim - 1; d >= 0 && ++index[d] == a->shape[d]; d--)
        index[d] = 0;
    }
  g_free (a->contents);
  a->contents = (char *) c_data;
  a->length = bytes;
  a->data = c_data;
  a->fortran = FALSE;
}

/* Reads a whole .npy file (format versions 1.0, 2.0 and 3.0). */
static gboolean
npy_array_load (NpyArray *a, const char *path, GError **error)
{
  const guint8 *bytes;
  gsize header_len, header_start;
  GError *local = NULL;

  a->name = g_filename_display_name (path);
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
  if (!parse_header (a, a->contents + header_start, header_len, error)
      || !check_data_size (a, header_start + header_len, error))
    return FALSE;
  make_c_order (a);
  return TRUE;
}

/* IEEE 754 half precision, as numpy's float16 stores it. */
static double
half_to_double (guint16 h)
{
  int exponent = (h >> 10) & 0x1f;
  int mantissa = h & 0x3ff;
  double v;

  if (exponent == 0)
    v = ldexp (mantissa, -24);
  else if (exponent == 31)
    v = mantissa != 0 ? NAN : INFINITY;
  else
    v = ldexp (mantissa + 1024, exponent - 25);
  return (h & 0x8000) != 0 ? -v : v;
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
      if (a->item_size == 2)
        {
          guint16 h;
          memcpy (&h, raw, 2);
          return half_to_double (h);
        }
      else if (a->item_size == 4)
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
    case KIND_UNICODE:
      return NAN;
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

static gboolean
require_numbers (const NpyArray *a, GError **error)
{
  if (a->kind != KIND_UNICODE)
    return TRUE;
  return npy_error (a, error, _("expected numbers, found strings (only labels may be strings)"));
}

/* Label i of a string array (UTF-32 in the file) as UTF-8, or NULL when it is not valid text. */
static char *
npy_get_string (const NpyArray *a, gsize i)
{
  gsize n_chars = (gsize) a->item_size / 4;
  const guint8 *p = a->data + i * (gsize) a->item_size;
  g_autofree gunichar *chars = g_new0 (gunichar, n_chars + 1);
  gsize n = 0;

  for (; n < n_chars; n++)
    {
      const guint8 *q = p + n * 4;
      gunichar c = a->swap ? (gunichar) q[3] | (gunichar) q[2] << 8 | (gunichar) q[1] << 16 | (gunichar) q[0] << 24
                           : (gunichar) q[0] | (gunichar) q[1] << 8 | (gunichar) q[2] << 16 | (gunichar) q[3] << 24;
      if (c == 0)
        break;
      if (!g_unichar_validate (c))
        return NULL;
      chars[n] = c;
    }
  return g_ucs4_to_utf8 (chars, (glong) n, NULL, NULL, NULL);
}

/* Class of every object from one-hot (N, K) or integer (N,) labels, or
 * (N,) strings that name the classes. */
static gboolean
read_labels (LcDatasetBuilder *b, const NpyArray *a, gsize first, gsize n, GError **error)
{
  gboolean one_hot = a->ndim == 2 && a->shape[1] > 1;
  gsize k_max = one_hot ? a->shape[1] : 0;

  if (!(a->ndim == 1 || (a->ndim == 2 && a->shape[1] >= 1)))
    return shape_error (a, _("(N, K) one-hot or (N,) class numbers"), error);
  if (a->shape[0] != n)
    return count_mismatch (a, n, error);
  if (a->kind == KIND_UNICODE)
    {
      if (one_hot)
        return shape_error (a, _("(N,) class names"), error);
      for (gsize i = 0; i < n; i++)
        {
          g_autofree char *label = npy_get_string (a, i);
          if (label == NULL || label[0] == '\0')
            return npy_error (a, error, _("row %zu: expected a class name"), i);
          lc_dataset_builder_set_object_class (b, first + i, lc_dataset_builder_class_for_name (b, label));
        }
      return TRUE;
    }
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
      lc_dataset_builder_set_object_class (b, first + i, class_id);
    }
  return TRUE;
}

static gsize
context_columns (const NpyArray *a)
{
  return a->ndim == 2 ? a->shape[1] : 1;
}

/* Contextual features of objects first .. first + n - 1; the columns were declared by the first set. */
static gboolean
read_context (LcDatasetBuilder *b, const NpyArray *a, gsize first, gsize n, GError **error)
{
  gsize n_context;

  if (!require_numbers (a, error))
    return FALSE;
  if (a->ndim != 1 && a->ndim != 2)
    return shape_error (a, "(N, C)", error);
  if (a->shape[0] != n)
    return count_mismatch (a, n, error);
  n_context = context_columns (a);
  if (n_context > 4096)
    return shape_error (a, _("(N, C) with at most 4096 features"), error);
  if (lc_dataset_builder_n_meta (b) == 0)
    {
      g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      for (gsize k = 0; k < n_context; k++)
        g_ptr_array_add (names, g_strdup_printf ("context%" G_GSIZE_FORMAT, k));
      lc_dataset_builder_set_meta_names (b, (int) n_context, (const char *const *) names->pdata);
    }
  else if ((gsize) lc_dataset_builder_n_meta (b) != n_context)
    return npy_error (a, error, _("%zu contextual features, but the first split has %d"), n_context,
                      lc_dataset_builder_n_meta (b));
  for (gsize i = 0; i < n; i++)
    for (gsize k = 0; k < n_context; k++)
      {
        double v = npy_get (a, i * n_context + k);
        if (!isnan (v) && !lc_fits_float (v))
          return npy_error (a, error, _("row %zu, column %zu: %g is out of range (at most ±%.2g)"), i, k, v,
                            LC_FLOAT_LIMIT);
        lc_dataset_builder_set_meta (b, first + i, (int) k, (float) v);
      }
  return TRUE;
}

static char *
object_id (const char *split, gsize i)
{
  return split != NULL ? g_strdup_printf ("%s/%" G_GSIZE_FORMAT, split, i)
                       : g_strdup_printf ("%" G_GSIZE_FORMAT, i);
}

/* Steps where any feature is the mask value are padding, not observations. */
static gboolean
read_time_features (LcDatasetBuilder *b, const NpyArray *a, const char *split, gboolean *on_grid, GError **error)
{
  gsize n, steps, features;
  gsize skipped = 0;

  if (!require_numbers (a, error))
    return FALSE;
  if (a->ndim != 3 || a->shape[2] < 2 || a->shape[2] > 3)
    return shape_error (a, _("(N, T, 3): time or step, value, error"), error);
  n = a->shape[0];
  steps = a->shape[1];
  features = a->shape[2];
  if (n == 0 || steps == 0)
    /* TRANSLATORS: %s is the translation of "objects" or "time steps" */
    return npy_error (a, error, _("no %s (shape (%zu, %zu, %zu))"),
                      n == 0 ? _("objects") : _("time steps"), n, steps, features);
  lc_dataset_builder_reserve (b, lc_dataset_builder_n_obs (b) + n * steps);
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *id = object_id (split, i);
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
              if (isfinite (time) && isfinite (value) && !isinf (err))
                return npy_error (a, error, _("object %zu, step %zu: the value %g or the error %g is out of range "
                                              "(at most ±%.2g)"), i, t, value, err, LC_FLOAT_LIMIT);
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

/* X: (N, T, F) or (N, T), F bands sampled at steps 0..T-1, NaN missing. */
static gboolean
read_x_array (LcDatasetBuilder *b, const NpyArray *a, const char *split, GError **error)
{
  gsize n, steps, bands;
  gsize skipped = 0;

  if (!require_numbers (a, error))
    return FALSE;
  if (a->ndim != 2 && a->ndim != 3)
    return shape_error (a, _("(N, T, F): objects, time steps, bands"), error);
  n = a->shape[0];
  steps = a->shape[1];
  bands = a->ndim == 3 ? a->shape[2] : 1;
  if (n == 0 || steps == 0 || bands == 0 || bands > 255)
    return shape_error (a, _("(N, T, F) with N, T ≥ 1 and 1 to 255 bands"), error);
  if (lc_dataset_builder_n_bands (b) == 0)
    for (gsize f = 0; f < bands; f++)
      {
        g_autofree char *name = g_strdup_printf ("dim%" G_GSIZE_FORMAT, f);
        lc_dataset_builder_add_band (b, name);
      }
  else if ((gsize) lc_dataset_builder_n_bands (b) != bands)
    return npy_error (a, error, _("%zu bands, but the first split has %d"), bands, lc_dataset_builder_n_bands (b));
  lc_dataset_builder_reserve (b, lc_dataset_builder_n_obs (b) + n * steps * bands);
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *id = object_id (split, i);
      lc_dataset_builder_begin_object (b, id, -1);
      for (gsize t = 0; t < steps; t++)
        for (gsize f = 0; f < bands; f++)
          {
            double value = npy_get (a, (i * steps + t) * bands + f);
            if (isnan (value))
              {
                skipped++;
                continue;
              }
            if (!lc_fits_float (value))
              return npy_error (a, error, _("object %zu, step %zu, band %zu: %g is out of range (at most ±%.2g)"),
                                i, t, f, value, LC_FLOAT_LIMIT);
            lc_dataset_builder_add_observation (b, (double) t, (float) value, NAN, (int) f, TRUE);
          }
    }
  lc_dataset_builder_add_skipped (b, skipped);
  return TRUE;
}

/* One set of arrays: GOTO's time features with their contextual features
 * and labels, or X with its y. */
typedef struct
{
  char *split;           /* NULL for X.npy / a lone prefix */
  char *values_path;     /* _time_features.npy or X */
  char *context_path;    /* NULL for X */
  char *labels_path;     /* _labels.npy or y */
  gboolean x_layout;
} NpySet;

static void
npy_set_free (gpointer data)
{
  NpySet *set = data;

  g_free (set->split);
  g_free (set->values_path);
  g_free (set->context_path);
  g_free (set->labels_path);
  g_free (set);
}

static NpySet *
goto_set (const char *prefix, const char *split)
{
  NpySet *set = g_new0 (NpySet, 1);

  set->split = g_strdup (split);
  set->values_path = g_strconcat (prefix, "_time_features.npy", NULL);
  set->context_path = g_strconcat (prefix, "_contextual_features.npy", NULL);
  set->labels_path = g_strconcat (prefix, "_labels.npy", NULL);
  return set;
}

/* X.npy and y.npy, or X_<split>.npy and y_<split>.npy, in dir */
static NpySet *
x_set (const char *dir, const char *split)
{
  NpySet *set = g_new0 (NpySet, 1);
  g_autofree char *x = split != NULL ? g_strdup_printf ("X_%s.npy", split) : g_strdup ("X.npy");
  g_autofree char *y = split != NULL ? g_strdup_printf ("y_%s.npy", split) : g_strdup ("y.npy");

  set->split = g_strdup (split);
  set->values_path = g_build_filename (dir, x, NULL);
  set->labels_path = g_build_filename (dir, y, NULL);
  set->x_layout = TRUE;
  return set;
}

static const char *const goto_suffixes[] = { "_time_features.npy", "_contextual_features.npy", "_labels.npy" };

/* Splits in the order a user expects: train, validation, test, then the rest by name. */
static int
split_rank (const char *split)
{
  static const char *const order[] = { "train", "training", "val", "valid", "validation", "test" };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (split != NULL && g_ascii_strcasecmp (split, order[i]) == 0)
      return (int) i;
  return split == NULL ? -1 : (int) G_N_ELEMENTS (order);
}

static int
compare_sets (gconstpointer a, gconstpointer b)
{
  const NpySet *x = *(NpySet *const *) a, *y = *(NpySet *const *) b;
  int rx = split_rank (x->split), ry = split_rank (y->split);

  if (rx != ry)
    return rx < ry ? -1 : 1;
  return g_strcmp0 (x->split, y->split);
}

/* Every set of arrays in dir. */
static void
find_sets_in_folder (const char *dir, GPtrArray *sets)
{
  g_autoptr (GDir) folder = g_dir_open (dir, 0, NULL);
  const char *name;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    {
      if (g_str_has_suffix (name, goto_suffixes[0]) && strlen (name) > strlen (goto_suffixes[0]))
        {
          g_autofree char *split = g_strndup (name, strlen (name) - strlen (goto_suffixes[0]));
          g_autofree char *prefix = g_build_filename (dir, split, NULL);
          g_ptr_array_add (sets, goto_set (prefix, split));
        }
      else if (strcmp (name, "X.npy") == 0)
        g_ptr_array_add (sets, x_set (dir, NULL));
      else if (g_str_has_prefix (name, "X_") && g_str_has_suffix (name, ".npy") && strlen (name) > 6)
        {
          g_autofree char *split = g_strndup (name + 2, strlen (name) - 6);
          g_ptr_array_add (sets, x_set (dir, split));
        }
    }
  g_ptr_array_sort (sets, compare_sets);
  /* one set needs no split in its object ids */
  if (sets->len == 1)
    g_clear_pointer (&((NpySet *) g_ptr_array_index (sets, 0))->split, g_free);
}

/* The set a file path (any array of it) or a GOTO prefix names. */
static NpySet *
set_for_path (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);

  for (guint s = 0; s < G_N_ELEMENTS (goto_suffixes); s++)
    if (g_str_has_suffix (path, goto_suffixes[s]))
      {
        g_autofree char *prefix = g_strndup (path, strlen (path) - strlen (goto_suffixes[s]));
        return goto_set (prefix, NULL);
      }
  if (strcmp (base, "X.npy") == 0 || strcmp (base, "y.npy") == 0)
    return x_set (dir, NULL);
  if ((g_str_has_prefix (base, "X_") || g_str_has_prefix (base, "y_")) && g_str_has_suffix (base, ".npy")
      && strlen (base) > 6)
    {
      g_autofree char *split = g_strndup (base + 2, strlen (base) - 6);
      NpySet *set = x_set (dir, split);
      g_clear_pointer (&set->split, g_free);
      return set;
    }
  if (g_str_has_suffix (path, ".npy"))
    {
      /* any other array is an X without labels */
      NpySet *set = g_new0 (NpySet, 1);
      set->values_path = g_strdup (path);
      set->x_layout = TRUE;
      return set;
    }
  return goto_set (path, NULL);
}

static gboolean
progress_step (double fraction, const char *name, LcProgressFunc progress, gpointer user_data, GError **error)
{
  if (progress == NULL || progress (fraction, user_data))
    return TRUE;
  g_set_error (error, LC_ERROR, LC_ERROR_CANCELLED, _("%s: loading cancelled"), name);
  return FALSE;
}

static gboolean
is_file (const char *path)
{
  return path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/* Reads one set of arrays into b. */
static gboolean
read_set (LcDatasetBuilder *b, const NpySet *set, gboolean *on_grid, GError **error)
{
  NpyArray values = { 0 }, context = { 0 }, labels = { 0 };
  gsize first = lc_dataset_builder_n_objects (b);
  gboolean ok;

  ok = npy_array_load (&values, set->values_path, error)
       && (set->x_layout ? read_x_array (b, &values, set->split, error)
                         : read_time_features (b, &values, set->split, on_grid, error));
  if (ok && is_file (set->context_path))
    {
      ok = npy_array_load (&context, set->context_path, error)
           && read_context (b, &context, first, values.shape[0], error);
      if (ok)
        lc_dataset_builder_set_meta_path (b, set->context_path);
    }
  else if (ok && lc_dataset_builder_n_meta (b) > 0)
    {
      g_autofree char *shown = g_filename_display_name (set->context_path != NULL ? set->context_path
                                                                                  : set->values_path);
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                   _("%s: no such file, but the first split has contextual features"), shown);
      ok = FALSE;
    }
  if (ok && is_file (set->labels_path))
    ok = npy_array_load (&labels, set->labels_path, error)
         && read_labels (b, &labels, first, values.shape[0], error);
  npy_array_clear (&values);
  npy_array_clear (&context);
  npy_array_clear (&labels);
  return ok;
}

LcDataset *
lc_load_npy (const char *dir_or_prefix, const char *split,
             LcProgressFunc progress, gpointer user_data, GError **error)
{
  g_autoptr (GPtrArray) sets = g_ptr_array_new_with_free_func (npy_set_free);
  g_autoptr (LcDatasetBuilder) b = NULL;
  g_autofree char *display = NULL;
  gboolean on_grid = TRUE;
  gboolean x_layout;

  g_return_val_if_fail (dir_or_prefix != NULL, NULL);
  display = g_filename_display_name (dir_or_prefix);
  if (split != NULL && (strchr (split, '/') != NULL || split[0] == '\0'))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_OPEN,
                   _("%s: split “%s”: expected a name such as train, validation or test"), display, split);
      return NULL;
    }
  if (!g_file_test (dir_or_prefix, G_FILE_TEST_IS_DIR))
    g_ptr_array_add (sets, set_for_path (dir_or_prefix));
  else if (split != NULL)
    {
      g_autofree char *prefix = g_build_filename (dir_or_prefix, split, NULL);
      NpySet *set = goto_set (prefix, NULL);
      if (!is_file (set->values_path))
        {
          npy_set_free (set);
          set = x_set (dir_or_prefix, split);
          g_clear_pointer (&set->split, g_free);
          if (!is_file (set->values_path))
            {
              npy_set_free (set);
              set = goto_set (prefix, NULL);
            }
        }
      g_ptr_array_add (sets, set);
    }
  else
    find_sets_in_folder (dir_or_prefix, sets);
  if (sets->len == 0)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_OPEN,
                   _("%s: no arrays (expected NAME_time_features.npy, or X.npy with y.npy)"), display);
      return NULL;
    }
  x_layout = ((NpySet *) g_ptr_array_index (sets, 0))->x_layout;
  for (guint s = 0; s < sets->len; s++)
    {
      const NpySet *set = g_ptr_array_index (sets, s);
      if (!is_file (set->values_path))
        {
          g_autofree char *shown = g_filename_display_name (set->values_path);
          g_set_error (error, LC_ERROR, LC_ERROR_OPEN,
                       set->x_layout ? _("%s: no such file (expected the (N, T, F) array X)")
                                     : _("%s: no such file (expected the time features array)"), shown);
          return NULL;
        }
      if (set->x_layout != x_layout)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                       _("%s: holds both GOTO arrays (NAME_time_features.npy) and X/y arrays; open one of the "
                         "files"), display);
          return NULL;
        }
    }

  b = lc_dataset_builder_new (LC_SOURCE_NPY, LC_VALUE_FLUX, dir_or_prefix);
  if (!x_layout)
    lc_dataset_builder_set_bands (b, 1, (const char *[]) { "0" });
  for (guint s = 0; s < sets->len; s++)
    if (!read_set (b, g_ptr_array_index (sets, s), &on_grid, error)
        || !progress_step ((s + 1.0) / sets->len, display, progress, user_data, error))
      return NULL;
  lc_dataset_builder_set_on_grid (b, on_grid);
  return lc_dataset_builder_finish (b, error);
}
