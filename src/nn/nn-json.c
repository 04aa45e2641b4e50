/* nn-json.c: JSON text that reads back exactly (see nn-json.h) */
#include "nn-json.h"

#include <math.h>
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

/* Appends the shortest of %.{min_digits}g .. %.{max_digits}g that reads back
 * as v (as a float when as_float), or null for NaN and infinities; FALSE then. */
static gboolean
append_shortest (GString *s, double v, int min_digits, int max_digits, gboolean as_float)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (!isfinite (v))
    {
      g_string_append (s, "null");
      return FALSE;
    }
  for (int digits = min_digits; digits <= max_digits; digits++)
    {
      char format[8];
      double back;
      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, format, v);
      back = g_ascii_strtod (buf, NULL);
      if (as_float ? (float) back == (float) v : back == v)
        break;
    }
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
