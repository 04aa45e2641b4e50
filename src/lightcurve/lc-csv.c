/* lc-csv.c: block-buffered CSV records split in place, and fast number parsing */
#include "config.h"

#include "lc-csv.h"
#include "lc-dataset.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK_SIZE (4u << 20)
/* a record longer than this is not a light-curve table */
#define MAX_RECORD (64u << 20)

struct _LcCsvReader
{
  char *path;
  char *name;
  int fd;
  guint64 size;
  guint64 consumed;   /* bytes of the file handed out as records */

  char *buf;
  gsize capacity;     /* allocated bytes; one more than usable for a final NUL */
  gsize start;        /* first unread byte */
  gsize end;          /* end of valid data */
  gboolean eof;
  gboolean first_block;

  gsize line;         /* line of the current record */
  gsize next_line;    /* line of the next byte at start */
  gboolean unterminated;  /* the last line taken had no newline */

  char **fields;
  gsize *lengths;
  int n_fields;
  int fields_capacity;
};

LcCsvReader *
lc_csv_reader_open (const char *path, GError **error)
{
  LcCsvReader *r;
  struct stat st;
  int fd = g_open (path, O_RDONLY, 0);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, LC_ERROR, LC_ERROR_OPEN, _("%s: cannot open: %s"), path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || S_ISDIR (st.st_mode))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_OPEN, _("%s: not a readable file"), path);
      close (fd);
      return NULL;
    }
  r = g_new0 (LcCsvReader, 1);
  r->path = g_strdup (path);
  r->name = g_filename_display_name (path);
  r->fd = fd;
  r->size = (guint64) st.st_size;
  r->capacity = MIN (BLOCK_SIZE, MAX (r->size, 4096)) + 1;
  r->buf = g_malloc (r->capacity);
  r->first_block = TRUE;
  r->next_line = 1;
  r->fields_capacity = 16;
  r->fields = g_new (char *, r->fields_capacity);
  r->lengths = g_new (gsize, r->fields_capacity);
  return r;
}

void
lc_csv_reader_free (LcCsvReader *r)
{
  if (r == NULL)
    return;
  if (r->fd >= 0)
    close (r->fd);
  g_free (r->path);
  g_free (r->name);
  g_free (r->buf);
  g_free (r->fields);
  g_free (r->lengths);
  g_free (r);
}

/* Moves unread bytes to the front and reads more; grows the buffer when a
 * single record fills it. */
static gboolean
fill_buffer (LcCsvReader *r, GError **error)
{
  gssize n;

  if (r->start > 0)
    {
      memmove (r->buf, r->buf + r->start, r->end - r->start);
      r->end -= r->start;
      r->start = 0;
    }
  if (r->end + 1 >= r->capacity)
    {
      if (r->capacity > MAX_RECORD)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                       _("%s:%zu: line is longer than %u MB; this is not a light-curve table"),
                       r->name, r->next_line, MAX_RECORD >> 20);
          return FALSE;
        }
      r->capacity = r->capacity * 2;
      r->buf = g_realloc (r->buf, r->capacity);
    }
  do
    n = read (r->fd, r->buf + r->end, r->capacity - 1 - r->end);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      int saved = errno;
      g_set_error (error, LC_ERROR, LC_ERROR_OPEN, _("%s: read error: %s"), r->name, g_strerror (saved));
      return FALSE;
    }
  if (n == 0)
    r->eof = TRUE;
  r->end += (gsize) n;
  if (r->first_block && r->end >= 3 && memcmp (r->buf, "\xef\xbb\xbf", 3) == 0)
    {
      r->start = 3;
      r->consumed = 3;
    }
  if (r->end >= 3 || r->eof)
    r->first_block = FALSE;
  return TRUE;
}

static void
add_field (LcCsvReader *r, char *start, gsize len)
{
  if (r->n_fields == r->fields_capacity)
    {
      r->fields_capacity *= 2;
      r->fields = g_renew (char *, r->fields, r->fields_capacity);
      r->lengths = g_renew (gsize, r->lengths, r->fields_capacity);
    }
  start[len] = '\0';
  r->fields[r->n_fields] = start;
  r->lengths[r->n_fields] = len;
  r->n_fields++;
}

/* The fast path: no quotes anywhere in the line.  Fields are short, so a
 * plain loop beats a memchr call per field. */
static void
split_plain (LcCsvReader *r, char *line, gsize len)
{
  char *start = line;
  char *end = line + len;

  for (char *p = line; p < end; p++)
    if (*p == ',')
      {
        add_field (r, start, (gsize) (p - start));
        start = p + 1;
      }
  add_field (r, start, (gsize) (end - start));
}

/* Quoted fields are unescaped in place (the result is never longer). */
static gboolean
split_quoted (LcCsvReader *r, char *line, gsize len, GError **error)
{
  char *p = line;
  char *end = line + len;

  for (;;)
    {
      char *out = p;
      char *field = p;

      while (p < end && (*p == ' ' || *p == '\t'))
        p++;
      if (p < end && *p == '"')
        {
          out = field;
          p++;
          for (;;)
            {
              if (p >= end)
                {
                  g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                               _("%s:%zu: field %d: a quoted field is not closed on its line"),
                               r->name, r->line, r->n_fields + 1);
                  return FALSE;
                }
              if (*p == '"')
                {
                  if (p + 1 < end && p[1] == '"')
                    {
                      *out++ = '"';
                      p += 2;
                      continue;
                    }
                  p++;
                  break;
                }
              *out++ = *p++;
            }
          while (p < end && (*p == ' ' || *p == '\t'))
            p++;
          if (p < end && *p != ',')
            {
              g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                           _("%s:%zu: field %d: unexpected text after a closing quote"),
                           r->name, r->line, r->n_fields + 1);
              return FALSE;
            }
        }
      else
        {
          while (p < end && *p != ',')
            p++;
          out = p;
        }
      add_field (r, field, (gsize) (out - field));
      if (p >= end)
        return TRUE;
      p++;  /* the comma */
    }
}

static gboolean
is_blank_line (const char *line, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (line[i] != ' ' && line[i] != '\t')
      return FALSE;
  return TRUE;
}

/* The next non-empty line, CR stripped and NUL-terminated in place. */
static char *
take_line (LcCsvReader *r, gsize *out_len, GError **error)
{
  for (;;)
    {
      char *line = r->buf + r->start;
      char *nl = memchr (line, '\n', r->end - r->start);
      gsize len;
      gsize taken;

      if (nl == NULL && !r->eof)
        {
          if (!fill_buffer (r, error))
            return NULL;
          continue;
        }
      if (nl == NULL && r->start == r->end)
        return NULL;
      /* a final line without a newline still counts */
      len = nl != NULL ? (gsize) (nl - line) : r->end - r->start;
      taken = nl != NULL ? len + 1 : len;
      r->unterminated = nl == NULL;
      r->start += taken;
      r->consumed += taken;
      r->line = r->next_line++;
      if (len > 0 && line[len - 1] == '\r')
        len--;
      if (len == 0 || is_blank_line (line, len))
        continue;
      /* capacity keeps one spare byte past the data for this */
      line[len] = '\0';
      *out_len = len;
      return line;
    }
}

gboolean
lc_csv_reader_next (LcCsvReader *r, GError **error)
{
  gsize len;
  char *line = take_line (r, &len, error);

  if (line == NULL)
    return FALSE;
  r->n_fields = 0;
  if (memchr (line, '"', len) == NULL)
    split_plain (r, line, len);
  else if (!split_quoted (r, line, len, error))
    return FALSE;
  return TRUE;
}

char *
lc_csv_reader_next_line (LcCsvReader *r, gsize *len, GError **error)
{
  r->n_fields = 0;
  return take_line (r, len, error);
}

gboolean
lc_csv_reader_unterminated (const LcCsvReader *r)
{
  return r->unterminated;
}

int
lc_csv_reader_n_fields (const LcCsvReader *r)
{
  return r->n_fields;
}

const char *
lc_csv_reader_field (const LcCsvReader *r, int i, gsize *len)
{
  g_return_val_if_fail (i >= 0 && i < r->n_fields, NULL);
  if (len != NULL)
    *len = r->lengths[i];
  return r->fields[i];
}

gsize
lc_csv_reader_line (const LcCsvReader *r)
{
  return r->line;
}

double
lc_csv_reader_fraction (const LcCsvReader *r)
{
  return r->size > 0 ? MIN (1.0, (double) r->consumed / (double) r->size) : 1.0;
}

guint64
lc_csv_reader_size (const LcCsvReader *r)
{
  return r->size;
}

gsize
lc_csv_reader_estimate_records (LcCsvReader *r)
{
  gsize lines = 0;
  gsize sample;

  if (r->end == r->start && !r->eof && !fill_buffer (r, NULL))
    return 0;
  sample = r->end - r->start;
  for (const char *p = r->buf + r->start; (p = memchr (p, '\n', (gsize) (r->buf + r->end - p))) != NULL; p++)
    lines++;
  if (lines == 0 || sample == 0)
    return 1;
  /* a little over, so that the usual file never regrows its arrays; but a
   * first block of blank lines must not reserve for billions of rows */
  return (gsize) MIN ((double) r->size / sample * lines * 1.02, r->size / 12.0) + 16;
}

const char *
lc_csv_reader_name (const LcCsvReader *r)
{
  return r->name;
}

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

int
lc_csv_find_column (const char *const *names, int n, const char *name)
{
  gsize want = strlen (name);

  for (int i = 0; i < n; i++)
    {
      const char *s = names[i];
      gsize len = strlen (s);
      while (len > 0 && is_blank (*s))
        s++, len--;
      while (len > 0 && is_blank (s[len - 1]))
        len--;
      if (len == want && g_ascii_strncasecmp (s, name, len) == 0)
        return i;
    }
  return -1;
}

/* ---- numbers ---- */

static const double powers_of_ten[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static gboolean
match_word (const char *p, const char *end, const char *word)
{
  gsize n = strlen (word);

  return (gsize) (end - p) == n && g_ascii_strncasecmp (p, word, n) == 0;
}

/* strtod on a validated span (it needs a NUL-terminated copy) */
static double
slow_parse (const char *s, const char *end)
{
  char small[64];
  gsize n = (gsize) (end - s);
  g_autofree char *big = NULL;
  char *copy = small;

  if (n >= sizeof small)
    copy = big = g_malloc (n + 1);
  memcpy (copy, s, n);
  copy[n] = '\0';
  return g_ascii_strtod (copy, NULL);
}

gboolean
lc_parse_double (const char *s, gsize len, double *out)
{
  const char *p = s;
  const char *end = s + len;
  const char *number;
  gboolean negative = FALSE;
  guint64 mantissa = 0;
  int digits = 0;         /* significant digits kept in mantissa */
  int dropped = 0;        /* integer digits beyond what mantissa holds */
  gboolean truncated = FALSE;  /* digits were left out: let strtod round */
  int scale = 0;          /* decimal exponent from the point position */
  gboolean any_digit = FALSE;
  gint64 exponent = 0;
  double value;

  while (p < end && is_blank (*p))
    p++;
  while (end > p && is_blank (end[-1]))
    end--;
  if (p == end)
    return FALSE;
  number = p;
  if (*p == '-' || *p == '+')
    negative = (*p++ == '-');

  if (p < end && (*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')
    {
      if (match_word (p, end, "nan"))
        value = NAN;
      else if (match_word (p, end, "inf") || match_word (p, end, "infinity"))
        value = INFINITY;
      else
        return FALSE;
      *out = negative ? -value : value;
      return TRUE;
    }

  for (; p < end && *p >= '0' && *p <= '9'; p++)
    {
      any_digit = TRUE;
      if (mantissa == 0 && *p == '0')
        continue;
      if (digits < 19)
        mantissa = mantissa * 10 + (guint64) (*p - '0'), digits++;
      else
        dropped++, truncated = TRUE;
    }
  if (p < end && *p == '.')
    {
      for (p++; p < end && *p >= '0' && *p <= '9'; p++)
        {
          any_digit = TRUE;
          if (mantissa == 0 && *p == '0')
            {
              scale--;
              continue;
            }
          if (digits < 19)
            mantissa = mantissa * 10 + (guint64) (*p - '0'), digits++, scale--;
          else
            truncated = TRUE;
        }
    }
  if (!any_digit)
    return FALSE;
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      gboolean exp_negative = FALSE;
      gboolean exp_digit = FALSE;
      p++;
      if (p < end && (*p == '-' || *p == '+'))
        exp_negative = (*p++ == '-');
      for (; p < end && *p >= '0' && *p <= '9'; p++)
        {
          exp_digit = TRUE;
          if (exponent < 100000)
            exponent = exponent * 10 + (*p - '0');
        }
      if (!exp_digit)
        return FALSE;
      if (exp_negative)
        exponent = -exponent;
    }
  if (p != end)
    return FALSE;

  exponent += scale + dropped;
  if (mantissa == 0)
    value = 0.0;
  else if (!truncated && mantissa <= (G_GUINT64_CONSTANT (1) << 53)
           && exponent >= -22 && exponent <= 22)
    /* both operands exact, so one rounding: the correctly rounded result */
    value = exponent >= 0 ? (double) mantissa * powers_of_ten[exponent]
                          : (double) mantissa / powers_of_ten[-exponent];
  else
    {
      *out = slow_parse (number, end);
      return TRUE;
    }
  *out = negative ? -value : value;
  return TRUE;
}

LcNumberCheck
lc_parse_number (const char *s, gsize len, double limit, double *out)
{
  if (!lc_parse_double (s, len, out))
    return LC_NUMBER_INVALID;
  if (isnan (*out) || (*out >= -limit && *out <= limit))
    return LC_NUMBER_OK;
  /* "inf" is not a number that is too large, "1e999" is */
  if (isinf (*out) && memchr (s, 'n', len) != NULL)
    return LC_NUMBER_INVALID;
  return LC_NUMBER_OUT_OF_RANGE;
}

char *
lc_describe_number_problem (LcNumberCheck check, const char *s, gsize len, const char *expected, double limit)
{
  g_autofree char *shown = lc_describe_field (s, len);

  if (check == LC_NUMBER_OUT_OF_RANGE)
    /* TRANSLATORS: a number from a file that is too large, and the largest allowed */
    return g_strdup_printf (_("“%s” is out of range (at most ±%.2g)"), shown, limit);
  return g_strdup_printf (_("expected %s, found “%s”"), expected, shown);
}

gboolean
lc_parse_int64 (const char *s, gsize len, gint64 *out)
{
  const char *p = s;
  const char *end = s + len;
  gboolean negative = FALSE;
  guint64 value = 0;

  while (p < end && is_blank (*p))
    p++;
  while (end > p && is_blank (end[-1]))
    end--;
  if (p < end && (*p == '-' || *p == '+'))
    negative = (*p++ == '-');
  if (p == end)
    return FALSE;
  for (; p < end; p++)
    {
      if (*p < '0' || *p > '9')
        return FALSE;
      if (value > (G_MAXINT64 / 10))
        return FALSE;
      value = value * 10 + (guint64) (*p - '0');
      if (value > (guint64) G_MAXINT64)
        return FALSE;
    }
  *out = negative ? -(gint64) value : (gint64) value;
  return TRUE;
}

char *
lc_sanitize_text (const char *text, gsize max_chars)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);
  gsize n = 0;

  /* control characters would garble a terminal or a dialog */
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);
      if (n == max_chars)
        {
          g_string_append (out, "…");
          break;
        }
      if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

char *
lc_describe_field (const char *s, gsize len)
{
  const gsize max = 40;
  /* a field may hold NUL bytes: show what precedes the first */
  g_autofree char *raw = g_strndup (s, MIN (len, max + 1));

  if (len == 0)
    return g_strdup (_("(empty)"));
  return lc_sanitize_text (raw, max);
}

gboolean
lc_csv_field_error (LcCsvReader *reader, const char *column, const char *expected, int field,
                    GError **error)
{
  gsize len;
  const char *text = lc_csv_reader_field (reader, field, &len);
  g_autofree char *shown = lc_describe_field (text, len);

  g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
               /* TRANSLATORS: "data.csv:12: field “flux”: expected a finite number, found “abc”":
                * the file, the line, the column's name, what was expected and the field's text */
               _("%s:%zu: field “%s”: expected %s, found “%s”"),
               lc_csv_reader_name (reader), lc_csv_reader_line (reader), column, expected, shown);
  return FALSE;
}

gboolean
lc_csv_number_error (LcCsvReader *reader, LcNumberCheck check, const char *column, const char *expected,
                     int field, double limit, GError **error)
{
  gsize len;
  const char *text = lc_csv_reader_field (reader, field, &len);
  g_autofree char *problem = NULL;

  if (check != LC_NUMBER_OUT_OF_RANGE)
    return lc_csv_field_error (reader, column, expected, field, error);
  problem = lc_describe_number_problem (check, text, len, expected, limit);
  g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s:%zu: field “%s”: %s"),
               lc_csv_reader_name (reader), lc_csv_reader_line (reader), column, problem);
  return FALSE;
}

gboolean
lc_format_error_valist (GError **error, const char *place, const char *format, va_list args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);
  g_autofree char *clean = lc_sanitize_text (message, 400);

  g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, "%s: %s", place, clean);
  return FALSE;
}

gboolean
lc_csv_reader_header (LcCsvReader *reader, GPtrArray *names, const char *empty_message,
                      GError **error)
{
  GError *local = NULL;

  if (!lc_csv_reader_next (reader, &local))
    {
      if (local == NULL)
        g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, "%s: %s", lc_csv_reader_name (reader),
                     empty_message != NULL ? empty_message
                                           : _("the file is empty (expected a header line)"));
      else
        g_propagate_error (error, local);
      return FALSE;
    }
  for (int i = 0; i < lc_csv_reader_n_fields (reader); i++)
    g_ptr_array_add (names, g_strstrip (g_strdup (lc_csv_reader_field (reader, i, NULL))));
  return TRUE;
}
