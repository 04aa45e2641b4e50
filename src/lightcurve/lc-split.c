/* lc-split.c: stratified splits, k-fold, class weights and resampling */
#include "config.h"

#include "lc-split.h"

#include "nn-rng.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>

/* Items sorted by label (stable), so each class is a contiguous run. */
typedef struct
{
  int *items;
  int n;
} Strata;

static int
compare_by_label (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const int *labels = user_data;
  int x = *(const int *) a, y = *(const int *) b;
  if (labels[x] != labels[y])
    return (labels[x] > labels[y]) - (labels[x] < labels[y]);
  return (x > y) - (x < y);
}

static int
compare_int (const void *a, const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

static Strata
strata_new (const int *labels, int n)
{
  Strata s = { g_new (int, MAX (n, 1)), n };
  for (int i = 0; i < n; i++)
    s.items[i] = i;
  g_qsort_with_data (s.items, n, sizeof (int), compare_by_label, (gpointer) labels);
  return s;
}

/* Length of the run of equal labels that starts at position start. */
static int
run_length (const Strata *s, const int *labels, int start)
{
  int end = start;
  while (end < s->n && labels[s->items[end]] == labels[s->items[start]])
    end++;
  return end - start;
}

void
lc_split_free (LcSplit *split)
{
  if (split == NULL)
    return;
  g_free (split->train);
  g_free (split->validation);
  g_free (split->test);
  g_free (split);
}

/* Items of one class for validation and test: rounded proportions, at least
 * one in each asked-for part when the class can fill every part, and at least
 * one left for training. */
static void
class_part_sizes (int n_c, double vf, double tf, int *n_val, int *n_test)
{
  int parts = 1 + (vf > 0.0) + (tf > 0.0);

  *n_val = (int) floor (n_c * vf + 0.5);
  *n_test = (int) floor (n_c * tf + 0.5);
  if (n_c >= parts)
    {
      if (vf > 0.0 && *n_val == 0)
        *n_val = 1;
      if (tf > 0.0 && *n_test == 0)
        *n_test = 1;
    }
  while (*n_val + *n_test >= n_c && *n_val + *n_test > 0)
    {
      if (*n_test >= *n_val)
        (*n_test)--;
      else
        (*n_val)--;
    }
}

LcSplit *
lc_split_stratified (const int *labels, int n, double validation_fraction, double test_fraction,
                     guint64 seed, GError **error)
{
  LcSplit *split;
  Strata s;
  NnRng rng;

  g_return_val_if_fail (labels != NULL || n == 0, NULL);
  if (!(validation_fraction >= 0.0 && test_fraction >= 0.0 && validation_fraction + test_fraction < 1.0))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("split: fields “validation_fraction” and “test_fraction”: expected fractions >= 0 "
                     "that sum to less than 1, found %g and %g"), validation_fraction, test_fraction);
      return NULL;
    }
  split = g_new0 (LcSplit, 1);
  split->train = g_new (int, MAX (n, 1));
  split->validation = g_new (int, MAX (n, 1));
  split->test = g_new (int, MAX (n, 1));
  s = strata_new (labels, n);
  nn_rng_init (&rng, seed);
  for (int start = 0; start < n;)
    {
      int n_c = run_length (&s, labels, start), n_val, n_test;
      int *members = s.items + start;

      nn_rng_shuffle_int (&rng, members, n_c);
      class_part_sizes (n_c, validation_fraction, test_fraction, &n_val, &n_test);
      for (int j = 0; j < n_c; j++)
        {
          if (j < n_val)
            split->validation[split->n_validation++] = members[j];
          else if (j < n_val + n_test)
            split->test[split->n_test++] = members[j];
          else
            split->train[split->n_train++] = members[j];
        }
      start += n_c;
    }
  g_free (s.items);
  qsort (split->train, split->n_train, sizeof (int), compare_int);
  qsort (split->validation, split->n_validation, sizeof (int), compare_int);
  qsort (split->test, split->n_test, sizeof (int), compare_int);
  return split;
}

int *
lc_split_kfold (const int *labels, int n, int k, guint64 seed, GError **error)
{
  int *fold;
  int next = 0;
  Strata s;
  NnRng rng;

  if (k < 2 || k > n)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("split: field “folds”: expected 2 to %d folds, found %d"), MAX (n, 2), k);
      return NULL;
    }
  fold = g_new (int, n);
  s = strata_new (labels, n);
  nn_rng_init (&rng, seed);
  for (int start = 0; start < n;)
    {
      int n_c = run_length (&s, labels, start);
      nn_rng_shuffle_int (&rng, s.items + start, n_c);
      /* deal the class out like cards, continuing where the last class
       * stopped, so that fold sizes stay even too */
      for (int j = 0; j < n_c; j++)
        {
          fold[s.items[start + j]] = next;
          next = (next + 1) % k;
        }
      start += n_c;
    }
  g_free (s.items);
  return fold;
}

int *
lc_split_fold_rows (const int *fold, int n, int which, gboolean in_fold, int *n_out)
{
  int *rows = g_new (int, MAX (n, 1));
  int m = 0;
  for (int i = 0; i < n; i++)
    if ((fold[i] == which) == in_fold)
      rows[m++] = i;
  *n_out = m;
  return rows;
}

int *
lc_split_labels_from_dataset (const LcDataset *ds)
{
  int *labels;
  g_return_val_if_fail (ds != NULL, NULL);
  labels = g_new (int, MAX (ds->n_objects, 1));
  for (gsize i = 0; i < ds->n_objects; i++)
    labels[i] = ds->objects[i].label;
  return labels;
}

int *
lc_class_counts (const int *rows, int n_rows, const int *labels, int n_classes)
{
  int *counts = g_new0 (int, MAX (n_classes, 1));
  for (int r = 0; r < n_rows; r++)
    {
      int c = labels[rows != NULL ? rows[r] : r];
      if (c >= 0 && c < n_classes)
        counts[c]++;
    }
  return counts;
}

float *
lc_class_weights_balanced (const int *rows, int n_rows, const int *labels, int n_classes)
{
  g_autofree int *counts = lc_class_counts (rows, n_rows, labels, n_classes);
  float *weights = g_new (float, MAX (n_classes, 1));
  int present = 0, total = 0;

  for (int c = 0; c < n_classes; c++)
    {
      present += counts[c] > 0;
      total += counts[c];
    }
  for (int c = 0; c < n_classes; c++)
    weights[c] = counts[c] > 0 ? (float) ((double) total / ((double) present * counts[c])) : 1.0f;
  return weights;
}

float *
lc_class_weights_power (const int *rows, int n_rows, const int *labels, int n_classes, double power)
{
  float *weights = lc_class_weights_balanced (rows, n_rows, labels, n_classes);
  for (int c = 0; c < n_classes; c++)
    weights[c] = (float) pow (weights[c], power);
  return weights;
}

float *
lc_class_weights_effective (const int *rows, int n_rows, const int *labels, int n_classes, double beta)
{
  g_autofree int *counts = lc_class_counts (rows, n_rows, labels, n_classes);
  float *weights = g_new (float, MAX (n_classes, 1));
  g_autofree double *raw = g_new (double, MAX (n_classes, 1));
  double weighted = 0.0;
  int total = 0;

  for (int c = 0; c < n_classes; c++)
    {
      /* 1 − beta^n as −expm1 (n log beta): exact for beta near 1 */
      raw[c] = counts[c] > 0 ? (1.0 - beta) / -expm1 (counts[c] * log (beta)) : 0.0;
      weighted += counts[c] * raw[c];
      total += counts[c];
    }
  for (int c = 0; c < n_classes; c++)
    weights[c] = counts[c] > 0 ? (float) (raw[c] * total / weighted) : 1.0f;
  return weights;
}

static int
resample_target (const int *counts, int n_classes, LcResampleMode mode)
{
  int present = 0, total = 0, lo = G_MAXINT, hi = 0;
  for (int c = 0; c < n_classes; c++)
    if (counts[c] > 0)
      {
        present++;
        total += counts[c];
        lo = MIN (lo, counts[c]);
        hi = MAX (hi, counts[c]);
      }
  if (present == 0)
    return 0;
  switch (mode)
    {
    case LC_RESAMPLE_OVER:
      return hi;
    case LC_RESAMPLE_UNDER:
      return lo;
    case LC_RESAMPLE_MEAN:
    default:
      return (int) floor ((double) total / present + 0.5);
    }
}

int *
lc_resample (const int *rows, int n_rows, const int *labels, int n_classes,
             LcResampleMode mode, guint64 seed, int *n_out)
{
  g_autofree int *counts = lc_class_counts (rows, n_rows, labels, n_classes);
  g_autoptr (GArray) out = g_array_sized_new (FALSE, FALSE, sizeof (int), MAX (n_rows, 1));
  g_autofree int *members = g_new (int, MAX (n_rows, 1));
  int target = resample_target (counts, n_classes, mode);
  NnRng rng;

  nn_rng_init (&rng, seed);
  for (int c = 0; c < n_classes; c++)
    {
      int n_c = 0;
      if (counts[c] == 0)
        continue;
      for (int r = 0; r < n_rows; r++)
        if (labels[rows[r]] == c)
          members[n_c++] = rows[r];
      for (int copy = 0; copy < target / n_c; copy++)
        g_array_append_vals (out, members, n_c);
      /* the remainder: distinct rows, chosen at random */
      nn_rng_shuffle_int (&rng, members, n_c);
      g_array_append_vals (out, members, target % n_c);
    }
  g_array_sort (out, compare_int);
  *n_out = out->len;
  return (int *) g_array_free (g_steal_pointer (&out), FALSE);
}
