/* lc-split.h: stratified splits, k-fold, class weights and resampling (DESIGN §6).
 *
 * Everything works on index arrays so that splitting happens first and
 * resampling afterwards, on the training indices only (an oversampled object
 * must never appear in both training and validation).  labels[i] is the class
 * index of item i (an object of a dataset, a row of an NnData); -1 marks an
 * unlabelled item, which forms its own stratum in splits.  Every random
 * choice draws from an NnRng seeded with `seed`: the same seed and labels give
 * the same result on every machine.
 */
#pragma once

#include "lc-dataset.h"

G_BEGIN_DECLS

typedef struct
{
  int *train;            /* sorted item indices */
  int n_train;
  int *validation;
  int n_validation;
  int *test;
  int n_test;
} LcSplit;

/* Splits items 0..n-1 so that each class is divided in the same proportions
 * (rounded per class).  A class with at least as many items as non-empty parts
 * gets at least one item in each part (training first).  Fractions must be
 * >= 0 with validation_fraction + test_fraction < 1. */
LcSplit *lc_split_stratified (const int *labels, int n, double validation_fraction,
                              double test_fraction, guint64 seed, GError **error);
void     lc_split_free       (LcSplit *split);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcSplit, lc_split_free)

/* Stratified k-fold: fold[i] in [0, k) for every item; each class is spread
 * over the folds as evenly as possible and fold sizes differ by at most a few
 * items.  2 <= k <= n.  Free with g_free. */
int *lc_split_kfold     (const int *labels, int n, int k, guint64 seed, GError **error);
/* The items of fold `which` (in_fold TRUE: its validation part) or of every
 * other fold (FALSE: its training part), sorted; *n_out gets the count. */
int *lc_split_fold_rows (const int *fold, int n, int which, gboolean in_fold, int *n_out);

/* Class labels of the dataset's objects, [n_objects]; free with g_free. */
int *lc_split_labels_from_dataset (const LcDataset *ds);

/* Counts of each class among rows (labels indexed by row value; rows NULL:
 * items 0..n_rows-1), [n_classes]; labels outside [0, n_classes) are not
 * counted.  Free with g_free. */
int *lc_class_counts (const int *rows, int n_rows, const int *labels, int n_classes);

/* "balanced" class weights n / (K n_c) over the rows (rows NULL: items
 * 0..n_rows-1), K the number of classes present; absent classes weigh 1.
 * [n_classes], free with g_free; as float for NnLossConfig.class_weights. */
float *lc_class_weights_balanced (const int *rows, int n_rows, const int *labels, int n_classes);
/* The balanced weights raised to power (0: all 1; 1: balanced; 0.5: their
 * square root, which lifts rare classes without drowning the common ones). */
float *lc_class_weights_power (const int *rows, int n_rows, const int *labels, int n_classes,
                               double power);
/* Class-balanced weights by the effective number of samples (Cui et al.
 * 2019): w_c ∝ (1 − beta) / (1 − beta^n_c), beta in (0, 1), scaled so that
 * the mean weight over the rows is 1 (Σ_c n_c w_c = n, as for the balanced
 * weights).  beta → 0 gives equal weights, beta → 1 the balanced weights.
 * Absent classes weigh 1.  [n_classes], free with g_free. */
float *lc_class_weights_effective (const int *rows, int n_rows, const int *labels, int n_classes,
                                   double beta);

typedef enum
{
  LC_RESAMPLE_MEAN = 0,   /* over- and under-sample every class to the mean class size */
  LC_RESAMPLE_OVER,       /* oversample to the largest class */
  LC_RESAMPLE_UNDER,      /* undersample to the smallest class */
} LcResampleMode;

/* Resamples a (training) index list: classes above the target keep a random
 * subset, classes below repeat all their rows as often as fits and add a
 * random subset of them for the remainder.  Unlabelled rows (-1) are left
 * out.  Returns the new row list (sorted, duplicates adjacent) and its
 * length in *n_out; free with g_free. */
int *lc_resample (const int *rows, int n_rows, const int *labels, int n_classes,
                  LcResampleMode mode, guint64 seed, int *n_out);

G_END_DECLS
