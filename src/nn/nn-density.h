/* nn-density.h: how far feature vectors lie from the training data, for
 * novelty scores in a network's feature space (Lee et al. 2018, "A simple
 * unified framework for detecting out-of-distribution samples"; Sun et al.
 * 2022, "Out-of-distribution detection with deep nearest neighbors").
 *
 * Class-conditional Gaussians with one shared covariance: a mean per class
 * and the pooled within-class covariance, shrunk towards a multiple of the
 * identity, (1 − a) Σ + a (tr Σ / d) I (plus a millionth of tr Σ / d on the
 * diagonal, so that the covariance stays invertible in floats), so that few rows, dead ReLU units or
 * correlated features still give a positive definite matrix.  The score of a
 * vector is its smallest squared Mahalanobis distance to a class mean. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int n_classes;            /* K */
  int dim;                  /* d */
  double shrinkage;         /* a in [0, 1] */
  gboolean *present;        /* [K]: the class had rows (others are never the nearest) */
  int *counts;              /* [K]: rows of each class in the fit */
  float *class_means;       /* (K, d) the class means μ_c (0 for a class without rows) */
  float *covariance;        /* (d, d) the shrunk shared covariance */
  double *means;            /* (K, d) class means, whitened: L⁻¹ μ_c */
  double *chol;             /* (d, d) row-major lower-triangular L, L Lᵀ = the shrunk covariance */
} NnGaussians;

/* Fits the class means and the shrunk shared covariance of x (n, dim) with
 * labels in [0, n_classes) (rows with other labels are skipped).  Fails when
 * fewer than two labelled rows or a non-finite value are given. */
NnGaussians *nn_gaussians_fit  (const float *x, const int *labels, int n, int dim, int n_classes,
                                double shrinkage, GError **error);
void         nn_gaussians_free (NnGaussians *g);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnGaussians, nn_gaussians_free)

/* out[i] = min over the classes with rows of (x_i − μ_c)ᵀ Σ⁻¹ (x_i − μ_c) for
 * x (n, dim). */
void nn_gaussians_min_distance (const NnGaussians *g, const float *x, int n, double *out);

/* out[i] = the Euclidean distance of x_i (n, dim) to its k-th nearest row of
 * ref (n_ref, dim), both scaled to unit length first when normalise (a zero
 * vector stays zero); k is clamped to [1, n_ref]. */
void nn_knn_distance (const float *ref, int n_ref, const float *x, int n, int dim, int k,
                      gboolean normalise, double *out);

G_END_DECLS
