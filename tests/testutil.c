/* testutil.c: helpers shared by the test programs */
#include "testutil.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include <math.h>
#include <sys/resource.h>

char *
tu_shared_path (const char *relative)
{
  const char *root = g_getenv ("PASSBAND_SHARED");
  if (root == NULL)
    root = "../shared";
  return g_build_filename (root, relative, NULL);
}

JsonNode *
tu_load_json (const char *path)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("cannot read %s: %s", path, error->message);
  return json_node_copy (json_parser_get_root (parser));
}

JsonNode *
tu_json_get (JsonNode *root, const char *dotted)
{
  g_auto (GStrv) parts = g_strsplit (dotted, ".", -1);
  JsonNode *node = root;
  for (int i = 0; parts[i] != NULL; i++)
    {
      JsonObject *obj;
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        return NULL;
      obj = json_node_get_object (node);
      if (!json_object_has_member (obj, parts[i]))
        return NULL;
      node = json_object_get_member (obj, parts[i]);
    }
  return node;
}

static void
collect (JsonNode *node, GArray *out, gboolean as_int)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *arr = json_node_get_array (node);
      guint len = json_array_get_length (arr);
      for (guint i = 0; i < len; i++)
        collect (json_array_get_element (arr, i), out, as_int);
    }
  else if (as_int)
    {
      int v = (int) json_node_get_int (node);
      g_array_append_val (out, v);
    }
  else
    {
      float v = (float) json_node_get_double (node);
      g_array_append_val (out, v);
    }
}

float *
tu_json_floats (JsonNode *node, gsize *n)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (float));
  g_assert_nonnull (node);
  collect (node, a, FALSE);
  if (n != NULL)
    *n = a->len;
  return (float *) g_array_free (a, FALSE);
}

int *
tu_json_ints (JsonNode *node, gsize *n)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (int));
  g_assert_nonnull (node);
  collect (node, a, TRUE);
  if (n != NULL)
    *n = a->len;
  return (int *) g_array_free (a, FALSE);
}

double
tu_json_double (JsonNode *node)
{
  g_assert_nonnull (node);
  return json_node_get_double (node);
}

double
tu_max_mixed_error (const float *a, const float *b, gsize n)
{
  double worst = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      double e = fabs ((double) a[i] - b[i]) / fmax (1.0, fabs ((double) b[i]));
      if (isnan (e) || e > worst)
        worst = isnan (e) ? INFINITY : e;
    }
  return worst;
}

void
tu_assert_close (const char *what, const float *got, const float *want, gsize n, double tol)
{
  gsize worst_i = 0;
  double worst = -1.0;
  for (gsize i = 0; i < n; i++)
    {
      double e = fabs ((double) got[i] - want[i]) / fmax (1.0, fabs ((double) want[i]));
      if (isnan (e))
        e = INFINITY;
      if (e > worst)
        {
          worst = e;
          worst_i = i;
        }
    }
  if (worst > tol)
    g_error ("%s: element %" G_GSIZE_FORMAT " is %.9g, expected %.9g (error %.3g > %.3g)",
             what, worst_i, got[worst_i], want[worst_i], worst, tol);
}

void
tu_cli_result_free (TuCliResult *r)
{
  if (r == NULL)
    return;
  g_free (r->out);
  g_free (r->err);
  g_free (r);
}

TuCliResult *
tu_run_cli (const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *exe = g_build_filename (g_getenv ("PASSBAND_BUILD_DIR"), "src", "cli",
                                           "passband-cli", NULL);
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  TuCliResult *r = g_new0 (TuCliResult, 1);
  va_list args;

  g_ptr_array_add (argv, exe);
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error);
  g_assert_no_error (error);
  r->status = g_subprocess_get_exit_status (proc);
  return r;
}

void
tu_predict_fixture (const char *dir, int n_objects, const char *train_data, char **data_csv, char **model)
{
  g_autofree char *sim_dir = g_build_filename (dir, "sim", NULL);
  g_autofree char *spec = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models", "goto-gru.json",
                                            NULL);
  g_autofree char *objects = g_strdup_printf ("%d", n_objects);
  g_autoptr (TuCliResult) sim = tu_run_cli ("simulate", "--objects", objects, "--seed", "8", "--out", sim_dir,
                                            NULL);
  g_autoptr (TuCliResult) train = NULL;

  g_assert_cmpint (sim->status, ==, 0);
  *data_csv = g_build_filename (sim_dir, "training_set.csv", NULL);
  *model = g_build_filename (dir, "model.json", NULL);
  train = tu_run_cli ("train", "--data", train_data != NULL ? train_data : *data_csv, "--model", spec,
                      "--out", *model, "--epochs", "1", "--seed", "2", NULL);
  if (train->status != 0)
    g_error ("train failed: %s", train->err);
}

void
tu_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        tu_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

char *
tu_extract_shared_archive (const char *relative, const char *parent, const char *name)
{
  g_autofree char *archive = tu_shared_path (relative);
  char *dir = g_build_filename (parent, name, NULL);
  const char *argv[] = { "tar", "-xzf", archive, "-C", dir, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  return dir;
}

char *
tu_write_file (const char *dir, const char *name, const char *content)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, content, -1, &error);
  g_assert_no_error (error);
  return path;
}

double
tu_process_cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

gboolean
tu_progress_cb (double fraction, gpointer user_data)
{
  TuProgress *p = user_data;

  g_array_append_val (p->fractions, fraction);
  return (int) p->fractions->len != p->stop_at && !(p->stop_above > 0 && fraction > p->stop_above);
}
