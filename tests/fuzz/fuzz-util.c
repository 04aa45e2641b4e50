/* fuzz-util.c: what every light-curve fuzz target shares.
 *
 * The contract of a reader under fuzzing: the result is either a dataset
 * whose invariants hold, or an LC_ERROR with a message that names the file.
 * Anything else (a crash, a sanitizer report, an abort) is a bug.
 */
#include "fuzz-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *scratch_dir;

void
fuzz_fail (const char *format, ...)
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
    fuzz_fail ("dataset header broken: ref %d, bands %d", ds->ref_count, ds->n_bands);
  for (int b = 0; b < ds->n_bands; b++)
    if (ds->band_names[b] == NULL || !g_utf8_validate (ds->band_names[b], -1, NULL))
      fuzz_fail ("band %d has no valid name", b);
  counts = g_new0 (int, MAX (1, ds->n_classes));
  for (gsize i = 0; i < ds->n_objects; i++)
    {
      const LcObject *o = &ds->objects[i];
      if (o->id == NULL || o->first != next || o->n_obs < 0)
        fuzz_fail ("object %" G_GSIZE_FORMAT ": bad id or range", i);
      if (o->label < -1 || o->label >= ds->n_classes)
        fuzz_fail ("object %" G_GSIZE_FORMAT ": label %d out of range", i, o->label);
      if (o->label >= 0)
        counts[o->label]++;
      if (ds->n_meta > 0 && o->meta != ds->meta_storage + i * ds->n_meta)
        fuzz_fail ("object %" G_GSIZE_FORMAT ": meta pointer", i);
      for (int k = 0; k < o->n_obs; k++)
        {
          gsize at = o->first + k;
          if (ds->band[at] >= ds->n_bands || ds->detected[at] > 1)
            fuzz_fail ("observation %" G_GSIZE_FORMAT ": band or flag out of range", at);
          if (!isfinite (ds->time[at]) || !isfinite (ds->value[at]))
            fuzz_fail ("observation %" G_GSIZE_FORMAT ": non-finite time or value", at);
          if (k > 0 && ds->time[at - 1] > ds->time[at])
            fuzz_fail ("object %" G_GSIZE_FORMAT ": not sorted by time", i);
        }
      next += (gsize) o->n_obs;
    }
  if (next != ds->n_obs)
    fuzz_fail ("objects cover %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " observations", next, ds->n_obs);
  for (int c = 0; c < ds->n_classes; c++)
    {
      if (ds->classes[c].count != counts[c] || ds->classes[c].name == NULL)
        fuzz_fail ("class %d: count %d, counted %d", c, ds->classes[c].count, counts[c]);
      if (c > 0 && ds->classes[c - 1].id >= ds->classes[c].id)
        fuzz_fail ("classes not sorted by id");
    }
  for (int m = 0; m < ds->n_meta; m++)
    if (ds->meta_names[m] == NULL)
      fuzz_fail ("meta %d has no name", m);
  g_free (counts);
}

void
fuzz_check_error (const GError *error, const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  if (error == NULL || error->domain != LC_ERROR || error->message == NULL)
    fuzz_fail ("%s: no dataset and no LC_ERROR", path);
  /* errors must say which file: the one given, or the metadata, labels,
   * light curve or array that went with it */
  if (strstr (error->message, base) == NULL && strstr (error->message, ".csv") == NULL
      && strstr (error->message, ".npy") == NULL && strstr (error->message, ".ts") == NULL)
    fuzz_fail ("%s: the error does not name the file: %s", path, error->message);
  if (!g_utf8_validate (error->message, -1, NULL))
    fuzz_fail ("%s: the error message is not valid UTF-8", path);
}

/* Loads path (a file or a folder); returns TRUE for a dataset, FALSE for a proper error. */
gboolean
fuzz_load_path (const char *path, char **message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load (path, NULL, NULL, NULL, &error);

  if (ds != NULL)
    {
      fuzz_check_dataset (ds);
      return TRUE;
    }
  fuzz_check_error (error, path);
  if (message != NULL)
    *message = g_strdup (error->message);
  return FALSE;
}


/* Removes the scratch folder and whatever a target left in it. */
static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
remove_scratch_dir (void)
{
  if (scratch_dir != NULL)
    remove_tree (scratch_dir);
  g_clear_pointer (&scratch_dir, g_free);
}

const char *
fuzz_scratch_dir (void)
{
  if (scratch_dir == NULL)
    {
      /* memory-backed when possible: the targets write files for every input */
      const char *shm = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir ();
      g_autofree char *template = g_build_filename (shm, "passband-fuzz-XXXXXX", NULL);
      if (g_mkdtemp (template) == NULL)
        fuzz_fail ("no scratch folder");
      scratch_dir = g_steal_pointer (&template);
      atexit (remove_scratch_dir);
    }
  return scratch_dir;
}

char *
fuzz_scratch_path (const char *sub, const char *name)
{
  g_autofree char *dir = sub != NULL ? g_build_filename (fuzz_scratch_dir (), sub, NULL)
                                     : g_strdup (fuzz_scratch_dir ());

  g_mkdir_with_parents (dir, 0700);
  return name != NULL ? g_build_filename (dir, name, NULL) : g_steal_pointer (&dir);
}

void
fuzz_write_file (const char *dir, const char *name, const void *data, gssize size)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  if (!g_file_set_contents (path, data, size, NULL))
    fuzz_fail ("cannot write %s", path);
}

void
fuzz_remove_file (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_unlink (path);
}

void
fuzz_remove_folder (const char *dir)
{
  remove_tree (dir);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

void
fuzz_add_corpus_tests (const char *corpus, guint min_files, GTestDataFunc func)
{
  /* the paths live as long as the tests */
  static GPtrArray *paths;
  g_autofree char *dir_path = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "tests", "fuzz", corpus, NULL);
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  if (paths == NULL)
    paths = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, >=, min_files);
  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *test = g_strdup_printf ("/fuzz/%s/%s", corpus, file);
      char *path = g_build_filename (dir_path, file, NULL);

      g_ptr_array_add (paths, path);
      g_test_add_data_func (test, path, func);
    }
}
