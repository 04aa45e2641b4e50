/* pcli-runs.c: passband-cli runs export: the table of training runs as CSV
 * and LaTeX, and every run's curves as CSV. */
#include "config.h"

#include "pcli.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "lc-run.h"
#include "nn-atomic.h"

static gboolean
write_file (const char *path, const char *text)
{
  g_autoptr (GError) error = NULL;
  if (nn_atomic_write (path, text, -1, &error))
    return TRUE;
  pcli_error ("runs", _("cannot write %s: %s"), path, error->message);
  return FALSE;
}

/* DIR/<run file name without .json>.csv, numbered when two runs share a name. */
static char *
curves_path (const char *dir, const LcRunFile *run, GHashTable *used)
{
  g_autofree char *base = g_path_get_basename (run->path);
  char *dot = g_str_has_suffix (base, ".json") ? strrchr (base, '.') : NULL;
  char *name;

  if (dot != NULL)
    *dot = '\0';
  name = g_strdup_printf ("%s.csv", base);
  for (int k = 2; g_hash_table_contains (used, name); k++)
    {
      g_free (name);
      name = g_strdup_printf ("%s-%d.csv", base, k);
    }
  g_hash_table_add (used, name);
  return g_build_filename (dir, name, NULL);
}

static int
runs_export (int argc, char **argv)
{
  g_autofree char *csv = NULL, *latex = NULL, *curves = NULL;
  g_auto (GStrv) files = NULL;
  const GOptionEntry entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "RUN.json…" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, N_("Write the run table as CSV"), "TABLE.csv" },
    { "latex", 0, 0, G_OPTION_ARG_FILENAME, &latex, N_("Write the run table as a LaTeX tabular"),
      "TABLE.tex" },
    { "curves", 0, 0, G_OPTION_ARG_FILENAME, &curves,
      N_("Write every run's curves as CSV into this folder"), "DIR" },
    { NULL },
  };
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("— the table of training runs and their curves"));
  g_autoptr (GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) lc_run_file_free);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!pcli_parse (context, "runs export", &argc, &argv))
    return 2;
  if (files == NULL || (csv == NULL && latex == NULL && curves == NULL))
    {
      pcli_error ("runs", _("give one or more RUN.json and at least one of --csv, --latex, "
                            "--curves"));
      return 2;
    }
  for (char **f = files; *f != NULL; f++)
    {
      g_autoptr (GError) error = NULL;
      LcRunFile *run = lc_run_file_load (*f, &error);
      if (run == NULL)
        {
          pcli_error ("runs", "%s", error->message);
          return 1;
        }
      g_ptr_array_add (runs, run);
    }
  if (csv != NULL)
    {
      g_autofree char *text = lc_runs_table_csv ((LcRunFile *const *) runs->pdata, (int) runs->len);
      if (!write_file (csv, text))
        return 1;
    }
  if (latex != NULL)
    {
      g_autofree char *text = lc_runs_table_latex ((LcRunFile *const *) runs->pdata,
                                                   (int) runs->len);
      if (!write_file (latex, text))
        return 1;
    }
  if (curves != NULL)
    {
      g_autoptr (GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      if (g_mkdir_with_parents (curves, 0755) != 0)
        {
          pcli_error ("runs", _("cannot create %s: %s"), curves, g_strerror (errno));
          return 1;
        }
      for (guint i = 0; i < runs->len; i++)
        {
          g_autofree char *path = curves_path (curves, g_ptr_array_index (runs, i), used);
          g_autofree char *text = lc_run_curves_csv (g_ptr_array_index (runs, i));
          if (!write_file (path, text))
            return 1;
        }
    }
  return 0;
}

int
pcli_runs (int argc, char **argv)
{
  if (argc < 2 || g_strcmp0 (argv[1], "export") != 0)
    {
      pcli_error ("runs", _("expected “runs export RUN.json… --csv TABLE.csv --latex TABLE.tex "
                            "--curves DIR”"));
      return 2;
    }
  return runs_export (argc - 1, argv + 1);
}
