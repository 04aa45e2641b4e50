/* lc-tensors.c: encoded inputs as NumPy .npy files and a list of object ids. */
#include "config.h"

#include "lc-tensors.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lc-onnx.h"
#include "nn-atomic.h"

/* The 1.0 header: magic, version, header length, then a dict padded with
 * spaces so the data start at a multiple of 64 bytes. */
static void
npy_header (GByteArray *out, const char *descr, int ndim, const gsize *shape)
{
  g_autoptr (GString) dict = g_string_new (NULL);
  static const guint8 magic[8] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0 };
  guint16 len_le;

  g_string_append_printf (dict, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
  /* Python's tuple spelling, as NumPy writes it: (n,) and (a, b, c) */
  for (int i = 0; i < ndim; i++)
    g_string_append_printf (dict, "%s%" G_GSIZE_FORMAT, i > 0 ? ", " : "", shape[i]);
  if (ndim == 1)
    g_string_append_c (dict, ',');
  g_string_append (dict, "), }");
  while ((sizeof magic + 2 + dict->len + 1) % 64 != 0)
    g_string_append_c (dict, ' ');
  g_string_append_c (dict, '\n');
  len_le = GUINT16_TO_LE ((guint16) dict->len);
  g_byte_array_append (out, magic, sizeof magic);
  g_byte_array_append (out, (const guint8 *) &len_le, 2);
  g_byte_array_append (out, (const guint8 *) dict->str, dict->len);
}

static gsize
shape_count (int ndim, const gsize *shape)
{
  gsize n = 1;
  for (int i = 0; i < ndim; i++)
    n *= shape[i];
  return n;
}

static gboolean
save_bytes (const char *path, GByteArray *bytes, GError **error)
{
  if (nn_atomic_write (path, (const char *) bytes->data, (gssize) bytes->len, error))
    return TRUE;
  g_prefix_error (error, "%s: ", path);
  return FALSE;
}

gboolean
lc_npy_save_float32 (const char *path, const float *data, int ndim, const gsize *shape, GError **error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gsize n = shape_count (ndim, shape);

  npy_header (out, "<f4", ndim, shape);
  for (gsize i = 0; i < n; i++)
    {
      guint32 bits;
      memcpy (&bits, data + i, 4);
      bits = GUINT32_TO_LE (bits);
      g_byte_array_append (out, (const guint8 *) &bits, 4);
    }
  return save_bytes (path, out, error);
}

gboolean
lc_npy_save_int64 (const char *path, const gint64 *data, int ndim, const gsize *shape, GError **error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gsize n = shape_count (ndim, shape);

  npy_header (out, "<i8", ndim, shape);
  for (gsize i = 0; i < n; i++)
    {
      guint64 bits = GUINT64_TO_LE ((guint64) data[i]);
      g_byte_array_append (out, (const guint8 *) &bits, 8);
    }
  return save_bytes (path, out, error);
}

gboolean
lc_tensors_write (const LcPredictor *p, const LcDataset *ds, const char *dir, int threads,
                  int *n_rows_out, GError **error)
{
  g_autoptr (NnData) data = NULL;
  g_autofree gint64 *lengths = NULL;
  g_autoptr (GString) ids = g_string_new (NULL);
  g_autofree char *seq_path = g_build_filename (dir, "sequence.npy", NULL);
  g_autofree char *len_path = g_build_filename (dir, "lengths.npy", NULL);
  g_autofree char *meta_path = g_build_filename (dir, "metadata.npy", NULL);
  g_autofree char *ids_path = g_build_filename (dir, "object_ids.txt", NULL);
  gsize shape[3];

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (dir);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("%s: cannot create the folder: %s"), display, g_strerror (saved_errno));
      return FALSE;
    }
  data = lc_predictor_encode (p, ds, NULL, (int) ds->n_objects, threads, error);
  if (data == NULL)
    return FALSE;

  shape[0] = data->n, shape[1] = data->steps, shape[2] = data->features;
  if (!lc_npy_save_float32 (seq_path, data->x, 3, shape, error))
    return FALSE;
  lengths = g_new (gint64, MAX (data->n, 1));
  for (int i = 0; i < data->n; i++)
    lengths[i] = data->lengths[i];
  if (!lc_npy_save_int64 (len_path, lengths, 1, shape, error))
    return FALSE;
  if (lc_onnx_takes_metadata (p))
    {
      shape[1] = data->meta_features;
      if (!lc_npy_save_float32 (meta_path, data->meta, 2, shape, error))
        return FALSE;
    }
  for (int i = 0; i < data->n; i++)
    g_string_append_printf (ids, "%s\n", ds->objects[i].id);
  if (!nn_atomic_write (ids_path, ids->str, (gssize) ids->len, error))
    {
      g_prefix_error (error, "%s: ", ids_path);
      return FALSE;
    }
  if (n_rows_out != NULL)
    *n_rows_out = data->n;
  return TRUE;
}
