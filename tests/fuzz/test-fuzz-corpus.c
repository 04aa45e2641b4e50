/* test-fuzz-corpus.c: every file of tests/fuzz/corpus through lc_load and the fuzz target.
 *
 * ok-* files must give a valid dataset, bad-* files a clear LC_ERROR that
 * names the file; and every file, read as CSV, .ts and .npy in turn, must
 * neither crash nor break a dataset invariant. */
#include "fuzz-load.h"

#include <string.h>

static char *corpus_dir;

static void
test_corpus_file (gconstpointer data)
{
  const char *name = data;
  g_autofree char *path = g_build_filename (corpus_dir, name, NULL);
  g_autofree char *contents = NULL;
  g_autofree char *message = NULL;
  gsize length;
  gboolean loaded;

  loaded = fuzz_load_path (path, &message);
  if (g_str_has_prefix (name, "ok-") && !loaded)
    g_error ("%s should load: %s", name, message);
  if (g_str_has_prefix (name, "bad-") && loaded)
    g_error ("%s should fail to load", name);
  if (message != NULL)
    g_test_message ("%s", message);

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
  corpus_dir = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "tests", "fuzz", "corpus", NULL);
  dir = g_dir_open (corpus_dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_assert_cmpuint (names->len, >, 40);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *test = g_strdup_printf ("/fuzz/corpus/%s", (char *) g_ptr_array_index (names, i));
      g_test_add_data_func (test, g_ptr_array_index (names, i), test_corpus_file);
    }
  return g_test_run ();
}
