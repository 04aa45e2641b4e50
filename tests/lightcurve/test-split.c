/* test-split.c: stratified splits, k-fold, class weights, resampling */
#include "lc-split.h"

#include <math.h>
#include <string.h>

/* Class sizes 100, 50, 20, 3 and 1, interleaved, plus two unlabelled items. */
static int *
make_labels (int *n)
{
  const int sizes[] = { 100, 50, 20, 3, 1 };
  int total = 2, pos = 0;
  int *labels;
  int left[5];

  for (int c = 0; c < 5; c++)
    total += left[c] = sizes[c];
  labels = g_new (int, total);
  while (pos < total - 2)
    for (int c = 0; c < 5; c++)
      if (left[c]-- > 0)
        labels[pos++] = c;
  labels[pos++] = -1;
  labels[pos++] = -1;
  *n = total;
  return labels;
}

static int
count_class (const int *rows, int n_rows, const int *labels, int c)
{
  int k = 0;
  for (int r = 0; r < n_rows; r++)
    k += labels[rows[r]] == c;
  return k;
}

static void
assert_partition (const LcSplit *s, int n)
{
  g_autofree int *seen = g_new0 (int, n);
  const int *parts[] = { s->train, s->validation, s->test };
  const int sizes[] = { s->n_train, s->n_validation, s->n_test };

  for (int p = 0; p < 3; p++)
    for (int r = 0; r < sizes[p]; r++)
      {
        g_assert_cmpint (parts[p][r], >=, 0);
        g_assert_cmpint (parts[p][r], <, n);
        if (r > 0)
          g_assert_cmpint (parts[p][r], >, parts[p][r - 1]);   /* sorted, no repeats */
        seen[parts[p][r]]++;
      }
  for (int i = 0; i < n; i++)
    g_assert_cmpint (seen[i], ==, 1);   /* no overlap, union = all */
}

static void
test_stratified_proportions (void)
{
  int n;
  g_autofree int *labels = make_labels (&n);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcSplit) s = lc_split_stratified (labels, n, 0.2, 0.1, 42, &error);
  const int sizes[] = { 100, 50, 20 };

  g_assert_no_error (error);
  assert_partition (s, n);
  for (int c = 0; c < 3; c++)
    {
      g_assert_cmpint (count_class (s->validation, s->n_validation, labels, c), ==, (int) round (sizes[c] * 0.2));
      g_assert_cmpint (count_class (s->test, s->n_test, labels, c), ==, (int) round (sizes[c] * 0.1));
    }
  /* 3 objects: one in each part; 1 object: training */
  g_assert_cmpint (count_class (s->train, s->n_train, labels, 3), ==, 1);
  g_assert_cmpint (count_class (s->validation, s->n_validation, labels, 3), ==, 1);
  g_assert_cmpint (count_class (s->test, s->n_test, labels, 3), ==, 1);
  g_assert_cmpint (count_class (s->train, s->n_train, labels, 4), ==, 1);
}

static void
test_stratified_seeded (void)
{
  int n;
  g_autofree int *labels = make_labels (&n);
  g_autoptr (LcSplit) a = lc_split_stratified (labels, n, 0.25, 0.0, 7, NULL);
  g_autoptr (LcSplit) b = lc_split_stratified (labels, n, 0.25, 0.0, 7, NULL);
  g_autoptr (LcSplit) c = lc_split_stratified (labels, n, 0.25, 0.0, 8, NULL);

  assert_partition (a, n);
  g_assert_cmpint (a->n_test, ==, 0);
  g_assert_cmpint (a->n_validation, ==, b->n_validation);
  g_assert_cmpmem (a->validation, a->n_validation * sizeof (int), b->validation, b->n_validation * sizeof (int));
  g_assert_cmpint (a->n_validation, ==, c->n_validation);   /* same sizes ... */
  g_assert_true (memcmp (a->validation, c->validation, a->n_validation * sizeof (int)) != 0);   /* ... other items */
}

static void
test_stratified_bad_fractions (void)
{
  const int labels[] = { 0, 1, 0, 1 };
  const double bad[][2] = { { -0.1, 0.1 }, { 0.5, 0.5 }, { NAN, 0.0 }, { 0.2, 0.9 } };
  for (guint k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_null (lc_split_stratified (labels, 4, bad[k][0], bad[k][1], 1, &error));
      g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
      g_assert_nonnull (strstr (error->message, "validation_fraction"));
    }
}

static void
test_kfold (void)
{
  int n;
  g_autofree int *labels = make_labels (&n);
  g_autoptr (GError) error = NULL;
  g_autofree int *fold = lc_split_kfold (labels, n, 5, 3, &error);
  g_autofree int *again = lc_split_kfold (labels, n, 5, 3, NULL);
  int fold_size[5] = { 0 };

  g_assert_no_error (error);
  g_assert_cmpmem (fold, n * sizeof (int), again, n * sizeof (int));
  for (int i = 0; i < n; i++)
    {
      g_assert_cmpint (fold[i], >=, 0);
      g_assert_cmpint (fold[i], <, 5);
      fold_size[fold[i]]++;
    }
  for (int f = 1; f < 5; f++)
    g_assert_cmpint (ABS (fold_size[f] - fold_size[0]), <=, 1);
  /* class 0 (100 items): 20 in each fold */
  for (int f = 0; f < 5; f++)
    {
      int in_fold = 0;
      for (int i = 0; i < n; i++)
        in_fold += labels[i] == 0 && fold[i] == f;
      g_assert_cmpint (in_fold, ==, 20);
    }
  for (int f = 0; f < 5; f++)
    {
      int n_val, n_train;
      g_autofree int *val = lc_split_fold_rows (fold, n, f, TRUE, &n_val);
      g_autofree int *train = lc_split_fold_rows (fold, n, f, FALSE, &n_train);
      g_assert_cmpint (n_val, ==, fold_size[f]);
      g_assert_cmpint (n_val + n_train, ==, n);
      for (int r = 0; r < n_train; r++)
        g_assert_cmpint (fold[train[r]], !=, f);
    }
  g_assert_null (lc_split_kfold (labels, n, 1, 3, &error) );
}

static void
test_class_weights (void)
{
  /* counts 6, 3, 1, 0 over 10 rows: 3 classes present */
  const int labels[] = { 0, 0, 1, 0, 2, 1, 0, 0, 1, 0, 3 };
  const int rows[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  g_autofree float *w = lc_class_weights_balanced (rows, 10, labels, 4);
  g_autofree int *counts = lc_class_counts (rows, 10, labels, 4);

  g_assert_cmpint (counts[0], ==, 6);
  g_assert_cmpint (counts[3], ==, 0);
  g_assert_cmpfloat_with_epsilon (w[0], 10.0 / 18.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (w[1], 10.0 / 9.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (w[2], 10.0 / 3.0, 1e-6);
  g_assert_cmpfloat (w[3], ==, 1.0f);
  /* balanced: every present class carries the same total weight */
  g_assert_cmpfloat_with_epsilon (w[0] * 6, w[2] * 1, 1e-5);
}

/* Softened weights: the balanced ones to a power; 0 leaves every class at 1. */
static void
test_class_weights_power (void)
{
  const int labels[] = { 0, 0, 1, 0, 2, 1, 0, 0, 1, 0 };
  g_autofree float *half = lc_class_weights_power (NULL, 10, labels, 4, 0.5);
  g_autofree float *none = lc_class_weights_power (NULL, 10, labels, 4, 0.0);

  g_assert_cmpfloat_with_epsilon (half[0], sqrt (10.0 / 18.0), 1e-6);
  g_assert_cmpfloat_with_epsilon (half[2], sqrt (10.0 / 3.0), 1e-6);
  g_assert_cmpfloat (half[3], ==, 1.0f);
  for (int c = 0; c < 4; c++)
    g_assert_cmpfloat (none[c], ==, 1.0f);
}

/* Effective-number weights (Cui et al. 2019) by hand for counts 6, 3, 1 and
 * beta 1/2: raw (1 − β) / (1 − β^n) = 32/63, 4/7, 1, scaled so that Σ n_c w_c
 * = 10: 320/363, 360/363, 630/363.  Beta near 1 approaches the balanced
 * weights, near 0 equal weights. */
static void
test_class_weights_effective (void)
{
  const int labels[] = { 0, 0, 1, 0, 2, 1, 0, 0, 1, 0 };
  g_autofree float *half = lc_class_weights_effective (NULL, 10, labels, 4, 0.5);
  g_autofree float *near_one = lc_class_weights_effective (NULL, 10, labels, 4, 0.999999);
  g_autofree float *near_zero = lc_class_weights_effective (NULL, 10, labels, 4, 1e-6);
  g_autofree float *balanced = lc_class_weights_balanced (NULL, 10, labels, 4);

  g_assert_cmpfloat_with_epsilon (half[0], 320.0 / 363.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (half[1], 360.0 / 363.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (half[2], 630.0 / 363.0, 1e-6);
  g_assert_cmpfloat (half[3], ==, 1.0f);
  g_assert_cmpfloat_with_epsilon (6 * near_one[0] + 3 * near_one[1] + near_one[2], 10.0, 1e-5);
  for (int c = 0; c < 3; c++)
    {
      g_assert_cmpfloat_with_epsilon (near_one[c], balanced[c], 1e-4);
      g_assert_cmpfloat_with_epsilon (near_zero[c], 1.0, 1e-5);
    }
}

/* How often each row occurs in a resampled list. */
static void
occurrences (const int *list, int n_list, int *times, int n_items)
{
  memset (times, 0, sizeof (int) * n_items);
  for (int r = 0; r < n_list; r++)
    times[list[r]]++;
}

static void
test_resample (void)
{
  /* training rows: class 0 six times, class 1 three, class 2 once; rows 10, 11 are
   * validation (never drawn) and row 12 is unlabelled */
  const int labels[] = { 0, 0, 1, 0, 2, 1, 0, 0, 1, 0, 0, 2, -1 };
  const int train[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12 };
  int times[13], n_out, n_again;
  g_autofree int *mean = lc_resample (train, 11, labels, 3, LC_RESAMPLE_MEAN, 5, &n_out);
  g_autofree int *again = lc_resample (train, 11, labels, 3, LC_RESAMPLE_MEAN, 5, &n_again);

  /* mean class size 10 / 3 -> 3 of each */
  g_assert_cmpint (n_out, ==, 9);
  g_assert_cmpmem (mean, n_out * sizeof (int), again, n_again * sizeof (int));
  occurrences (mean, n_out, times, 13);
  g_assert_cmpint (count_class (mean, n_out, labels, 0), ==, 3);
  g_assert_cmpint (count_class (mean, n_out, labels, 1), ==, 3);
  g_assert_cmpint (times[4], ==, 3);            /* the lone class-2 row, three times */
  g_assert_cmpint (times[10] + times[11] + times[12], ==, 0);
  for (int i = 0; i < 10; i++)
    if (labels[i] == 0)
      g_assert_cmpint (times[i], <=, 1);        /* undersampling draws distinct rows */

  {
    g_autofree int *over = lc_resample (train, 11, labels, 3, LC_RESAMPLE_OVER, 5, &n_out);
    g_assert_cmpint (n_out, ==, 18);
    occurrences (over, n_out, times, 13);
    g_assert_cmpint (times[2], ==, 2);
    g_assert_cmpint (times[5], ==, 2);
    g_assert_cmpint (times[4], ==, 6);
    g_assert_cmpint (times[0], ==, 1);
  }
  {
    g_autofree int *under = lc_resample (train, 11, labels, 3, LC_RESAMPLE_UNDER, 5, &n_out);
    g_assert_cmpint (n_out, ==, 3);
  }
  {
    g_autofree int *empty = lc_resample (train, 0, labels, 3, LC_RESAMPLE_MEAN, 5, &n_out);
    g_assert_cmpint (n_out, ==, 0);
    g_assert_nonnull (empty);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/split/stratified-proportions", test_stratified_proportions);
  g_test_add_func ("/split/stratified-seeded", test_stratified_seeded);
  g_test_add_func ("/split/stratified-bad-fractions", test_stratified_bad_fractions);
  g_test_add_func ("/split/kfold", test_kfold);
  g_test_add_func ("/split/class-weights", test_class_weights);
  g_test_add_func ("/split/class-weights-power", test_class_weights_power);
  g_test_add_func ("/split/class-weights-effective", test_class_weights_effective);
  g_test_add_func ("/split/resample", test_resample);
  return g_test_run ();
}
