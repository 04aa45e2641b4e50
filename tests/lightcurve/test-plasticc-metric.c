/* test-plasticc-metric.c: PLAsTiCC weighted log loss and novelty against the
 * numpy reference (layers_README.md §8) and hand values */
#include "lc-plasticc-metric.h"
#include "testutil.h"

#include <math.h>

static JsonNode *
reference (void)
{
  g_autofree char *path = tu_shared_path ("reference/layers_reference.json");
  return tu_load_json (path);
}

static void
test_weights (void)
{
  g_autoptr (JsonNode) root = reference ();
  gsize k, kw;
  g_autofree int *classes = tu_json_ints (tu_json_get (root, "metrics.classes"), &k);
  g_autofree float *want = tu_json_floats (tu_json_get (root, "metrics.plasticc_class_weight"), &kw);
  double got[8];

  g_assert_cmpuint (k, ==, kw);
  lc_plasticc_weights (classes, (int) k, got);
  for (gsize c = 0; c < k; c++)
    g_assert_cmpfloat (got[c], ==, want[c]);
  g_assert_cmpfloat (lc_plasticc_class_weight (15), ==, 2.0);
  g_assert_cmpfloat (lc_plasticc_class_weight (64), ==, 2.0);
  g_assert_cmpfloat (lc_plasticc_class_weight (99), ==, 2.0);
  g_assert_cmpfloat (lc_plasticc_class_weight (90), ==, 1.0);
  g_assert_cmpfloat (lc_plasticc_class_weight (6), ==, 1.0);
}

static void
test_weighted_log_loss (void)
{
  g_autoptr (JsonNode) root = reference ();
  gsize k, n, np;
  g_autofree int *classes = tu_json_ints (tu_json_get (root, "metrics.classes"), &k);
  g_autofree int *labels = tu_json_ints (tu_json_get (root, "metrics.label_index"), &n);
  g_autofree float *probs = tu_json_floats (tu_json_get (root, "metrics.probs"), &np);
  double want = tu_json_double (tu_json_get (root, "metrics.plasticc_weighted_log_loss"));
  double want_no90 = tu_json_double (tu_json_get (root, "metrics.plasticc_weighted_log_loss_without_90"));
  double got;
  int col90 = -1;

  g_assert_cmpuint (np, ==, n * k);
  got = lc_plasticc_weighted_log_loss (probs, labels, (int) n, (int) k, classes);
  g_assert_cmpfloat_with_epsilon (got, want, 1e-6 * want);

  /* without the class-90 rows: unlabelled rows are skipped, and the absent
   * class drops out of both sums */
  for (gsize c = 0; c < k; c++)
    if (classes[c] == 90)
      col90 = (int) c;
  g_assert_cmpint (col90, >=, 0);
  for (gsize i = 0; i < n; i++)
    if (labels[i] == col90)
      labels[i] = -1;
  got = lc_plasticc_weighted_log_loss (probs, labels, (int) n, (int) k, classes);
  g_assert_cmpfloat_with_epsilon (got, want_no90, 1e-6 * want_no90);
}

/* Two rows by hand: classes 15 (weight 2) and 42 (weight 1), one row each,
 * true-class probabilities 0.5 and 0.25: (2 ln 2 + ln 4) / 3 = 4 ln 2 / 3. */
static void
test_weighted_log_loss_by_hand (void)
{
  const float probs[] = { 0.5f, 0.5f, 0.75f, 0.25f };
  const int labels[] = { 0, 1 };
  const int classes[] = { 15, 42 };
  g_assert_cmpfloat_with_epsilon (lc_plasticc_weighted_log_loss (probs, labels, 2, 2, classes),
                                  4.0 * log (2.0) / 3.0, 1e-9);
}

static void
test_novelty_reference (void)
{
  g_autoptr (JsonNode) root = reference ();
  gsize m, k, np, nr;
  g_autofree float *probs = tu_json_floats (tu_json_get (root, "novelty.probs"), &np);
  g_autofree float *p99_want = tu_json_floats (tu_json_get (root, "novelty.p99"), &m);
  g_autofree float *renorm_want = tu_json_floats (tu_json_get (root, "novelty.renormalised"), &nr);
  g_autofree int *known = tu_json_ints (tu_json_get (root, "novelty.known_classes"), &k);
  g_autofree double *p99 = g_new (double, m);
  g_autofree float *p99_f = g_new (float, m);
  g_autofree float *renorm = g_new (float, m * (k + 1));

  g_assert_cmpuint (np, ==, m * k);
  g_assert_cmpuint (nr, ==, m * (k + 1));
  lc_novelty_scores (probs, (int) m, (int) k, LC_NOVELTY_P99, p99);
  for (gsize i = 0; i < m; i++)
    p99_f[i] = (float) p99[i];
  tu_assert_close ("p99", p99_f, p99_want, m, 1e-6);
  lc_novelty_append_p99 (probs, (int) m, (int) k, renorm);
  tu_assert_close ("renormalised", renorm, renorm_want, m * (k + 1), 1e-6);
  for (gsize i = 0; i < m; i++)
    {
      double sum = 0.0;
      for (gsize c = 0; c <= k; c++)
        sum += renorm[i * (k + 1) + c];
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-6);
    }
}

/* One-hot: nothing novel by any score; uniform over 4: p99 = 0.75^4,
 * 1 - max = 0.75, entropy ln 4. */
static void
test_novelty_by_hand (void)
{
  const float probs[] = { 0.0f, 1.0f, 0.0f, 0.0f, 0.25f, 0.25f, 0.25f, 0.25f };
  double p99[2], maxp[2], ent[2];

  lc_novelty_scores (probs, 2, 4, LC_NOVELTY_P99, p99);
  lc_novelty_scores (probs, 2, 4, LC_NOVELTY_MAX_PROB, maxp);
  lc_novelty_scores (probs, 2, 4, LC_NOVELTY_ENTROPY, ent);
  g_assert_cmpfloat (p99[0], ==, 0.0);
  g_assert_cmpfloat (maxp[0], ==, 0.0);
  g_assert_cmpfloat (ent[0], ==, 0.0);
  g_assert_cmpfloat_with_epsilon (p99[1], 0.31640625, 1e-12);
  g_assert_cmpfloat_with_epsilon (maxp[1], 0.75, 1e-12);
  g_assert_cmpfloat_with_epsilon (ent[1], log (4.0), 1e-7);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plasticc-metric/weights", test_weights);
  g_test_add_func ("/plasticc-metric/weighted-log-loss", test_weighted_log_loss);
  g_test_add_func ("/plasticc-metric/weighted-log-loss-by-hand", test_weighted_log_loss_by_hand);
  g_test_add_func ("/plasticc-metric/novelty-reference", test_novelty_reference);
  g_test_add_func ("/plasticc-metric/novelty-by-hand", test_novelty_by_hand);
  return g_test_run ();
}
