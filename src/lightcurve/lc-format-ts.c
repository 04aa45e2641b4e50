/* lc-format-ts.c: UEA/UCR time-series classification files (.ts).
 *
 * "#" (or, before @data, "%" as tsml writes) comment lines, "@key value"
 * headers up to "@data", then one case per line: dimensions separated by
 * ':', values by ',' (or "(t,v)" pairs when @timeStamps is true, where t is
 * a number or an ISO 8601 date that becomes an MJD), "?" for a missing
 * value, and the class label last.
 */
#include "config.h"

#include "lc-format.h"
#include "lc-csv.h"
#include "lc-dataset-builder.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define PROGRESS_CASES 4096

typedef struct
{
  LcCsvReader *reader;
  LcDatasetBuilder *builder;
  char *problem;
  gboolean timestamps;
  gboolean has_labels;
  gboolean equal_length;
  int missing_allowed;     /* @missing: -1 when not given */
  int dimensions;          /* 0 until known */
  int series_length;       /* 0 when not given */
  int seen_length;         /* values per dimension of case 1, for @equalLength true */
  GPtrArray *labels;       /* declared class labels (char *) */
  GArray *label_ids;       /* class id of each declared label */
  gsize cases;
  gsize missing;
} TsFile;

static gboolean
ts_error (TsFile *f, GError **error, const char *format, ...) G_GNUC_PRINTF (3, 4);

/* header values and labels come straight from the file: lc_format_error_valist cleans them */
static gboolean
ts_error (TsFile *f, GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *place = g_strdup_printf ("%s:%" G_GSIZE_FORMAT, lc_csv_reader_name (f->reader),
                                            lc_csv_reader_line (f->reader));

  va_start (args, format);
  lc_format_error_valist (error, place, format, args);
  va_end (args);
  return FALSE;
}

static gboolean
parse_bool (const char *value, gboolean *out)
{
  if (g_ascii_strcasecmp (value, "true") == 0)
    *out = TRUE;
  else if (g_ascii_strcasecmp (value, "false") == 0)
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

static gboolean
parse_count (const char *value, int *out)
{
  gint64 n;

  if (!lc_parse_int64 (value, strlen (value), &n) || n < 1 || n > 1000000)
    return FALSE;
  *out = (int) n;
  return TRUE;
}

static gboolean
parse_class_labels (TsFile *f, const char *value, GError **error)
{
  g_auto (GStrv) words = g_strsplit_set (value, " \t", -1);
  gboolean flag;

  if (words[0] == NULL || !parse_bool (words[0], &flag))
    return ts_error (f, error, _("@classLabel: expected true or false, found “%s”"), value);
  f->has_labels = flag;
  for (int i = 1; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_ptr_array_add (f->labels, g_strdup (words[i]));
  if (flag && f->labels->len == 0)
    return ts_error (f, error, _("@classLabel true: expected the list of class labels"));
  return TRUE;
}

static gboolean
read_header_line (TsFile *f, char *line, gboolean *data_follows, GError **error)
{
  char *key = line + 1;
  char *value = key;
  gboolean flag;

  while (*value != '\0' && *value != ' ' && *value != '\t')
    value++;
  if (*value != '\0')
    *value++ = '\0';
  g_strstrip (value);

  if (g_ascii_strcasecmp (key, "data") == 0)
    *data_follows = TRUE;
  else if (g_ascii_strcasecmp (key, "problemName") == 0)
    {
      g_free (f->problem);
      f->problem = g_strdup (value);
    }
  else if (g_ascii_strcasecmp (key, "timeStamps") == 0)
    {
      if (!parse_bool (value, &f->timestamps))
        return ts_error (f, error, _("@timeStamps: expected true or false, found “%s”"), value);
    }
  else if (g_ascii_strcasecmp (key, "missing") == 0 || g_ascii_strcasecmp (key, "univariate") == 0)
    {
      if (!parse_bool (value, &flag))
        return ts_error (f, error, _("@%s: expected true or false, found “%s”"), key, value);
      if (g_ascii_strcasecmp (key, "univariate") == 0 && flag && f->dimensions == 0)
        f->dimensions = 1;
      if (g_ascii_strcasecmp (key, "missing") == 0)
        f->missing_allowed = flag;
    }
  else if (g_ascii_strcasecmp (key, "equalLength") == 0)
    {
      if (!parse_bool (value, &f->equal_length))
        return ts_error (f, error, _("@equalLength: expected true or false, found “%s”"), value);
    }
  else if (g_ascii_strcasecmp (key, "dimensions") == 0)
    {
      if (!parse_count (value, &f->dimensions) || f->dimensions > 255)
        return ts_error (f, error, _("@dimensions: expected a number 1..255, found “%s”"), value);
    }
  else if (g_ascii_strcasecmp (key, "seriesLength") == 0)
    {
      if (!parse_count (value, &f->series_length))
        return ts_error (f, error, _("@seriesLength: expected a positive number, found “%s”"), value);
    }
  else if (g_ascii_strcasecmp (key, "classLabel") == 0)
    return parse_class_labels (f, value, error);
  else if (g_ascii_strcasecmp (key, "targetLabel") == 0)
    {
      if (parse_bool (value, &flag) && flag)
        return ts_error (f, error, _("@targetLabel true: regression files are not supported (expected @classLabel)"));
    }
  else
    g_debug ("%s: ignoring header @%s", lc_csv_reader_name (f->reader), key);
  return TRUE;
}

static gboolean
is_lsst (const TsFile *f)
{
  return f->problem != NULL && g_ascii_strcasecmp (f->problem, "LSST") == 0;
}

/* LSST labels are PLAsTiCC class numbers; other problems name classes 0..K-1
 * in the order @classLabel lists them. */
static void
declare_classes (TsFile *f)
{
  gboolean numeric = is_lsst (f);

  for (guint i = 0; i < f->labels->len && numeric; i++)
    {
      const char *label = g_ptr_array_index (f->labels, i);
      gint64 n;
      if (!lc_parse_int64 (label, strlen (label), &n) || n < 0 || n > G_MAXINT)
        numeric = FALSE;
    }
  for (guint i = 0; i < f->labels->len; i++)
    {
      const char *label = g_ptr_array_index (f->labels, i);
      int id = (int) i;
      if (numeric)
        {
          gint64 n = 0;
          lc_parse_int64 (label, strlen (label), &n);
          id = (int) n;
          lc_dataset_builder_add_class (f->builder, id, lc_plasticc_class_name (id));
        }
      else
        lc_dataset_builder_add_class (f->builder, id, label);
      g_array_append_val (f->label_ids, id);
    }
}

static void
declare_bands (TsFile *f)
{
  static const char *const lsst[] = { "u", "g", "r", "i", "z", "y" };

  if (f->dimensions == 6 && is_lsst (f))
    lc_dataset_builder_set_bands (f->builder, 6, lsst);
  else
    for (int d = 0; d < f->dimensions; d++)
      {
        g_autofree char *name = g_strdup_printf ("dim%d", d);
        lc_dataset_builder_add_band (f->builder, name);
      }
}

static gboolean
read_headers (TsFile *f, GError **error)
{
  gboolean data_follows = FALSE;
  GError *local = NULL;

  while (!data_follows)
    {
      gsize len;
      char *line = lc_csv_reader_next_line (f->reader, &len, &local);
      if (line == NULL)
        {
          if (local != NULL)
            g_propagate_error (error, local);
          else
            g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: no “@data” line (is this a .ts file?)"),
                         lc_csv_reader_name (f->reader));
          return FALSE;
        }
      while (*line == ' ' || *line == '\t')
        line++;
      /* sktime and aeon write "#" descriptions, tsml (after ARFF) "%" */
      if (*line == '#' || *line == '%' || *line == '\0')
        continue;
      if (*line != '@')
        {
          g_autofree char *shown = lc_describe_field (line, strlen (line));
          return ts_error (f, error, _("expected a “#” or “%%” comment or an “@” header before @data, found “%s”"),
                           shown);
        }
      if (!read_header_line (f, line, &data_follows, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- cases ---- */

static gboolean
value_problem (TsFile *f, int dim, int index, LcNumberCheck check, const char *text, gsize len,
               const char *expected, double limit, GError **error)
{
  g_autofree char *problem = lc_describe_number_problem (check, text, len, expected, limit);

  return ts_error (f, error, _("case %zu, dimension %d, value %d: %s"), f->cases + 1, dim + 1, index + 1, problem);
}

static gboolean
value_error (TsFile *f, int dim, int index, const char *text, gsize len, const char *expected, GError **error)
{
  return value_problem (f, dim, index, LC_NUMBER_INVALID, text, len, expected, 0, error);
}

/* "?" and NaN mark missing values, which "@missing false" rules out. */
static gboolean
read_value (TsFile *f, int dim, int index, const char *text, gsize len, double *value, gboolean *missing,
            GError **error)
{
  const char *p = text, *end = text + len;
  LcNumberCheck check;

  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  *missing = (end - p == 1 && *p == '?');
  if (!*missing)
    {
      check = lc_parse_number (p, (gsize) (end - p), LC_FLOAT_LIMIT, value);
      if (check != LC_NUMBER_OK)
        return value_problem (f, dim, index, check, p, (gsize) (end - p), _("a number or ?"), LC_FLOAT_LIMIT,
                              error);
      *missing = isnan (*value);
    }
  if (*missing && f->missing_allowed == FALSE)
    {
      g_autofree char *shown = lc_describe_field (p, (gsize) (end - p));
      return ts_error (f, error, _("case %zu, dimension %d, value %d: “%s” is a missing value, but the header "
                                   "says “@missing false”"), f->cases + 1, dim + 1, index + 1, shown);
    }
  return TRUE;
}

static gboolean
add_value (TsFile *f, double time, double value, gboolean missing, int dim)
{
  if (missing)
    f->missing++;
  else
    lc_dataset_builder_add_observation (f->builder, time, (float) value, NAN, dim, TRUE);
  return TRUE;
}

/* "v1,v2,..." with time = step index. */
static gboolean
read_plain_dimension (TsFile *f, char *text, gsize len, int dim, int *n_values, GError **error)
{
  char *p = text, *end = text + len;
  int index = 0;

  for (;;)
    {
      char *comma = memchr (p, ',', (gsize) (end - p));
      char *stop = comma != NULL ? comma : end;
      double value = 0;
      gboolean missing;

      if (!read_value (f, dim, index, p, (gsize) (stop - p), &value, &missing, error))
        return FALSE;
      add_value (f, index, value, missing, dim);
      index++;
      if (comma == NULL)
        break;
      p = comma + 1;
    }
  *n_values = index;
  return TRUE;
}

/* A time stamp: a number (used as it is), or an ISO 8601 date and time
 * ("2007-01-01", "2007-01-01 00:00:00", UTC unless it says otherwise) as
 * sktime and aeon write them, which becomes a Modified Julian Date. */
static LcNumberCheck
parse_time_stamp (const char *text, gsize len, double *time)
{
  LcNumberCheck check = lc_parse_number (text, len, LC_DOUBLE_LIMIT, time);
  g_autoptr (GTimeZone) utc = NULL;
  g_autoptr (GDateTime) date = NULL;
  g_autofree char *copy = NULL;

  if (check != LC_NUMBER_INVALID)
    return check == LC_NUMBER_OK && isnan (*time) ? LC_NUMBER_INVALID : check;
  copy = g_strstrip (g_strndup (text, len));
  if (strlen (copy) == 10)
    {
      /* a date alone is midnight */
      char *day = g_strconcat (copy, "T00:00:00", NULL);
      g_free (copy);
      copy = day;
    }
  utc = g_time_zone_new_utc ();
  date = g_date_time_new_from_iso8601 (copy, utc);
  if (date == NULL)
    return LC_NUMBER_INVALID;
  *time = (double) g_date_time_to_unix (date) / 86400.0 + 40587.0
          + (double) g_date_time_get_microsecond (date) / 86400e6;
  return LC_NUMBER_OK;
}

/* "(t1,v1),(t2,v2),..." */
static gboolean
read_stamped_dimension (TsFile *f, char *text, gsize len, int dim, int *n_values, GError **error)
{
  char *p = text, *end = text + len;
  int index = 0;

  while (p < end)
    {
      char *comma, *close;
      double time, value = 0;
      gboolean missing;
      LcNumberCheck check;

      while (p < end && (*p == ' ' || *p == '\t' || (index > 0 && *p == ',')))
        p++;
      if (p == end)
        break;
      if (*p != '(' || (close = memchr (p, ')', (gsize) (end - p))) == NULL
          || (comma = g_strrstr_len (p, close - p, ",")) == NULL)
        return value_error (f, dim, index, p, (gsize) (end - p), _("a (time stamp,value) pair"), error);
      check = parse_time_stamp (p + 1, (gsize) (comma - p - 1), &time);
      if (check != LC_NUMBER_OK)
        return value_problem (f, dim, index, check, p + 1, (gsize) (comma - p - 1),
                              _("a time stamp (a number or an ISO 8601 date)"), LC_DOUBLE_LIMIT, error);
      if (!read_value (f, dim, index, comma + 1, (gsize) (close - comma - 1), &value, &missing, error))
        return FALSE;
      add_value (f, time, value, missing, dim);
      index++;
      p = close + 1;
    }
  if (index == 0)
    return value_error (f, dim, 0, text, len, _("at least one (time stamp,value) pair"), error);
  *n_values = index;
  return TRUE;
}

static gboolean
read_label (TsFile *f, char *text, int *class_id, GError **error)
{
  g_strstrip (text);
  for (guint i = 0; i < f->labels->len; i++)
    if (strcmp (g_ptr_array_index (f->labels, i), text) == 0)
      {
        *class_id = g_array_index (f->label_ids, int, i);
        return TRUE;
      }
  {
    g_autofree char *shown = lc_describe_field (text, strlen (text));
    return ts_error (f, error, _("case %zu: class label “%s” is not one of @classLabel"),
                     f->cases + 1, shown);
  }
}

/* The next ':' between dimensions at or after p, or NULL; a time stamp
 * inside "( )" may hold colons of its own (an unclosed "(" does not hide
 * them: the pair is reported broken instead). */
static char *
next_separator (char *p, char *end, gboolean stamped)
{
  for (; p < end; p++)
    {
      char *close;
      if (stamped && *p == '(' && (close = memchr (p, ')', (gsize) (end - p))) != NULL)
        p = close;
      else if (*p == ':')
        return p;
    }
  return NULL;
}

/* A last line without a newline may have been cut anywhere: a label cut
 * short can still be a declared label ("6" of "67"), and a series cut short
 * can still parse.  Refuse what the header says cannot be whole. */
static gboolean
check_cut_label (TsFile *f, const char *label, GError **error)
{
  gsize len = strlen (label);

  for (guint i = 0; i < f->labels->len; i++)
    {
      const char *other = g_ptr_array_index (f->labels, i);
      if (strlen (other) > len && strncmp (other, label, len) == 0)
        return ts_error (f, error, _("case %zu: the file ends without a newline inside the class label “%s”, "
                                     "which is the start of the label “%s” too: the file looks cut short"),
                         f->cases + 1, label, other);
    }
  return TRUE;
}

static gboolean
check_length (TsFile *f, int dim, int n_values, gboolean unterminated, GError **error)
{
  int expected = f->series_length > 0 ? f->series_length : f->seen_length;

  if (!f->equal_length)
    return TRUE;
  if (expected == 0)
    {
      f->seen_length = n_values;
      return TRUE;
    }
  if (n_values == expected)
    return TRUE;
  if (unterminated)
    return ts_error (f, error, _("case %zu, dimension %d: the file ends without a newline after %d values of %d "
                                 "(@equalLength true): the file looks cut short"),
                     f->cases + 1, dim + 1, n_values, expected);
  if (f->series_length > 0)
    return ts_error (f, error, _("case %zu, dimension %d: expected %d values (@seriesLength), found %d"),
                     f->cases + 1, dim + 1, f->series_length, n_values);
  return ts_error (f, error, _("case %zu, dimension %d: expected %d values as in case 1 (@equalLength true), "
                               "found %d"), f->cases + 1, dim + 1, expected, n_values);
}

static gboolean
read_case (TsFile *f, char *line, gsize len, gboolean unterminated, GError **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GSIZE_FORMAT, f->cases);
  int n_parts = 1;
  int class_id = -1;
  char *p = line, *end = line + len, *last = NULL;

  for (char *sep = line; (sep = next_separator (sep, end, f->timestamps)) != NULL; sep++)
    {
      n_parts++;
      last = sep;
    }
  if (f->dimensions == 0)
    {
      /* no @dimensions header: the first case tells */
      f->dimensions = MIN (255, n_parts - (f->has_labels ? 1 : 0));
      if (f->dimensions < 1)
        return ts_error (f, error, _("case 1: expected at least one dimension before the label"));
      declare_bands (f);
    }
  if (n_parts != f->dimensions + (f->has_labels ? 1 : 0))
    /* TRANSLATORS: the %s after the dimensions is empty or " and a class label" */
    return ts_error (f, error, _("case %zu: expected %d dimensions%s separated by “:”, found %d fields"),
                     f->cases + 1, f->dimensions, f->has_labels ? _(" and a class label") : "", n_parts);
  if (f->has_labels)
    {
      if (!read_label (f, last + 1, &class_id, error)
          || (unterminated && !check_cut_label (f, last + 1, error)))
        return FALSE;
      *last = '\0';
      end = last;
    }
  lc_dataset_builder_begin_object (f->builder, id, class_id);
  for (int d = 0; d < f->dimensions; d++)
    {
      char *sep = next_separator (p, end, f->timestamps);
      char *stop = sep != NULL ? sep : end;
      int n_values = 0;
      gboolean ok = f->timestamps
                    ? read_stamped_dimension (f, p, (gsize) (stop - p), d, &n_values, error)
                    : read_plain_dimension (f, p, (gsize) (stop - p), d, &n_values, error);
      if (!ok || !check_length (f, d, n_values, unterminated, error))
        return FALSE;
      p = stop + 1;
    }
  f->cases++;
  return TRUE;
}

static gboolean
read_cases (TsFile *f, LcProgressFunc progress, gpointer user_data, GError **error)
{
  GError *local = NULL;
  gsize len;
  char *line;

  while ((line = lc_csv_reader_next_line (f->reader, &len, &local)) != NULL)
    {
      if (line[0] == '#')
        continue;
      if (!read_case (f, line, len, lc_csv_reader_unterminated (f->reader), error))
        return FALSE;
      if (f->cases % PROGRESS_CASES == 0 && progress != NULL
          && !progress (lc_csv_reader_fraction (f->reader), user_data))
        {
          g_set_error (error, LC_ERROR, LC_ERROR_CANCELLED, _("%s: loading cancelled"), lc_csv_reader_name (f->reader));
          return FALSE;
        }
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (f->cases == 0)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: no cases after @data"), lc_csv_reader_name (f->reader));
      return FALSE;
    }
  if (progress != NULL && !progress (1.0, user_data))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_CANCELLED, _("%s: loading cancelled"), lc_csv_reader_name (f->reader));
      return FALSE;
    }
  return TRUE;
}

LcDataset *
lc_load_ts (const char *ts_path, LcProgressFunc progress, gpointer user_data, GError **error)
{
  g_autoptr (LcDatasetBuilder) b = NULL;
  TsFile f = { 0 };
  gboolean ok;

  f.missing_allowed = -1;
  g_return_val_if_fail (ts_path != NULL, NULL);
  f.reader = lc_csv_reader_open (ts_path, error);
  if (f.reader == NULL)
    return NULL;
  b = lc_dataset_builder_new (LC_SOURCE_TS, LC_VALUE_FLUX, ts_path);
  f.builder = b;
  f.labels = g_ptr_array_new_with_free_func (g_free);
  f.label_ids = g_array_new (FALSE, FALSE, sizeof (int));
  ok = read_headers (&f, error);
  if (ok)
    {
      lc_dataset_builder_set_on_grid (b, !f.timestamps);
      declare_classes (&f);
      if (f.dimensions > 0)
        declare_bands (&f);
      ok = read_cases (&f, progress, user_data, error);
    }
  lc_dataset_builder_add_skipped (b, f.missing);
  lc_csv_reader_free (f.reader);
  g_free (f.problem);
  g_ptr_array_unref (f.labels);
  g_array_unref (f.label_ids);
  if (!ok)
    return NULL;
  return lc_dataset_builder_finish (b, error);
}
