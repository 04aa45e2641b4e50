/* fuzz-load.c: feeds arbitrary bytes to the CSV, .ts and .npy readers.
 *
 * LLVMFuzzerTestOneInput writes the input to a scratch file under each
 * extension and loads it with lc_load.  The contract: the result is either a
 * dataset whose invariants hold, or an LC_ERROR with a message that names
 * the file.  Anything else (a crash, a sanitizer report, an abort) is a bug.
 * Built as a libFuzzer target with clang, and linked into the corpus test.
 */
#include "fuzz-load.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *scratch_dir;

/* abort(), not g_error(): libFuzzer saves the input on SIGABRT */
static void fail (const char *format, ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;

static void
fail (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  abort ();
}

/* Aborts with a message when a dataset breaks the promises of lc-dataset.h. */
void
fuzz_check_dataset (const LcDataset *ds)
{
  gsize next = 0;
  int *counts;

  if (ds->ref_count != 1 || ds->n_bands < 1 || ds->n_bands > 255 || ds->band_names == NULL)
    fail ("dataset header broken: ref %d, bands %d", ds->ref_count, ds->n_bands);
  for (int b = 0; b < ds->n_bands; b++)
    if (ds->band_names[b] == NULL || !g_utf8_validate (ds->band_names[b], -1, NULL))
      fail ("band %d has no valid name", b);
  counts = g_new0 (int, MAX (1, ds->n_classes));
  for (gsize i = 0; i < ds->n_objects; i++)
    {
      const LcObject *o = &ds->objects[i];
      if (o->id == NULL || o->first != next || o->n_obs < 0)
        fail ("object %" G_GSIZE_FORMAT ": bad id or range", i);
      if (o->label < -1 || o->label >= ds->n_classes)
        fail ("object %" G_GSIZE_FORMAT ": label %d out of range", i, o->label);
      if (o->label >= 0)
        counts[o->label]++;
      if (ds->n_meta > 0 && o->meta != ds->meta_storage + i * ds->n_meta)
        fail ("object %" G_GSIZE_FORMAT ": meta pointer", i);
      for (int k = 0; k < o->n_obs; k++)
        {
          gsize at = o->first + k;
          if (ds->band[at] >= ds->n_bands || ds->detected[at] > 1)
            fail ("observation %" G_GSIZE_FORMAT ": band or flag out of range", at);
          if (!isfinite (ds->time[at]) || !isfinite (ds->value[at]))
            fail ("observation %" G_GSIZE_FORMAT ": non-finite time or value", at);
          if (k > 0 && ds->time[at - 1] > ds->time[at])
            fail ("object %" G_GSIZE_FORMAT ": not sorted by time", i);
        }
      next += (gsize) o->n_obs;
    }
  if (next != ds->n_obs)
    fail ("objects cover %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " observations", next, ds->n_obs);
  for (int c = 0; c < ds->n_classes; c++)
    {
      if (ds->classes[c].count != counts[c] || ds->classes[c].name == NULL)
        fail ("class %d: count %d, counted %d", c, ds->classes[c].count, counts[c]);
      if (c > 0 && ds->classes[c - 1].id >= ds->classes[c].id)
        fail ("classes not sorted by id");
    }
  for (int m = 0; m < ds->n_meta; m++)
    if (ds->meta_names[m] == NULL)
      fail ("meta %d has no name", m);
  g_free (counts);
}

/* Loads path (a file or a folder); returns TRUE for a dataset, FALSE for a proper error. */
gboolean
fuzz_load_path (const char *path, char **message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load (path, NULL, NULL, NULL, &error);
  g_autofree char *base = g_path_get_basename (path);

  if (ds != NULL)
    {
      fuzz_check_dataset (ds);
      return TRUE;
    }
  if (error == NULL || error->domain != LC_ERROR || error->message == NULL)
    fail ("%s: no dataset and no LC_ERROR", path);
  /* errors must say which file: the one given, or the metadata, labels,
   * light curve or array that went with it */
  if (strstr (error->message, base) == NULL && strstr (error->message, ".csv") == NULL
      && strstr (error->message, ".npy") == NULL && strstr (error->message, ".ts") == NULL)
    fail ("%s: the error does not name the file: %s", path, error->message);
  if (!g_utf8_validate (error->message, -1, NULL))
    fail ("%s: the error message is not valid UTF-8", path);
  if (message != NULL)
    *message = g_strdup (error->message);
  return FALSE;
}

static void
load_as (const char *name, const guint8 *data, size_t size)
{
  g_autofree char *path = g_build_filename (scratch_dir, name, NULL);

  if (!g_file_set_contents (path, (const char *) data, (gssize) size, NULL))
    fail ("cannot write %s", path);
  fuzz_load_path (path, NULL);
  g_unlink (path);
}

static void
write_file (const char *dir, const char *name, const void *data, gssize size)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  if (!g_file_set_contents (path, data, size, NULL))
    fail ("cannot write %s", path);
}

static void
remove_file (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_unlink (path);
}

/* The input as the metadata CSV found beside a good PLAsTiCC file. */
static void
load_as_metadata (const guint8 *data, size_t size)
{
  g_autofree char *dir = g_build_filename (scratch_dir, "meta", NULL);
  g_autofree char *csv = g_build_filename (dir, "set.csv", NULL);

  g_mkdir_with_parents (dir, 0700);
  write_file (dir, "set.csv", "object_id,mjd,passband,flux,flux_err,detected\n615,1.5,0,1,1,1\n713,2.5,1,2,1,0\n", -1);
  write_file (dir, "set_metadata.csv", data, (gssize) size);
  fuzz_load_path (csv, NULL);
  remove_file (dir, "set_metadata.csv");
  remove_file (dir, "set.csv");
  g_rmdir (dir);
}

/* The input as one light curve of a CSV folder, and as its labels table. */
static void
load_as_folder (const guint8 *data, size_t size)
{
  g_autofree char *dir = g_build_filename (scratch_dir, "folder", NULL);
  const char *good = "time,mag,magerr,band\n51075.3,16.6,0.004,r\n51075.4,18.0,0.013,u\n";

  g_mkdir_with_parents (dir, 0700);
  write_file (dir, "4099.csv", good, -1);
  write_file (dir, "13350.csv", data, (gssize) size);
  write_file (dir, "periods.csv", "Num,Type,Per\n4099,ab,0.64\n13350,c,0.3\n", -1);
  fuzz_load_path (dir, NULL);
  write_file (dir, "13350.csv", good, -1);
  write_file (dir, "periods.csv", data, (gssize) size);
  fuzz_load_path (dir, NULL);
  remove_file (dir, "4099.csv");
  remove_file (dir, "13350.csv");
  remove_file (dir, "periods.csv");
  g_rmdir (dir);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  if (scratch_dir == NULL)
    {
      const char *shm = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir ();
      g_autofree char *template = g_build_filename (shm, "passband-fuzz-XXXXXX", NULL);
      scratch_dir = g_mkdtemp (template) != NULL ? g_steal_pointer (&template) : NULL;
      if (scratch_dir == NULL)
        fail ("no scratch folder");
    }
  load_as ("input.csv", data, size);
  load_as ("input.ts", data, size);
  load_as ("input_time_features.npy", data, size);
  load_as_metadata (data, size);
  load_as_folder (data, size);
  return 0;
}
