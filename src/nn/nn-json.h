/* nn-json.h: writing JSON text ourselves.
 *
 * json-glib 1.6's generator writes a double such as 1e-08 as "1e-08.0", which
 * no parser reads back, so every JSON Passband writes (model files, search
 * results, the CLI's JSON lines) goes through these functions instead.
 * nn_json_node_number is the one reading helper the readers share. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A quoted, escaped JSON string (invalid UTF-8 is replaced). */
void  nn_json_append_string (GString *s, const char *text);
/* The shortest decimal that reads back as the same double, ".0" kept on whole
 * numbers; null for NaN and infinities. */
void  nn_json_append_double (GString *s, double v);
/* The shortest decimal that reads back as the same float ("0.2", not
 * 0.200000003), whole numbers without ".0"; null for NaN and infinities. */
void  nn_json_append_float  (GString *s, float v);
/* node as compact JSON text on one line. */
char *nn_json_to_string     (JsonNode *node);
/* node as indented text, the layout of model files: an object's members one
 * a line, lists of plain values on one line; indent is node's own level. */
void  nn_json_append_pretty (GString *s, JsonNode *node, int indent);
/* indent levels of two spaces, for writers that lay out their own lines so. */
void  nn_json_append_indent (GString *s, int indent);

/* Files are untrusted: json-glib's parser recurses once per level (a file of
 * 100000 "[" overflows the stack) and keeps the last of two members with the
 * same name.  So every JSON text Passband reads from a file goes through here:
 * one pass over the text, before the parser sees it, refuses nesting deeper
 * than NN_JSON_MAX_DEPTH, a member name given twice in one object, and
 * anything that is not plain JSON (comments, single quotes).  Errors are
 * JSON_PARSER_ERROR, "line L, column C: what", for the caller to prefix with
 * the file's name; the root is NULL for an empty text. */
#define NN_JSON_MAX_DEPTH 64
JsonParser *nn_json_parse_untrusted (const char *text, gssize len, GError **error);

/* Reading: a number, whole or not, as a double; FALSE (out untouched) for a
 * missing node and anything else. */
gboolean nn_json_node_number (JsonNode *node, double *out);

G_END_DECLS
