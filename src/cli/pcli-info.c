/* pcli-info.c: passband-cli info --data PATH [--meta PATH] [--json] */
#include "config.h"

#include "pcli.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>

static int
compare_int (gconstpointer a, gconstpointer b, gpointer unused)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

static void
sequence_length_range (const LcDataset *ds, int *min_out, int *max_out, double *median_out)
{
  g_autofree int *lengths = g_new (int, MAX (ds->n_objects, 1));
  int lo = G_MAXINT, hi = 0;
  for (gsize i = 0; i < ds->n_objects; i++)
    {
      lengths[i] = ds->objects[i].n_obs;
      lo = MIN (lo, lengths[i]);
      hi = MAX (hi, lengths[i]);
    }
  *min_out = ds->n_objects > 0 ? lo : 0;
  *max_out = hi;
  *median_out = 0.0;
  if (ds->n_objects > 0)
    {
      gsize n = ds->n_objects;
      g_qsort_with_data (lengths, n, sizeof (int), compare_int, NULL);
      *median_out = n % 2 ? lengths[n / 2] : 0.5 * (lengths[n / 2 - 1] + lengths[n / 2]);
    }
}

static void
print_text (const LcDataset *ds)
{
  int lo, hi;
  double median;
  sequence_length_range (ds, &lo, &hi, &median);
  printf (_("dataset:      %s\n"), ds->path);
  if (ds->meta_path != NULL)
    printf (_("metadata:     %s\n"), ds->meta_path);
  printf (_("objects:      %zu\n"), ds->n_objects);
  printf (_("observations: %zu (per object %d to %d, median %.1f)\n"), ds->n_obs, lo, hi,
          median);
  printf (_("values:       %s\n"), ds->value_kind == LC_VALUE_MAGNITUDE ? _("magnitude") : _("flux"));
  printf (_("passbands:    %d ("), ds->n_bands);
  for (int b = 0; b < ds->n_bands; b++)
    printf ("%s%s", b ? " " : "", ds->band_names[b]);
  printf (")\n");
  printf (_("metadata:     %d features\n"), ds->n_meta);
  printf (_("classes:      %d\n"), ds->n_classes);
  for (int c = 0; c < ds->n_classes; c++)
    printf ("  %6d  %-16s %6d\n", ds->classes[c].id, ds->classes[c].name, ds->classes[c].count);
}

static void
print_json (const LcDataset *ds)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  int lo, hi;
  double median;
  sequence_length_range (ds, &lo, &hi, &median);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, "info");
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, ds->path);
  json_builder_set_member_name (b, "objects");
  json_builder_add_int_value (b, ds->n_objects);
  json_builder_set_member_name (b, "observations");
  json_builder_add_int_value (b, ds->n_obs);
  json_builder_set_member_name (b, "min_length");
  json_builder_add_int_value (b, lo);
  json_builder_set_member_name (b, "max_length");
  json_builder_add_int_value (b, hi);
  json_builder_set_member_name (b, "median_length");
  json_builder_add_double_value (b, median);
  json_builder_set_member_name (b, "values");
  json_builder_add_string_value (b, ds->value_kind == LC_VALUE_MAGNITUDE ? "magnitude" : "flux");
  json_builder_set_member_name (b, "passbands");
  json_builder_begin_array (b);
  for (int i = 0; i < ds->n_bands; i++)
    json_builder_add_string_value (b, ds->band_names[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "metadata");
  json_builder_begin_array (b);
  for (int i = 0; i < ds->n_meta; i++)
    json_builder_add_string_value (b, ds->meta_names[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "classes");
  json_builder_begin_array (b);
  for (int c = 0; c < ds->n_classes; c++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, ds->classes[c].id);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, ds->classes[c].name);
      json_builder_set_member_name (b, "count");
      json_builder_add_int_value (b, ds->classes[c].count);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  pcli_print_json (b);
}

int
pcli_info (int argc, char **argv)
{
  g_autofree char *data = NULL, *meta = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, N_("Dataset to describe"), "PATH" },
    { "meta", 0, 0, G_OPTION_ARG_FILENAME, &meta, N_("Metadata CSV (PLAsTiCC)"), "PATH" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON line"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (_("— describe a dataset"));
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!pcli_parse (context, "info", &argc, &argv))
    return 2;
  if (data == NULL)
    {
      pcli_error ("info", _("--data PATH is required"));
      return 2;
    }
  ds = pcli_load_dataset ("info", data, meta, &error);
  if (ds == NULL)
    {
      pcli_error ("info", "%s", error->message);
      return 1;
    }
  if (json)
    print_json (ds);
  else
    print_text (ds);
  return 0;
}
