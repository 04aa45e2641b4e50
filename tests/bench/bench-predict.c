/* bench-predict.c: passband-cli predict over a 10-million-row PLAsTiCC file
 * with bounded memory (peak memory under 300 MB).
 *
 * Usage: bench-predict [--rows N] [--keep DIR]
 *
 * Writes about N observation rows (default 10 million, ~78k objects) with
 * `passband-cli simulate` into a temporary folder, trains the small GRU
 * preset for one epoch on a small simulated sample, runs `passband-cli
 * predict` on the big file as a child process and prints one JSON line:
 *   {"bench":"predict-10m","rows":...,"objects":...,"file_mb":...,"seconds":...,
 *    "peak_rss_mb":...,"limit_mb":300,"within_limit":true,"corename":...}
 * peak_rss_mb is the child's peak resident memory (wait4's ru_maxrss).  The
 * big file is deleted afterwards unless --keep names a folder to keep it in.
 */
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nn-blas.h"

#define DEFAULT_ROWS 10000000
#define ROWS_PER_OBJECT 128     /* what the simulator averages over 1000 days */
#define LIMIT_MB 300

static char *cli_path;

typedef struct
{
  double seconds;
  double peak_rss_mb;
  int status;
} ChildRun;

/* Runs passband-cli with args as a child and measures it alone: wall time
 * and its peak resident memory. */
static gboolean
run_cli (const char *const *args, ChildRun *run)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  gint64 start = g_get_monotonic_time ();
  struct rusage usage;
  int status;
  pid_t pid;

  g_ptr_array_add (argv, cli_path);
  for (int i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  pid = fork ();
  if (pid < 0)
    return FALSE;
  if (pid == 0)
    {
      /* stdout is for the one JSON line; the children's errors still show */
      int null_fd = open ("/dev/null", O_WRONLY);
      if (null_fd >= 0)
        dup2 (null_fd, STDOUT_FILENO);
      execv (cli_path, (char **) argv->pdata);
      _exit (127);
    }
  if (wait4 (pid, &status, 0, &usage) != pid)
    return FALSE;
  run->seconds = (g_get_monotonic_time () - start) / 1e6;
  run->peak_rss_mb = usage.ru_maxrss / 1024.0;  /* kB on Linux */
  run->status = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
  return run->status == 0;
}

static gsize
count_rows (const char *path)
{
  FILE *f = fopen (path, "r");
  char buffer[1 << 16];
  gsize n, lines = 0;

  if (f == NULL)
    return 0;
  while ((n = fread (buffer, 1, sizeof buffer, f)) > 0)
    for (gsize i = 0; i < n; i++)
      lines += buffer[i] == '\n';
  fclose (f);
  return lines > 0 ? lines - 1 : 0;  /* the header */
}

static void
remove_tree (const char *dir)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);
  if (system (command) != 0)
    g_printerr ("bench-predict: could not remove %s\n", dir);
}

static int
fail (const char *what, const char *dir)
{
  g_printerr ("bench-predict: %s failed\n", what);
  remove_tree (dir);
  return 1;
}

int
main (int argc, char **argv)
{
  gint64 rows = DEFAULT_ROWS;
  g_autofree char *keep = NULL;
  GOptionEntry entries[] = {
    { "rows", 0, 0, G_OPTION_ARG_INT64, &rows, "About how many observation rows (default 10 million)", "N" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep, "Write the data into DIR and keep them", "DIR" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— predict over a big file");
  g_autoptr (GError) error = NULL;
  const char *build = g_getenv ("PASSBAND_BUILD_DIR");
  const char *source = g_getenv ("PASSBAND_SOURCE_DIR");
  g_autofree char *dir = NULL, *big = NULL, *small = NULL, *spec = NULL, *model = NULL;
  g_autofree char *objects = NULL, *csv = NULL, *small_csv = NULL, *out = NULL;
  ChildRun sim, train, predict;
  GStatBuf st;
  gsize n_rows;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-predict: %s\n", error->message);
      return 2;
    }
  if (build == NULL || source == NULL)
    {
      g_printerr ("bench-predict: run it with meson test --benchmark (PASSBAND_BUILD_DIR and "
                  "PASSBAND_SOURCE_DIR unset)\n");
      return 2;
    }
  cli_path = g_build_filename (build, "src", "cli", "passband-cli", NULL);
  spec = g_build_filename (source, "models", "small-gru.json", NULL);
  dir = keep != NULL ? g_strdup (keep) : g_dir_make_tmp ("passband-bench-predict-XXXXXX", &error);
  if (dir == NULL || g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_printerr ("bench-predict: no folder to write into\n");
      return 1;
    }
  big = g_build_filename (dir, "big", NULL);
  small = g_build_filename (dir, "small", NULL);
  model = g_build_filename (dir, "model.json", NULL);
  out = g_build_filename (dir, "predictions.csv", NULL);
  csv = g_build_filename (big, "test_set.csv", NULL);
  small_csv = g_build_filename (small, "training_set.csv", NULL);
  objects = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (rows / ROWS_PER_OBJECT, 1));

  {
    const char *args[] = { "simulate", "--objects", objects, "--seed", "11", "--out", big,
                           "--prefix", "test_set", NULL };
    if (!g_file_test (csv, G_FILE_TEST_EXISTS) && !run_cli (args, &sim))
      return fail ("simulate (big file)", dir);
  }
  {
    const char *args_sim[] = { "simulate", "--objects", "400", "--seed", "5", "--out", small, NULL };
    const char *args_train[] = { "train", "--data", small_csv, "--model", spec, "--out", model,
                                 "--epochs", "1", "--seed", "1", NULL };
    if (!run_cli (args_sim, &sim) || !run_cli (args_train, &train))
      return fail ("training the model", dir);
  }
  {
    const char *args[] = { "predict", "--model", model, "--data", csv, "--out", out, NULL };
    if (!run_cli (args, &predict))
      return fail ("predict", dir);
  }
  n_rows = count_rows (csv);
  if (g_stat (csv, &st) != 0)
    st.st_size = 0;
  printf ("{\"bench\": \"predict-10m\", \"rows\": %" G_GSIZE_FORMAT ", \"objects\": %s, "
          "\"file_mb\": %.1f, \"seconds\": %.2f, \"rows_per_second\": %.0f, \"peak_rss_mb\": %.1f, "
          "\"limit_mb\": %d, \"within_limit\": %s, \"corename\": \"%s\"}\n",
          n_rows, objects, st.st_size / 1048576.0, predict.seconds, n_rows / predict.seconds,
          predict.peak_rss_mb, LIMIT_MB, predict.peak_rss_mb < LIMIT_MB ? "true" : "false",
          nn_blas_corename ());
  if (keep == NULL)
    remove_tree (dir);
  return predict.peak_rss_mb < LIMIT_MB ? 0 : 1;
}
