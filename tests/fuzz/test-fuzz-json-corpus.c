/* test-fuzz-json-corpus.c: every file of a JSON fuzz target's seed corpus
 * (FUZZ_CORPUS, a folder of tests/fuzz) through the target, as a normal test.
 * Built once per target; the target aborts on a broken contract. */
#include "fuzz-json.h"

static char *corpus_dir;

static void
test_corpus_file (gconstpointer data)
{
  const char *name = data;
  g_autofree char *path = g_build_filename (corpus_dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  LLVMFuzzerTestOneInput ((const guint8 *) contents, length);
}

int
main (int argc, char **argv)
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_test_init (&argc, &argv, NULL);
  corpus_dir = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "tests", "fuzz", FUZZ_CORPUS, NULL);
  dir = g_dir_open (corpus_dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_assert_cmpuint (names->len, >, 10);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *test = g_strdup_printf ("/fuzz/%s/%s", FUZZ_CORPUS,
                                               (char *) g_ptr_array_index (names, i));
      g_test_add_data_func (test, g_ptr_array_index (names, i), test_corpus_file);
    }
  return g_test_run ();
}
