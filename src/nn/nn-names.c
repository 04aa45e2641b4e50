/* nn-names.c: enum <-> name tables */
#include "nn-names.h"

#include <string.h>

const char *
nn_name_lookup_name (const NnNameEntry *table, gsize n_entries, int value, const char *fallback)
{
  for (gsize i = 0; i < n_entries; i++)
    if (table[i].value == value)
      return table[i].name;
  return fallback;
}

gboolean
nn_name_lookup_value (const NnNameEntry *table, gsize n_entries, const char *name, int *value)
{
  for (gsize i = 0; name != NULL && i < n_entries; i++)
    if (strcmp (table[i].name, name) == 0)
      {
        *value = table[i].value;
        return TRUE;
      }
  return FALSE;
}
