/* nn-json.c: JSON text that reads back exactly (see nn-json.h) */
#include "config.h"

#include "nn-json.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void
nn_json_append_string (GString *s, const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  g_string_append_c (s, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      switch (c)
        {
        case '"':
          g_string_append (s, "\\\"");
          break;
        case '\\':
          g_string_append (s, "\\\\");
          break;
        case '\n':
          g_string_append (s, "\\n");
          break;
        case '\r':
          g_string_append (s, "\\r");
          break;
        case '\t':
          g_string_append (s, "\\t");
          break;
        default:
          if (c < 0x20)
            g_string_append_printf (s, "\\u%04x", c);
          else
            g_string_append_c (s, (char) c);
        }
    }
  g_string_append_c (s, '"');
}

/* v with `digits` significant digits into buf; whether it reads back as v
 * (as a float when as_float). */
static const char *const digit_formats[] = { "%.0g", "%.1g", "%.2g", "%.3g", "%.4g", "%.5g", "%.6g", "%.7g",
                                             "%.8g", "%.9g", "%.10g", "%.11g", "%.12g", "%.13g", "%.14g", "%.15g",
                                             "%.16g", "%.17g" };

static gboolean
format_reads_back (char *buf, gsize size, double v, int digits, gboolean as_float)
{
  double back;

  g_ascii_formatd (buf, size, digit_formats[digits], v);
  back = g_ascii_strtod (buf, NULL);
  return as_float ? (float) back == (float) v : back == v;
}

/* Appends the shortest of %.{min_digits}g .. %.{max_digits}g that reads back
 * as v (as a float when as_float), or null for NaN and infinities; FALSE then.
 * max_digits always reads back, and a number that reads back with d digits
 * does with more: a binary search needs two or three tries where counting
 * up needed four (writing weights and checkpoints is mostly this). */
static gboolean
append_shortest (GString *s, double v, int min_digits, int max_digits, gboolean as_float)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE], attempt[G_ASCII_DTOSTR_BUF_SIZE];
  int lo = min_digits, hi = max_digits, in_buf = -1;

  if (!isfinite (v))
    {
      g_string_append (s, "null");
      return FALSE;
    }
  while (lo < hi)
    {
      int mid = (lo + hi) / 2;

      if (format_reads_back (attempt, sizeof attempt, v, mid, as_float))
        {
          memcpy (buf, attempt, sizeof buf);
          hi = mid;
          in_buf = mid;
        }
      else
        lo = mid + 1;
    }
  /* hi only came down through a try whose text is in buf */
  if (in_buf != hi)
    g_ascii_formatd (buf, sizeof buf, digit_formats[max_digits], v);
  g_string_append (s, buf);
  return TRUE;
}

/* The shortest decimal that reads back as the same double; keeps a ".0" on
 * whole numbers so the value stays a double when read again. */
void
nn_json_append_double (GString *s, double v)
{
  gsize start = s->len;
  if (append_shortest (s, v, 15, 17, FALSE) && strpbrk (s->str + start, ".eE") == NULL)
    g_string_append (s, ".0");
}

void
nn_json_append_float (GString *s, float v)
{
  append_shortest (s, v, 6, 9, TRUE);
}

void
nn_json_append_indent (GString *s, int indent)
{
  for (int i = 0; i < indent; i++)
    g_string_append (s, "  ");
}

/* null, a number, true/false or a string: written the same in both layouts */
static void
append_scalar (GString *s, JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_string_append (s, "null");
      return;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      g_string_append_printf (s, "%" G_GINT64_FORMAT, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      nn_json_append_double (s, json_node_get_double (node));
      break;
    case G_TYPE_BOOLEAN:
      g_string_append (s, json_node_get_boolean (node) ? "true" : "false");
      break;
    case G_TYPE_STRING:
      nn_json_append_string (s, json_node_get_string (node));
      break;
    default:
      g_string_append (s, "null");
    }
}

static void
append_node (GString *s, JsonNode *node)
{
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr (GList) members = json_object_get_members (o);
      g_string_append_c (s, '{');
      for (GList *l = members; l != NULL; l = l->next)
        {
          if (l != members)
            g_string_append_c (s, ',');
          nn_json_append_string (s, l->data);
          g_string_append_c (s, ':');
          append_node (s, json_object_get_member (o, l->data));
        }
      g_string_append_c (s, '}');
    }
  else if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      g_string_append_c (s, '[');
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          if (i > 0)
            g_string_append_c (s, ',');
          append_node (s, json_array_get_element (a, i));
        }
      g_string_append_c (s, ']');
    }
  else
    append_scalar (s, node);
}

static gboolean
node_is_container (JsonNode *node)
{
  return JSON_NODE_HOLDS_OBJECT (node) || JSON_NODE_HOLDS_ARRAY (node);
}

static void
append_pretty_object (GString *s, JsonObject *obj, int indent)
{
  g_autoptr (GList) members = json_object_get_members (obj);
  if (members == NULL)
    {
      g_string_append (s, "{}");
      return;
    }
  g_string_append (s, "{\n");
  for (GList *l = members; l != NULL; l = l->next)
    {
      nn_json_append_indent (s, indent + 1);
      nn_json_append_string (s, l->data);
      g_string_append (s, ": ");
      nn_json_append_pretty (s, json_object_get_member (obj, l->data), indent + 1);
      g_string_append (s, l->next != NULL ? ",\n" : "\n");
    }
  nn_json_append_indent (s, indent);
  g_string_append_c (s, '}');
}

/* Lists of plain values stay on one line (statistics vectors are short). */
static void
append_pretty_array (GString *s, JsonArray *arr, int indent)
{
  guint n = json_array_get_length (arr);
  gboolean nested = FALSE;
  for (guint i = 0; i < n; i++)
    nested |= node_is_container (json_array_get_element (arr, i));
  g_string_append_c (s, '[');
  for (guint i = 0; i < n; i++)
    {
      if (nested)
        {
          g_string_append (s, i > 0 ? ",\n" : "\n");
          nn_json_append_indent (s, indent + 1);
        }
      else if (i > 0)
        g_string_append (s, ", ");
      nn_json_append_pretty (s, json_array_get_element (arr, i), indent + 1);
    }
  if (nested)
    {
      g_string_append_c (s, '\n');
      nn_json_append_indent (s, indent);
    }
  g_string_append_c (s, ']');
}

void
nn_json_append_pretty (GString *s, JsonNode *node, int indent)
{
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    append_pretty_object (s, json_node_get_object (node), indent);
  else if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    append_pretty_array (s, json_node_get_array (node), indent);
  else
    append_scalar (s, node);
}

char *
nn_json_to_string (JsonNode *node)
{
  GString *s = g_string_new (NULL);
  append_node (s, node);
  return g_string_free (s, FALSE);
}

gboolean
nn_json_node_number (JsonNode *node, double *out)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *out = (double) json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      *out = json_node_get_double (node);
      return TRUE;
    default:
      return FALSE;
    }
}

/* ------------------------------------------------------------------ */
/* untrusted text                                                      */

typedef struct
{
  const char *text;
  gsize len, pos;
  guint line, line_start;
} JsonScan;

typedef struct
{
  GHashTable *names;   /* member name -> line of its first use; NULL in a list */
} JsonLevel;

static void
json_level_clear (gpointer p)
{
  JsonLevel *level = p;
  g_clear_pointer (&level->names, g_hash_table_unref);
}

static void G_GNUC_PRINTF (4, 5)
scan_fail (GError **error, const JsonScan *sc, gsize at, const char *format, ...)
{
  va_list ap;
  g_autofree char *what = NULL;
  va_start (ap, format);
  what = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
               _("line %u, column %u: %s"), sc->line, (guint) (at - sc->line_start + 1), what);
}

/* Moves past the string that starts at sc->pos (a '"'); the raw text between
 * the quotes in *raw, escapes as written.  FALSE when it is not closed: the
 * parser then says where it is cut. */
static gboolean
scan_string (JsonScan *sc, const char **raw, gsize *raw_len, gboolean *escaped)
{
  gsize start = ++sc->pos;
  *escaped = FALSE;
  while (sc->pos < sc->len)
    {
      char c = sc->text[sc->pos];
      if (c == '"')
        {
          *raw = sc->text + start;
          *raw_len = sc->pos - start;
          sc->pos++;
          return TRUE;
        }
      if (c == '\n')
        {
          sc->line++;
          sc->line_start = sc->pos + 1;
        }
      if (c == '\\')
        {
          *escaped = TRUE;
          sc->pos++;
        }
      sc->pos++;
    }
  return FALSE;
}

/* A member name as the parser will see it: escapes decoded. */
static char *
member_name (const char *raw, gsize raw_len, gboolean escaped)
{
  g_autofree char *quoted = NULL;
  g_autoptr (JsonNode) node = NULL;
  if (!escaped)
    return g_strndup (raw, raw_len);
  quoted = g_strdup_printf ("\"%.*s\"", (int) raw_len, raw);
  node = json_from_string (quoted, NULL);
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return g_strndup (raw, raw_len);   /* the parser will refuse it */
  return g_strdup (json_node_get_string (node));
}

static gboolean
scan_member_name (JsonScan *sc, JsonLevel *level, gsize at, const char *raw, gsize raw_len,
                  gboolean escaped, GError **error)
{
  g_autofree char *name = member_name (raw, raw_len, escaped);
  gpointer first_line;
  if (level->names == NULL)
    level->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (g_hash_table_lookup_extended (level->names, name, NULL, &first_line))
    {
      scan_fail (error, sc, at, _("the field “%s” is given twice in the same object (first on line %u)"),
                 name, GPOINTER_TO_UINT (first_line));
      return FALSE;
    }
  g_hash_table_insert (level->names, g_steal_pointer (&name), GUINT_TO_POINTER (sc->line));
  return TRUE;
}

/* Characters that may stand outside strings in JSON: structure, numbers,
 * true/false/null, white space; bytes of UTF-8 sequences are left to the parser. */
static gboolean
is_plain_json_char (guchar c)
{
  return g_ascii_isalnum (c) || strchr ("{}[],:+-. \t\r\n", c) != NULL || c >= 0x80;
}

static gboolean
scan_json (JsonScan *sc, GError **error)
{
  g_autoptr (GArray) levels = g_array_new (FALSE, TRUE, sizeof (JsonLevel));
  gboolean expect_name = FALSE;

  g_array_set_clear_func (levels, json_level_clear);
  while (sc->pos < sc->len)
    {
      gsize at = sc->pos;
      guchar c = (guchar) sc->text[at];
      JsonLevel *top = levels->len > 0 ? &g_array_index (levels, JsonLevel, levels->len - 1) : NULL;

      if (c == '"')
        {
          const char *raw;
          gsize raw_len;
          gboolean escaped;
          if (!scan_string (sc, &raw, &raw_len, &escaped))
            return TRUE;   /* the parser says where the string is cut */
          if (expect_name && top != NULL
              && !scan_member_name (sc, top, at, raw, raw_len, escaped, error))
            return FALSE;
          expect_name = FALSE;
          continue;
        }
      if (!is_plain_json_char (c))
        {
          if (g_ascii_isprint (c))
            scan_fail (error, sc, at, _("not valid JSON: unexpected character “%c”"), c);
          else
            scan_fail (error, sc, at, _("not valid JSON: unexpected byte 0x%02x"), c);
          return FALSE;
        }
      sc->pos++;
      switch (c)
        {
        case '\n':
          sc->line++;
          sc->line_start = sc->pos;
          break;
        case '{':
        case '[':
          {
            JsonLevel level = { NULL };
            if (levels->len >= NN_JSON_MAX_DEPTH)
              {
                scan_fail (error, sc, at, _("nested more than %d levels deep"), NN_JSON_MAX_DEPTH);
                return FALSE;
              }
            if (c == '{')
              level.names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
            g_array_append_val (levels, level);
            expect_name = c == '{';
            break;
          }
        case '}':
        case ']':
          if (levels->len > 0)
            g_array_set_size (levels, levels->len - 1);
          expect_name = FALSE;
          break;
        case ',':
          expect_name = top != NULL && top->names != NULL;
          break;
        default:
          break;
        }
    }
  return TRUE;
}

/* json-glib says "<data>:3:14: Parse error: ..."; say it as the scan does. */
static void
set_parse_error (GError **error, const GError *parse_error)
{
  unsigned line = 0, column = 0;
  int consumed = 0;
  const char *msg = parse_error->message;
  if (sscanf (msg, "<data>:%u:%u: %n", &line, &column, &consumed) == 2 && consumed > 0)
    {
      const char *rest = msg + consumed;
      if (g_str_has_prefix (rest, "Parse error: "))
        rest += strlen ("Parse error: ");
      g_set_error (error, JSON_PARSER_ERROR, parse_error->code,
                   _("line %u, column %u: not valid JSON (cut short?): %s"), line, column, rest);
    }
  else
    g_set_error (error, JSON_PARSER_ERROR, parse_error->code, _("not valid JSON: %s"), msg);
}

JsonParser *
nn_json_parse_untrusted (const char *text, gssize len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) parse_error = NULL;
  JsonScan sc = { text, 0, 0, 1, 0 };

  g_return_val_if_fail (text != NULL, NULL);
  sc.len = len < 0 ? strlen (text) : (gsize) len;
  if (!scan_json (&sc, error))
    return NULL;
  if (!json_parser_load_from_data (parser, text, (gssize) sc.len, &parse_error))
    {
      set_parse_error (error, parse_error);
      return NULL;
    }
  return g_steal_pointer (&parser);
}
