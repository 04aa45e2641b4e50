/* test-json.c: JSON text written by nn-json reads back to the same values,
 * including the doubles json-glib's own generator misprints. */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "nn-json.h"

static void
test_doubles_read_back (void)
{
  const double values[] = { 1e-08, 0.1, 0.2, 1.0 / 3.0, 1e300, -2.5e-17, 3.0, 0.0 };
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr (GString) s = g_string_new (NULL);
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;
      nn_json_append_double (s, values[i]);
      json_parser_load_from_data (parser, s->str, -1, &error);
      g_assert_no_error (error);
      /* whole numbers stay doubles */
      g_assert_cmpint (json_node_get_value_type (json_parser_get_root (parser)), ==, G_TYPE_DOUBLE);
      g_assert_cmpfloat (json_node_get_double (json_parser_get_root (parser)), ==, values[i]);
    }
}

/* Significant digits of a %g text: digits of the mantissa without leading
 * or trailing zeros ("6702045150000000" has 9). */
static int
significant_digits (const char *text)
{
  int n = 0, zeros = 0;
  gboolean started = FALSE;

  for (const char *p = text; *p != '\0' && *p != 'e' && *p != 'E'; p++)
    if (g_ascii_isdigit (*p) && (started || *p != '0'))
      {
        started = TRUE;
        n++;
        zeros = *p == '0' ? zeros + 1 : 0;
      }
  return n - zeros;
}

/* Every float and double written reads back exactly and is the shortest
 * %g text that does (at least 6 digits for floats, 15 for doubles, the
 * widths the writer starts from). */
static void
test_shortest_read_back (void)
{
  GRand *rand = g_rand_new_with_seed (7);

  for (int i = 0; i < 20000; i++)
    {
      float f = (float) (g_rand_double_range (rand, -1, 1) * pow (10, g_rand_int_range (rand, -8, 8)));
      double d = g_rand_double_range (rand, -1, 1) * pow (10, g_rand_int_range (rand, -30, 30));
      g_autoptr (GString) fs = g_string_new (NULL);
      g_autoptr (GString) ds = g_string_new (NULL);
      char shorter[G_ASCII_DTOSTR_BUF_SIZE], format[8];
      int digits;

      if (i % 7 == 0)
        f = (float) g_rand_int_range (rand, -1000, 1000) / 8;
      nn_json_append_float (fs, f);
      g_assert_cmpfloat ((float) g_ascii_strtod (fs->str, NULL), ==, f);
      digits = significant_digits (fs->str);
      if (digits > 6)
        {
          g_snprintf (format, sizeof format, "%%.%dg", digits - 1);
          g_ascii_formatd (shorter, sizeof shorter, format, f);
          g_assert_cmpfloat ((float) g_ascii_strtod (shorter, NULL), !=, f);
        }

      nn_json_append_double (ds, d);
      g_assert_cmpfloat (g_ascii_strtod (ds->str, NULL), ==, d);
      digits = significant_digits (ds->str);
      if (digits > 15)
        {
          g_snprintf (format, sizeof format, "%%.%dg", digits - 1);
          g_ascii_formatd (shorter, sizeof shorter, format, d);
          g_assert_cmpfloat (g_ascii_strtod (shorter, NULL), !=, d);
        }
    }
  g_rand_free (rand);
}

static void
test_node_round_trip (void)
{
  const char *text = "{\"lr\":1e-08,\"name\":\"a \\\"b\\\"\\n\",\"list\":[1,2.5,true,null],\"o\":{}}";
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonParser) again = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *written = NULL;
  JsonObject *o;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  written = nn_json_to_string (json_parser_get_root (parser));
  g_assert_null (strchr (written, '\n'));
  json_parser_load_from_data (again, written, -1, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (again));
  g_assert_cmpfloat (json_object_get_double_member (o, "lr"), ==, 1e-08);
  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "a \"b\"\n");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (o, "list")), ==, 4);
  g_assert_true (json_object_has_member (o, "o"));
}

static void
test_non_finite_is_null (void)
{
  g_autoptr (GString) s = g_string_new (NULL);
  nn_json_append_double (s, NAN);
  g_string_append_c (s, ' ');
  nn_json_append_double (s, INFINITY);
  g_assert_cmpstr (s->str, ==, "null null");
}

static char *
nested (int depth, char open, char close)
{
  GString *s = g_string_new (NULL);
  for (int i = 0; i < depth; i++)
    g_string_append_c (s, open);
  if (open == '{')
    g_string_append (s, "\"a\": 1");
  for (int i = 0; i < depth; i++)
    g_string_append_c (s, close);
  return g_string_free (s, FALSE);
}

/* json-glib recurses once a level: 100000 levels overflow the stack. */
static void
test_untrusted_depth (void)
{
  g_autofree char *deep = nested (100000, '[', ']');
  g_autofree char *at_limit = nested (NN_JSON_MAX_DEPTH, '[', ']');
  g_autofree char *over = nested (NN_JSON_MAX_DEPTH + 1, '[', ']');
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) ok = NULL;
  JsonParser *refused;

  refused = nn_json_parse_untrusted (deep, -1, &error);
  g_assert_null (refused);
  g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "line 1, column 65: nested more than 64 levels deep"));
  g_clear_error (&error);
  refused = nn_json_parse_untrusted (over, -1, &error);
  g_assert_null (refused);
  g_clear_error (&error);
  ok = nn_json_parse_untrusted (at_limit, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (ok)));
}

/* brackets inside strings are text, and text that could hide brackets from
 * the scan (comments, single quotes) is refused */
static void
test_untrusted_strings (void)
{
  g_autofree char *deep = nested (200, '[', ']');
  g_autofree char *in_string = g_strdup_printf ("{\"a\": \"%s\\\"[\", \"b\": [1]}", deep);
  g_autofree char *quoted = g_strdup_printf ("['\"', %s, '\"']", deep);
  g_autofree char *commented = g_strdup_printf ("[/*]]]]]]]]]*/ %s]", deep);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) ok = nn_json_parse_untrusted (in_string, -1, &error);
  g_autofree char *expected = NULL;
  JsonParser *refused;

  g_assert_no_error (error);
  expected = g_strdup_printf ("%s\"[", deep);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (ok)), "a"),
                   ==, expected);
  refused = nn_json_parse_untrusted (quoted, -1, &error);
  g_assert_null (refused);
  g_assert_nonnull (strstr (error->message, "line 1, column 2: not valid JSON: unexpected character “'”"));
  g_clear_error (&error);
  refused = nn_json_parse_untrusted (commented, -1, &error);
  g_assert_null (refused);
  g_assert_nonnull (strstr (error->message, "unexpected character “/”"));
}

static void
test_untrusted_duplicates (void)
{
  static const char *const refused_texts[] = {
    "{\"units\": 64, \"units\": 32}",
    "{\"a\": {\"b\": 1,\n \"b\": 2}}",
    "[{\"x\": 1}, {\"x\": 1, \"y\": [1, 2], \"x\": 3}]",
    "{\"units\": 64, \"\\u0075nits\": 32}",
  };
  static const char *const fine[] = {
    "{\"a\": 1, \"b\": {\"a\": 2}, \"c\": [{\"a\": 3}, {\"a\": 4}]}",
    "{\"a\": \"a\", \"b\": [\"a\", \"a\"]}",
  };
  for (guint i = 0; i < G_N_ELEMENTS (refused_texts); i++)
    {
      g_autoptr (GError) error = NULL;
      JsonParser *parser = nn_json_parse_untrusted (refused_texts[i], -1, &error);
      g_assert_null (parser);
      g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "is given twice in the same object (first on line"));
    }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (JsonParser) parser = nn_json_parse_untrusted (refused_texts[1], -1, &error);
    g_assert_cmpstr (error->message, ==,
                     "line 2, column 2: the field “b” is given twice in the same object (first on line 1)");
  }
  for (guint i = 0; i < G_N_ELEMENTS (fine); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonParser) parser = nn_json_parse_untrusted (fine[i], -1, &error);
      g_assert_no_error (error);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/doubles-read-back", test_doubles_read_back);
  g_test_add_func ("/json/shortest-read-back", test_shortest_read_back);
  g_test_add_func ("/json/node-round-trip", test_node_round_trip);
  g_test_add_func ("/json/non-finite-is-null", test_non_finite_is_null);
  g_test_add_func ("/json/untrusted/depth", test_untrusted_depth);
  g_test_add_func ("/json/untrusted/strings", test_untrusted_strings);
  g_test_add_func ("/json/untrusted/duplicates", test_untrusted_duplicates);
  return g_test_run ();
}
