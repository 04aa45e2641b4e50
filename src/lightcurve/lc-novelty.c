/* lc-novelty.c: novelty histogram and ranking (issue 7). */
#include "lc-novelty.h"

#include <math.h>

#include "lc-plasticc-metric.h"
#include "nn-atomic.h"

int
lc_novelty_histogram (const double *scores, int n, double lo, double hi, int n_bins, int *counts)
{
  int counted = 0;
  for (int b = 0; b < n_bins; b++)
    counts[b] = 0;
  if (n_bins <= 0 || !(hi > lo))
    return 0;
  for (int i = 0; i < n; i++)
    {
      double s = scores[i];
      int b;
      if (isnan (s) || s < lo || s > hi)
        continue;
      b = MIN ((int) ((s - lo) / (hi - lo) * n_bins), n_bins - 1);
      counts[b]++;
      counted++;
    }
  return counted;
}

static int
compare_by_score (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const double *scores = user_data;
  int i = *(const int *) a, j = *(const int *) b;
  if (scores[i] != scores[j])
    return scores[i] > scores[j] ? -1 : 1;
  return i - j;
}

int *
lc_novelty_rank (const double *scores, int n, double threshold, int *n_out)
{
  int *rows = g_new (int, MAX (n, 1));
  int m = 0;
  for (int i = 0; i < n; i++)
    if (!isnan (scores[i]) && scores[i] >= threshold)
      rows[m++] = i;
  g_qsort_with_data (rows, m, sizeof (int), compare_by_score, (gpointer) scores);
  *n_out = m;
  return rows;
}

gboolean
lc_novelty_write_predictions (const char *path, const char *const *ids, const float *probs, int n, int k,
                              const int *class_ids, GError **error)
{
  g_autofree float *with99 = g_new (float, (gsize) MAX (n, 1) * (k + 1));
  GString *s = g_string_new ("object_id");
  g_autofree char *text = NULL;
  gsize len;

  for (int c = 0; c < k; c++)
    g_string_append_printf (s, ",class_%d", class_ids[c]);
  g_string_append (s, ",class_99\n");
  lc_novelty_append_p99 (probs, n, k, with99);
  for (int i = 0; i < n; i++)
    {
      g_string_append (s, ids[i]);
      for (int c = 0; c <= k; c++)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          g_string_append_c (s, ',');
          g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.6g", with99[(gsize) i * (k + 1) + c]));
        }
      g_string_append_c (s, '\n');
    }
  len = s->len;
  text = g_string_free (s, FALSE);
  if (!nn_atomic_write (path, text, (gssize) len, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return TRUE;
}
