/* pcli-runs.c: passband-cli runs export: the table of training runs as CSV
 * and LaTeX, and every run's curves as CSV. */
#include "config.h"

#include "pcli.h"

#include <glib/gi18n-lib.h>

#include "lc-run.h"

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
  g_autoptr (GError) error = NULL;

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
      LcRunFile *run = lc_run_file_load (*f, &error);
      if (run == NULL)
        {
          pcli_error ("runs", "%s", error->message);
          return 1;
        }
      g_ptr_array_add (runs, run);
    }
  if (!lc_runs_export ((LcRunFile *const *) runs->pdata, (int) runs->len, csv, latex, curves,
                       &error))
    {
      pcli_error ("runs", "%s", error->message);
      return 1;
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
