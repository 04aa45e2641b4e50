/* pcli-simulate.c: passband-cli simulate --objects N [--seed S] --out DIR */
#include "config.h"

#include "pcli.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>

int
pcli_simulate (int argc, char **argv)
{
  int objects = 0;
  gint64 seed = 1;
  double days = 0.0;
  gboolean no_meta = FALSE, json = FALSE;
  g_autofree char *out = NULL, *prefix = NULL;
  GOptionEntry entries[] = {
    { "objects", 0, 0, G_OPTION_ARG_INT, &objects, N_("Number of objects"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Random seed (default 1)"), "S" },
    { "days", 0, 0, G_OPTION_ARG_DOUBLE, &days, N_("Survey length in days (default 1000)"), "D" },
    { "no-meta", 0, 0, G_OPTION_ARG_NONE, &no_meta, N_("Leave out host-galaxy and extinction metadata"), NULL },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Folder to write into (created if needed)"), "DIR" },
    { "prefix", 0, 0, G_OPTION_ARG_STRING, &prefix, N_("File name prefix (default training_set)"), "NAME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON line"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("— write a simulated dataset as PLAsTiCC CSV (PREFIX.csv, PREFIX_metadata.csv)"));
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;
  LcSimulateOptions options;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!pcli_parse (context, "simulate", &argc, &argv))
    return 2;
  if (objects <= 0 || out == NULL)
    {
      pcli_error ("simulate", _("--objects N (N > 0) and --out DIR are required"));
      return 2;
    }
  lc_simulate_options_default (&options);
  options.n_objects = objects;
  options.seed = (guint64) seed;
  options.with_meta = !no_meta;
  if (days > 0.0)
    options.survey_days = days;
  ds = lc_simulate (&options, NULL, NULL, &error);
  if (ds == NULL || g_mkdir_with_parents (out, 0755) != 0
      || !lc_write_plasticc (ds, out, prefix != NULL ? prefix : "training_set", &error))
    {
      pcli_error ("simulate", "%s", error != NULL ? error->message : g_strerror (errno));
      return 1;
    }
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "result");
      json_builder_set_member_name (b, "objects");
      json_builder_add_int_value (b, ds->n_objects);
      json_builder_set_member_name (b, "observations");
      json_builder_add_int_value (b, ds->n_obs);
      json_builder_set_member_name (b, "out");
      json_builder_add_string_value (b, out);
      json_builder_end_object (b);
      pcli_print_json (b);
    }
  else
    printf (_("wrote %zu objects, %zu observations to %s\n"),
            ds->n_objects, ds->n_obs, out);
  return 0;
}
