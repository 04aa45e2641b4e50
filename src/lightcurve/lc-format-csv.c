/* lc-format-csv.c: a general long CSV read through a column mapping, and a
 * folder of one CSV per object with a labels table (the SDSS RR Lyrae set). */
#include "config.h"

#include "lc-format.h"
#include "lc-csv.h"
#include "lc-dataset-builder.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PROGRESS_ROWS 65536

/* ---- mappings ---- */

LcCsvMapping *
lc_csv_mapping_copy (const LcCsvMapping *m)
{
  LcCsvMapping *copy = g_new0 (LcCsvMapping, 1);

  copy->object_column = g_strdup (m->object_column);
  copy->time_column = g_strdup (m->time_column);
  copy->band_column = g_strdup (m->band_column);
  copy->value_column = g_strdup (m->value_column);
  copy->error_column = g_strdup (m->error_column);
  copy->detected_column = g_strdup (m->detected_column);
  copy->label_column = g_strdup (m->label_column);
  copy->value_kind = m->value_kind;
  return copy;
}

void
lc_csv_mapping_free (LcCsvMapping *m)
{
  if (m == NULL)
    return;
  g_free (m->object_column);
  g_free (m->time_column);
  g_free (m->band_column);
  g_free (m->value_column);
  g_free (m->error_column);
  g_free (m->detected_column);
  g_free (m->label_column);
  g_free (m);
}

/* The first header name that matches one of the candidates (in candidate order). */
static char *
guess_column (const char *const *header, const char *const *candidates)
{
  int n = (int) g_strv_length ((char **) header);

  for (int c = 0; candidates[c] != NULL; c++)
    {
      int i = lc_csv_find_column (header, n, candidates[c]);
      if (i >= 0)
        return g_strstrip (g_strdup (header[i]));
    }
  return NULL;
}

LcCsvMapping *
lc_csv_mapping_guess (const char *const *header)
{
  static const char *const objects[] = { "object_id", "objectid", "object", "objid", "obj_id", "id",
                                         "source_id", "name", NULL };
  static const char *const times[] = { "mjd", "time", "t", "jd", "hjd", "bjd", "date", NULL };
  static const char *const bands[] = { "passband", "band", "filter", "filt", "fid", NULL };
  static const char *const mags[] = { "mag", "magnitude", "psfmag", NULL };
  static const char *const fluxes[] = { "flux", "fluxcal", "psfflux", "value", NULL };
  static const char *const mag_errors[] = { "magerr", "mag_err", "e_mag", "sigmag", "magnitude_err",
                                            "err", "error", "sigma", NULL };
  static const char *const flux_errors[] = { "flux_err", "fluxerr", "fluxcalerr", "e_flux", "value_err",
                                             "err", "error", "sigma", NULL };
  static const char *const detections[] = { "detected", "detected_bool", "detection", NULL };
  static const char *const labels[] = { "target", "label", "class", "type", NULL };
  LcCsvMapping *m;
  char *time, *value;
  LcValueKind kind = LC_VALUE_MAGNITUDE;

  g_return_val_if_fail (header != NULL, NULL);
  time = guess_column (header, times);
  value = guess_column (header, mags);
  if (value == NULL)
    {
      value = guess_column (header, fluxes);
      kind = LC_VALUE_FLUX;
    }
  if (time == NULL || value == NULL)
    {
      g_free (time);
      g_free (value);
      return NULL;
    }
  m = g_new0 (LcCsvMapping, 1);
  m->time_column = time;
  m->value_column = value;
  m->value_kind = kind;
  m->object_column = guess_column (header, objects);
  m->band_column = guess_column (header, bands);
  m->error_column = guess_column (header, kind == LC_VALUE_MAGNITUDE ? mag_errors : flux_errors);
  m->detected_column = guess_column (header, detections);
  m->label_column = guess_column (header, labels);
  return m;
}

/* ---- reading rows ---- */

enum { COL_OBJECT, COL_TIME, COL_BAND, COL_VALUE, COL_ERROR, COL_DETECTED, COL_LABEL, N_COLS };

typedef struct
{
  LcDatasetBuilder *builder;
  int column[N_COLS];        /* file column, -1 when not mapped */
  const char *names[N_COLS]; /* mapped column names, for messages */
  int n_header;
  GHashTable *band_index;    /* band text -> builder index + 1 */
  GString *current_id;       /* object of the previous row: consecutive rows skip the lookup */
  gsize current_object;
  int single_band;           /* no band column: index of the one band */
  gsize rows;
  gsize skipped;
} CsvRead;

static gboolean
map_header (LcCsvReader *reader, const LcCsvMapping *m, gboolean object_from_file, CsvRead *read,
            GError **error)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *wanted[N_COLS] = {
    object_from_file ? NULL : m->object_column, m->time_column, m->band_column, m->value_column,
    m->error_column, m->detected_column, m->label_column,
  };
  const gboolean required[N_COLS] = { FALSE, TRUE, FALSE, TRUE, FALSE, FALSE, FALSE };

  if (!lc_csv_reader_header (reader, names, NULL, error))
    return FALSE;
  read->n_header = (int) names->len;
  for (int c = 0; c < N_COLS; c++)
    {
      read->names[c] = wanted[c];
      read->column[c] = -1;
      if (wanted[c] == NULL || wanted[c][0] == '\0')
        {
          if (required[c])
            {
              /* TRANSLATORS: the second %s is the translation of "time" or "value" */
              g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: the column mapping names no %s column"),
                           lc_csv_reader_name (reader), c == COL_TIME ? _("time") : _("value"));
              return FALSE;
            }
          continue;
        }
      read->column[c] = lc_csv_find_column ((const char *const *) names->pdata, read->n_header, wanted[c]);
      if (read->column[c] < 0)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s:%zu: no “%s” column"),
                       lc_csv_reader_name (reader), lc_csv_reader_line (reader), wanted[c]);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
read_band (LcCsvReader *reader, CsvRead *read, int *band, GError **error)
{
  gsize len;
  const char *text;
  gpointer found;
  g_autofree char *name = NULL;

  if (read->column[COL_BAND] < 0)
    {
      *band = read->single_band;
      return TRUE;
    }
  text = lc_csv_reader_field (reader, read->column[COL_BAND], &len);
  found = g_hash_table_lookup (read->band_index, text);
  if (found != NULL)
    {
      *band = GPOINTER_TO_INT (found) - 1;
      return TRUE;
    }
  name = g_strstrip (g_strdup (text));
  /* band names are shown in the app and written to model files: text only */
  if (name[0] == '\0' || !g_utf8_validate (name, -1, NULL))
    return lc_csv_field_error (reader, read->names[COL_BAND], _("a band name (UTF-8 text) or number"),
                               read->column[COL_BAND], error);
  *band = lc_dataset_builder_add_band (read->builder, name);
  if (*band < 0)
    return lc_csv_field_error (reader, read->names[COL_BAND], _("at most 255 different bands"), read->column[COL_BAND],
                        error);
  g_hash_table_insert (read->band_index, g_strdup (text), GINT_TO_POINTER (*band + 1));
  return TRUE;
}

static gboolean
read_detected (LcCsvReader *reader, const CsvRead *read, gboolean *detected, GError **error)
{
  gsize len;
  const char *text;
  gint64 number;

  *detected = TRUE;
  if (read->column[COL_DETECTED] < 0)
    return TRUE;
  text = lc_csv_reader_field (reader, read->column[COL_DETECTED], &len);
  if (len == 0)
    return TRUE;
  if (lc_parse_int64 (text, len, &number) && (number == 0 || number == 1))
    *detected = number == 1;
  else if (g_ascii_strcasecmp (text, "true") == 0)
    *detected = TRUE;
  else if (g_ascii_strcasecmp (text, "false") == 0)
    *detected = FALSE;
  else
    return lc_csv_field_error (reader, read->names[COL_DETECTED], _("0 or 1"), read->column[COL_DETECTED], error);
  return TRUE;
}

/* Class id of a label: numbers are class numbers, other text a class name. */
static int
label_class_id (LcDatasetBuilder *b, const char *text, gsize len)
{
  gint64 number;
  g_autofree char *name = NULL;

  if (lc_parse_int64 (text, len, &number) && number >= 0 && number <= G_MAXINT)
    {
      lc_dataset_builder_add_class (b, (int) number, NULL);
      return (int) number;
    }
  name = g_strstrip (g_strndup (text, len));
  return lc_dataset_builder_class_for_name (b, name);
}

static gboolean
read_label (LcCsvReader *reader, CsvRead *read, gsize object, GError **error)
{
  gsize len;
  const char *text;
  int class_id, previous;

  if (read->column[COL_LABEL] < 0)
    return TRUE;
  text = lc_csv_reader_field (reader, read->column[COL_LABEL], &len);
  if (len == 0)
    return TRUE;
  class_id = label_class_id (read->builder, text, len);
  previous = lc_dataset_builder_object_class (read->builder, object);
  if (previous >= 0 && previous != class_id)
    {
      g_autofree char *shown = lc_describe_field (text, len);
      g_autofree char *id = lc_sanitize_text (lc_dataset_builder_object_id (read->builder, object), 40);
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("%s:%zu: field “%s”: object “%s” already has another label, found “%s”"),
                   lc_csv_reader_name (reader), lc_csv_reader_line (reader), read->names[COL_LABEL], id, shown);
      return FALSE;
    }
  lc_dataset_builder_set_object_class (read->builder, object, class_id);
  return TRUE;
}

/* One row, of the object fixed_object (>= 0) or the one its object column
 * names.  Rows whose value is empty or NaN are missing measurements: left
 * out and counted. */
static gboolean
read_row (LcCsvReader *reader, CsvRead *read, gssize fixed_object, GError **error)
{
  gsize len;
  const char *text;
  double time, value, err = NAN;
  LcNumberCheck check;
  int band = 0;
  gboolean detected;
  gsize object = (gsize) MAX (fixed_object, 0);

  if (lc_csv_reader_n_fields (reader) != read->n_header)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("%s:%zu: expected %d fields as in the header, found %d"),
                   lc_csv_reader_name (reader), lc_csv_reader_line (reader), read->n_header,
                   lc_csv_reader_n_fields (reader));
      return FALSE;
    }
  if (read->column[COL_OBJECT] >= 0)
    {
      text = lc_csv_reader_field (reader, read->column[COL_OBJECT], &len);
      if (len == 0)
        return lc_csv_field_error (reader, read->names[COL_OBJECT], _("an object id"), read->column[COL_OBJECT], error);
      if (read->current_id->len != len || memcmp (read->current_id->str, text, len) != 0
          || read->current_object == G_MAXSIZE)
        {
          read->current_object = lc_dataset_builder_begin_object_len (read->builder, text, len, -1);
          g_string_append_len (g_string_truncate (read->current_id, 0), text, (gssize) len);
        }
      object = read->current_object;
    }
  if (!read_label (reader, read, object, error))
    return FALSE;
  text = lc_csv_reader_field (reader, read->column[COL_TIME], &len);
  check = lc_parse_number (text, len, LC_DOUBLE_LIMIT, &time);
  if (check == LC_NUMBER_OK && isnan (time))
    check = LC_NUMBER_INVALID;
  if (check != LC_NUMBER_OK)
    return lc_csv_number_error (reader, check, read->names[COL_TIME], _("a finite number"), read->column[COL_TIME],
                                LC_DOUBLE_LIMIT, error);
  text = lc_csv_reader_field (reader, read->column[COL_VALUE], &len);
  if (len > 0 && (check = lc_parse_number (text, len, LC_FLOAT_LIMIT, &value)) != LC_NUMBER_OK)
    return lc_csv_number_error (reader, check, read->names[COL_VALUE], _("a number (empty or nan when missing)"),
                                read->column[COL_VALUE], LC_FLOAT_LIMIT, error);
  if (len == 0 || isnan (value))
    {
      read->skipped++;
      return TRUE;
    }
  if (read->column[COL_ERROR] >= 0)
    {
      text = lc_csv_reader_field (reader, read->column[COL_ERROR], &len);
      if (len > 0 && (check = lc_parse_number (text, len, LC_FLOAT_LIMIT, &err)) != LC_NUMBER_OK)
        return lc_csv_number_error (reader, check, read->names[COL_ERROR], _("a number (empty or nan when unknown)"),
                                    read->column[COL_ERROR], LC_FLOAT_LIMIT, error);
    }
  if (!read_band (reader, read, &band, error) || !read_detected (reader, read, &detected, error))
    return FALSE;
  lc_dataset_builder_add_observation (read->builder, time, (float) value, (float) err, band, detected);
  return TRUE;
}

static gboolean
report_progress (double fraction, const char *name, LcProgressFunc progress, gpointer user_data,
                 GError **error)
{
  if (progress == NULL || progress (fraction, user_data))
    return TRUE;
  g_set_error (error, LC_ERROR, LC_ERROR_CANCELLED, _("%s: loading cancelled"), name);
  return FALSE;
}

/* Reads every row of one file.  object_id non-NULL: the whole file is that
 * object (a folder of one CSV per object). */
static gboolean
read_rows (LcCsvReader *reader, CsvRead *read, const char *object_id,
           LcProgressFunc progress, gpointer user_data, GError **error)
{
  GError *local = NULL;
  gssize fixed_object = -1;

  if (object_id != NULL)
    fixed_object = (gssize) lc_dataset_builder_begin_object (read->builder, object_id, -1);
  while (lc_csv_reader_next (reader, &local))
    {
      if (!read_row (reader, read, fixed_object, error))
        return FALSE;
      if (++read->rows % PROGRESS_ROWS == 0 && object_id == NULL
          && !report_progress (lc_csv_reader_fraction (reader), lc_csv_reader_name (reader),
                               progress, user_data, error))
        return FALSE;
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

/* ---- band order ---- */

static int
canonical_band_rank (const char *name)
{
  static const char order[] = "ugrizyY";
  const char *at;

  if (strlen (name) != 1 || (at = strchr (order, name[0])) == NULL)
    return -1;
  return (int) (at - order);
}

static gboolean
is_integer_name (const char *name, gint64 *value)
{
  return lc_parse_int64 (name, strlen (name), value);
}

typedef struct
{
  const LcDatasetBuilder *builder;
  gboolean numeric;
} BandSort;

static const char *
band_name (const LcDatasetBuilder *b, int index)
{
  return lc_dataset_builder_band_name (b, index);
}

static int
compare_bands (gconstpointer pa, gconstpointer pb, gpointer user_data)
{
  const BandSort *sort = user_data;
  const char *a = band_name (sort->builder, *(const int *) pa);
  const char *b = band_name (sort->builder, *(const int *) pb);
  gint64 na = 0, nb = 0;

  if (sort->numeric)
    {
      is_integer_name (a, &na);
      is_integer_name (b, &nb);
      return (na > nb) - (na < nb);
    }
  return canonical_band_rank (a) - canonical_band_rank (b);
}

/* Bands met in file order become u g r i z y order (or numeric order for
 * numbered bands), so the same survey always gets the same band indices. */
static void
order_bands (LcDatasetBuilder *b)
{
  int n = lc_dataset_builder_n_bands (b);
  g_autofree int *order = g_new (int, MAX (1, n));
  BandSort sort = { b, TRUE };
  gboolean all_known = TRUE;

  for (int i = 0; i < n; i++)
    {
      gint64 unused;
      order[i] = i;
      if (!is_integer_name (band_name (b, i), &unused))
        sort.numeric = FALSE;
      if (canonical_band_rank (band_name (b, i)) < 0)
        all_known = FALSE;
    }
  if (n < 2 || (!sort.numeric && !all_known))
    return;
  g_qsort_with_data (order, n, sizeof (int), compare_bands, &sort);
  lc_dataset_builder_reorder_bands (b, order);
}

static void
csv_read_init (CsvRead *read, LcDatasetBuilder *b)
{
  memset (read, 0, sizeof *read);
  read->builder = b;
  read->band_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  read->current_id = g_string_new (NULL);
  read->current_object = G_MAXSIZE;
}

static void
csv_read_clear (CsvRead *read)
{
  g_clear_pointer (&read->band_index, g_hash_table_unref);
  if (read->current_id != NULL)
    g_string_free (g_steal_pointer (&read->current_id), TRUE);
}

static void
prepare_single_band (CsvRead *read)
{
  if (read->column[COL_BAND] < 0)
    read->single_band = lc_dataset_builder_add_band (read->builder, "0");
}

LcDataset *
lc_load_csv (const char *csv_path, const LcCsvMapping *mapping,
             LcProgressFunc progress, gpointer user_data, GError **error)
{
  g_autoptr (LcDatasetBuilder) b = NULL;
  g_autoptr (LcCsvReader) reader = NULL;
  g_autofree char *stem = NULL;
  CsvRead read;
  gboolean ok;

  g_return_val_if_fail (csv_path != NULL && mapping != NULL, NULL);
  reader = lc_csv_reader_open (csv_path, error);
  if (reader == NULL)
    return NULL;
  b = lc_dataset_builder_new (LC_SOURCE_CSV, mapping->value_kind, csv_path);
  csv_read_init (&read, b);
  /* without an object column the file is one object named after it */
  if (mapping->object_column == NULL || mapping->object_column[0] == '\0')
    {
      g_autofree char *base = g_path_get_basename (csv_path);
      stem = g_str_has_suffix (base, ".csv") ? g_strndup (base, strlen (base) - 4) : g_strdup (base);
    }
  ok = map_header (reader, mapping, FALSE, &read, error);
  if (ok)
    {
      prepare_single_band (&read);
      ok = read_rows (reader, &read, stem, progress, user_data, error)
           && report_progress (1.0, lc_csv_reader_name (reader), progress, user_data, error);
    }
  if (ok && lc_dataset_builder_n_obs (b) == 0)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: no observations after the header"),
                   lc_csv_reader_name (reader));
      ok = FALSE;
    }
  lc_dataset_builder_add_skipped (b, read.skipped);
  csv_read_clear (&read);
  if (!ok)
    return NULL;
  order_bands (b);
  return lc_dataset_builder_finish (b, error);
}

/* ---- folder of one CSV per object ---- */

static const char *const label_tables[] = { "periods.csv", "labels.csv", "classes.csv", "targets.csv", NULL };

static gboolean
is_label_table (const char *name)
{
  return g_strv_contains (label_tables, name);
}

static gboolean
all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0' && *s != '.'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* Numeric names in numeric order (4099 before 13350), the rest by bytes. */
static int
compare_file_names (gconstpointer pa, gconstpointer pb)
{
  const char *a = *(char *const *) pa;
  const char *b = *(char *const *) pb;

  if (all_digits (a) && all_digits (b))
    {
      gsize la = strcspn (a, "."), lb = strcspn (b, ".");
      if (la != lb)
        return la < lb ? -1 : 1;
    }
  return strcmp (a, b);
}

static GPtrArray *
list_csv_files (const char *dir)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) folder = g_dir_open (dir, 0, NULL);
  const char *name;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    if ((g_str_has_suffix (name, ".csv") || g_str_has_suffix (name, ".CSV")) && !is_label_table (name))
      g_ptr_array_add (files, g_strdup (name));
  g_ptr_array_sort (files, compare_file_names);
  return files;
}

/* The folder that holds the light curves: dir itself, or its only
 * subfolder with CSV files (the RR Lyrae archive has light-curves/). */
static char *
find_curve_folder (const char *dir, GError **error)
{
  g_autoptr (GPtrArray) here = list_csv_files (dir);
  g_autoptr (GDir) folder = NULL;
  const char *name;
  char *found = NULL;

  if (here->len > 0)
    return g_strdup (dir);
  folder = g_dir_open (dir, 0, NULL);
  if (folder == NULL)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_OPEN, _("%s: cannot open the folder"), dir);
      return NULL;
    }
  while ((name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *sub = g_build_filename (dir, name, NULL);
      g_autoptr (GPtrArray) files = NULL;
      if (!g_file_test (sub, G_FILE_TEST_IS_DIR))
        continue;
      files = list_csv_files (sub);
      if (files->len == 0)
        continue;
      if (found != NULL)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                       _("%s: several subfolders hold CSV files; open the one with the light curves"), dir);
          g_free (found);
          return NULL;
        }
      found = g_steal_pointer (&sub);
    }
  if (found == NULL)
    g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: no CSV light curves in this folder"), dir);
  return found;
}

static char *
find_labels_table (const char *dir, const char *curve_dir)
{
  g_autofree char *parent = g_path_get_dirname (curve_dir);
  const char *const places[] = { dir, curve_dir, parent };

  for (guint p = 0; p < G_N_ELEMENTS (places); p++)
    for (int t = 0; label_tables[t] != NULL; t++)
      {
        g_autofree char *path = g_build_filename (places[p], label_tables[t], NULL);
        if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
          return g_steal_pointer (&path);
      }
  return NULL;
}

/* ---- labels table ---- */

typedef struct
{
  int id_column;
  int label_column;
  int n_header;
  GArray *meta_columns;   /* int */
  GPtrArray *rows;        /* GStrv of each row */
  gsize *lines;
} LabelsTable;

static const char *
meta_feature_name (const char *column)
{
  /* the RR Lyrae table calls the period "Per" */
  if (g_ascii_strcasecmp (column, "per") == 0 || g_ascii_strcasecmp (column, "p") == 0)
    return "period";
  return column;
}

static gboolean
read_labels_header (LcCsvReader *reader, LcDatasetBuilder *b, LabelsTable *t, GError **error)
{
  static const char *const ids[] = { "object_id", "num", "id", "object", "objid", "name", NULL };
  static const char *const labels[] = { "target", "type", "label", "class", NULL };
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) meta = g_ptr_array_new ();
  const char *const *strv;

  if (!lc_csv_reader_header (reader, names, _("the labels table is empty"), error))
    return FALSE;
  strv = (const char *const *) names->pdata;
  t->n_header = (int) names->len;
  t->id_column = t->label_column = -1;
  for (int c = 0; ids[c] != NULL && t->id_column < 0; c++)
    t->id_column = lc_csv_find_column (strv, t->n_header, ids[c]);
  for (int c = 0; labels[c] != NULL && t->label_column < 0; c++)
    t->label_column = lc_csv_find_column (strv, t->n_header, labels[c]);
  if (t->id_column < 0 || t->label_column < 0)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("%s:1: expected an object id column (Num, object_id, id) and a label column "
                     "(Type, target, label, class)"), lc_csv_reader_name (reader));
      return FALSE;
    }
  for (int i = 0; i < t->n_header; i++)
    if (i != t->id_column && i != t->label_column)
      {
        g_array_append_val (t->meta_columns, i);
        g_ptr_array_add (meta, (gpointer) meta_feature_name (g_ptr_array_index (names, i)));
      }
  lc_dataset_builder_set_meta_names (b, (int) meta->len, (const char *const *) meta->pdata);
  return TRUE;
}

static int
compare_strings (gconstpointer pa, gconstpointer pb)
{
  return strcmp (*(char *const *) pa, *(char *const *) pb);
}

/* Text labels get ids 0..K-1 in alphabetical order ("ab" 0, "c" 1); numeric
 * labels keep their numbers. */
static void
declare_label_classes (LcDatasetBuilder *b, const LabelsTable *t)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint r = 0; r < t->rows->len; r++)
    {
      char **row = g_ptr_array_index (t->rows, r);
      const char *label = row[t->label_column];
      gint64 number;
      if (label[0] == '\0' || lc_parse_int64 (label, strlen (label), &number))
        continue;
      if (g_hash_table_add (seen, (gpointer) label))
        g_ptr_array_add (names, (gpointer) label);
    }
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    lc_dataset_builder_class_for_name (b, g_ptr_array_index (names, i));
}

static gboolean
apply_labels_row (LcDatasetBuilder *b, const LabelsTable *t, char **row, gsize line, const char *name,
                  GError **error)
{
  gssize object = lc_dataset_builder_find_object (b, g_strstrip (row[t->id_column]));
  const char *label = g_strstrip (row[t->label_column]);

  if (object < 0)
    return TRUE;  /* a table may list objects whose file is not here */
  if (label[0] != '\0')
    lc_dataset_builder_set_object_class (b, (gsize) object, label_class_id (b, label, strlen (label)));
  for (guint k = 0; k < t->meta_columns->len; k++)
    {
      int column = g_array_index (t->meta_columns, int, k);
      double value = NAN;
      gsize len = strlen (row[column]);
      LcNumberCheck check = len > 0 ? lc_parse_number (row[column], len, LC_FLOAT_LIMIT, &value) : LC_NUMBER_OK;
      if (check != LC_NUMBER_OK)
        {
          g_autofree char *id = lc_sanitize_text (row[t->id_column], 40);
          g_autofree char *problem = lc_describe_number_problem (check, row[column], len, _("a number"),
                                                                 LC_FLOAT_LIMIT);
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s:%zu: field %d of object “%s”: %s"),
                       name, line, column + 1, id, problem);
          return FALSE;
        }
      lc_dataset_builder_set_meta (b, (gsize) object, (int) k, (float) value);
    }
  return TRUE;
}

static gboolean
read_labels_table (LcDatasetBuilder *b, const char *path, GError **error)
{
  g_autoptr (LcCsvReader) reader = lc_csv_reader_open (path, error);
  LabelsTable t = { 0 };
  g_autoptr (GArray) lines = g_array_new (FALSE, FALSE, sizeof (gsize));
  GError *local = NULL;
  gboolean ok = FALSE;

  if (reader == NULL)
    return FALSE;
  t.meta_columns = g_array_new (FALSE, FALSE, sizeof (int));
  t.rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  if (!read_labels_header (reader, b, &t, error))
    goto out;
  while (lc_csv_reader_next (reader, &local))
    {
      GStrvBuilder *row = g_strv_builder_new ();
      gsize line = lc_csv_reader_line (reader);
      if (lc_csv_reader_n_fields (reader) != t.n_header)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                       _("%s:%zu: expected %d fields as in the header, found %d"),
                       lc_csv_reader_name (reader), line, t.n_header, lc_csv_reader_n_fields (reader));
          g_strv_builder_unref (row);
          goto out;
        }
      for (int i = 0; i < t.n_header; i++)
        g_strv_builder_add (row, lc_csv_reader_field (reader, i, NULL));
      g_ptr_array_add (t.rows, g_strv_builder_end (row));
      g_strv_builder_unref (row);
      g_array_append_val (lines, line);
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      goto out;
    }
  declare_label_classes (b, &t);
  for (guint r = 0; r < t.rows->len; r++)
    if (!apply_labels_row (b, &t, g_ptr_array_index (t.rows, r), g_array_index (lines, gsize, r),
                           lc_csv_reader_name (reader), error))
      goto out;
  lc_dataset_builder_set_meta_path (b, path);
  ok = TRUE;
out:
  g_array_unref (t.meta_columns);
  g_ptr_array_unref (t.rows);
  return ok;
}

static LcCsvMapping *
mapping_from_first_file (const char *path, GError **error)
{
  g_auto (GStrv) header = lc_csv_read_header (path, error);
  LcCsvMapping *m;

  if (header == NULL)
    return NULL;
  m = lc_csv_mapping_guess ((const char *const *) header);
  if (m == NULL)
    {
      g_autofree char *raw = g_strjoinv (",", header);
      g_autofree char *joined = lc_sanitize_text (raw, 200);
      g_autofree char *name = g_filename_display_basename (path);
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("%s:1: cannot tell the time and value columns among “%s”; choose the columns"), name, joined);
      return NULL;
    }
  /* in a folder the file name is the object id */
  g_clear_pointer (&m->object_column, g_free);
  return m;
}

static gboolean
read_curve_files (LcDatasetBuilder *b, const char *curve_dir, GPtrArray *files, const LcCsvMapping *mapping,
                  LcProgressFunc progress, gpointer user_data, GError **error)
{
  CsvRead read;
  gboolean ok = TRUE;

  csv_read_init (&read, b);
  for (guint f = 0; f < files->len && ok; f++)
    {
      const char *name = g_ptr_array_index (files, f);
      g_autofree char *path = g_build_filename (curve_dir, name, NULL);
      g_autofree char *stem = g_strndup (name, strlen (name) - 4);
      g_autoptr (LcCsvReader) reader = lc_csv_reader_open (path, error);

      ok = reader != NULL
           && map_header (reader, mapping, TRUE, &read, error);
      if (ok && f == 0)
        prepare_single_band (&read);
      ok = ok && read_rows (reader, &read, stem, NULL, NULL, error)
           && report_progress ((f + 1.0) / files->len, name, progress, user_data, error);
    }
  lc_dataset_builder_add_skipped (b, read.skipped);
  csv_read_clear (&read);
  return ok;
}

LcDataset *
lc_load_csv_folder (const char *dir, const LcCsvMapping *mapping, const char *labels_path,
                    LcProgressFunc progress, gpointer user_data, GError **error)
{
  g_autofree char *curve_dir = NULL;
  g_autofree char *labels = NULL;
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (LcCsvMapping) guessed = NULL;
  g_autoptr (LcDatasetBuilder) b = NULL;

  g_return_val_if_fail (dir != NULL, NULL);
  curve_dir = find_curve_folder (dir, error);
  if (curve_dir == NULL)
    return NULL;
  files = list_csv_files (curve_dir);
  if (mapping == NULL)
    {
      g_autofree char *first = g_build_filename (curve_dir, g_ptr_array_index (files, 0), NULL);
      guessed = mapping_from_first_file (first, error);
      if (guessed == NULL)
        return NULL;
      mapping = guessed;
    }
  b = lc_dataset_builder_new (LC_SOURCE_CSV, mapping->value_kind, dir);
  if (!read_curve_files (b, curve_dir, files, mapping, progress, user_data, error))
    return NULL;
  if (lc_dataset_builder_n_obs (b) == 0)
    {
      g_autofree char *display = g_filename_display_name (curve_dir);
      /* every value empty or NaN: no band was ever seen either */
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: no observations in any of its %u .csv files"),
                   display, files->len);
      return NULL;
    }
  order_bands (b);
  labels = labels_path != NULL ? g_strdup (labels_path) : find_labels_table (dir, curve_dir);
  if (labels != NULL && !read_labels_table (b, labels, error))
    return NULL;
  return lc_dataset_builder_finish (b, error);
}
