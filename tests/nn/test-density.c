/* test-density.c: class Gaussians with a shared, shrunk covariance and
 * nearest-neighbour distances (nn-density.h) against values worked out by
 * hand, and the features a network's last layer reads (nn_model_embed). */
#include <math.h>
#include <string.h>

#include "nn.h"
#include "testutil.h"

/* Two classes of four rows around (0, 0) and (10, 0); within each class x
 * spreads by ±1 and y by ±10, so the pooled covariance (over n − K = 6) is
 * diag (4/6, 400/6): a step of 3 along x is far, one of 10 along y is not. */
static const float rows[] = {
  1, 0, -1, 0, 0, 10, 0, -10,
  11, 0, 9, 0, 10, 10, 10, -10,
};
static const int labels[] = { 0, 0, 0, 0, 1, 1, 1, 1 };

static void
test_mahalanobis_by_hand (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnGaussians) g = nn_gaussians_fit (rows, labels, 8, 2, 2, 0.0, &error);
  const float probes[] = { 3, 0, 0, 10, 10, 0, 5, 0 };
  double d[4];

  g_assert_no_error (error);
  nn_gaussians_min_distance (g, probes, 4, d);
  g_assert_cmpfloat_with_epsilon (d[0], 9.0 / (4.0 / 6.0), 1e-4 * d[0]);
  g_assert_cmpfloat_with_epsilon (d[1], 100.0 / (400.0 / 6.0), 1e-4 * d[1]);
  g_assert_cmpfloat_with_epsilon (d[2], 0.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (d[3], 25.0 / (4.0 / 6.0), 1e-4 * d[3]);
  /* Euclidean distance would call (0, 10) the farther: the covariance does not */
  g_assert_cmpfloat (d[0], >, d[1]);

  /* shrinkage 0.5 towards (tr / d) I = 404/12 I: x variance 0.5 (4/6 + 404/12),
   * y variance 0.5 (400/6 + 404/12) */
  {
    g_autoptr (NnGaussians) s = nn_gaussians_fit (rows, labels, 8, 2, 2, 0.5, &error);
    double vx = 0.5 * (4.0 / 6.0 + 404.0 / 12.0), vy = 0.5 * (400.0 / 6.0 + 404.0 / 12.0);
    g_assert_no_error (error);
    nn_gaussians_min_distance (s, probes, 2, d);
    g_assert_cmpfloat_with_epsilon (d[0], 9.0 / vx, 1e-4 * d[0]);
    g_assert_cmpfloat_with_epsilon (d[1], 100.0 / vy, 1e-4 * d[1]);
  }
}

/* A class without rows is never the nearest; rows with other labels are left
 * out; correlated features (a singular covariance) still give distances. */
static void
test_mahalanobis_edges (void)
{
  g_autoptr (GError) error = NULL;
  const int with_unknown[] = { 0, 0, 0, 0, 2, 2, -1, 7 };
  g_autoptr (NnGaussians) g = nn_gaussians_fit (rows, with_unknown, 8, 2, 3, 0.1, &error);
  const float probe[] = { 10, 0 };
  const float line[] = { 0, 0, 1, 1, 2, 2, 3, 3 };
  const int one_class[] = { 0, 0, 0, 0 };
  const float bad[] = { 0, 0, NAN, 1 };
  double d;

  g_assert_no_error (error);
  g_assert_true (g->present[0]);
  g_assert_false (g->present[1]);
  g_assert_true (g->present[2]);
  /* class 2 is the rows (11, 0) and (9, 0) only */
  nn_gaussians_min_distance (g, probe, 1, &d);
  g_assert_cmpfloat_with_epsilon (d, 0.0, 1e-9);

  /* y = x: a singular covariance, kept invertible by a tiny floor */
  {
    g_autoptr (NnGaussians) none = nn_gaussians_fit (line, one_class, 4, 2, 1, 0.0, &error);
    const float across[] = { 1.5, -1.5 };
    g_assert_no_error (error);
    nn_gaussians_min_distance (none, across, 1, &d);
    g_assert_true (isfinite (d));
    g_assert_cmpfloat (d, >, 1e6);
  }
  {
    g_autoptr (NnGaussians) shrunk = nn_gaussians_fit (line, one_class, 4, 2, 1, 0.1, &error);
    const float off_line[] = { 1.5, 1.5, 1.5, -1.5 };
    double dd[2];
    g_assert_no_error (error);
    nn_gaussians_min_distance (shrunk, off_line, 2, dd);
    /* along the line is near, across it far */
    g_assert_cmpfloat (dd[0], <, 0.1);
    g_assert_cmpfloat (dd[1], >, 10.0);
  }
  {
    g_autoptr (NnGaussians) nan_fit = nn_gaussians_fit (bad, one_class, 2, 2, 1, 0.1, &error);
    g_assert_null (nan_fit);
    g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
    g_clear_error (&error);
  }
  {
    g_autoptr (NnGaussians) one_row = nn_gaussians_fit (rows, one_class, 1, 2, 1, 0.1, &error);
    g_assert_null (one_row);
    g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  }
}

static void
test_knn_by_hand (void)
{
  const float ref[] = { 0, 1, 2, 3 };
  const float probe[] = { 10, 1.4f };
  const float ref2[] = { 1, 0, 0, 2 };
  const float probe2[] = { 3, 0, 1, 1 };
  double d[2];

  nn_knn_distance (ref, 4, probe, 2, 1, 1, FALSE, d);
  g_assert_cmpfloat_with_epsilon (d[0], 7.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (d[1], 0.4, 1e-6);
  nn_knn_distance (ref, 4, probe, 2, 1, 2, FALSE, d);
  g_assert_cmpfloat_with_epsilon (d[0], 8.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (d[1], 0.6, 1e-6);
  /* k beyond the rows: the farthest */
  nn_knn_distance (ref, 4, probe, 1, 1, 99, FALSE, d);
  g_assert_cmpfloat_with_epsilon (d[0], 10.0, 1e-9);
  /* unit length first: (3, 0) is (1, 0); (1, 1) is 45° from both */
  nn_knn_distance (ref2, 2, probe2, 2, 2, 1, TRUE, d);
  g_assert_cmpfloat_with_epsilon (d[0], 0.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (d[1], sqrt (2.0 - sqrt (2.0)), 1e-6);
}

/* The embedding is what the head reads: a model that is only the first
 * layer, with the same weights, computes it as its output. */
static void
test_embed (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModel) full = nn_model_new (2, 0, 3);
  g_autoptr (NnModel) first = nn_model_new (2, 0, 5);
  g_autoptr (NnModel) single = nn_model_new (2, 0, 2);
  g_autoptr (NnData) data = nn_data_new (40, 1, 2, 0, 3);
  g_autofree float *emb = NULL, *expect = NULL;
  NnLayerConfig cfg;

  nn_layer_config_default_for_kind (&cfg, NN_LAYER_FLATTEN);
  nn_model_add_layer (full, NN_LAYER_FLATTEN, &cfg, NULL);
  nn_model_add_layer (first, NN_LAYER_FLATTEN, &cfg, NULL);
  nn_layer_config_default_for_kind (&cfg, NN_LAYER_DENSE);
  cfg.units = 5;
  cfg.activation = NN_ACT_RELU;
  nn_model_add_layer (full, NN_LAYER_DENSE, &cfg, NULL);
  nn_model_add_layer (first, NN_LAYER_DENSE, &cfg, NULL);
  nn_layer_config_default_for_kind (&cfg, NN_LAYER_DROPOUT);
  cfg.rate = 0.5f;
  nn_model_add_layer (full, NN_LAYER_DROPOUT, &cfg, NULL);
  nn_layer_config_default_for_kind (&cfg, NN_LAYER_DENSE);
  cfg.units = 3;
  cfg.activation = NN_ACT_SOFTMAX;
  nn_model_add_layer (full, NN_LAYER_DENSE, &cfg, NULL);
  g_assert_true (nn_model_build (full, 1, &error));
  g_assert_true (nn_model_build (first, 1, &error));
  g_assert_no_error (error);
  nn_model_init (full, 4);
  g_assert_cmpint (nn_model_embedding_width (full), ==, 5);
  g_assert_cmpuint (first->n_params, <, full->n_params);
  memcpy (first->params, full->params, first->n_params * sizeof (float));
  for (int i = 0; i < data->n; i++)
    {
      data->x[i * 2] = sinf ((float) i);
      data->x[i * 2 + 1] = cosf (0.3f * i);
      data->lengths[i] = 1;
    }
  emb = g_new (float, 40 * 5);
  g_assert_true (nn_model_embed (full, data, emb, &error));
  g_assert_no_error (error);
  {
    /* first's output is not a softmax: forward gives the relu outputs */
    g_autoptr (NnWorkspace) ws = nn_workspace_new_inference (first, 40);
    g_autofree int *all = g_new (int, 40), *len = g_new (int, 40);
    g_autofree float *x = g_new (float, 80);
    NnBatch batch;
    const float *out;
    int positive = 0;
    for (int i = 0; i < 40; i++)
      all[i] = i;
    nn_data_gather (data, all, 40, x, len, NULL, NULL, &batch);
    out = nn_model_forward (first, ws, &batch, FALSE);
    for (int i = 0; i < 40 * 5; i++)
      {
        g_assert_cmpfloat (emb[i], ==, out[i]);
        positive += emb[i] > 0.0f;
      }
    g_assert_cmpint (positive, >, 0);
  }

  /* a network of one layer has nothing before its head */
  nn_layer_config_default_for_kind (&cfg, NN_LAYER_FLATTEN);
  nn_model_add_layer (single, NN_LAYER_FLATTEN, &cfg, NULL);
  g_assert_true (nn_model_build (single, 1, &error));
  g_assert_no_error (error);
  g_assert_false (nn_model_embed (single, data, emb, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID_MODEL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/density/mahalanobis-by-hand", test_mahalanobis_by_hand);
  g_test_add_func ("/density/mahalanobis-edges", test_mahalanobis_edges);
  g_test_add_func ("/density/knn-by-hand", test_knn_by_hand);
  g_test_add_func ("/density/embed", test_embed);
  return g_test_run ();
}
