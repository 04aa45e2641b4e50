/* nn-density.c: class-conditional Gaussians and nearest-neighbour distances
 * in a feature space. */
#include "config.h"

#include "nn-density.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "nn-layer.h"

void
nn_gaussians_free (NnGaussians *g)
{
  if (g == NULL)
    return;
  g_free (g->present);
  g_free (g->counts);
  g_free (g->class_means);
  g_free (g->covariance);
  g_free (g->means);
  g_free (g->chol);
  g_free (g);
}

/* In place: a (d, d) symmetric positive definite -> its lower Cholesky factor
 * (the upper triangle is zeroed).  FALSE when a pivot is not positive. */
static gboolean
cholesky (double *a, int d)
{
  for (int j = 0; j < d; j++)
    {
      double diag = a[(gsize) j * d + j];
      for (int k = 0; k < j; k++)
        diag -= a[(gsize) j * d + k] * a[(gsize) j * d + k];
      if (!(diag > 0.0))
        return FALSE;
      diag = sqrt (diag);
      a[(gsize) j * d + j] = diag;
      for (int i = j + 1; i < d; i++)
        {
          double s = a[(gsize) i * d + j];
          for (int k = 0; k < j; k++)
            s -= a[(gsize) i * d + k] * a[(gsize) j * d + k];
          a[(gsize) i * d + j] = s / diag;
        }
      for (int i = 0; i < j; i++)
        a[(gsize) i * d + j] = 0.0;
    }
  return TRUE;
}

/* z = L⁻¹ v by forward substitution (z may alias v). */
static void
whiten (const double *l, int d, const double *v, double *z)
{
  for (int i = 0; i < d; i++)
    {
      double s = v[i];
      for (int k = 0; k < i; k++)
        s -= l[(gsize) i * d + k] * z[k];
      z[i] = s / l[(gsize) i * d + i];
    }
}

/* Allocates g for K classes of d features. */
static NnGaussians *
gaussians_alloc (int n_classes, int dim, double shrinkage)
{
  NnGaussians *g = g_new0 (NnGaussians, 1);
  g->n_classes = n_classes;
  g->dim = dim;
  g->shrinkage = CLAMP (shrinkage, 0.0, 1.0);
  g->present = g_new0 (gboolean, n_classes);
  g->counts = g_new0 (int, n_classes);
  g->class_means = g_new0 (float, (gsize) n_classes * dim);
  g->covariance = g_new0 (float, (gsize) dim * dim);
  g->means = g_new0 (double, (gsize) n_classes * dim);
  g->chol = g_new0 (double, (gsize) dim * dim);
  return g;
}

/* From counts, class_means and covariance: the Cholesky factor and the
 * whitened means. */
static gboolean
gaussians_factor (NnGaussians *g, GError **error)
{
  int d = g->dim;

  for (gsize i = 0; i < (gsize) d * d; i++)
    g->chol[i] = g->covariance[i];
  if (!cholesky (g->chol, d))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _("the features' covariance is not positive definite"));
      return FALSE;
    }
  for (int c = 0; c < g->n_classes; c++)
    {
      g->present[c] = g->counts[c] > 0;
      if (!g->present[c])
        continue;
      for (int j = 0; j < d; j++)
        g->means[(gsize) c * d + j] = g->class_means[(gsize) c * d + j];
      whiten (g->chol, d, g->means + (gsize) c * d, g->means + (gsize) c * d);
    }
  return TRUE;
}

NnGaussians *
nn_gaussians_fit (const float *x, const int *labels, int n, int dim, int n_classes, double shrinkage,
                  GError **error)
{
  g_autoptr (NnGaussians) g = NULL;
  g_autofree double *sums = g_new0 (double, (gsize) MAX (n_classes, 1) * MAX (dim, 1));
  g_autofree double *cov = g_new0 (double, (gsize) MAX (dim, 1) * MAX (dim, 1));
  g_autofree double *diff = g_new (double, MAX (dim, 1));
  double trace = 0.0, scale;
  int used = 0, classes_used = 0;

  g_return_val_if_fail (dim > 0 && n_classes > 0, NULL);
  g = gaussians_alloc (n_classes, dim, shrinkage);
  for (int i = 0; i < n; i++)
    {
      int c = labels[i];
      if (c < 0 || c >= n_classes)
        continue;
      for (int j = 0; j < dim; j++)
        {
          float v = x[(gsize) i * dim + j];
          if (!isfinite (v))
            {
              g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                           _("row %d, feature %d: expected a finite number, found %g"), i, j, v);
              return NULL;
            }
          sums[(gsize) c * dim + j] += v;
        }
      g->counts[c]++;
      used++;
    }
  if (used < 2)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _("fitting class densities needs at least two labelled rows, found %d"), used);
      return NULL;
    }
  for (int c = 0; c < n_classes; c++)
    if (g->counts[c] > 0)
      {
        classes_used++;
        for (int j = 0; j < dim; j++)
          sums[(gsize) c * dim + j] /= g->counts[c];
      }
  /* the pooled within-class covariance, lower triangle first */
  for (int i = 0; i < n; i++)
    {
      int c = labels[i];
      if (c < 0 || c >= n_classes)
        continue;
      for (int j = 0; j < dim; j++)
        diff[j] = x[(gsize) i * dim + j] - sums[(gsize) c * dim + j];
      for (int a = 0; a < dim; a++)
        for (int b = 0; b <= a; b++)
          cov[(gsize) a * dim + b] += diff[a] * diff[b];
    }
  scale = 1.0 / MAX (used - classes_used, 1);
  for (int a = 0; a < dim; a++)
    trace += cov[(gsize) a * dim + a] * scale;
  /* shrink towards (tr Σ / d) I; a floor keeps constant features invertible */
  trace = MAX (trace / dim, 1e-12);
  for (int a = 0; a < dim; a++)
    for (int b = 0; b <= a; b++)
      {
        double v = cov[(gsize) a * dim + b] * scale * (1.0 - g->shrinkage);
        if (a == b)
          v += g->shrinkage * trace + 1e-6 * trace;
        g->covariance[(gsize) a * dim + b] = g->covariance[(gsize) b * dim + a] = (float) v;
      }
  for (gsize i = 0; i < (gsize) n_classes * dim; i++)
    g->class_means[i] = (float) sums[i];
  if (!gaussians_factor (g, error))
    return NULL;
  return g_steal_pointer (&g);
}

void
nn_gaussians_min_distance (const NnGaussians *g, const float *x, int n, double *out)
{
  int d = g->dim;
  g_autofree double *z = g_new (double, d);

  for (int i = 0; i < n; i++)
    {
      double best = INFINITY;
      for (int j = 0; j < d; j++)
        z[j] = x[(gsize) i * d + j];
      whiten (g->chol, d, z, z);
      for (int c = 0; c < g->n_classes; c++)
        {
          const double *m = g->means + (gsize) c * d;
          double s = 0.0;
          if (!g->present[c])
            continue;
          for (int j = 0; j < d; j++)
            s += (z[j] - m[j]) * (z[j] - m[j]);
          best = MIN (best, s);
        }
      out[i] = best;
    }
}

/* A copy of rows (n, dim) in double, each scaled to unit length when normalise. */
static double *
rows_copy (const float *x, int n, int dim, gboolean normalise)
{
  double *out = g_new (double, (gsize) MAX (n, 1) * dim);
  for (int i = 0; i < n; i++)
    {
      double norm = 0.0;
      for (int j = 0; j < dim; j++)
        {
          out[(gsize) i * dim + j] = x[(gsize) i * dim + j];
          norm += out[(gsize) i * dim + j] * out[(gsize) i * dim + j];
        }
      if (normalise && norm > 0.0)
        for (int j = 0; j < dim; j++)
          out[(gsize) i * dim + j] /= sqrt (norm);
    }
  return out;
}

void
nn_knn_distance (const float *ref, int n_ref, const float *x, int n, int dim, int k, gboolean normalise,
                 double *out)
{
  g_autofree double *r = rows_copy (ref, n_ref, dim, normalise);
  g_autofree double *q = rows_copy (x, n, dim, normalise);
  g_autofree double *nearest = NULL;

  if (n_ref <= 0)
    {
      for (int i = 0; i < n; i++)
        out[i] = INFINITY;
      return;
    }
  k = CLAMP (k, 1, n_ref);
  nearest = g_new (double, k);
  for (int i = 0; i < n; i++)
    {
      int kept = 0;
      for (int m = 0; m < n_ref; m++)
        {
          double s = 0.0;
          int at;
          for (int j = 0; j < dim; j++)
            {
              double e = q[(gsize) i * dim + j] - r[(gsize) m * dim + j];
              s += e * e;
            }
          if (kept == k && s >= nearest[k - 1])
            continue;
          /* insertion into the k smallest, ascending */
          at = kept < k ? kept++ : k - 1;
          while (at > 0 && nearest[at - 1] > s)
            {
              nearest[at] = nearest[at - 1];
              at--;
            }
          nearest[at] = s;
        }
      out[i] = sqrt (nearest[k - 1]);
    }
}
