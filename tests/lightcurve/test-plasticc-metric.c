/* test-plasticc-metric.c: PLAsTiCC weighted log loss and novelty against the
 * numpy reference (layers_README.md §8) and hand values */
#include "lc-novelty.h"
#include "lc-plasticc-metric.h"
#include "nn-metrics.h"
#include "nn-rng.h"
#include "testutil.h"

#include <math.h>
#include <string.h>

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
  gsize m, k, np;
  g_autofree float *probs = tu_json_floats (tu_json_get (root, "novelty.probs"), &np);
  g_autofree float *p99_want = tu_json_floats (tu_json_get (root, "novelty.p99"), &m);
  g_autofree int *known = tu_json_ints (tu_json_get (root, "novelty.known_classes"), &k);
  g_autofree double *p99 = g_new (double, m);
  g_autofree float *p99_f = g_new (float, m);

  g_assert_cmpuint (np, ==, m * k);
  lc_novelty_scores (probs, (int) m, (int) k, LC_NOVELTY_P99, p99);
  for (gsize i = 0; i < m; i++)
    p99_f[i] = (float) p99[i];
  tu_assert_close ("p99", p99_f, p99_want, m, 1e-6);
}

/* Random rows of k probabilities, some nearly one-hot, some nearly flat. */
static float *
random_rows (int n, int k, guint64 seed)
{
  float *probs = g_new (float, (gsize) n * k);
  NnRng rng;
  nn_rng_init (&rng, seed);
  for (int i = 0; i < n; i++)
    {
      double sum = 0.0, sharp = nn_rng_uniform_range (&rng, 0.01, 8.0);
      for (int c = 0; c < k; c++)
        sum += probs[i * k + c] = (float) exp (sharp * nn_rng_normal (&rng));
      for (int c = 0; c < k; c++)
        probs[i * k + c] /= (float) sum;
    }
  return probs;
}

/* The class-99 column never outranks the top class, the class columns keep
 * their order and ratios, the rows sum to 1; a one-hot row gets 0, a flat row
 * the most the column can take, 1 / (k + 2). */
static void
test_class99_column (void)
{
  const int n = 2000, k = 14;
  g_autofree float *probs = random_rows (n, k, 3);
  g_autofree float *out = g_new (float, (gsize) n * (k + 1));
  float flat[4] = { 0.25f, 0.25f, 0.25f, 0.25f }, one_hot[4] = { 0, 0, 1, 0 }, row[2 * 5];

  lc_novelty_append_p99 (probs, NULL, n, k, out);
  for (int i = 0; i < n; i++)
    {
      const float *p = probs + (gsize) i * k, *o = out + (gsize) i * (k + 1);
      int top = nn_metrics_argmax (p, k);
      double sum = 0.0;
      for (int c = 0; c <= k; c++)
        sum += o[c];
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
      g_assert_cmpint (nn_metrics_argmax (o, k + 1), ==, top);
      g_assert_cmpfloat (o[k], <, o[top]);
      g_assert_cmpfloat (o[k], >=, 0.0f);
      for (int c = 0; c < k; c++)
        g_assert_cmpfloat_with_epsilon (o[c], p[c] * (1.0 - o[k]), 1e-6);
    }
  memcpy (row, one_hot, sizeof one_hot);
  memcpy (row + 4, flat, sizeof flat);
  lc_novelty_append_p99 (row, NULL, 2, 4, out);
  g_assert_cmpfloat (out[4], ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (out[9], 1.0 / 6.0, 1e-6);
  g_assert_cmpfloat (out[9], <, out[5]);
}

/* Every score stays within [0, lc_novelty_score_max], which a flat row
 * reaches; the default threshold is inside the range. */
static void
test_score_range (void)
{
  const int n = 500;
  for (int k = 2; k <= 14; k += 4)
    {
      g_autofree float *probs = random_rows (n, k, (guint64) k);
      g_autofree float *flat = g_new (float, k);
      g_autofree double *scores = g_new (double, n);
      for (int c = 0; c < k; c++)
        flat[c] = 1.0f / k;
      for (int kind = 0; kind < LC_NOVELTY_N_SCORES; kind++)
        {
          double top = lc_novelty_score_max (kind, k), at_flat, threshold;
          lc_novelty_scores (probs, n, k, kind, scores);
          for (int i = 0; i < n; i++)
            g_assert_cmpfloat (scores[i], <=, top + 1e-6);
          lc_novelty_scores (flat, 1, k, kind, &at_flat);
          g_assert_cmpfloat_with_epsilon (at_flat, top, 1e-5);
          threshold = lc_novelty_default_threshold (kind, k);
          g_assert_cmpfloat (threshold, >, 0.0);
          g_assert_cmpfloat (threshold, <, top);
        }
    }
  /* the old default 0.5 was above everything Π(1 − p) can give with 10 classes */
  g_assert_cmpfloat (lc_novelty_score_max (LC_NOVELTY_P99, 10), <, 0.35);
}

static void
test_auroc (void)
{
  const double scores[] = { 0.9, 0.8, 0.3, 0.1, 0.5, NAN };
  const gboolean novel[] = { TRUE, TRUE, FALSE, FALSE, FALSE, TRUE };
  const gboolean reversed[] = { FALSE, FALSE, TRUE, TRUE, FALSE, FALSE };
  const double tied[] = { 0.5, 0.5, 0.5, 0.5 };
  const gboolean half[] = { TRUE, FALSE, TRUE, FALSE };
  const gboolean none[] = { FALSE, FALSE, FALSE, FALSE };

  /* a perfect score is 1 (the NaN row is left out), a reversed one 0 */
  g_assert_cmpfloat (lc_novelty_auroc (scores, novel, 6), ==, 1.0);
  g_assert_cmpfloat (lc_novelty_auroc (scores, reversed, 5), ==, 0.0);
  g_assert_cmpfloat (lc_novelty_auroc (tied, half, 4), ==, 0.5);
  /* 2 positives (0.9, 0.3) and 2 negatives (0.8, 0.1): 3 of 4 pairs right */
  {
    const gboolean mixed[] = { TRUE, FALSE, TRUE, FALSE };
    g_assert_cmpfloat (lc_novelty_auroc (scores, mixed, 4), ==, 0.75);
  }
  g_assert_true (isnan (lc_novelty_auroc (tied, none, 4)));
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
  g_test_add_func ("/plasticc-metric/class99-column", test_class99_column);
  g_test_add_func ("/plasticc-metric/score-range", test_score_range);
  g_test_add_func ("/plasticc-metric/auroc", test_auroc);
  return g_test_run ();
}
