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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/doubles-read-back", test_doubles_read_back);
  g_test_add_func ("/json/node-round-trip", test_node_round_trip);
  g_test_add_func ("/json/non-finite-is-null", test_non_finite_is_null);
  return g_test_run ();
}
