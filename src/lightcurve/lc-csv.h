/* lc-csv.h: a fast streaming CSV tokenizer and number parsers for the readers.
 *
 * The reader fills a large buffer from the file and splits one record at a
 * time in place: fields are pointers into the buffer, NUL-terminated, valid
 * until the next call.  Empty lines are skipped, CRLF and a UTF-8 BOM are
 * accepted, double-quoted fields (with "" escapes) may hold commas.
 */
#pragma once

#include <float.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct _LcCsvReader LcCsvReader;

/* Opens path; errors are LC_ERROR_OPEN. */
LcCsvReader *lc_csv_reader_open (const char *path, GError **error);
void         lc_csv_reader_free (LcCsvReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcCsvReader, lc_csv_reader_free)

/* Reads the next non-empty record.  FALSE at the end of the file (error
 * unset) or on a malformed record (error set, LC_ERROR_FORMAT). */
gboolean     lc_csv_reader_next     (LcCsvReader *reader, GError **error);
/* The next non-empty line as it is (CR stripped, NUL-terminated, valid
 * until the next call), for line formats other than CSV; NULL at the end
 * (error unset) or on a read error. */
char        *lc_csv_reader_next_line (LcCsvReader *reader, gsize *len, GError **error);
/* TRUE when the line or record just read ended at the end of the file
 * without a newline (the last line of a file that may have been cut). */
gboolean     lc_csv_reader_unterminated (const LcCsvReader *reader);
int          lc_csv_reader_n_fields (const LcCsvReader *reader);
/* Field i of the current record (NUL-terminated); len may be NULL. */
const char  *lc_csv_reader_field    (const LcCsvReader *reader, int i, gsize *len);
/* 1-based line number of the current record. */
gsize        lc_csv_reader_line     (const LcCsvReader *reader);
/* Fraction of the file consumed so far (0..1). */
double       lc_csv_reader_fraction (const LcCsvReader *reader);
guint64      lc_csv_reader_size     (const LcCsvReader *reader);
/* Records in the whole file, extrapolated from the first block read. */
gsize        lc_csv_reader_estimate_records (LcCsvReader *reader);
/* The file's path as it was given (for display), as errors show it. */
const char  *lc_csv_reader_name     (const LcCsvReader *reader);

/* Index of the header field named name (ASCII case-insensitive, surrounding
 * blanks ignored) among n fields, or -1. */
int lc_csv_find_column (const char *const *names, int n, const char *name);

/* Parses a whole field as a floating-point number: optional blanks and sign,
 * digits with an optional point and exponent, or nan/inf/infinity (any case).
 * Correctly rounded for up to 19 significant digits and exponents within
 * ±22, strtod otherwise.  FALSE for empty fields and anything else. */
gboolean lc_parse_double (const char *s, gsize len, double *out);
/* TRUE when v is finite and stays finite as a float (values and errors are
 * stored as float: 1e300 would silently become infinity). */
static inline gboolean
lc_fits_float (double v)
{
  return v >= -FLT_MAX && v <= FLT_MAX;  /* FALSE for NaN too */
}
/* What lc_parse_number found in a field. */
typedef enum
{
  LC_NUMBER_OK,            /* a number within ±limit, or NaN (callers decide what NaN means) */
  LC_NUMBER_INVALID,       /* not a number at all */
  LC_NUMBER_OUT_OF_RANGE   /* a number, but infinite or beyond ±limit */
} LcNumberCheck;

/* Values and errors are stored as float. */
#define LC_FLOAT_LIMIT ((double) FLT_MAX)
/* Times are stored as double: only infinity is out of range. */
#define LC_DOUBLE_LIMIT G_MAXDOUBLE

/* The one number reader of every text format: lc_parse_double, then the
 * range check that tells "1e39" (out of range for a float) from "abc". */
LcNumberCheck lc_parse_number (const char *s, gsize len, double limit, double *out);
/* What is wrong with a field lc_parse_number refused, for a message (newly
 * allocated): "expected EXPECTED, found “abc”", or for LC_NUMBER_OUT_OF_RANGE
 * "“1e39” is out of range (at most ±3.4e+38)". */
char *lc_describe_number_problem (LcNumberCheck check, const char *s, gsize len, const char *expected,
                                  double limit);
/* Parses a whole field as a decimal integer that fits in gint64. */
gboolean lc_parse_int64  (const char *s, gsize len, gint64 *out);

/* A short, valid UTF-8 rendering of a field for error messages (newly allocated). */
char *lc_describe_field (const char *s, gsize len);
/* Sets error to "FILE:LINE: field “COLUMN”: expected EXPECTED, found “TEXT”" for
 * field number `field` of the reader's current row; returns FALSE. */
gboolean lc_csv_field_error (LcCsvReader *reader, const char *column, const char *expected, int field,
                             GError **error);
/* Sets error to "FILE:LINE: field “COLUMN”: " and lc_describe_number_problem; returns FALSE. */
gboolean lc_csv_number_error (LcCsvReader *reader, LcNumberCheck check, const char *column, const char *expected,
                              int field, double limit, GError **error);
/* Sets error to "PLACE: MESSAGE", the message made safe with lc_sanitize_text
 * (it may quote keys, types or labels from the file); returns FALSE. */
gboolean lc_format_error_valist (GError **error, const char *place, const char *format,
                                 va_list args) G_GNUC_PRINTF (3, 0);
/* Reads the header record into names (stripped copies to g_free).  A file
 * without any record fails with "FILE: " and empty_message (NULL: "the file
 * is empty (expected a header line)"). */
gboolean lc_csv_reader_header (LcCsvReader *reader, GPtrArray *names, const char *empty_message,
                               GError **error);
/* text as valid UTF-8 without control characters, cut after max_chars
 * characters (with "…"), for anything from a file that goes into a message. */
char *lc_sanitize_text  (const char *text, gsize max_chars);

G_END_DECLS
