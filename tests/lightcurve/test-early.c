/* test-early.c: early-classification curves on a model whose answer
 * is known.  Two classes share their first two observations exactly and part
 * from the third on (one brightens, one fades): with two observations or
 * fewer every object looks the same, so the model gives every object the same
 * answer (accuracy = the share of one class, AUC 1/2); with all of them it
 * separates them. */
#include <math.h>
#include <string.h>

#include "lc.h"
#include "lc-dataset-builder.h"
#include "lc-early.h"
#include "lc-novelty.h"

#define N_PER_CLASS 30

static LcDataset *
two_classes (void)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_CSV, LC_VALUE_FLUX, "early-test");
  g_autoptr (GError) error = NULL;
  LcDataset *ds;

  lc_dataset_builder_set_bands (b, 1, (const char *[]) { "r" });
  lc_dataset_builder_add_class (b, 1, "brightens");
  lc_dataset_builder_add_class (b, 2, "fades");
  for (int i = 0; i < 2 * N_PER_CLASS; i++)
    {
      g_autofree char *id = g_strdup_printf ("obj%d", i);
      int cls = i % 2 == 0 ? 1 : 2;
      lc_dataset_builder_begin_object (b, id, cls);
      for (int t = 0; t < 6; t++)
        {
          float v = t < 2 ? 1.0f : (cls == 1 ? 5.0f : -3.0f) + 0.05f * (i % 7);
          lc_dataset_builder_add_observation (b, 100.0 + t, v, 0.1f, 0, TRUE);
        }
    }
  ds = lc_dataset_builder_finish (b, &error);
  g_assert_no_error (error);
  return ds;
}

static LcPredictor *
trained (const LcDataset *ds)
{
  const char *text =
    "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"early\",\n"
    " \"preprocessing\": {\"normalisation\": \"none\"},\n"
    " \"layers\": [{\"type\": \"gru\", \"units\": 8},\n"
    "            {\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
    " \"training\": {\"epochs\": 40, \"batch_size\": 16, \"seed\": 1, \"val_fraction\": 0,\n"
    "              \"learning_rate\": 0.02}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) spec = nn_model_doc_load_from_data (text, -1, "early.json", &error);
  g_autoptr (LcTrainRun) run = NULL;
  LcPredictor *p;

  g_assert_no_error (error);
  run = lc_train_run_prepare (ds, spec, NULL, &error);
  g_assert_no_error (error);
  lc_train_run_train (run, NULL, &error);
  g_assert_no_error (error);
  p = lc_predictor_new (run->doc, &error);
  g_assert_no_error (error);
  return p;
}

static LcDataset *ds;
static LcPredictor *predictor;

static void
test_evaluate_windows (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcEvaluation) all = lc_predictor_evaluate (predictor, ds, 1, &error);
  g_autoptr (LcEvaluation) whole = lc_early_evaluate (predictor, ds, NULL, 0, LC_EARLY_OBSERVATIONS, 0, 1,
                                                      &error);
  g_autoptr (LcEvaluation) two = lc_early_evaluate (predictor, ds, NULL, 0, LC_EARLY_OBSERVATIONS, 2, 1,
                                                    &error);
  g_autoptr (LcEvaluation) days = lc_early_evaluate (predictor, ds, NULL, 0, LC_EARLY_DAYS, 1.5, 1, &error);
  g_autoptr (LcEvaluation) late = lc_early_evaluate (predictor, ds, NULL, 0, LC_EARLY_DAYS, 10, 1, &error);

  g_assert_no_error (error);
  /* the whole light curve: what evaluate gives, and the classes apart */
  g_assert_cmpint (whole->n_rows, ==, 2 * N_PER_CLASS);
  g_assert_cmpfloat (whole->report->accuracy, ==, all->report->accuracy);
  g_assert_cmpfloat (whole->report->accuracy, >=, 0.95);
  g_assert_cmpfloat (late->report->accuracy, ==, whole->report->accuracy);
  /* two observations (or 1.5 days): one answer for everybody */
  g_assert_cmpfloat_with_epsilon (two->report->accuracy, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (two->report->macro_auc, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (days->report->accuracy, 0.5, 1e-12);
  for (int i = 1; i < two->n_rows; i++)
    g_assert_cmpfloat (two->probs[i * 2], ==, two->probs[0]);
  /* rows name the objects scored */
  g_assert_cmpint (two->rows[7], ==, 7);
  g_assert_cmpint (two->labels[7], ==, 1);
}

static void
test_curve (void)
{
  const double amounts[] = { 1, 2, 3, 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (LcEarlyCurve) c = lc_early_curve_new (predictor, ds, NULL, 0, LC_EARLY_OBSERVATIONS, amounts,
                                                   4, 1, NULL, NULL, &error);
  g_autoptr (LcEarlyCurve) d = NULL;
  g_autofree double *defaults = NULL;
  int n;

  g_assert_no_error (error);
  g_assert_cmpint (c->n_points, ==, 4);
  g_assert_cmpint (c->n_classes, ==, 2);
  g_assert_cmpfloat_with_epsilon (c->accuracy[0], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (c->accuracy[1], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (c->macro_auc[1], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (c->class_auc[1 * 2 + 0], 0.5, 1e-12);
  /* one class has recall 1, the other 0 when everybody gets one answer */
  g_assert_cmpfloat_with_epsilon (c->class_recall[1 * 2 + 0] + c->class_recall[1 * 2 + 1], 1.0, 1e-12);
  /* the third observation tells them apart */
  g_assert_cmpfloat (c->accuracy[2], >=, 0.95);
  g_assert_cmpfloat (c->accuracy[3], >=, 0.95);
  g_assert_cmpfloat (c->macro_f1[3], >=, 0.95);
  g_assert_cmpfloat (c->macro_auc[3], >=, 0.99);

  /* default amounts: 1 .. below the longest object, then everything */
  defaults = lc_early_default_amounts (ds, LC_EARLY_OBSERVATIONS, &n);
  g_assert_cmpint (n, ==, 5);
  g_assert_cmpfloat (defaults[0], ==, 1);
  g_assert_cmpfloat (defaults[3], ==, 4);
  g_assert_cmpfloat (defaults[4], ==, 0);
  d = lc_early_curve_new (predictor, ds, NULL, 0, LC_EARLY_DAYS, NULL, 0, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  /* 0.5 and 2 days lie within the 5-day span, then the whole curve */
  g_assert_cmpint (d->n_points, ==, 3);
  g_assert_cmpfloat (d->amount[1], ==, 2);
  g_assert_cmpfloat_with_epsilon (d->accuracy[0], 0.5, 1e-12);
  g_assert_cmpfloat (d->accuracy[1], >=, 0.95);
}

static gboolean
stop_now (double fraction, gpointer user_data)
{
  (void) fraction;
  (void) user_data;
  return FALSE;
}

static void
test_cancel (void)
{
  const double amounts[] = { 1, 0 };
  g_autoptr (GError) error = NULL;
  g_assert_null (lc_early_curve_new (predictor, ds, NULL, 0, LC_EARLY_OBSERVATIONS, amounts, 2, 1, stop_now,
                                     NULL, &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_CANCELLED);
}

/* Novelty scores, histogram and ranking against values worked out by hand. */
static void
test_novelty (void)
{
  const float probs[] = { 0.5f, 0.5f, 0.0f,   1.0f, 0.0f, 0.0f,   0.2f, 0.3f, 0.5f,   0.5f, 0.5f, 0.0f };
  double p99[4], maxp[4], ent[4];
  int counts[4], n_ranked;
  g_autofree int *ranked = NULL;

  lc_novelty_scores (probs, 4, 3, LC_NOVELTY_P99, p99);
  lc_novelty_scores (probs, 4, 3, LC_NOVELTY_MAX_PROB, maxp);
  lc_novelty_scores (probs, 4, 3, LC_NOVELTY_ENTROPY, ent);
  g_assert_cmpfloat_with_epsilon (p99[0], 0.25, 1e-7);
  g_assert_cmpfloat_with_epsilon (p99[1], 0.0, 1e-7);
  g_assert_cmpfloat_with_epsilon (p99[2], 0.8 * 0.7 * 0.5, 1e-7);
  g_assert_cmpfloat_with_epsilon (maxp[2], 0.5, 1e-7);
  g_assert_cmpfloat_with_epsilon (ent[0], log (2.0), 1e-6);
  g_assert_cmpfloat_with_epsilon (ent[2], -(0.2 * log (0.2) + 0.3 * log (0.3) + 0.5 * log (0.5)), 1e-6);

  /* p99 = 0.25, 0, 0.28, 0.25 in four bins of [0, 0.4) */
  g_assert_cmpint (lc_novelty_histogram (p99, 4, 0.0, 0.4, 4, counts), ==, 4);
  g_assert_cmpint (counts[0], ==, 1);
  g_assert_cmpint (counts[1], ==, 0);
  g_assert_cmpint (counts[2], ==, 3);
  g_assert_cmpint (counts[3], ==, 0);
  /* above 0.2, most novel first, ties by index */
  ranked = lc_novelty_rank (p99, 4, 0.2, &n_ranked);
  g_assert_cmpint (n_ranked, ==, 3);
  g_assert_cmpint (ranked[0], ==, 2);
  g_assert_cmpint (ranked[1], ==, 0);
  g_assert_cmpint (ranked[2], ==, 3);
}

int
main (int argc, char **argv)
{
  int status;
  g_test_init (&argc, &argv, NULL);
  ds = two_classes ();
  predictor = trained (ds);
  g_test_add_func ("/early/evaluate-windows", test_evaluate_windows);
  g_test_add_func ("/early/curve", test_curve);
  g_test_add_func ("/early/cancel", test_cancel);
  g_test_add_func ("/early/novelty", test_novelty);
  status = g_test_run ();
  lc_predictor_free (predictor);
  lc_dataset_unref (ds);
  return status;
}
