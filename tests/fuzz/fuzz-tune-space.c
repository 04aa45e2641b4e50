/* fuzz-tune-space.c: arbitrary bytes as a tune search space (lc-tune.h).
 *
 * The contract: lc_search_space_load_from_data gives a space or an LC_ERROR
 * that names the source; a space it gives is written, and what is written
 * must load again and write the same text.  Its grid is counted and a few
 * settings of each strategy are drawn.  Built as a libFuzzer target with
 * clang, and linked into its corpus test. */
#include "fuzz-util.h"
#include "fuzz-json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lc.h"
#include "lc-tune.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcSearchSpace) space = NULL;
  g_autoptr (LcSearchSpace) again = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *saved_again = NULL;

  space = lc_search_space_load_from_data ((const char *) data, (gssize) size, "fuzz.json", &error);
  if (space == NULL)
    {
      if (error == NULL || error->domain != LC_ERROR || !g_str_has_prefix (error->message, "fuzz.json"))
        fuzz_fail ("no LC_ERROR naming the file: %s", error != NULL ? error->message : "(none)");
      return 0;
    }
  saved = lc_search_space_to_data (space);
  again = lc_search_space_load_from_data (saved, -1, "fuzz.json", &error);
  if (again == NULL)
    fuzz_fail ("what was written does not load: %s\n--- written:\n%s", error->message, saved);
  saved_again = lc_search_space_to_data (again);
  if (strcmp (saved, saved_again) != 0)
    fuzz_fail ("writing the reloaded space gives other text:\n%s\n---\n%s", saved, saved_again);
  if (lc_search_space_grid_size (space) != lc_search_space_grid_size (again))
    fuzz_fail ("grid sizes differ after a reload");
  for (int strategy = LC_TUNE_GRID; strategy <= LC_TUNE_HALVING; strategy++)
    for (int i = 0; i < 3; i++)
      {
        g_autoptr (JsonNode) settings = lc_search_space_sample (space, strategy, 7, i);
        if (settings == NULL || !JSON_NODE_HOLDS_OBJECT (settings))
          fuzz_fail ("setting %d of strategy %d is not an object", i, strategy);
      }
  return 0;
}
