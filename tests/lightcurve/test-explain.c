/* test-explain.c: attribution and band occlusion of trained models on
 * light curves.  The main check: on objects whose class is decided only by
 * what happens in a known window of time, the attribution mass falls in
 * that window far more than its share of the observations. */
#include <math.h>

#include "lc.h"
#include "lc-dataset-builder.h"
#include "testutil.h"

#define N_OBS 40
#define WINDOW_FIRST 20
#define WINDOW_LAST 27      /* inclusive */

static gboolean
in_window (int step)
{
  return step >= WINDOW_FIRST && step <= WINDOW_LAST;
}

/* Two classes that look alike but for a bump in observations
 * WINDOW_FIRST..WINDOW_LAST of class "bump"; two bands in turn, one
 * observation a day, white noise around a level that varies by object.
 * Every `single_band`-th object (0: none) has band g only. */
static LcDataset *
window_dataset (int n, guint64 seed, int single_band)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_CSV, LC_VALUE_FLUX, "window");
  g_autoptr (GError) error = NULL;
  LcDataset *ds;
  NnRng rng;

  nn_rng_init (&rng, seed);
  lc_dataset_builder_set_bands (b, 2, (const char *[]) { "g", "r" });
  lc_dataset_builder_add_class (b, 0, "flat");
  lc_dataset_builder_add_class (b, 1, "bump");
  for (int i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("obj%d", i);
      int cls = i % 2;
      gboolean one_band = single_band > 0 && i % single_band == 0;
      double level = nn_rng_uniform_range (&rng, 50.0, 150.0);

      lc_dataset_builder_begin_object (b, id, cls);
      for (int t = 0; t < N_OBS; t++)
        {
          double v = level + 5.0 * nn_rng_normal (&rng);
          if (cls == 1 && in_window (t))
            v += 60.0;
          lc_dataset_builder_add_observation (b, 100.0 + t, (float) v, 5.0f, one_band ? 0 : t % 2,
                                              TRUE);
        }
    }
  ds = lc_dataset_builder_finish (b, &error);
  g_assert_no_error (error);
  return ds;
}

/* A GRU on the steps alone: no aggregate features, no metadata, so that
 * whatever decides has to come through the sequence. */
static LcPredictor *
trained_predictor (const LcDataset *ds)
{
  const char *text =
    "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"window\",\n"
    " \"layers\": [{\"type\": \"gru\", \"units\": 16},\n"
    "            {\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
    " \"preprocessing\": {\"with_features\": false, \"meta_columns\": []},\n"
    " \"training\": {\"epochs\": 25, \"batch_size\": 16, \"seed\": 4, \"val_fraction\": 0.2,\n"
    "              \"learning_rate\": 0.01}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) spec = nn_model_doc_load_from_data (text, -1, "window.json", &error);
  g_autoptr (LcTrainRun) run = NULL;
  LcPredictor *p;

  g_assert_no_error (error);
  run = lc_train_run_prepare (ds, spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lc_train_run_train (run, NULL, &error));
  g_assert_no_error (error);
  p = lc_predictor_new (run->doc, &error);
  g_assert_no_error (error);
  return p;
}

/* Handed back to the observations, the sequence's attribution keeps its
 * sum: every observation was seen, one step each. */
static void
assert_observations_keep_sum (const LcExplanation *ex)
{
  const NnAttribution *a = ex->attribution;
  double steps = 0.0, observations = 0.0;

  for (gsize i = 0; i < (gsize) a->steps * a->features; i++)
    steps += a->x[i];
  g_assert_cmpint (ex->n_observations, ==, N_OBS);
  for (int i = 0; i < ex->n_observations; i++)
    {
      g_assert_true (isfinite (ex->observation_attribution[i]));
      observations += ex->observation_attribution[i];
    }
  g_assert_cmpfloat (fabs (observations - steps), <=, 1e-6 * MAX (1.0, fabs (steps)));
}

static void
test_window_attribution (void)
{
  g_autoptr (LcDataset) train = window_dataset (160, 1, 0);
  g_autoptr (LcDataset) test = window_dataset (20, 2, 0);
  g_autoptr (LcPredictor) p = trained_predictor (train);
  double inside = 0.0, total = 0.0;
  int explained = 0, bump = lc_dataset_class_index (test, 1);

  for (gsize i = 0; i < test->n_objects; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (LcExplanation) ex = lc_explain_object (p, test, (int) i, -1, 0, &error);
      double mass[N_OBS];

      g_assert_no_error (error);
      g_assert_cmpint (ex->attribution->length, ==, N_OBS);
      g_assert_cmpfloat (fabs (ex->attribution->probability - ex->probability), <, 1e-5);
      assert_observations_keep_sum (ex);
      if (test->objects[i].label != bump || ex->target != bump)
        continue;
      lc_explanation_step_mass (ex, mass);
      for (int t = 0; t < N_OBS; t++)
        {
          total += mass[t];
          if (in_window (t))
            inside += mass[t];
        }
      explained++;
    }
  g_test_message ("%d bump objects recognised; %.1f %% of the attribution mass in the window "
                  "(%.1f %% of the observations)", explained, 100.0 * inside / total,
                  100.0 * (WINDOW_LAST - WINDOW_FIRST + 1) / N_OBS);
  /* the model learned the task: most bump objects are recognised */
  g_assert_cmpint (explained, >=, 7);
  g_assert_cmpfloat (inside / total, >=, 3.0 * (WINDOW_LAST - WINDOW_FIRST + 1) / N_OBS);
}

static gboolean
count_progress_cb (double fraction, gpointer data)
{
  int *calls = data;

  (*calls)++;
  g_assert_cmpfloat (fraction, >, 0.0);
  g_assert_cmpfloat (fraction, <=, 1.0);
  return TRUE;
}

static gboolean
stop_progress_cb (double fraction, gpointer data)
{
  int *left = data;

  return --(*left) > 0;
}

/* Occlusion by band: the change the model reports, computed again by hand
 * from an object built without the band; NaN for a band the object lacks or
 * its only band. */
static void
test_band_occlusion (void)
{
  g_autoptr (LcDataset) train = window_dataset (60, 3, 0);
  g_autoptr (LcDataset) test = window_dataset (6, 4, 3);
  g_autoptr (LcPredictor) p = trained_predictor (train);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcExplanation) two = lc_explain_object (p, test, 1, 1, 16, &error);
  g_autoptr (LcExplanation) one = NULL;
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new_like (test);
  g_autoptr (LcDataset) without_r = NULL;
  g_autofree float *probs = NULL;
  const LcObject *o = &test->objects[1];

  g_assert_no_error (error);
  g_assert_cmpint (two->target, ==, 1);
  g_assert_cmpint (two->band_observations[0], ==, N_OBS / 2);
  g_assert_cmpint (two->band_observations[1], ==, N_OBS / 2);
  g_assert_true (isfinite (two->band_occlusion[0]) && isfinite (two->band_occlusion[1]));

  lc_dataset_builder_begin_object (b, o->id, 1);
  for (int i = 0; i < o->n_obs; i++)
    if (test->band[o->first + i] == 0)
      lc_dataset_builder_add_observation (b, test->time[o->first + i], test->value[o->first + i],
                                          test->error[o->first + i], 0, TRUE);
  without_r = lc_dataset_builder_finish (b, &error);
  g_assert_no_error (error);
  probs = lc_predictor_predict (p, without_r, NULL, 1, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (fabs (two->band_occlusion[1] - (probs[1] - two->probability)), <, 1e-6);

  one = lc_explain_object (p, test, 0, -1, 16, &error);
  g_assert_no_error (error);
  g_assert_cmpint (one->band_observations[1], ==, 0);
  /* ranked by |attribution|, the observations the network saw only */
  {
    g_autofree int *order = g_new (int, one->n_observations);
    int n = lc_explanation_rank_observations (one, order);

    g_assert_cmpint (n, ==, N_OBS);
    for (int i = 1; i < n; i++)
      g_assert_cmpfloat (fabs (one->observation_attribution[order[i - 1]]), >=,
                         fabs (one->observation_attribution[order[i]]));
    one->observation_attribution[order[0]] = NAN;
    g_assert_cmpint (lc_explanation_rank_observations (one, order), ==, N_OBS - 1);
  }
  g_assert_true (isnan (one->band_occlusion[0]) && isnan (one->band_occlusion[1]));

  /* progress after the attribution and after each band occluded; FALSE stops */
  {
    int calls = 0, stop_at = 1;
    g_autoptr (LcExplanation) counted = lc_explain_object_full (p, test, 1, -1, 16, count_progress_cb,
                                                                &calls, &error);

    g_assert_no_error (error);
    g_assert_nonnull (counted);
    g_assert_cmpint (calls, ==, 1 + 2);
    g_assert_null (lc_explain_object_full (p, test, 1, -1, 16, stop_progress_cb, &stop_at, &error));
    g_assert_error (error, LC_ERROR, LC_ERROR_CANCELLED);
    g_clear_error (&error);
  }

  g_clear_pointer (&one, lc_explanation_free);
  g_assert_null (lc_explain_object (p, test, 99, -1, 16, &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_MISMATCH);
  g_clear_error (&error);
  g_assert_null (lc_explain_object (p, test, 0, 5, 16, &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_MISMATCH);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/explain/window-attribution", test_window_attribution);
  g_test_add_func ("/explain/band-occlusion", test_band_occlusion);
  return g_test_run ();
}
