/* testutil.h: helpers shared by the test programs: where the shared data are,
 * reading the PyTorch reference JSON, comparing arrays, finite differences. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* $PASSBAND_SHARED/relative (the ../shared folder beside the checkout). */
char *tu_shared_path (const char *relative);
/* Parses a JSON file, aborting the test with a clear message if it cannot. */
JsonNode *tu_load_json (const char *path);
/* Object member by a dotted path ("layers.lstm.grad_last"); NULL if absent. */
JsonNode *tu_json_get (JsonNode *root, const char *dotted);
/* Flattens a nested JSON list of numbers into a new float array; *n gets the count. */
float *tu_json_floats (JsonNode *node, gsize *n);
int *tu_json_ints (JsonNode *node, gsize *n);
double tu_json_double (JsonNode *node);

/* Max over i of |a-b| / max(1, |b|) (absolute for small values, relative for large). */
double tu_max_mixed_error (const float *a, const float *b, gsize n);
/* Fails the test with the index and values of the worst element if the error > tol. */
void tu_assert_close (const char *what, const float *got, const float *want, gsize n, double tol);

G_END_DECLS
