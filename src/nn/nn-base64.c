/* nn-base64.c: float32 values as base64 text. */
#include "config.h"

#include "nn-base64.h"

#include <glib/gi18n-lib.h>
#include <string.h>

char *
nn_base64_from_floats (const float *values, gsize n)
{
  g_autofree guint32 *le = g_new (guint32, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    {
      guint32 bits;
      memcpy (&bits, &values[i], 4);
      le[i] = GUINT32_TO_LE (bits);
    }
  return g_base64_encode ((const guchar *) le, n * sizeof (float));
}

gboolean
nn_base64_check (const char *text, gsize len, char **problem)
{
  gsize padding = 0;

  if (len % 4 != 0)
    {
      *problem = g_strdup_printf (_("not valid base64: its length %zu is not a multiple of 4 (cut short?)"),
                                  len);
      return FALSE;
    }
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];
      if (c == '=' && i + 2 >= len && (i + 1 == len || text[i + 1] == '='))
        {
          padding++;
          continue;
        }
      if (padding > 0 || !(g_ascii_isalnum (c) || c == '+' || c == '/'))
        {
          *problem = g_ascii_isprint (c)
            ? g_strdup_printf (_("not valid base64: character “%c” at position %zu"), c, i)
            : g_strdup_printf (_("not valid base64: byte 0x%02x at position %zu"), (guchar) c, i);
          return FALSE;
        }
    }
  return TRUE;
}

gsize
nn_base64_decoded_size (const char *text, gsize len)
{
  return len / 4 * 3 - (len > 0 && text[len - 1] == '=') - (len > 1 && text[len - 2] == '=');
}

gboolean
nn_base64_to_floats (const char *text, float *values, gsize n, char **problem)
{
  gsize len = strlen (text), n_bytes;
  g_autofree guchar *bytes = NULL;

  if (!nn_base64_check (text, len, problem))
    return FALSE;
  n_bytes = nn_base64_decoded_size (text, len);
  if (n_bytes != n * sizeof (float))
    {
      *problem = g_strdup_printf (_("%zu bytes of data where %zu values need %zu (4 bytes each): "
                                    "cut short or the wrong data?"),
                                  n_bytes, n, n * sizeof (float));
      return FALSE;
    }
  bytes = g_base64_decode (text, &n_bytes);
  for (gsize i = 0; i < n; i++)
    {
      guint32 bits;
      memcpy (&bits, bytes + 4 * i, 4);
      bits = GUINT32_FROM_LE (bits);
      memcpy (&values[i], &bits, 4);
    }
  return TRUE;
}
