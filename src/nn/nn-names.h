/* nn-names.h: the one "enum <-> name" lookup behind every *_to_string and
 * *_from_string pair (activations, losses, optimisers, ...).  Each pair keeps
 * its own static table and its own answer for values it does not know. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int value;
  const char *name;
} NnNameEntry;

/* The name of the first entry with value, or fallback when none has it. */
const char *nn_name_lookup_name  (const NnNameEntry *table, gsize n_entries, int value,
                                  const char *fallback);
/* The value of the first entry named name (exact match) in *value; FALSE,
 * leaving *value alone, when none is or name is NULL. */
gboolean    nn_name_lookup_value (const NnNameEntry *table, gsize n_entries, const char *name,
                                  int *value);

G_END_DECLS
