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

/* The shortest decimal that reads back as the same double; keeps a ".0" on
 * whole numbers so the value stays a double when read again. */
void
nn_json_append_double (GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (!isfinite (v))
    {
      g_string_append (s, "null");
      return;
    }
  for (int digits = 15; digits <= 17; digits++)
    {
      char format[8];
      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, format, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  g_string_append (s, buf);
  if (strpbrk (buf, ".eE") == NULL)
    g_string_append (s, ".0");
}

static void
append_node (GString *s, JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    g_string_append (s, "null");
  else if (JSON_NODE_HOLDS_OBJECT (node))
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
  else if (JSON_NODE_HOLDS_ARRAY (node))
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

char *
nn_json_to_string (JsonNode *node)
{
  GString *s = g_string_new (NULL);
  append_node (s, node);
  return g_string_free (s, FALSE);
}
