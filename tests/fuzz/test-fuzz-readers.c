/* test-fuzz-readers.c: the seed corpus of one target of fuzz-readers.c, as a normal test.
 *
 *   test-fuzz-readers TARGET     (csv-mapping, npy-arrays or stream)
 *
 * runs every file of tests/fuzz/corpus-TARGET/ through the target: none may
 * crash, break a dataset invariant or give an error that does not name its file. */
#include "fuzz-readers.h"
#include "fuzz-util.h"

#include <string.h>

typedef int (*TargetFunc) (const guint8 *data, size_t size);

static const struct { const char *name; TargetFunc func; } targets[] = {
  { "csv-mapping", fuzz_csv_mapping_one },
  { "npy-arrays", fuzz_npy_arrays_one },
  { "stream", fuzz_stream_one },
};

static char *corpus_dir;
static TargetFunc target;

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
test_corpus_file (gconstpointer data)
{
  g_autofree char *path = g_build_filename (corpus_dir, data, NULL);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpint (target ((const guint8 *) contents, length), ==, 0);
}

int
main (int argc, char **argv)
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *corpus = NULL;
  const char *name;

  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
    if (strcmp (argv[1], targets[t].name) == 0)
      target = targets[t].func;
  g_assert_nonnull (target);
  corpus = g_strconcat ("corpus-", argv[1], NULL);
  corpus_dir = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "tests", "fuzz", corpus, NULL);
  dir = g_dir_open (corpus_dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, >=, 8);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *test = g_strdup_printf ("/fuzz/%s/%s", argv[1], (char *) g_ptr_array_index (names, i));
      g_test_add_data_func (test, g_ptr_array_index (names, i), test_corpus_file);
    }
  return g_test_run ();
}
