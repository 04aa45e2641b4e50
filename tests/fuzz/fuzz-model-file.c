/* fuzz-model-file.c: arbitrary bytes as a model file.
 *
 * The contract: nn_model_doc_load_from_data gives a document or an NN_ERROR
 * that names the source.  A document it gives is saved, and what is saved must
 * load again and save to the same text (whatever Passband writes, it reads
 * back).  The layers are counted and, when small, built with the stored
 * tensors.  Anything else (a crash, a sanitizer report, an abort) is a bug.
 * Built as a libFuzzer target with clang, and linked into its corpus test. */
#include "fuzz-util.h"
#include "fuzz-json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn.h"

static void
check_error (const GError *error, const char *what)
{
  if (error == NULL || error->domain != NN_ERROR || !g_str_has_prefix (error->message, "fuzz.json"))
    fuzz_fail ("%s: no NN_ERROR naming the file: %s", what, error != NULL ? error->message : "(none)");
}

/* Counting needs no memory for weights; building only when it is small. */
static void
check_build (const NnModelDoc *doc)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModel) model = NULL;
  int seq = doc->seq_features > 0 ? doc->seq_features : 3;
  int meta = doc->meta_features > 0 ? doc->meta_features : 2;
  int classes = doc->classes->len > 0 ? (int) doc->classes->len : 3;
  int steps = doc->max_steps > 0 ? doc->max_steps : 8;
  gssize n = nn_model_doc_count_params (doc, seq, meta, classes, steps, &error);

  if (n < 0)
    {
      check_error (error, "count_params");
      return;
    }
  if (n > (1 << 20) || (gssize) steps * seq > (1 << 20))
    return;
  model = nn_model_doc_build (doc, seq, meta, classes, steps, &error);
  if (model == NULL)
    check_error (error, "build");
  else if (nn_model_n_params (model) != (size_t) n)
    fuzz_fail ("built %zu parameters, counted %zd", nn_model_n_params (model), n);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = NULL;
  g_autoptr (NnModelDoc) again = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *saved_again = NULL;

  doc = nn_model_doc_load_from_data ((const char *) data, (gssize) size, "fuzz.json", &error);
  if (doc == NULL)
    {
      check_error (error, "load");
      return 0;
    }
  saved = nn_model_doc_to_data (doc, NULL);
  again = nn_model_doc_load_from_data (saved, -1, "fuzz.json", &error);
  if (again == NULL)
    fuzz_fail ("what was saved does not load: %s\n--- saved:\n%s", error->message, saved);
  saved_again = nn_model_doc_to_data (again, NULL);
  if (strcmp (saved, saved_again) != 0)
    fuzz_fail ("saving the reloaded document gives other text:\n%s\n---\n%s", saved, saved_again);
  check_build (doc);
  return 0;
}
