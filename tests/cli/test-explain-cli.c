/* test-explain-cli.c: passband-cli explain end to end: a model trained by
 * train, explained on simulated objects, as JSON lines and as a summary. */
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "testutil.h"

static char *tmp_dir;
static char *model_path;

static JsonObject *
parse_line (JsonParser *parser, const char *line)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, line, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* The sum of "observation_attributions" ([time, band, value] each). */
static double
observations_sum (JsonObject *o)
{
  JsonArray *obs = json_object_get_array_member (o, "observation_attributions");
  double sum = 0.0;

  g_assert_cmpuint (json_array_get_length (obs), >, 0);
  for (guint i = 0; i < json_array_get_length (obs); i++)
    {
      JsonArray *one = json_array_get_array_element (obs, i);
      g_assert_cmpuint (json_array_get_length (one), ==, 3);
      g_assert_cmpuint (strlen (json_array_get_string_element (one, 1)), ==, 1);
      sum += json_array_get_double_element (one, 2);
    }
  return sum;
}

static void
test_json_lines (void)
{
  g_autoptr (TuCliResult) r = tu_run_cli ("explain", "--model", model_path, "--data", "sim:4:9",
                                          "--points", "32", "--json", NULL);
  g_auto (GStrv) lines = NULL;
  int n = 0;

  g_assert_cmpint (r->status, ==, 0);
  /* exact zeros (one-hot band columns that were 0) print as 0 */
  g_assert_nonnull (strstr (r->out, ",0,"));
  g_assert_null (strstr (r->out, "-0.0,"));
  g_assert_null (strstr (r->out, "-0.0]"));
  lines = g_strsplit (r->out, "\n", -1);
  for (char **l = lines; *l != NULL && **l != '\0'; l++, n++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *o = parse_line (parser, *l);
      JsonArray *attr = json_object_get_array_member (o, "attributions");
      JsonArray *features = json_object_get_array_member (o, "features");
      JsonObject *bands = json_object_get_object_member (o, "band_occlusion");
      JsonObject *meta = json_object_get_object_member (o, "metadata_attributions");
      double p = json_object_get_double_member (o, "probability");
      double p0 = json_object_get_double_member (o, "baseline_probability");
      double sum = 0.0;

      g_assert_true (json_object_has_member (o, "object_id"));
      g_assert_true (json_object_has_member (o, "class"));
      g_assert_cmpuint (json_array_get_length (attr), >, 0);
      for (guint t = 0; t < json_array_get_length (attr); t++)
        {
          JsonArray *row = json_array_get_array_element (attr, t);
          g_assert_cmpuint (json_array_get_length (row), ==, json_array_get_length (features));
          for (guint f = 0; f < json_array_get_length (row); f++)
            sum += json_array_get_double_element (row, f);
        }
      g_assert_cmpfloat (fabs (observations_sum (o) - sum), <=, 1e-9 + 1e-6 * fabs (sum));
      g_assert_cmpuint (json_object_get_size (meta), >, 0);
      {
        GList *names = json_object_get_members (meta);
        for (GList *it = names; it != NULL; it = it->next)
          sum += json_object_get_double_member (meta, it->data);
        g_list_free (names);
      }
      /* completeness, as printed: the attributions add up to p - p0 */
      g_assert_cmpfloat (fabs (sum - (p - p0)), <=, 0.02 * MAX (fabs (p - p0), 0.01));
      g_assert_cmpuint (json_object_get_size (bands), ==, 6);
      g_assert_true (json_object_has_member (bands, "u"));
    }
  g_assert_cmpint (n, ==, 4);
}

static void
test_object_and_class (void)
{
  g_autoptr (TuCliResult) r = tu_run_cli ("explain", "--model", model_path, "--data", "sim:4:9",
                                          "--object", "2", "--class", "42", "--points", "16",
                                          "--json", NULL);
  g_autoptr (TuCliResult) text = tu_run_cli ("explain", "--model", model_path, "--data", "sim:4:9",
                                             "--object", "2", "--points", "16", NULL);
  g_autoptr (TuCliResult) missing = tu_run_cli ("explain", "--model", model_path, "--data",
                                                "sim:4:9", "--object", "nope", NULL);
  g_autoptr (TuCliResult) bad_class = tu_run_cli ("explain", "--model", model_path, "--data",
                                                  "sim:4:9", "--class", "12345", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o;

  g_assert_cmpint (r->status, ==, 0);
  /* one object, one line */
  g_assert_true (strchr (r->out, '\n') == r->out + strlen (r->out) - 1);
  o = parse_line (parser, r->out);
  g_assert_cmpstr (json_object_get_string_member (o, "object_id"), ==, "2");
  g_assert_cmpint (json_object_get_int_member (o, "class"), ==, 42);

  g_assert_cmpint (text->status, ==, 0);
  g_assert_nonnull (strstr (text->out, "object 2:"));
  /* observations named by band and time, not by step index */
  g_assert_nonnull (strstr (text->out, "top observations"));
  g_assert_true (g_regex_match_simple ("\\n    [ugrizy] at [0-9]+\\.[0-9]{2}: [-+]0\\.[0-9]{4} \\([0-9.]+%\\)\\n",
                                       text->out, 0, 0));
  g_assert_nonnull (strstr (text->out, "without band:"));

  g_assert_cmpint (missing->status, ==, 1);
  g_assert_nonnull (strstr (missing->err, "nope"));
  g_assert_cmpint (bad_class->status, ==, 2);
  g_assert_nonnull (strstr (bad_class->err, "12345"));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("passband-explain-XXXXXX", NULL);
  model_path = g_build_filename (tmp_dir, "model.json", NULL);
  {
    g_autofree char *spec = tu_write_file (tmp_dir, "spec.json",
      "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"t\",\n"
      " \"layers\": [{\"type\": \"gru\", \"units\": 8}, {\"type\": \"concat_metadata\"},\n"
      "            {\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
      " \"training\": {\"epochs\": 2, \"batch_size\": 32, \"seed\": 3}}");
    g_autoptr (TuCliResult) r = tu_run_cli ("train", "--data", "sim:80:3", "--model", spec,
                                            "--out", model_path, "--ensemble", "2", NULL);
    if (r->status != 0)
      g_error ("train failed: %s", r->err);
  }
  g_test_add_func ("/explain-cli/json-lines", test_json_lines);
  g_test_add_func ("/explain-cli/object-and-class", test_object_and_class);
  status = g_test_run ();
  tu_remove_tree (tmp_dir);
  return status;
}
