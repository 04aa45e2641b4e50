/* lc-format-plasticc.c: PLAsTiCC long CSV (object_id,mjd,passband,flux,flux_err,detected)
 * and its metadata CSV (object_id, meta columns..., optional target). */
#include "config.h"

#include "lc-format.h"
#include "lc-csv.h"
#include "lc-dataset-builder.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define PROGRESS_ROWS 65536

enum { COL_ID, COL_MJD, COL_PASSBAND, COL_FLUX, COL_FLUX_ERR, COL_DETECTED, N_COLS };

static const char *const column_names[N_COLS] = {
  "object_id", "mjd", "passband", "flux", "flux_err", "detected",
};

static const char *const plasticc_bands[] = { "u", "g", "r", "i", "z", "y" };

typedef struct
{
  LcCsvReader *reader;
  int column[N_COLS];
  int n_header;
} PlasticcFile;

static gboolean
read_light_curve_header (PlasticcFile *f, GError **error)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *const *strv;

  if (!lc_csv_reader_header (f->reader, names, NULL, error))
    return FALSE;
  strv = (const char *const *) names->pdata;
  f->n_header = (int) names->len;
  for (int c = 0; c < N_COLS; c++)
    {
      f->column[c] = lc_csv_find_column (strv, f->n_header, column_names[c]);
      if (f->column[c] < 0 && c == COL_DETECTED)
        f->column[c] = lc_csv_find_column (strv, f->n_header, "detected_bool");
      if (f->column[c] < 0)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                       _("%s:%zu: no “%s” column (expected object_id,mjd,passband,flux,flux_err,detected)"),
                       lc_csv_reader_name (f->reader), lc_csv_reader_line (f->reader), column_names[c]);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
parse_finite (LcCsvReader *reader, const PlasticcFile *f, int c, double *out, GError **error)
{
  gsize len;
  const char *text = lc_csv_reader_field (reader, f->column[c], &len);

  LcNumberCheck check = lc_parse_number (text, len, LC_FLOAT_LIMIT, out);

  if (check == LC_NUMBER_OK && isnan (*out))
    check = LC_NUMBER_INVALID;
  if (check != LC_NUMBER_OK)
    return lc_csv_number_error (reader, check, column_names[c], _("a finite number"), f->column[c],
                                LC_FLOAT_LIMIT, error);
  return TRUE;
}

static gboolean
parse_passband (LcCsvReader *reader, const PlasticcFile *f, int *band, GError **error)
{
  gsize len;
  const char *text = lc_csv_reader_field (reader, f->column[COL_PASSBAND], &len);
  gint64 number;

  if (lc_parse_int64 (text, len, &number) && number >= 0 && number < 6)
    {
      *band = (int) number;
      return TRUE;
    }
  /* some exports write the band letter instead of its number */
  for (int b = 0; len == 1 && b < 6; b++)
    if (text[0] == plasticc_bands[b][0])
      {
        *band = b;
        return TRUE;
      }
  return lc_csv_field_error (reader, "passband", _("a passband 0..5 (u g r i z y)"), f->column[COL_PASSBAND], error);
}

static gboolean
parse_flag (const char *text, gsize len, gboolean *flag)
{
  gint64 number;

  if (lc_parse_int64 (text, len, &number) && (number == 0 || number == 1))
    *flag = number == 1;
  else if (len == 4 && g_ascii_strncasecmp (text, "true", 4) == 0)
    *flag = TRUE;
  else if (len == 5 && g_ascii_strncasecmp (text, "false", 5) == 0)
    *flag = FALSE;
  else
    return FALSE;
  return TRUE;
}

static gboolean
check_field_count (LcCsvReader *reader, int expected, GError **error)
{
  int n = lc_csv_reader_n_fields (reader);

  if (n == expected)
    return TRUE;
  g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
               _("%s:%zu: expected %d fields as in the header, found %d"),
               lc_csv_reader_name (reader), lc_csv_reader_line (reader), expected, n);
  return FALSE;
}

static gboolean
report_progress (LcCsvReader *reader, LcProgressFunc progress, gpointer user_data, GError **error)
{
  if (progress == NULL || progress (lc_csv_reader_fraction (reader), user_data))
    return TRUE;
  g_set_error (error, LC_ERROR, LC_ERROR_CANCELLED, _("%s: loading cancelled"), lc_csv_reader_name (reader));
  return FALSE;
}

/* The current record as a row, checked field by field. */
static gboolean
parse_row (const PlasticcFile *f, LcPlasticcRow *row, GError **error)
{
  LcCsvReader *reader = f->reader;
  double mjd, flux, flux_err;
  const char *flag;
  gsize flag_len;

  if (!check_field_count (reader, f->n_header, error))
    return FALSE;
  row->id = lc_csv_reader_field (reader, f->column[COL_ID], &row->id_len);
  if (row->id_len == 0)
    return lc_csv_field_error (reader, "object_id", _("an object id"), f->column[COL_ID], error);
  if (!parse_finite (reader, f, COL_MJD, &mjd, error)
      || !parse_passband (reader, f, &row->band, error)
      || !parse_finite (reader, f, COL_FLUX, &flux, error)
      || !parse_finite (reader, f, COL_FLUX_ERR, &flux_err, error))
    return FALSE;
  flag = lc_csv_reader_field (reader, f->column[COL_DETECTED], &flag_len);
  if (!parse_flag (flag, flag_len, &row->detected))
    return lc_csv_field_error (reader, "detected", _("0 or 1"), f->column[COL_DETECTED], error);
  row->mjd = mjd;
  row->flux = (float) flux;
  row->flux_err = (float) flux_err;
  return TRUE;
}

/* Streams the rows; consecutive rows of one object (the PLAsTiCC order)
 * cost one string compare, a new object one hash lookup. */
static gboolean
read_observations (LcDatasetBuilder *b, PlasticcFile *f, LcProgressFunc progress,
                   gpointer user_data, GError **error)
{
  LcCsvReader *reader = f->reader;
  GString *current_id = g_string_new (NULL);
  gboolean have_object = FALSE;
  gsize rows = 0;
  GError *local = NULL;
  gboolean ok = FALSE;

  /* one allocation for the whole file */
  lc_dataset_builder_reserve (b, lc_csv_reader_estimate_records (reader));
  while (lc_csv_reader_next (reader, &local))
    {
      LcPlasticcRow row;

      if (!parse_row (f, &row, error))
        goto out;
      if (!have_object || row.id_len != current_id->len || memcmp (row.id, current_id->str, row.id_len) != 0)
        {
          g_string_append_len (g_string_truncate (current_id, 0), row.id, (gssize) row.id_len);
          lc_dataset_builder_begin_object_len (b, row.id, row.id_len, -1);
          have_object = TRUE;
        }
      lc_dataset_builder_add_observation (b, row.mjd, row.flux, row.flux_err, row.band, row.detected);
      if (++rows % PROGRESS_ROWS == 0 && !report_progress (reader, progress, user_data, error))
        goto out;
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      goto out;
    }
  if (rows == 0)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: no observations after the header"),
                   lc_csv_reader_name (reader));
      goto out;
    }
  ok = report_progress (reader, progress, user_data, error);
out:
  g_string_free (current_id, TRUE);
  return ok;
}

/* ---- metadata ---- */

typedef struct
{
  int id_column;
  int target_column;
  int n_header;
  GArray *meta_columns;  /* int: file column of each meta feature */
} MetaLayout;

static gboolean
read_meta_header (LcCsvReader *reader, LcDatasetBuilder *b, MetaLayout *layout, GError **error)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) meta_names = g_ptr_array_new ();
  const char *const *strv;

  if (!lc_csv_reader_header (reader, names, NULL, error))
    return FALSE;
  strv = (const char *const *) names->pdata;
  layout->n_header = (int) names->len;
  layout->id_column = lc_csv_find_column (strv, layout->n_header, "object_id");
  layout->target_column = lc_csv_find_column (strv, layout->n_header, "target");
  if (layout->id_column < 0)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s:%zu: no “object_id” column"),
                   lc_csv_reader_name (reader), lc_csv_reader_line (reader));
      return FALSE;
    }
  for (int i = 0; i < layout->n_header; i++)
    if (i != layout->id_column && i != layout->target_column)
      {
        g_array_append_val (layout->meta_columns, i);
        g_ptr_array_add (meta_names, g_ptr_array_index (names, i));
      }
  lc_dataset_builder_set_meta_names (b, (int) meta_names->len, (const char *const *) meta_names->pdata);
  return TRUE;
}

static gboolean
parse_target (LcCsvReader *reader, int column, int *class_id, GError **error)
{
  gsize len;
  const char *text = lc_csv_reader_field (reader, column, &len);
  gint64 number;
  double nan_check;

  /* unlabelled rows (a test set) may leave the target empty or nan */
  if (len == 0 || (lc_parse_double (text, len, &nan_check) && isnan (nan_check)))
    {
      *class_id = -1;
      return TRUE;
    }
  if (!lc_parse_int64 (text, len, &number) || number < 0 || number > G_MAXINT)
    return lc_csv_field_error (reader, "target", _("a class number"), column, error);
  *class_id = (int) number;
  return TRUE;
}

static gboolean
read_meta_row (LcCsvReader *reader, LcDatasetBuilder *b, const MetaLayout *layout, gsize object,
               GError **error)
{
  for (guint k = 0; k < layout->meta_columns->len; k++)
    {
      int column = g_array_index (layout->meta_columns, int, k);
      gsize len;
      const char *text = lc_csv_reader_field (reader, column, &len);
      double value = NAN;
      LcNumberCheck check = len > 0 ? lc_parse_number (text, len, LC_FLOAT_LIMIT, &value) : LC_NUMBER_OK;

      if (check != LC_NUMBER_OK)
        {
          g_autofree char *id = lc_sanitize_text (lc_dataset_builder_object_id (b, object), 40);
          g_autofree char *problem = lc_describe_number_problem (check, text, len, _("a number or nan"),
                                                                 LC_FLOAT_LIMIT);
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s:%zu: field %d of object “%s”: %s"),
                       lc_csv_reader_name (reader), lc_csv_reader_line (reader), column + 1, id, problem);
          return FALSE;
        }
      lc_dataset_builder_set_meta (b, object, (int) k, (float) value);
    }
  if (layout->target_column >= 0)
    {
      int class_id = -1;
      if (!parse_target (reader, layout->target_column, &class_id, error))
        return FALSE;
      lc_dataset_builder_set_object_class (b, object, class_id);
    }
  return TRUE;
}

static gboolean
report_missing_rows (LcDatasetBuilder *b, const guint8 *seen, const char *meta_name, GError **error)
{
  gsize n_objects = lc_dataset_builder_n_objects (b);
  gsize missing = 0;
  gssize first = -1;

  for (gsize i = 0; i < n_objects; i++)
    if (!seen[i])
      {
        missing++;
        if (first < 0)
          first = (gssize) i;
      }
  if (missing == 0)
    return TRUE;
  {
    g_autofree char *id = lc_sanitize_text (lc_dataset_builder_object_id (b, (gsize) first), 40);
    g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                 _("%s: no metadata row for object “%s” (%zu of %zu objects missing)"),
                 meta_name, id, missing, n_objects);
  }
  return FALSE;
}

typedef enum
{
  META_FAILED,     /* unreadable, or a row of our objects is broken */
  META_NOT_MINE,   /* no object_id column, or none of our objects */
  META_PARTIAL,    /* some of our objects have no row */
  META_OK,
} MetaResult;

static void
forget_metadata (LcDatasetBuilder *b)
{
  lc_dataset_builder_set_meta_names (b, 0, NULL);
  lc_dataset_builder_set_meta_path (b, NULL);
  for (gsize i = 0; i < lc_dataset_builder_n_objects (b); i++)
    lc_dataset_builder_set_object_class (b, i, -1);
}

/* Reads a metadata CSV into the objects already read.  Rows of other objects
 * are skipped (a metadata file may cover a whole survey); strict also checks
 * their shape, as for a file the user named.  Sets error unless META_OK. */
static MetaResult
read_metadata (LcDatasetBuilder *b, const char *meta_path, gboolean strict, GError **error)
{
  g_autoptr (LcCsvReader) reader = lc_csv_reader_open (meta_path, error);
  MetaLayout layout = { -1, -1, 0, NULL };
  gsize n_objects = lc_dataset_builder_n_objects (b);
  g_autofree guint8 *seen = NULL;
  gsize matched = 0;
  GError *local = NULL;
  MetaResult result = META_FAILED;

  if (reader == NULL)
    return META_FAILED;
  forget_metadata (b);
  layout.meta_columns = g_array_new (FALSE, FALSE, sizeof (int));
  seen = g_new0 (guint8, MAX (1, n_objects));
  if (!read_meta_header (reader, b, &layout, error))
    {
      result = META_NOT_MINE;
      goto out;
    }
  while (lc_csv_reader_next (reader, &local))
    {
      const char *id;
      gssize object = -1;

      if (layout.id_column < lc_csv_reader_n_fields (reader))
        {
          id = g_strstrip ((char *) lc_csv_reader_field (reader, layout.id_column, NULL));
          object = lc_dataset_builder_find_object (b, id);
        }
      if (object < 0 && !strict)
        continue;
      if (!check_field_count (reader, layout.n_header, error))
        goto out;
      if (object < 0)
        continue;
      if (seen[object])
        {
          g_autofree char *shown = lc_sanitize_text (id, 40);
          g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                       _("%s:%zu: field “object_id”: object “%s” has a second metadata row"),
                       lc_csv_reader_name (reader), lc_csv_reader_line (reader), shown);
          goto out;
        }
      seen[object] = 1;
      matched++;
      if (!read_meta_row (reader, b, &layout, (gsize) object, error))
        goto out;
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      goto out;
    }
  if (!report_missing_rows (b, seen, lc_csv_reader_name (reader), error))
    {
      result = matched == 0 ? META_NOT_MINE : META_PARTIAL;
      goto out;
    }
  lc_dataset_builder_set_meta_path (b, meta_path);
  result = META_OK;
out:
  g_array_unref (layout.meta_columns);
  if (result != META_OK)
    forget_metadata (b);
  return result;
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Metadata files that may belong to csv_path, most likely first:
 * X.csv -> X_metadata.csv, then any *_metadata*.csv in the same folder. */
static GPtrArray *
metadata_candidates (const char *csv_path)
{
  GPtrArray *candidates = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = g_path_get_dirname (csv_path);
  g_autofree char *base = g_path_get_basename (csv_path);
  g_autofree char *stem = g_str_has_suffix (base, ".csv") ? g_strndup (base, strlen (base) - 4) : g_strdup (base);
  g_autofree char *beside = g_strdup_printf ("%s/%s_metadata.csv", dir, stem);
  g_autoptr (GDir) folder = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) others = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (g_file_test (beside, G_FILE_TEST_IS_REGULAR))
    g_ptr_array_add (candidates, g_strdup (beside));
  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    if (strstr (name, "_metadata") != NULL && g_str_has_suffix (name, ".csv")
        && strcmp (name, base) != 0)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        if (g_strcmp0 (path, beside) != 0)
          g_ptr_array_add (others, g_steal_pointer (&path));
      }
  /* a stable order: directory listings are not */
  g_ptr_array_sort (others, compare_paths);
  for (guint i = 0; i < others->len; i++)
    g_ptr_array_add (candidates, g_strdup (g_ptr_array_index (others, i)));
  return candidates;
}

/* Tries the candidates in order.  A file that describes none of our objects
 * is skipped; one that describes only some of them is reported unless a
 * later one describes them all. */
static gboolean
find_metadata (LcDatasetBuilder *b, const char *csv_path, GError **error)
{
  g_autoptr (GPtrArray) candidates = metadata_candidates (csv_path);
  g_autoptr (GError) partial = NULL;

  for (guint i = 0; i < candidates->len; i++)
    {
      g_autoptr (GError) local = NULL;
      switch (read_metadata (b, g_ptr_array_index (candidates, i), FALSE, &local))
        {
        case META_OK:
          return TRUE;
        case META_FAILED:
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        case META_PARTIAL:
          if (partial == NULL)
            partial = g_steal_pointer (&local);
          break;
        case META_NOT_MINE:
        default:
          g_debug ("%s", local != NULL ? local->message : "metadata candidate skipped");
          break;
        }
    }
  if (partial != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&partial));
      return FALSE;
    }
  /* no metadata: unlabelled light curves, still usable for prediction */
  g_debug ("%s: no metadata file matches its objects", csv_path);
  return TRUE;
}

LcDataset *
lc_load_plasticc (const char *csv_path, const char *meta_path,
                  LcProgressFunc progress, gpointer user_data, GError **error)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_PLASTICC, LC_VALUE_FLUX, csv_path);
  PlasticcFile file = { NULL, { 0 }, 0 };
  gboolean ok;

  g_return_val_if_fail (csv_path != NULL, NULL);
  file.reader = lc_csv_reader_open (csv_path, error);
  if (file.reader == NULL)
    return NULL;
  lc_dataset_builder_set_bands (b, G_N_ELEMENTS (plasticc_bands), plasticc_bands);
  ok = read_light_curve_header (&file, error)
       && read_observations (b, &file, progress, user_data, error);
  lc_csv_reader_free (file.reader);
  if (!ok)
    return NULL;

  if (meta_path != NULL)
    ok = read_metadata (b, meta_path, TRUE, error) == META_OK;
  else
    ok = find_metadata (b, csv_path, error);
  if (!ok)
    return NULL;
  return lc_dataset_builder_finish (b, error);
}

/* ---- row by row, for streaming readers ---- */

struct _LcPlasticcRows
{
  PlasticcFile file;
};

LcPlasticcRows *
lc_plasticc_rows_open (const char *csv_path, GError **error)
{
  g_autoptr (LcPlasticcRows) rows = g_new0 (LcPlasticcRows, 1);

  g_return_val_if_fail (csv_path != NULL, NULL);
  rows->file.reader = lc_csv_reader_open (csv_path, error);
  if (rows->file.reader == NULL || !read_light_curve_header (&rows->file, error))
    return NULL;
  return g_steal_pointer (&rows);
}

gboolean
lc_plasticc_rows_next (LcPlasticcRows *rows, LcPlasticcRow *row, GError **error)
{
  if (!lc_csv_reader_next (rows->file.reader, error))
    return FALSE;
  return parse_row (&rows->file, row, error);
}

gsize
lc_plasticc_rows_line (const LcPlasticcRows *rows)
{
  return lc_csv_reader_line (rows->file.reader);
}

double
lc_plasticc_rows_fraction (const LcPlasticcRows *rows)
{
  return lc_csv_reader_fraction (rows->file.reader);
}

const char *
lc_plasticc_rows_name (const LcPlasticcRows *rows)
{
  return lc_csv_reader_name (rows->file.reader);
}

void
lc_plasticc_rows_free (LcPlasticcRows *rows)
{
  if (rows == NULL)
    return;
  if (rows->file.reader != NULL)
    lc_csv_reader_free (rows->file.reader);
  g_free (rows);
}

/* Every row becomes an object, so a streaming reader can look objects up
 * before it meets their light curves. */
static gboolean
read_all_metadata (LcDatasetBuilder *b, LcCsvReader *reader, GError **error)
{
  MetaLayout layout = { -1, -1, 0, NULL };
  GError *local = NULL;
  gboolean ok = FALSE;

  layout.meta_columns = g_array_new (FALSE, FALSE, sizeof (int));
  if (!read_meta_header (reader, b, &layout, error))
    goto out;
  while (lc_csv_reader_next (reader, &local))
    {
      const char *id;
      gsize object;

      if (!check_field_count (reader, layout.n_header, error))
        goto out;
      id = g_strstrip ((char *) lc_csv_reader_field (reader, layout.id_column, NULL));
      if (id[0] == '\0')
        {
          lc_csv_field_error (reader, "object_id", _("an object id"), layout.id_column, error);
          goto out;
        }
      if (lc_dataset_builder_find_object (b, id) >= 0)
        {
          g_autofree char *shown = lc_sanitize_text (id, 40);
          g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                       _("%s:%zu: field “object_id”: object “%s” has a second metadata row"),
                       lc_csv_reader_name (reader), lc_csv_reader_line (reader), shown);
          goto out;
        }
      object = lc_dataset_builder_begin_object (b, id, -1);
      if (!read_meta_row (reader, b, &layout, object, error))
        goto out;
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      goto out;
    }
  ok = TRUE;
out:
  g_array_unref (layout.meta_columns);
  return ok;
}

LcDataset *
lc_load_plasticc_metadata (const char *meta_path, GError **error)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_PLASTICC, LC_VALUE_FLUX, meta_path);
  g_autoptr (LcCsvReader) reader = NULL;

  g_return_val_if_fail (meta_path != NULL, NULL);
  reader = lc_csv_reader_open (meta_path, error);
  if (reader == NULL || !read_all_metadata (b, reader, error))
    return NULL;
  lc_dataset_builder_set_bands (b, G_N_ELEMENTS (plasticc_bands), plasticc_bands);
  lc_dataset_builder_set_meta_path (b, meta_path);
  return lc_dataset_builder_finish (b, error);
}

GStrv
lc_plasticc_metadata_candidates (const char *csv_path)
{
  g_autoptr (GPtrArray) candidates = metadata_candidates (csv_path);

  g_ptr_array_set_free_func (candidates, NULL);
  g_ptr_array_add (candidates, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&candidates), FALSE);
}
