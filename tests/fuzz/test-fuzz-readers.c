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

static TargetFunc target;

static void
test_corpus_file (gconstpointer path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpint (target ((const guint8 *) contents, length), ==, 0);
}

int
main (int argc, char **argv)
{
  g_autofree char *corpus = NULL;

  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
    if (strcmp (argv[1], targets[t].name) == 0)
      target = targets[t].func;
  g_assert_nonnull (target);
  corpus = g_strconcat ("corpus-", argv[1], NULL);
  fuzz_add_corpus_tests (corpus, 8, test_corpus_file);
  return g_test_run ();
}
