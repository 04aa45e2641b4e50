/* lc-format.c: which reader a path needs, and the one entry point lc_load */
#include "config.h"

#include "lc-format.h"
#include "lc-csv.h"
#include "lc-simulate.h"

#include <glib/gi18n-lib.h>
#include <string.h>

const char *
lc_format_name (LcFormat format)
{
  switch (format)
    {
    case LC_FORMAT_AUTO: return "auto";
    case LC_FORMAT_PLASTICC: return "PLAsTiCC CSV";
    case LC_FORMAT_CSV: return "CSV";
    case LC_FORMAT_CSV_FOLDER: return _("folder of CSV files");
    case LC_FORMAT_TS: return "UEA/UCR .ts";
    case LC_FORMAT_NPY: return "NumPy .npy";
    case LC_FORMAT_SIMULATED: return _("simulated");
    default: return _("unknown");
    }
}

GStrv
lc_csv_read_header (const char *csv_path, GError **error)
{
  g_autoptr (LcCsvReader) reader = lc_csv_reader_open (csv_path, error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (reader == NULL || !lc_csv_reader_header (reader, names, NULL, error))
    return NULL;
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_steal (names, NULL);
}

static gboolean
header_is_plasticc (const char *csv_path)
{
  g_auto (GStrv) names = lc_csv_read_header (csv_path, NULL);
  const char *const required[] = { "object_id", "mjd", "passband", "flux" };
  int n;

  if (names == NULL)
    return FALSE;
  n = (int) g_strv_length (names);
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    if (lc_csv_find_column ((const char *const *) names, n, required[i]) < 0)
      return FALSE;
  return TRUE;
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static gboolean
folder_has_suffix (const char *dir, const char *suffix)
{
  g_autoptr (GDir) folder = g_dir_open (dir, 0, NULL);
  const char *name;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    if (g_str_has_suffix (name, suffix))
      return TRUE;
  return FALSE;
}

/* GOTO's NAME_time_features.npy, or X.npy / X_NAME.npy */
static gboolean
folder_has_arrays (const char *dir)
{
  g_autoptr (GDir) folder = g_dir_open (dir, 0, NULL);
  const char *name;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    if (g_str_has_suffix (name, "_time_features.npy") || strcmp (name, "X.npy") == 0
        || (g_str_has_prefix (name, "X_") && g_str_has_suffix (name, ".npy")))
      return TRUE;
  return FALSE;
}

/* The PLAsTiCC light-curve files in dir (e.g. what "passband-cli simulate
 * --out DIR" wrote), sorted by name. */
static GPtrArray *
plasticc_files_in (const char *dir)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) folder = g_dir_open (dir, 0, NULL);
  const char *name;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *path = NULL;
      if (!g_str_has_suffix (name, ".csv"))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (header_is_plasticc (path))
        g_ptr_array_add (found, g_steal_pointer (&path));
    }
  g_ptr_array_sort (found, compare_paths);
  return found;
}

LcFormat
lc_format_detect (const char *path)
{
  g_return_val_if_fail (path != NULL, LC_FORMAT_AUTO);

  if (g_str_has_prefix (path, "sim:"))
    return LC_FORMAT_SIMULATED;
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *sub = g_build_filename (path, "light-curves", NULL);
      g_autoptr (GPtrArray) plasticc = NULL;
      if (folder_has_arrays (path))
        return LC_FORMAT_NPY;
      plasticc = plasticc_files_in (path);
      if (plasticc->len > 0)
        return LC_FORMAT_PLASTICC;
      if (folder_has_suffix (path, ".csv") || g_file_test (sub, G_FILE_TEST_IS_DIR))
        return LC_FORMAT_CSV_FOLDER;
      return LC_FORMAT_AUTO;
    }
  if (g_str_has_suffix (path, ".ts") || g_str_has_suffix (path, ".TS"))
    return LC_FORMAT_TS;
  if (g_str_has_suffix (path, ".npy"))
    return LC_FORMAT_NPY;
  if (g_str_has_suffix (path, ".csv") || g_str_has_suffix (path, ".CSV"))
    return header_is_plasticc (path) ? LC_FORMAT_PLASTICC : LC_FORMAT_CSV;
  return LC_FORMAT_AUTO;
}

/* "sim:N" or "sim:N:SEED" */
static LcDataset *
load_simulated (const char *path, LcProgressFunc progress, gpointer user_data, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (path + strlen ("sim:"), ":", 3);
  LcSimulateOptions options;
  gint64 n = 0;
  gint64 seed = 0;
  guint n_parts = g_strv_length (parts);

  lc_simulate_options_default (&options);
  if (n_parts < 1 || n_parts > 2
      || !lc_parse_int64 (parts[0], strlen (parts[0]), &n) || n < 1 || n > 10000000
      || (n_parts == 2 && (!lc_parse_int64 (parts[1], strlen (parts[1]), &seed) || seed < 0)))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("%s: expected “sim:N” or “sim:N:SEED” with N objects (1 to 10000000)"), path);
      return NULL;
    }
  options.n_objects = (int) n;
  if (n_parts == 2)
    options.seed = (guint64) seed;
  return lc_simulate (&options, progress, user_data, error);
}

static gboolean
looks_like_plasticc_metadata (const char *const *names)
{
  int n = (int) g_strv_length ((char **) names);

  return lc_csv_find_column (names, n, "object_id") >= 0
         && lc_csv_find_column (names, n, "mjd") < 0
         && (lc_csv_find_column (names, n, "target") >= 0 || lc_csv_find_column (names, n, "hostgal_photoz") >= 0);
}

/* A CSV that is not PLAsTiCC needs the user to say which column is what
 * (lc_csv_mapping_guess can pre-fill that choice). */
static LcDataset *
load_general_csv (const char *path, const LcCsvMapping *mapping,
                  LcProgressFunc progress, gpointer user_data, GError **error)
{
  if (mapping == NULL)
    {
      g_auto (GStrv) names = lc_csv_read_header (path, error);
      g_autofree char *display = g_filename_display_name (path);
      g_autofree char *raw = NULL;
      g_autofree char *joined = NULL;

      if (names == NULL)
        return NULL;
      if (looks_like_plasticc_metadata ((const char *const *) names))
        {
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                       _("%s:1: this is a PLAsTiCC metadata table (object_id, ..., target); open the light-curve "
                         "file (object_id,mjd,passband,flux,...) and give this one as its metadata"), display);
          return NULL;
        }
      raw = g_strjoinv (",", names);
      joined = lc_sanitize_text (raw, 200);
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("%s:1: not a PLAsTiCC file (object_id,mjd,passband,flux,...); choose the columns "
                     "for object, time, band, value and error among: %s"), display, joined);
      return NULL;
    }
  return lc_load_csv (path, mapping, progress, user_data, error);
}

/* A PLAsTiCC file, or a folder holding exactly one (with its metadata). */
static LcDataset *
load_plasticc_path (const char *path, const char *meta_path,
                    LcProgressFunc progress, gpointer user_data, GError **error)
{
  g_autoptr (GPtrArray) files = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    return lc_load_plasticc (path, meta_path, progress, user_data, error);
  files = plasticc_files_in (path);
  if (files->len != 1)
    {
      g_autofree char *display = g_filename_display_name (path);
      if (files->len == 0)
        g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                     _("%s: no PLAsTiCC light-curve file (object_id,mjd,passband,flux,...) in this folder"), display);
      else
        g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                     _("%s: several PLAsTiCC light-curve files in this folder; open one of them"), display);
      return NULL;
    }
  return lc_load_plasticc (g_ptr_array_index (files, 0), meta_path, progress, user_data, error);
}

LcDataset *
lc_load (const char *path, const LcLoadOptions *options,
         LcProgressFunc progress, gpointer user_data, GError **error)
{
  static const LcLoadOptions defaults = { LC_FORMAT_AUTO, NULL, NULL, NULL, NULL };
  LcFormat format;

  g_return_val_if_fail (path != NULL, NULL);
  if (options == NULL)
    options = &defaults;
  format = options->format != LC_FORMAT_AUTO ? options->format : lc_format_detect (path);
  if (format != LC_FORMAT_SIMULATED && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_OPEN, _("%s: no such file or folder"), path);
      return NULL;
    }

  switch (format)
    {
    case LC_FORMAT_PLASTICC:
      return load_plasticc_path (path, options->meta_path, progress, user_data, error);
    case LC_FORMAT_CSV:
      return load_general_csv (path, options->mapping, progress, user_data, error);
    case LC_FORMAT_CSV_FOLDER:
      return lc_load_csv_folder (path, options->mapping, options->labels_path, progress, user_data, error);
    case LC_FORMAT_TS:
      return lc_load_ts (path, progress, user_data, error);
    case LC_FORMAT_NPY:
      return lc_load_npy (path, options->npy_split, progress, user_data, error);
    case LC_FORMAT_SIMULATED:
      return load_simulated (path, progress, user_data, error);
    case LC_FORMAT_AUTO:
    default:
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("%s: unknown format (expected a .csv, a .ts, a .npy, a folder of .npy or .csv files, or sim:N)"),
                   path);
      return NULL;
    }
}
