/* test-fuzz-corpus.c: every file of tests/fuzz/corpus through lc_load and the fuzz target.
 *
 * ok-* files must give a valid dataset, bad-* files a clear LC_ERROR that
 * names the file; and every file, read as CSV, .ts and .npy in turn, must
 * neither crash nor break a dataset invariant. */
#include "fuzz-load.h"

#include <string.h>

static void
test_corpus_file (gconstpointer data)
{
  const char *path = data;
  g_autofree char *name = g_path_get_basename (path);
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
  g_test_init (&argc, &argv, NULL);
  fuzz_add_corpus_tests ("corpus", 41, test_corpus_file);
  return g_test_run ();
}
