/* nn-json.h: writing JSON text ourselves.
 *
 * json-glib 1.6's generator writes a double such as 1e-08 as "1e-08.0", which
 * no parser reads back, so every JSON Passband writes (model files, search
 * results, the CLI's JSON lines) goes through these functions instead. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A quoted, escaped JSON string (invalid UTF-8 is replaced). */
void  nn_json_append_string (GString *s, const char *text);
/* The shortest decimal that reads back as the same double, ".0" kept on whole
 * numbers; null for NaN and infinities. */
void  nn_json_append_double (GString *s, double v);
/* node as compact JSON text on one line. */
char *nn_json_to_string     (JsonNode *node);

G_END_DECLS
