/* test-metrics.c: the metrics of DESIGN §7 against the numpy values in
 * layers_reference.json ("metrics", layers_README.md §8a), plus edge cases
 * the reference does not cover (absent classes, unlabelled rows, NaN). */
#include <math.h>
#include <string.h>

#include "nn.h"
#include "testutil.h"

typedef struct
{
  JsonNode *root;
  JsonNode *m;       /* the "metrics" section */
  int n, k;
  float *probs;      /* (N, K) */
  int *labels;       /* [N] class indices */
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autofree char *path = tu_shared_path ("reference/layers_reference.json");
  gsize np, nl;
  f->root = tu_load_json (path);
  f->m = tu_json_get (f->root, "metrics");
  g_assert_nonnull (f->m);
  f->n = (int) json_node_get_int (tu_json_get (f->m, "N"));
  f->k = (int) json_node_get_int (tu_json_get (f->m, "K"));
  f->probs = tu_json_floats (tu_json_get (f->m, "probs"), &np);
  f->labels = tu_json_ints (tu_json_get (f->m, "label_index"), &nl);
  g_assert_cmpuint (np, ==, (gsize) f->n * f->k);
  g_assert_cmpuint (nl, ==, (gsize) f->n);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_free (f->probs);
  g_free (f->labels);
  json_node_unref (f->root);
}

static double
ref_double (Fixture *f, const char *name)
{
  return tu_json_double (tu_json_get (f->m, name));
}

static void
assert_close_d (const char *what, double got, double want, double tol)
{
  if (!(fabs (got - want) <= tol * fmax (1.0, fabs (want))))
    g_error ("%s: got %.12g, expected %.12g", what, got, want);
}

static void
assert_array_close_d (const char *what, const double *got, JsonNode *want_node, int n, double tol)
{
  gsize len;
  JsonArray *arr = json_node_get_array (want_node);
  len = json_array_get_length (arr);
  g_assert_cmpuint (len, ==, (gsize) n);
  for (int i = 0; i < n; i++)
    {
      g_autofree char *label = g_strdup_printf ("%s[%d]", what, i);
      assert_close_d (label, got[i], json_array_get_double_element (arr, i), tol);
    }
}

static void
test_argmax_and_accuracy (Fixture *f, gconstpointer data)
{
  gsize n;
  g_autofree int *pred = tu_json_ints (tu_json_get (f->m, "pred_index"), &n);
  for (int i = 0; i < f->n; i++)
    g_assert_cmpint (nn_metrics_argmax (f->probs + i * f->k, f->k), ==, pred[i]);
  assert_close_d ("accuracy", nn_metrics_accuracy (f->probs, f->labels, f->n, f->k),
                  ref_double (f, "accuracy"), 1e-12);
}

static void
test_confusion (Fixture *f, gconstpointer data)
{
  gsize n;
  g_autofree int *want = tu_json_ints (tu_json_get (f->m, "confusion_matrix"), &n);
  g_autofree int *got = g_new (int, f->k * f->k);
  g_autofree double *norm = g_new (double, f->k * f->k);
  g_autofree float *want_norm = tu_json_floats (tu_json_get (f->m, "confusion_matrix_row_normalised"), &n);
  g_autofree float *norm_f = g_new (float, f->k * f->k);

  nn_metrics_confusion (f->probs, f->labels, f->n, f->k, got);
  for (int i = 0; i < f->k * f->k; i++)
    g_assert_cmpint (got[i], ==, want[i]);
  nn_metrics_confusion_normalise (got, f->k, norm);
  for (int i = 0; i < f->k * f->k; i++)
    norm_f[i] = (float) norm[i];
  tu_assert_close ("confusion_matrix_row_normalised", norm_f, want_norm, n, 1e-6);
}

static void
test_per_class (Fixture *f, gconstpointer data)
{
  gsize n;
  g_autofree int *counts = g_new (int, f->k * f->k);
  g_autofree double *p = g_new (double, f->k);
  g_autofree double *r = g_new (double, f->k);
  g_autofree double *f1 = g_new (double, f->k);
  g_autofree int *support = g_new (int, f->k);
  g_autofree int *want_support = tu_json_ints (tu_json_get (f->m, "class_count"), &n);

  nn_metrics_confusion (f->probs, f->labels, f->n, f->k, counts);
  nn_metrics_per_class (counts, f->k, p, r, f1, support);
  assert_array_close_d ("precision", p, tu_json_get (f->m, "precision"), f->k, 1e-12);
  assert_array_close_d ("recall", r, tu_json_get (f->m, "recall"), f->k, 1e-12);
  assert_array_close_d ("f1", f1, tu_json_get (f->m, "f1"), f->k, 1e-12);
  for (int c = 0; c < f->k; c++)
    g_assert_cmpint (support[c], ==, want_support[c]);
  assert_close_d ("macro_f1", nn_metrics_macro_f1 (counts, f->k), ref_double (f, "macro_f1"), 1e-12);
}

static void
test_log_losses (Fixture *f, gconstpointer data)
{
  g_autofree double *per_class = g_new (double, f->k);
  gsize nw;
  g_autofree float *wf = tu_json_floats (tu_json_get (f->m, "plasticc_class_weight"), &nw);
  g_autofree double *w = g_new (double, nw);
  for (gsize c = 0; c < nw; c++)
    w[c] = wf[c];

  assert_close_d ("log_loss", nn_metrics_log_loss (f->probs, f->labels, f->n, f->k),
                  ref_double (f, "log_loss"), 1e-6);
  nn_metrics_class_log_loss (f->probs, f->labels, f->n, f->k, per_class);
  assert_array_close_d ("per_class_log_loss", per_class,
                        tu_json_get (f->m, "per_class_log_loss"), f->k, 1e-6);
  assert_close_d ("plasticc_weighted_log_loss",
                  nn_metrics_weighted_log_loss (f->probs, f->labels, f->n, f->k, w),
                  ref_double (f, "plasticc_weighted_log_loss"), 1e-6);
}

/* Dropping the class-90 rows must drop class 90 from the denominator too. */
static void
test_weighted_log_loss_absent_class (Fixture *f, gconstpointer data)
{
  const int class_90 = 3;
  double w[] = { 2, 1, 2, 1, 2 };
  g_autofree int *masked = g_memdup2 (f->labels, sizeof (int) * f->n);
  int kept = 0;
  g_autofree float *sub_probs = g_new (float, f->n * f->k);
  g_autofree int *sub_labels = g_new (int, f->n);
  double want = ref_double (f, "plasticc_weighted_log_loss_without_90");

  g_assert_cmpint (f->k, ==, G_N_ELEMENTS (w));
  /* two ways: rows removed, and rows kept but marked unknown (-1) */
  for (int i = 0; i < f->n; i++)
    {
      if (f->labels[i] == class_90)
        {
          masked[i] = -1;
          continue;
        }
      memcpy (sub_probs + kept * f->k, f->probs + i * f->k, sizeof (float) * f->k);
      sub_labels[kept++] = f->labels[i];
    }
  g_assert_cmpint (kept, ==, 45);
  assert_close_d ("without_90 (rows removed)",
                  nn_metrics_weighted_log_loss (sub_probs, sub_labels, kept, f->k, w), want, 1e-6);
  assert_close_d ("without_90 (rows unlabelled)",
                  nn_metrics_weighted_log_loss (f->probs, masked, f->n, f->k, w), want, 1e-6);
}

/* Row 6 gives its true class probability 0: clipped to 1e-15, -ln = 34.54. */
static void
test_clip_edge_rows (Fixture *f, gconstpointer data)
{
  int zero_row = (int) json_node_get_int (tu_json_get (f->m, "edge_rows.true_prob_zero"));
  int one_row = (int) json_node_get_int (tu_json_get (f->m, "edge_rows.true_prob_one"));
  int y0 = f->labels[zero_row], y1 = f->labels[one_row];

  g_assert_cmpfloat (f->probs[zero_row * f->k + y0], ==, 0.0f);
  assert_close_d ("true_prob_zero",
                  nn_metrics_log_loss (f->probs + zero_row * f->k, &y0, 1, f->k),
                  -log (1e-15), 1e-9);
  g_assert_cmpfloat (f->probs[one_row * f->k + y1], ==, 1.0f);
  g_assert_cmpfloat (nn_metrics_log_loss (f->probs + one_row * f->k, &y1, 1, f->k), <, 1e-14);
}

static void
test_auc (Fixture *f, gconstpointer data)
{
  g_autofree double *auc = g_new (double, f->k);
  for (int c = 0; c < f->k; c++)
    auc[c] = nn_metrics_roc_auc (f->probs, f->labels, f->n, f->k, c);
  assert_array_close_d ("roc_auc_ovr", auc, tu_json_get (f->m, "roc_auc_ovr"), f->k, 1e-12);
  assert_close_d ("roc_auc_macro", nn_metrics_roc_auc_macro (f->probs, f->labels, f->n, f->k),
                  ref_double (f, "roc_auc_macro"), 1e-12);
}

/* Ties count 1/2: scores {0.5, 0.5} for one positive and one negative give 0.5,
 * a rule that "ties count 0" or "ties count 1" would get wrong. */
static void
test_auc_ties_small (void)
{
  const float probs[] = { 0.5f, 0.5f, 0.5f, 0.5f, 0.9f, 0.1f, 0.2f, 0.8f };
  const int labels[] = { 0, 1, 0, 1 };
  /* class 0 scores: pos 0.5, 0.9; neg 0.5, 0.2 -> pairs: (0.5,0.5)=1/2, (0.5,0.2)=1,
   * (0.9,0.5)=1, (0.9,0.2)=1 -> 3.5 / 4 */
  g_assert_cmpfloat_with_epsilon (nn_metrics_roc_auc (probs, labels, 4, 2, 0), 0.875, 1e-12);
}

static void
test_report_matches_functions (Fixture *f, gconstpointer data)
{
  double w[] = { 2, 1, 2, 1, 2 };
  g_autoptr (NnClassReport) r = nn_class_report_new (f->probs, f->labels, f->n, f->k, w);
  gsize n;
  g_autofree int *want_cm = tu_json_ints (tu_json_get (f->m, "confusion_matrix"), &n);

  g_assert_cmpint (r->n_rows, ==, f->n);
  g_assert_cmpint (r->n_classes, ==, f->k);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpint (r->confusion[i], ==, want_cm[i]);
  assert_close_d ("report accuracy", r->accuracy, ref_double (f, "accuracy"), 1e-12);
  assert_close_d ("report macro_f1", r->macro_f1, ref_double (f, "macro_f1"), 1e-12);
  assert_close_d ("report log_loss", r->log_loss, ref_double (f, "log_loss"), 1e-6);
  assert_close_d ("report weighted", r->weighted_log_loss,
                  ref_double (f, "plasticc_weighted_log_loss"), 1e-6);
  assert_close_d ("report macro_auc", r->macro_auc, ref_double (f, "roc_auc_macro"), 1e-12);
  assert_array_close_d ("report f1", r->f1, tu_json_get (f->m, "f1"), f->k, 1e-12);
  assert_array_close_d ("report auc", r->auc, tu_json_get (f->m, "roc_auc_ovr"), f->k, 1e-12);
  assert_array_close_d ("report class_log_loss", r->class_log_loss,
                        tu_json_get (f->m, "per_class_log_loss"), f->k, 1e-6);
}

/* A class with no rows: its log loss and AUC are NaN, macro values skip it,
 * unlabelled rows are ignored, and a NaN probability costs the clip floor. */
static void
test_absent_class_and_unknown_rows (void)
{
  const float probs[] = {
    0.7f, 0.2f, 0.1f,
    0.1f, 0.8f, 0.1f,
    0.6f, 0.3f, 0.1f,
    NAN, 0.5f, 0.5f,
  };
  const int labels[] = { 0, 1, 0, -1 };
  g_autoptr (NnClassReport) r = nn_class_report_new (probs, labels, 4, 3, NULL);
  const int nan_label[] = { 0 };

  g_assert_cmpint (r->n_rows, ==, 3);
  g_assert_cmpfloat_with_epsilon (r->accuracy, 1.0, 1e-12);
  g_assert_true (isnan (r->class_log_loss[2]));
  g_assert_true (isnan (r->auc[2]));
  g_assert_cmpint (r->support[2], ==, 0);
  /* class 2 is neither true nor predicted: macro F1 is over classes 0 and 1 */
  g_assert_cmpfloat_with_epsilon (r->macro_f1, 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (r->macro_auc, 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (r->log_loss,
                                  -(log (0.7f) + log (0.8f) + log (0.6f)) / 3, 1e-7);
  g_assert_cmpfloat_with_epsilon (nn_metrics_log_loss (probs + 9, nan_label, 1, 3),
                                  -log (1e-15), 1e-9);
  g_assert_cmpint (nn_metrics_argmax (probs + 9, 3), ==, 1);
}

static void
test_no_labelled_rows (void)
{
  const float probs[] = { 0.5f, 0.5f };
  const int labels[] = { -1 };
  g_autoptr (NnClassReport) r = nn_class_report_new (probs, labels, 1, 2, NULL);
  g_assert_cmpint (r->n_rows, ==, 0);
  g_assert_true (isnan (r->accuracy));
  g_assert_true (isnan (r->log_loss));
  g_assert_true (isnan (r->weighted_log_loss));
  g_assert_true (isnan (r->macro_auc));
  g_assert_cmpfloat (r->confusion_normalised[0], ==, 0.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/metrics/reference/argmax-accuracy", test_argmax_and_accuracy);
  ADD ("/metrics/reference/confusion", test_confusion);
  ADD ("/metrics/reference/per-class", test_per_class);
  ADD ("/metrics/reference/log-losses", test_log_losses);
  ADD ("/metrics/reference/weighted-absent-class", test_weighted_log_loss_absent_class);
  ADD ("/metrics/reference/clip-edge-rows", test_clip_edge_rows);
  ADD ("/metrics/reference/auc", test_auc);
  ADD ("/metrics/reference/report", test_report_matches_functions);
#undef ADD
  g_test_add_func ("/metrics/auc-ties", test_auc_ties_small);
  g_test_add_func ("/metrics/absent-class", test_absent_class_and_unknown_rows);
  g_test_add_func ("/metrics/no-labelled-rows", test_no_labelled_rows);
  return g_test_run ();
}
