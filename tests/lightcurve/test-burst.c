/* test-burst.c: peak alignment, normalisation, rise/decline times, widths at
 * half maximum and typical curves (lc-burst.h) on curves whose answers are
 * known in closed form. */
#include <math.h>

#include "lc-burst.h"
#include "lc-dataset-builder.h"
#include "lc-simulate.h"

/* A Gaussian of width sigma: FWHM = 2 sqrt(2 ln 2) sigma, rise = decline = half of it. */
static void
test_measure_gaussian (void)
{
  const double sigma = 7.0, t0 = 12.3;
  double t[401];
  float v[401];
  LcBurstShape s;
  double fwhm = 2.0 * sqrt (2.0 * log (2.0)) * sigma;

  for (int i = 0; i < 401; i++)
    {
      t[i] = -40.0 + 0.25 * i + t0;
      v[i] = (float) (50.0 * exp (-0.5 * pow ((t[i] - t0) / sigma, 2)));
    }
  g_assert_true (lc_burst_measure (t, v, 401, &s));
  g_assert_cmpfloat_with_epsilon (s.peak_time, t0, 0.13);
  g_assert_cmpfloat_with_epsilon (s.peak_value, 50.0, 0.05);
  g_assert_cmpfloat_with_epsilon (s.fwhm, fwhm, 0.02);
  g_assert_cmpfloat_with_epsilon (s.rise_time, fwhm / 2, 0.15);
  g_assert_cmpfloat_with_epsilon (s.decline_time, fwhm / 2, 0.15);
}

/* Linear rise over 10 days, exponential decline with tau: rise to half = 5 days
 * before the peak, decline to half = tau ln 2 after it. */
static void
test_measure_asymmetric (void)
{
  const double tau = 20.0;
  double t[200];
  float v[200];
  LcBurstShape s;

  for (int i = 0; i < 200; i++)
    {
      t[i] = -20.0 + i;   /* peak at t = 0, sampled every day */
      v[i] = t[i] < -10 ? 0.0f : t[i] <= 0 ? (float) (1.0 + t[i] / 10.0) : (float) exp (-t[i] / tau);
    }
  g_assert_true (lc_burst_measure (t, v, 200, &s));
  g_assert_cmpfloat (s.peak_time, ==, 0.0);
  g_assert_cmpfloat_with_epsilon (s.rise_time, 5.0, 1e-6);
  /* linear interpolation between whole days of an exponential: within 0.05 d */
  g_assert_cmpfloat_with_epsilon (s.decline_time, tau * log (2.0), 0.05);
  g_assert_cmpfloat_with_epsilon (s.fwhm, 5.0 + tau * log (2.0), 0.05);
}

/* A curve still bright at its last point has no decline (NaN), not a made-up one;
 * NaN points are skipped and a curve with nothing positive has no peak. */
static void
test_measure_open_and_empty (void)
{
  double t[] = { 0, 1, 2, 3, 4 };
  float rising[] = { 0.1f, NAN, 0.4f, 0.9f, 1.0f };
  float flat[] = { -1, -2, NAN, 0, -3 };
  LcBurstShape s;

  g_assert_true (lc_burst_measure (t, rising, 5, &s));
  g_assert_cmpfloat (s.peak_time, ==, 4.0);
  g_assert_true (isnan (s.decline_time));
  g_assert_true (isnan (s.fwhm));
  /* half (0.5) is crossed between t=2 (0.4) and t=3 (0.9): 2 + 0.1/0.5 = 2.2 */
  g_assert_cmpfloat_with_epsilon (s.rise_time, 4.0 - 2.2, 1e-6);

  g_assert_false (lc_burst_measure (t, flat, 5, &s));
  g_assert_true (isnan (s.peak_time));
}

/* Two objects with the same triangular burst at different times and heights,
 * in two bands (band 1 at half the brightness): aligned and normalised they
 * coincide, so the typical curve is that triangle. */
static LcDataset *
make_bursts (LcValueKind kind)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_CSV, kind, "bursts");
  g_autoptr (GError) error = NULL;
  const double peaks[] = { 100.0, 347.5 };
  const double heights[] = { 10.0, 250.0 };
  LcDataset *ds;

  lc_dataset_builder_set_bands (b, 2, (const char *[]) { "g", "r" });
  lc_dataset_builder_add_class (b, 90, "SN Ia");
  lc_dataset_builder_add_class (b, 92, "RR Lyrae");
  for (int k = 0; k < 2; k++)
    {
      char id[8];

      g_snprintf (id, sizeof id, "obj%d", k);
      lc_dataset_builder_begin_object (b, id, 90);
      for (int d = -30; d <= 60; d++)
        for (int band = 0; band < 2; band++)
          {
            /* rises over 20 days, declines over 40 */
            double shape = d < 0 ? MAX (0.0, 1.0 + d / 20.0) : MAX (0.0, 1.0 - d / 40.0);
            double flux = heights[k] * shape * (band == 0 ? 1.0 : 0.5);
            float value = kind == LC_VALUE_FLUX ? (float) flux
                                                : (float) (-2.5 * log10 (MAX (flux, 1e-3 * heights[k])));

            lc_dataset_builder_add_observation (b, peaks[k] + d, value, 0.1f, band, TRUE);
          }
    }
  lc_dataset_builder_begin_object (b, "star", 92);
  lc_dataset_builder_add_observation (b, 1.0, 5.0f, 0.1f, 0, TRUE);
  ds = lc_dataset_builder_finish (b, &error);
  g_assert_no_error (error);
  return ds;
}

static void
test_align (void)
{
  g_autoptr (LcDataset) ds = make_bursts (LC_VALUE_FLUX);
  double t[256], tp, vp;
  float v[256];
  int n;
  LcBurstShape s;

  g_assert_true (lc_burst_find_peak (ds, 1, -1, &tp, &vp));
  g_assert_cmpfloat (tp, ==, 347.5);
  g_assert_cmpfloat (vp, ==, 250.0);
  g_assert_true (lc_burst_find_peak (ds, 1, 1, &tp, &vp));
  g_assert_cmpfloat (vp, ==, 125.0);

  /* band 1 aligned on the object's peak and normalised by the peak of all bands */
  n = lc_burst_align (ds, 1, 1, t, v);
  g_assert_cmpint (n, ==, 91);
  g_assert_cmpfloat (t[0], ==, -30.0);
  g_assert_cmpfloat (t[30], ==, 0.0);
  g_assert_cmpfloat_with_epsilon (v[30], 0.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (v[40], 0.5 * 0.75, 1e-6);

  g_assert_true (lc_burst_measure_object (ds, 0, 0, &s));
  g_assert_cmpfloat (s.peak_time, ==, 0.0);
  g_assert_cmpfloat_with_epsilon (s.rise_time, 10.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (s.decline_time, 20.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (s.fwhm, 30.0, 1e-6);
}

/* Magnitudes give the same normalised shape as fluxes. */
static void
test_align_magnitudes (void)
{
  g_autoptr (LcDataset) ds = make_bursts (LC_VALUE_MAGNITUDE);
  LcBurstShape s;
  double t[256];
  float v[256];
  int n = lc_burst_align (ds, 0, 0, t, v);

  g_assert_cmpint (n, ==, 91);
  g_assert_cmpfloat_with_epsilon (v[30], 1.0, 1e-5);
  g_assert_cmpfloat_with_epsilon (v[50], 0.5, 1e-5);
  g_assert_true (lc_burst_measure_object (ds, 0, 0, &s));
  g_assert_cmpfloat_with_epsilon (s.fwhm, 30.0, 1e-3);
}

static void
test_typical (void)
{
  g_autoptr (LcDataset) ds = make_bursts (LC_VALUE_FLUX);
  int sn = lc_dataset_class_index (ds, 90);
  /* bins one day wide centred on whole days */
  g_autoptr (LcBurstTypical) typ = lc_burst_typical_new_for_class (ds, sn, -30.5, 60.5, 91);

  g_assert_nonnull (typ);
  g_assert_cmpint (typ->n_objects, ==, 2);
  g_assert_cmpint (typ->n_bands, ==, 2);
  g_assert_cmpfloat_with_epsilon (lc_burst_typical_bin_time (typ, 30), 0.0, 1e-9);
  g_assert_cmpint (typ->count[30], ==, 2);
  g_assert_cmpfloat_with_epsilon (typ->median[30], 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (typ->median[typ->n_bins + 30], 0.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (typ->shape[0].fwhm, 30.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (typ->shape[1].rise_time, 10.0, 1e-6);

  /* the star is no transient; the supernova is */
  g_assert_true (lc_burst_class_is_transient (ds, sn));
  g_assert_false (lc_burst_class_is_transient (ds, lc_dataset_class_index (ds, 92)));
  g_assert_false (lc_burst_class_is_transient (ds, 7));
}

/* The simulator's supernovae have a finite width and rise before they decline. */
static void
test_simulated (void)
{
  LcSimulateOptions options;
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (LcBurstTypical) typ = NULL;
  double t_min, t_max;
  int sn;

  lc_simulate_options_default (&options);
  options.n_objects = 300;
  ds = lc_simulate (&options, NULL, NULL, &error);
  g_assert_no_error (error);
  sn = lc_dataset_class_index (ds, 90);
  g_assert_cmpint (sn, >=, 0);
  lc_burst_default_window (ds, &t_min, &t_max);
  g_assert_cmpfloat (t_min, <, 0);
  g_assert_cmpfloat (t_max, >, 0);
  typ = lc_burst_typical_new_for_class (ds, sn, t_min, t_max, 30);
  g_assert_cmpint (typ->n_objects, ==, ds->classes[sn].count);
  for (int band = 1; band < 4; band++)
    {
      g_assert_true (isfinite (typ->shape[band].fwhm));
      g_assert_cmpfloat (typ->shape[band].fwhm, >, 5.0);
      g_assert_cmpfloat (typ->shape[band].fwhm, <, 150.0);
    }
  g_assert_false (lc_burst_class_is_transient (ds, lc_dataset_class_index (ds, 92)));
  g_assert_true (lc_burst_class_is_transient (ds, lc_dataset_class_index (ds, 64)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/burst/measure/gaussian", test_measure_gaussian);
  g_test_add_func ("/burst/measure/asymmetric", test_measure_asymmetric);
  g_test_add_func ("/burst/measure/open-and-empty", test_measure_open_and_empty);
  g_test_add_func ("/burst/align", test_align);
  g_test_add_func ("/burst/align-magnitudes", test_align_magnitudes);
  g_test_add_func ("/burst/typical", test_typical);
  g_test_add_func ("/burst/simulated", test_simulated);
  return g_test_run ();
}
