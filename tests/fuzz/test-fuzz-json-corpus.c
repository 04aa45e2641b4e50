/* test-fuzz-json-corpus.c: every file of a JSON fuzz target's seed corpus
 * (FUZZ_CORPUS, a folder of tests/fuzz) through the target, as a normal test.
 * Built once per target; the target aborts on a broken contract. */
#include "fuzz-json.h"
#include "fuzz-util.h"

static void
test_corpus_file (gconstpointer path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  LLVMFuzzerTestOneInput ((const guint8 *) contents, length);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  fuzz_add_corpus_tests (FUZZ_CORPUS, 10, test_corpus_file);
  return g_test_run ();
}
