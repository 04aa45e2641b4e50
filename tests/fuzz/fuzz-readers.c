/* fuzz-readers.c: the explicit-mapping CSV reader, the .npy context and
 * label arrays (GOTO's and y.npy beside X.npy), and the PLAsTiCC stream
 * with its metadata, against arbitrary bytes.  The contract is that of
 * fuzz-util.h: a dataset whose invariants hold, or an LC_ERROR naming the file.
 */
#include "fuzz-readers.h"
#include "fuzz-util.h"
#include "lc-stream.h"

#include <string.h>

/* ---- explicit-mapping CSV ---- */

static void
load_mapped (const char *path, const LcCsvMapping *mapping)
{
  LcLoadOptions options = { .format = LC_FORMAT_CSV, .mapping = mapping };
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load (path, &options, NULL, NULL, &error);

  if (ds != NULL)
    fuzz_check_dataset (ds);
  else
    fuzz_check_error (error, path);
}

int
fuzz_csv_mapping_one (const guint8 *data, size_t size)
{
  g_autofree char *path = fuzz_scratch_path ("mapping", "input.csv");
  g_autofree char *dir = g_path_get_dirname (path);
  /* every column named, magnitudes */
  LcCsvMapping full = { "id", "t", "band", "mag", "err", "det", "label", LC_VALUE_MAGNITUDE };
  /* the least a mapping needs */
  LcCsvMapping bare = { "id", "t", NULL, "flux", NULL, NULL, NULL, LC_VALUE_FLUX };
  g_auto (GStrv) header = NULL;

  fuzz_write_file (dir, "input.csv", data, (gssize) size);
  load_mapped (path, &full);
  load_mapped (path, &bare);
  /* and what the app would pre-fill from the input's own header */
  header = lc_csv_read_header (path, NULL);
  if (header != NULL)
    {
      g_autoptr (LcCsvMapping) guessed = lc_csv_mapping_guess ((const char *const *) header);
      if (guessed != NULL)
        load_mapped (path, guessed);
    }
  /* the same file as one object of a folder, with the bare mapping's columns */
  {
    LcLoadOptions options = { .format = LC_FORMAT_CSV_FOLDER, .mapping = &full };
    g_autoptr (GError) error = NULL;
    g_autoptr (LcDataset) ds = NULL;

    full.object_column = NULL;
    ds = lc_load (dir, &options, NULL, NULL, &error);
    if (ds != NULL)
      fuzz_check_dataset (ds);
    else
      fuzz_check_error (error, path);
  }
  fuzz_remove_folder (dir);
  return 0;
}

/* ---- .npy context and labels ---- */

/* A version 1.0 .npy of little-endian doubles. */
static GBytes *
npy_doubles (const char *shape, const double *values, gsize n)
{
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  g_autoptr (GString) header = g_string_new (NULL);
  guint8 prefix[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0 };

  g_string_printf (header, "{'descr': '<f8', 'fortran_order': False, 'shape': %s, }", shape);
  while ((10 + header->len + 1) % 64 != 0)
    g_string_append_c (header, ' ');
  g_string_append_c (header, '\n');
  prefix[8] = header->len & 0xff;
  prefix[9] = header->len >> 8;
  g_byte_array_append (bytes, prefix, sizeof prefix);
  g_byte_array_append (bytes, (const guint8 *) header->str, header->len);
  for (gsize i = 0; i < n; i++)
    {
      guint64 bits;
      memcpy (&bits, &values[i], 8);
      bits = GUINT64_TO_LE (bits);
      g_byte_array_append (bytes, (const guint8 *) &bits, 8);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

static void
write_bytes (const char *dir, const char *name, GBytes *bytes)
{
  gsize size;
  const void *data = g_bytes_get_data (bytes, &size);

  fuzz_write_file (dir, name, data, (gssize) size);
}

static void
load_npy_dir (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  fuzz_load_path (path, NULL);
}

int
fuzz_npy_arrays_one (const guint8 *data, size_t size)
{
  /* two objects of two steps: (time, value, error) */
  static const double times[] = { 0, 1, 0.1,  1, 2, 0.1,   0, 3, 0.2,  1, 4, 0.2 };
  static const double context[] = { 1.5, 2.5 };
  static const double labels[] = { 1, 0 };
  g_autofree char *dir = fuzz_scratch_path ("npy", NULL);
  g_autoptr (GBytes) good_times = npy_doubles ("(2, 2, 3)", times, G_N_ELEMENTS (times));
  g_autoptr (GBytes) good_context = npy_doubles ("(2, 1)", context, G_N_ELEMENTS (context));
  g_autoptr (GBytes) good_labels = npy_doubles ("(2,)", labels, G_N_ELEMENTS (labels));
  /* X: two objects, three steps, two bands */
  static const double x[] = { 1, 2, 3, 4, 5, 6,  7, 8, 9, 10, 11, 12 };
  g_autoptr (GBytes) good_x = npy_doubles ("(2, 3, 2)", x, G_N_ELEMENTS (x));

  /* GOTO: the input as the contextual features, then as the labels */
  write_bytes (dir, "s_time_features.npy", good_times);
  fuzz_write_file (dir, "s_contextual_features.npy", data, (gssize) size);
  write_bytes (dir, "s_labels.npy", good_labels);
  load_npy_dir (dir, "s_time_features.npy");
  write_bytes (dir, "s_contextual_features.npy", good_context);
  fuzz_write_file (dir, "s_labels.npy", data, (gssize) size);
  load_npy_dir (dir, "s_time_features.npy");
  /* a second split whose context is the input, read with the folder */
  write_bytes (dir, "s_labels.npy", good_labels);
  write_bytes (dir, "t_time_features.npy", good_times);
  fuzz_write_file (dir, "t_contextual_features.npy", data, (gssize) size);
  fuzz_load_path (dir, NULL);
  fuzz_remove_folder (dir);

  /* X.npy and y.npy: the input as y, then as X */
  g_mkdir_with_parents (dir, 0700);
  write_bytes (dir, "X.npy", good_x);
  fuzz_write_file (dir, "y.npy", data, (gssize) size);
  load_npy_dir (dir, "X.npy");
  write_bytes (dir, "y.npy", good_labels);
  fuzz_write_file (dir, "X.npy", data, (gssize) size);
  load_npy_dir (dir, "y.npy");
  fuzz_remove_folder (dir);
  return 0;
}

/* ---- the PLAsTiCC stream that predict reads ---- */

static void
stream_path (const char *path, const char *meta_path)
{
  LcLoadOptions load = { .format = LC_FORMAT_AUTO, .meta_path = meta_path };
  /* small chunks, so that objects end at chunk edges */
  LcStreamOptions chunking = { .max_objects = 2, .max_obs = 3 };
  g_autoptr (GError) error = NULL;
  g_autoptr (LcStream) stream = lc_stream_open (path, &load, &chunking, &error);
  LcDataset *chunk;
  gsize objects = 0;

  if (stream == NULL)
    {
      fuzz_check_error (error, path);
      return;
    }
  while ((chunk = lc_stream_next (stream, &error)) != NULL)
    {
      fuzz_check_dataset (chunk);
      if (chunk->n_objects == 0 || chunk->n_objects > 2)
        fuzz_fail ("%s: a chunk of %" G_GSIZE_FORMAT " objects", path, chunk->n_objects);
      objects += chunk->n_objects;
      lc_dataset_unref (chunk);
    }
  if (error != NULL)
    fuzz_check_error (error, path);
  if (objects != lc_stream_n_objects (stream))
    fuzz_fail ("%s: %" G_GSIZE_FORMAT " objects in chunks, the stream counted %" G_GSIZE_FORMAT,
               path, objects, lc_stream_n_objects (stream));
}

int
fuzz_stream_one (const guint8 *data, size_t size)
{
  static const char good_curves[] = "object_id,mjd,passband,flux,flux_err,detected\n"
                                    "615,1.5,0,1,1,1\n615,2.5,1,2,1,0\n713,2.5,1,2,1,0\n730,3,2,-1,0.5,1\n";
  static const char good_meta[] = "object_id,ra,decl,hostgal_photoz,target\n615,1,2,0.1,90\n713,3,4,nan,42\n"
                                  "730,5,6,0.3,90\n";
  g_autofree char *dir = fuzz_scratch_path ("stream", NULL);
  g_autofree char *csv = g_build_filename (dir, "set.csv", NULL);
  g_autofree char *meta = g_build_filename (dir, "set_metadata.csv", NULL);

  /* the input as the light curves, with good metadata found beside them */
  fuzz_write_file (dir, "set.csv", data, (gssize) size);
  fuzz_write_file (dir, "set_metadata.csv", good_meta, -1);
  stream_path (csv, NULL);
  /* without metadata: the stream keeps the ids it met instead */
  fuzz_remove_file (dir, "set_metadata.csv");
  stream_path (csv, NULL);
  /* the input as the metadata, given explicitly */
  fuzz_write_file (dir, "set.csv", good_curves, -1);
  fuzz_write_file (dir, "set_metadata.csv", data, (gssize) size);
  stream_path (csv, meta);
  fuzz_remove_folder (dir);
  return 0;
}
