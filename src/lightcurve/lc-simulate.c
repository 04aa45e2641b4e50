/* lc-simulate.c: the built-in LSST-like light-curve simulator (DESIGN §6).
 *
 * Each object gets an LSST-like cadence (seasons of about six months a year,
 * irregular revisits of a few days, one or two visits a night, weather gaps,
 * a 5-sigma depth per visit), then a physical light-curve model evaluated at
 * those visits:
 *
 *  - transients (SN Ia/II/Ibc, kilonova, TDE) have a rest-frame shape (Bazin
 *    rise/decline, or a plateau for SN II) times a blackbody colour whose
 *    temperature evolves, observed at redshift z: time dilation, rest-frame
 *    wavelengths λ/(1+z) and peak brightness M + distmod(z);
 *  - galactic variables (RR Lyrae, eclipsing binaries, Miras, M-dwarf flares)
 *    and AGN (damped random walk) report difference-image flux: the source
 *    flux minus a template level, as PLAsTiCC does.
 *
 * Fluxes use the PLAsTiCC zero point (m = 27.5 - 2.5 log10 flux); noise is sky
 * noise from the visit depth plus photon and calibration noise of the source;
 * `detected` is |flux|/flux_err > 5.  Every object draws from its own RNG stream,
 * so a dataset is reproducible from (n_objects, seed, survey_days, with_meta).
 */
#include "config.h"

#include "lc-simulate.h"

#include "lc-dataset-builder.h"
#include "nn-atomic.h"
#include "nn-rng.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define N_BANDS 6
#define SURVEY_START_MJD 59580.0
#define ZERO_POINT_MAG 27.5
#define REF_NM 622.0                 /* rest-frame r band: transient shapes are defined here */
#define HC_OVER_K_NM 1.438777e7      /* h c / k in nm K */
#define DETECTION_SNR 5.0
#define MIN_DETECTIONS 2             /* the survey's selection: objects must trigger */
#define MAX_ATTEMPTS 12
#define N_META 10

static const char *const band_names[N_BANDS] = { "u", "g", "r", "i", "z", "y" };
static const double band_nm[N_BANDS] = { 367.0, 482.0, 622.0, 755.0, 869.0, 971.0 };
/* single-visit 5-sigma depths (LSST science book) */
static const double band_m5[N_BANDS] = { 23.9, 25.0, 24.7, 24.0, 23.3, 22.1 };
/* A_band / E(B-V) for LSST filters (Schlafly & Finkbeiner 2011, R_V = 3.1) */
static const double band_extinction[N_BANDS] = { 4.145, 3.237, 2.273, 1.684, 1.323, 1.088 };
/* share of visits per band in the wide-fast-deep survey */
static const double band_visit_share[N_BANDS] = { 0.07, 0.09, 0.22, 0.22, 0.20, 0.20 };

/* PLAsTiCC metadata columns, in the order of the Kaggle files */
static const char *const meta_names[N_META] = {
  "ra", "decl", "gal_l", "gal_b", "ddf", "hostgal_specz", "hostgal_photoz",
  "hostgal_photoz_err", "distmod", "mwebv",
};
enum
{
  META_RA, META_DECL, META_GAL_L, META_GAL_B, META_DDF, META_SPECZ, META_PHOTOZ,
  META_PHOTOZ_ERR, META_DISTMOD, META_MWEBV,
};

/* The visits of one object and what the models compute at them. */
typedef struct
{
  gsize n, cap;
  double *t;       /* MJD */
  guint8 *band;
  float *m5;       /* 5-sigma depth of the visit */
  double *total;   /* source flux that sets the photon noise */
  double *diff;    /* difference-image flux the survey reports */
  float *flux;     /* observed (noisy) difference flux */
  float *err;
  guint8 *detected;
} SimVisits;

typedef struct
{
  double ra, dec, gal_l, gal_b;
  gboolean ddf;
  double mwebv;
  double z;        /* true redshift, 0 for galactic objects */
  double distmod;  /* true distance modulus (extragalactic) */
  double t_start, t_end;
} SimSky;

typedef void (*SimModelFunc) (NnRng *rng, const SimSky *sky, SimVisits *v);

typedef struct
{
  int id;             /* PLAsTiCC class number */
  double share;       /* fraction of a simulated sample */
  gboolean galactic;
  double z_min, z_max;
  SimModelFunc model;
} SimClass;

/* ---------------------------------------------------------------- helpers */

static double
flux_from_mag (double mag)
{
  return pow (10.0, -0.4 * (mag - ZERO_POINT_MAG));
}

static double
sigmoid (double x)
{
  return 1.0 / (1.0 + exp (-x));
}

static double
clamp (double x, double lo, double hi)
{
  return x < lo ? lo : (x > hi ? hi : x);
}

/* Blackbody f_nu at wavelength lambda (any normalisation). */
static double
planck_nu (double lambda_nm, double temp)
{
  double x = HC_OVER_K_NM / (lambda_nm * temp);
  return 1.0 / (lambda_nm * lambda_nm * lambda_nm * expm1 (MIN (x, 600.0)));
}

/* Blackbody colour: f_nu at lambda relative to f_nu at the reference band. */
static double
bb_colour (double lambda_nm, double temp, double ref_nm)
{
  return planck_nu (lambda_nm, temp) / planck_nu (ref_nm, temp);
}

/* Distance modulus in flat ΛCDM (H0 = 70, Ωm = 0.3) by Simpson's rule. */
static double
distance_modulus (double z)
{
  const int steps = 32;
  const double hubble_mpc = 4282.7494;  /* c / H0 */
  double h = z / steps, sum = 0.0, dl_mpc;

  if (z <= 0.0)
    return NAN;
  for (int k = 0; k <= steps; k++)
    {
      double zk = k * h;
      double e_inv = 1.0 / sqrt (0.3 * pow (1.0 + zk, 3.0) + 0.7);
      double w = (k == 0 || k == steps) ? 1.0 : (k % 2 ? 4.0 : 2.0);
      sum += w * e_inv;
    }
  dl_mpc = (1.0 + z) * hubble_mpc * sum * h / 3.0;
  return 5.0 * log10 (dl_mpc * 1e6 / 10.0);
}

/* Galactic latitude and longitude (degrees) of J2000 ra/dec (degrees). */
static void
equatorial_to_galactic (double ra, double dec, double *l, double *b)
{
  const double ra_gp = 192.85948 * G_PI / 180.0, dec_gp = 27.12825 * G_PI / 180.0;
  const double l_ncp = 122.93192;
  double a = ra * G_PI / 180.0, d = dec * G_PI / 180.0;
  double sin_b = sin (d) * sin (dec_gp) + cos (d) * cos (dec_gp) * cos (a - ra_gp);
  double y = cos (d) * sin (a - ra_gp);
  double x = sin (d) * cos (dec_gp) - cos (d) * sin (dec_gp) * cos (a - ra_gp);

  *b = asin (clamp (sin_b, -1.0, 1.0)) * 180.0 / G_PI;
  *l = fmod (l_ncp - atan2 (y, x) * 180.0 / G_PI + 720.0, 360.0);
}

static double
log_uniform (NnRng *rng, double lo, double hi)
{
  return exp (nn_rng_uniform_range (rng, log (lo), log (hi)));
}

/* Index drawn with probability proportional to weights[i]. */
static int
draw_weighted (NnRng *rng, const double *weights, int n)
{
  double total = 0.0, u;
  for (int i = 0; i < n; i++)
    total += weights[i];
  u = nn_rng_uniform (rng) * total;
  for (int i = 0; i < n; i++)
    {
      if (u < weights[i])
        return i;
      u -= weights[i];
    }
  return n - 1;
}

/* ---------------------------------------------------------------- visits */

static void
visits_clear (SimVisits *v)
{
  g_free (v->t);
  g_free (v->band);
  g_free (v->m5);
  g_free (v->total);
  g_free (v->diff);
  g_free (v->flux);
  g_free (v->err);
  g_free (v->detected);
  memset (v, 0, sizeof *v);
}

static void
visits_add (SimVisits *v, double t, int band, double m5)
{
  if (v->n == v->cap)
    {
      v->cap = MAX (64, v->cap * 2);
      v->t = g_renew (double, v->t, v->cap);
      v->band = g_renew (guint8, v->band, v->cap);
      v->m5 = g_renew (float, v->m5, v->cap);
      v->total = g_renew (double, v->total, v->cap);
      v->diff = g_renew (double, v->diff, v->cap);
      v->flux = g_renew (float, v->flux, v->cap);
      v->err = g_renew (float, v->err, v->cap);
      v->detected = g_renew (guint8, v->detected, v->cap);
    }
  /* 1e-5 d (about a second): the written CSV then holds the exact value */
  v->t[v->n] = round (t * 1e5) / 1e5;
  v->band[v->n] = (guint8) band;
  v->m5[v->n] = (float) m5;
  v->total[v->n] = 0.0;
  v->diff[v->n] = 0.0;
  v->n++;
}

/* Days until the field is observable again (0 inside its season): the half
 * year around opposition. */
static double
days_to_season (double t, double opposition)
{
  double cycles = (t - opposition) / 365.25 + 0.25;
  double phase = cycles - floor (cycles);   /* [0, 0.5) is in season */
  return phase < 0.5 ? 0.0 : (1.0 - phase) * 365.25;
}

static void
observe_night (NnRng *rng, double night, double depth_boost, SimVisits *v)
{
  /* one visit, or a pair about half an hour apart (LSST's pairs for asteroids) */
  int n_visits = nn_rng_uniform (rng) < 0.6 ? 2 : 1;
  double t = floor (night) + nn_rng_uniform_range (rng, 0.0, 0.35);
  int band = draw_weighted (rng, band_visit_share, N_BANDS);

  for (int k = 0; k < n_visits; k++)
    {
      double m5 = band_m5[band] + depth_boost + clamp (0.3 * nn_rng_normal (rng), -1.0, 1.0);
      visits_add (v, t, band, m5);
      t += nn_rng_uniform_range (rng, 0.015, 0.04);
      if (nn_rng_uniform (rng) < 0.7)
        band = draw_weighted (rng, band_visit_share, N_BANDS);
    }
}

static void
make_cadence (NnRng *rng, const SimSky *sky, SimVisits *v)
{
  double opposition = SURVEY_START_MJD + 365.25 * fmod (sky->ra / 360.0 + 0.5, 1.0);
  double mean_gap = sky->ddf ? nn_rng_uniform_range (rng, 1.0, 2.5)
                             : nn_rng_uniform_range (rng, 3.5, 7.5);
  double depth_boost = sky->ddf ? 0.5 : 0.0;
  double night = sky->t_start + nn_rng_uniform_range (rng, 0.0, mean_gap);

  v->n = 0;
  while (night < sky->t_end)
    {
      double wait = days_to_season (night, opposition);
      if (wait > 0.0)
        {
          night += wait + nn_rng_uniform_range (rng, 0.0, mean_gap);
          continue;
        }
      observe_night (rng, night, depth_boost, v);
      /* at least a day: each night's visits stay after the previous night's */
      night += 1.0 + mean_gap * -log1p (-nn_rng_uniform (rng));
      if (nn_rng_uniform (rng) < 0.04)
        night += nn_rng_uniform_range (rng, 5.0, 25.0);   /* bad weather, engineering */
    }
  /* a very short survey window may miss the season: keep one visit */
  if (v->n == 0)
    observe_night (rng, 0.5 * (sky->t_start + sky->t_end), depth_boost, v);
}

/* ---------------------------------------------------------------- transients */

typedef enum
{
  SHAPE_BAZIN,      /* exponential rise and decline */
  SHAPE_PLATEAU,    /* SN II-P: rise, slow plateau, drop, radioactive tail */
} ShapeKind;

typedef struct
{
  ShapeKind kind;
  double abs_mag;          /* peak absolute magnitude at rest REF_NM */
  double rise, fall;       /* rest-frame days */
  double plateau, t_drop;  /* SHAPE_PLATEAU */
  double red_bump;         /* SN Ia secondary maximum in the rest-frame near infrared */
  double t_hot, t_cool;    /* temperature goes from hot to cool ... */
  double t_mid, t_width;   /* ... around t_mid over t_width rest-frame days */
} Transient;

/* Bazin shape normalised to 1 at its maximum, which is at t = 0. */
static double
bazin (double t, double rise, double fall)
{
  double x_peak = rise * log (MAX (fall - rise, 1e-3 * rise) / rise);
  double f_peak = exp (-x_peak / fall) / (1.0 + exp (-x_peak / rise));
  double x = t + x_peak;
  if (x < -40.0 * rise)
    return 0.0;
  return exp (-x / fall) / (1.0 + exp (-x / rise)) / f_peak;
}

static double
transient_shape (const Transient *tr, double t, double lambda_rest)
{
  double s;
  if (tr->kind == SHAPE_PLATEAU)
    {
      double on = sigmoid ((t + 4.0 * tr->rise) / tr->rise);
      double drop = sigmoid ((t - tr->t_drop) / 4.0);
      s = on * (exp (-MAX (t, 0.0) / tr->plateau) * (1.0 - drop)
                + 0.12 * exp (-(t - tr->t_drop) / 111.0) * drop);
    }
  else
    s = bazin (t, tr->rise, tr->fall);
  if (tr->red_bump > 0.0 && lambda_rest > 700.0)
    s += tr->red_bump * MIN (1.0, (lambda_rest - 700.0) / 250.0)
         * exp (-0.5 * pow ((t - 28.0) / 7.0, 2.0)) * sigmoid (t / 3.0);
  return s;
}

static double
transient_temperature (const Transient *tr, double t)
{
  return tr->t_cool + (tr->t_hot - tr->t_cool) * sigmoid (-(t - tr->t_mid) / tr->t_width);
}

/* The peak lands near a random visit, so most transients fall in a season. */
static double
transient_peak_time (NnRng *rng, const SimVisits *v)
{
  return v->t[nn_rng_below (rng, v->n)] + nn_rng_uniform_range (rng, -20.0, 25.0);
}

static void
fill_transient (NnRng *rng, const SimSky *sky, const Transient *tr, SimVisits *v)
{
  double t_peak = transient_peak_time (rng, v);
  double peak_flux = flux_from_mag (tr->abs_mag + sky->distmod);

  for (gsize i = 0; i < v->n; i++)
    {
      double t_rest = (v->t[i] - t_peak) / (1.0 + sky->z);
      double lambda_rest = band_nm[v->band[i]] / (1.0 + sky->z);
      double temp = transient_temperature (tr, t_rest);
      double f = peak_flux * transient_shape (tr, t_rest, lambda_rest)
                 * bb_colour (lambda_rest, temp, REF_NM);
      v->total[i] = f;
      v->diff[i] = f;
    }
}

static void
model_sn_ia (NnRng *rng, const SimSky *sky, SimVisits *v)
{
  Transient tr = {
    .kind = SHAPE_BAZIN,
    .abs_mag = -19.3 + 0.15 * nn_rng_normal (rng),
    .rise = nn_rng_uniform_range (rng, 2.5, 4.5),
    .fall = nn_rng_uniform_range (rng, 18.0, 32.0),
    .red_bump = nn_rng_uniform_range (rng, 0.2, 0.45),
    .t_hot = nn_rng_uniform_range (rng, 12000.0, 15000.0),
    .t_cool = nn_rng_uniform_range (rng, 5000.0, 6000.0),
    .t_mid = 5.0, .t_width = 8.0,
  };
  fill_transient (rng, sky, &tr, v);
}

static void
model_sn_ii (NnRng *rng, const SimSky *sky, SimVisits *v)
{
  Transient tr = {
    .kind = SHAPE_PLATEAU,
    .abs_mag = -16.7 + 0.8 * nn_rng_normal (rng),
    .rise = nn_rng_uniform_range (rng, 1.0, 3.0),
    .plateau = log_uniform (rng, 100.0, 400.0),
    .t_drop = nn_rng_uniform_range (rng, 70.0, 120.0),
    .t_hot = nn_rng_uniform_range (rng, 12000.0, 18000.0),
    .t_cool = nn_rng_uniform_range (rng, 5200.0, 6500.0),
    .t_mid = 3.0, .t_width = 6.0,
  };
  fill_transient (rng, sky, &tr, v);
}

static void
model_sn_ibc (NnRng *rng, const SimSky *sky, SimVisits *v)
{
  Transient tr = {
    .kind = SHAPE_BAZIN,
    .abs_mag = -17.7 + 0.5 * nn_rng_normal (rng),
    .rise = nn_rng_uniform_range (rng, 3.0, 6.0),
    .fall = nn_rng_uniform_range (rng, 10.0, 20.0),
    .t_hot = nn_rng_uniform_range (rng, 8000.0, 10000.0),
    .t_cool = nn_rng_uniform_range (rng, 4300.0, 5200.0),
    .t_mid = 2.0, .t_width = 6.0,
  };
  fill_transient (rng, sky, &tr, v);
}

static void
model_kilonova (NnRng *rng, const SimSky *sky, SimVisits *v)
{
  /* a day-long blue flash that turns red and fades within a week */
  Transient tr = {
    .kind = SHAPE_BAZIN,
    .abs_mag = -16.0 + 0.5 * nn_rng_normal (rng),
    .rise = nn_rng_uniform_range (rng, 0.2, 0.5),
    .fall = nn_rng_uniform_range (rng, 1.2, 3.0),
    .t_hot = nn_rng_uniform_range (rng, 6000.0, 8000.0),
    .t_cool = nn_rng_uniform_range (rng, 1800.0, 2600.0),
    .t_mid = 0.5, .t_width = 1.2,
  };
  fill_transient (rng, sky, &tr, v);
}

static void
model_tde (NnRng *rng, const SimSky *sky, SimVisits *v)
{
  /* slow, hot and blue, with almost no colour change */
  double hot = nn_rng_uniform_range (rng, 20000.0, 35000.0);
  Transient tr = {
    .kind = SHAPE_BAZIN,
    .abs_mag = -19.5 + 0.5 * nn_rng_normal (rng),
    .rise = nn_rng_uniform_range (rng, 8.0, 20.0),
    .fall = nn_rng_uniform_range (rng, 40.0, 90.0),
    .t_hot = hot, .t_cool = 0.8 * hot,
    .t_mid = 60.0, .t_width = 40.0,
  };
  fill_transient (rng, sky, &tr, v);
}

/* ---------------------------------------------------------------- galactic variables */

/* Mean flux of a star in each band from a magnitude in one band and a temperature. */
static void
star_fluxes (double mag, int mag_band, double temp, double *flux)
{
  double f_ref = flux_from_mag (mag);
  for (int b = 0; b < N_BANDS; b++)
    flux[b] = f_ref * bb_colour (band_nm[b], temp, band_nm[mag_band]);
}

/* A sawtooth between 0 (faint) and 1 (bright): a quick rise over `rise` of
 * the phase, then a slower, rounded decline. */
static double
pulsation (double phase, double rise)
{
  if (phase < rise)
    return 0.5 - 0.5 * cos (G_PI * phase / rise);
  return pow (1.0 - (phase - rise) / (1.0 - rise), 1.4);
}

static void
fill_pulsator (const double *mean_flux, const double *amp_mag, double period,
               double epoch, double rise, SimVisits *v)
{
  for (gsize i = 0; i < v->n; i++)
    {
      int b = v->band[i];
      double cycles = (v->t[i] - epoch) / period;
      double s = pulsation (cycles - floor (cycles), rise);
      double f = mean_flux[b] * pow (10.0, 0.4 * amp_mag[b] * (s - 0.5));
      v->total[i] = f;
      v->diff[i] = f - mean_flux[b];   /* template: the mean-magnitude level */
    }
}

static void
model_rr_lyrae (NnRng *rng, const SimSky *sky, SimVisits *v)
{
  /* ab type: 0.45-0.9 d sawtooth; c type: 0.25-0.45 d, smaller and near-sinusoidal */
  static const double amp_ratio[N_BANDS] = { 1.25, 1.0, 0.78, 0.62, 0.56, 0.52 };
  gboolean ab = nn_rng_uniform (rng) < 0.7;
  double period = ab ? nn_rng_uniform_range (rng, 0.45, 0.9) : nn_rng_uniform_range (rng, 0.25, 0.45);
  double amp_g = ab ? nn_rng_uniform_range (rng, 0.5, 1.2) : nn_rng_uniform_range (rng, 0.25, 0.5);
  double rise = ab ? nn_rng_uniform_range (rng, 0.1, 0.2) : 0.45;
  double mean_flux[N_BANDS], amp[N_BANDS];

  star_fluxes (nn_rng_uniform_range (rng, 16.5, 21.0), 1, nn_rng_uniform_range (rng, 6200.0, 7200.0),
               mean_flux);
  for (int b = 0; b < N_BANDS; b++)
    amp[b] = amp_g * amp_ratio[b];
  fill_pulsator (mean_flux, amp, period, sky->t_start + nn_rng_uniform_range (rng, 0.0, period),
                 rise, v);
}

static void
model_mira (NnRng *rng, const SimSky *sky, SimVisits *v)
{
  /* cool giants: periods of 150-450 d, several magnitudes in the blue */
  static const double amp_ratio[N_BANDS] = { 1.2, 1.0, 0.7, 0.45, 0.35, 0.3 };
  double period = nn_rng_uniform_range (rng, 150.0, 450.0);
  double amp_g = nn_rng_uniform_range (rng, 2.5, 5.0);
  double mean_flux[N_BANDS], amp[N_BANDS];

  star_fluxes (nn_rng_uniform_range (rng, 15.0, 19.5), 3, nn_rng_uniform_range (rng, 2600.0, 3300.0),
               mean_flux);
  for (int b = 0; b < N_BANDS; b++)
    amp[b] = amp_g * amp_ratio[b];
  fill_pulsator (mean_flux, amp, period, sky->t_start + nn_rng_uniform_range (rng, 0.0, period),
                 nn_rng_uniform_range (rng, 0.35, 0.45), v);
}

/* Light lost when a disc of relative size covers the star, with a flat bottom. */
static double
eclipse_profile (double dphase, double half_width)
{
  double u = 1.0 - fabs (dphase) / half_width;
  return u <= 0.0 ? 0.0 : MIN (1.0, 2.0 * u);
}

static void
model_eclipsing_binary (NnRng *rng, const SimSky *sky, SimVisits *v)
{
  /* two blackbodies: the primary eclipse hides part of the hotter star, so it is
   * deeper in the blue; ellipsoidal variation in between */
  double period = log_uniform (rng, 0.4, 10.0);
  double epoch = sky->t_start + nn_rng_uniform_range (rng, 0.0, period);
  double temp1 = nn_rng_uniform_range (rng, 5000.0, 9000.0);
  double temp2 = temp1 * nn_rng_uniform_range (rng, 0.6, 1.0);
  double area2 = nn_rng_uniform_range (rng, 0.3, 1.5);   /* R2^2 / R1^2 */
  double cover1 = nn_rng_uniform_range (rng, 0.25, 0.9);
  double cover2 = MIN (1.0, cover1 / area2) * nn_rng_uniform_range (rng, 0.6, 1.0);
  double half_width = nn_rng_uniform_range (rng, 0.03, 0.1);
  double ellipsoidal = nn_rng_uniform_range (rng, 0.0, 0.05);
  double mag_g = nn_rng_uniform_range (rng, 16.5, 21.0);
  double f1[N_BANDS], f2[N_BANDS];

  for (int b = 0; b < N_BANDS; b++)
    {
      double l1 = planck_nu (band_nm[b], temp1), l2 = area2 * planck_nu (band_nm[b], temp2);
      double scale = flux_from_mag (mag_g)
                     / (planck_nu (band_nm[1], temp1) + area2 * planck_nu (band_nm[1], temp2));
      f1[b] = l1 * scale;
      f2[b] = l2 * scale;
    }
  for (gsize i = 0; i < v->n; i++)
    {
      int b = v->band[i];
      double cycles = (v->t[i] - epoch) / period;
      double phase = cycles - floor (cycles);
      double out = f1[b] + f2[b];
      double f = out * (1.0 - ellipsoidal * (1.0 - cos (4.0 * G_PI * phase)) * 0.5)
                 - cover1 * f1[b] * eclipse_profile (phase < 0.5 ? phase : phase - 1.0, half_width)
                 - cover2 * f2[b] * eclipse_profile (phase - 0.5, half_width);
      v->total[i] = f;
      v->diff[i] = f - out;   /* template: out of eclipse */
    }
}

static void
add_flare (double t_peak, double amp_r, double temp, double decay, double *flare_flux_at,
           const SimVisits *v)
{
  for (gsize i = 0; i < v->n; i++)
    {
      double dt = v->t[i] - t_peak;
      double shape;
      if (dt < -0.01)
        continue;
      shape = dt < 0.0 ? 1.0 + dt / 0.01 : exp (-dt / decay);   /* minutes-long rise */
      flare_flux_at[i] += amp_r * shape * bb_colour (band_nm[v->band[i]], temp, REF_NM);
    }
}

static void
model_m_dwarf (NnRng *rng, const SimSky *sky, SimVisits *v)
{
  /* a cool quiescent star (left over in the difference image at the percent level)
   * with hot flares: fast rise, exponential decay, strongest in u and g */
  double quiet[N_BANDS], offset[N_BANDS];
  double days = sky->t_end - sky->t_start;
  int n_random = (int) nn_rng_below (rng, 1 + (guint64) MAX (1.0, days / 150.0));
  g_autofree double *flare = g_new0 (double, v->n);

  star_fluxes (nn_rng_uniform_range (rng, 17.0, 21.5), 3, nn_rng_uniform_range (rng, 2800.0, 3500.0),
               quiet);
  for (int b = 0; b < N_BANDS; b++)
    offset[b] = quiet[b] * 0.01 * nn_rng_normal (rng);

  /* one flare caught by a visit (how such a star enters a transient survey),
   * then flares at random times that the cadence mostly misses */
  for (int k = 0; k <= n_random; k++)
    {
      double decay = log_uniform (rng, 0.02, 0.4);
      double t_peak = k == 0 ? v->t[nn_rng_below (rng, v->n)] - nn_rng_uniform_range (rng, 0.0, 1.5 * decay)
                             : nn_rng_uniform_range (rng, sky->t_start, sky->t_end);
      double amp_r = quiet[2] * log_uniform (rng, 0.5, 20.0);
      add_flare (t_peak, amp_r, nn_rng_uniform_range (rng, 8000.0, 14000.0), decay, flare, v);
    }
  for (gsize i = 0; i < v->n; i++)
    {
      v->total[i] = quiet[v->band[i]] + flare[i];
      v->diff[i] = offset[v->band[i]] + flare[i];
    }
}

/* ---------------------------------------------------------------- AGN */

static void
model_agn (NnRng *rng, const SimSky *sky, SimVisits *v)
{
  /* one damped random walk in magnitude (Kelly et al. 2009) drives every band,
   * with larger amplitude in the blue; the SED is a power law f_nu ∝ nu^-0.5 */
  static const double amp_ratio[N_BANDS] = { 1.4, 1.2, 1.0, 0.85, 0.75, 0.7 };
  double tau = nn_rng_uniform_range (rng, 100.0, 600.0) * (1.0 + sky->z);
  double sigma = nn_rng_uniform_range (rng, 0.12, 0.3) / G_SQRT2;
  double mean_r = nn_rng_uniform_range (rng, -24.5, -21.5) + sky->distmod;
  double x = sigma * nn_rng_normal (rng);   /* start in the stationary distribution */
  double t_prev = v->n > 0 ? v->t[0] : 0.0;

  for (gsize i = 0; i < v->n; i++)
    {
      int b = v->band[i];
      double decay = exp (-MAX (v->t[i] - t_prev, 0.0) / tau);
      double mean_flux = flux_from_mag (mean_r) * pow (band_nm[b] / REF_NM, 0.5);
      double mag_offset;

      x = x * decay + sigma * sqrt (1.0 - decay * decay) * nn_rng_normal (rng);
      t_prev = v->t[i];
      mag_offset = amp_ratio[b] * x + 0.02 * nn_rng_normal (rng);
      v->total[i] = mean_flux * pow (10.0, -0.4 * mag_offset);
      v->diff[i] = v->total[i] - mean_flux;
    }
}

/* ---------------------------------------------------------------- classes */

/* Sorted by PLAsTiCC id; shares give a PLAsTiCC-like, moderately unbalanced mix. */
static const SimClass sim_classes[] = {
  { 15, 0.04, FALSE, 0.05, 0.6, model_tde },
  { 16, 0.12, TRUE, 0.0, 0.0, model_eclipsing_binary },
  { 42, 0.14, FALSE, 0.02, 0.35, model_sn_ii },
  { 53, 0.05, TRUE, 0.0, 0.0, model_mira },
  { 62, 0.08, FALSE, 0.02, 0.4, model_sn_ibc },
  { 64, 0.04, FALSE, 0.01, 0.1, model_kilonova },
  { 65, 0.07, TRUE, 0.0, 0.0, model_m_dwarf },
  { 88, 0.14, FALSE, 0.2, 2.5, model_agn },
  { 90, 0.22, FALSE, 0.05, 0.9, model_sn_ia },
  { 92, 0.10, TRUE, 0.0, 0.0, model_rr_lyrae },
};
#define N_CLASSES ((int) G_N_ELEMENTS (sim_classes))

/* Class of every object: proportional to the shares (largest remainders), at
 * least one of each class when there are enough objects, in a seeded order. */
static int *
assign_classes (int n, guint64 seed)
{
  int counts[N_CLASSES];
  double remainder[N_CLASSES];
  int assigned = 0, pos = 0;
  int *classes = g_new (int, MAX (n, 1));
  NnRng rng;

  for (int c = 0; c < N_CLASSES; c++)
    {
      double want = n * sim_classes[c].share;
      counts[c] = (int) floor (want);
      remainder[c] = want - counts[c];
      assigned += counts[c];
    }
  while (assigned < n)
    {
      int best = 0;
      for (int c = 1; c < N_CLASSES; c++)
        if (remainder[c] > remainder[best])
          best = c;
      counts[best]++;
      remainder[best] = -1.0;
      assigned++;
    }
  if (n >= N_CLASSES)
    for (int c = 0; c < N_CLASSES; c++)
      while (counts[c] == 0)
        {
          int largest = 0;
          for (int d = 1; d < N_CLASSES; d++)
            if (counts[d] > counts[largest])
              largest = d;
          counts[largest]--;
          counts[c]++;
        }
  for (int c = 0; c < N_CLASSES; c++)
    for (int k = 0; k < counts[c]; k++)
      classes[pos++] = c;
  nn_rng_init_stream (&rng, seed, 0);
  nn_rng_shuffle_int (&rng, classes, n);
  return classes;
}

/* Position on the sky: galactic classes crowd towards the plane, extragalactic
 * ones avoid it (dust); the LSST footprint is the southern sky. */
static void
draw_sky_position (NnRng *rng, gboolean galactic, SimSky *sky)
{
  for (int tries = 0; tries < 64; tries++)
    {
      double u = nn_rng_uniform (rng);
      double abs_b;
      sky->ra = 360.0 * nn_rng_uniform (rng);
      sky->dec = asin (nn_rng_uniform_range (rng, -1.0, 0.2)) * 180.0 / G_PI;
      equatorial_to_galactic (sky->ra, sky->dec, &sky->gal_l, &sky->gal_b);
      abs_b = fabs (sky->gal_b);
      if (galactic ? u < 0.15 + 0.85 * exp (-abs_b / 15.0) : u < 1.0 - exp (-abs_b / 8.0))
        break;
    }
}

static void
draw_sky (NnRng *rng, const SimClass *cls, const LcSimulateOptions *options, SimSky *sky)
{
  double sin_b;

  memset (sky, 0, sizeof *sky);
  draw_sky_position (rng, cls->galactic, sky);
  sin_b = MAX (sin (fabs (sky->gal_b) * G_PI / 180.0), 0.05);
  sky->mwebv = clamp (0.025 / sin_b * exp (0.35 * nn_rng_normal (rng)), 0.003, 3.0);
  sky->ddf = nn_rng_uniform (rng) < 0.06;
  sky->t_start = SURVEY_START_MJD;
  sky->t_end = SURVEY_START_MJD + options->survey_days;
  if (!cls->galactic)
    {
      /* more volume at higher redshift */
      sky->z = cls->z_min + (cls->z_max - cls->z_min) * sqrt (nn_rng_uniform (rng));
      sky->distmod = distance_modulus (sky->z);
    }
}

/* Milky Way extinction, then noise and the detection flag. */
static int
observe (NnRng *rng, const SimSky *sky, SimVisits *v)
{
  int n_detected = 0;
  double dust[N_BANDS];

  for (int b = 0; b < N_BANDS; b++)
    dust[b] = pow (10.0, -0.4 * band_extinction[b] * sky->mwebv);
  for (gsize i = 0; i < v->n; i++)
    {
      int b = v->band[i];
      double total = MAX (v->total[i] * dust[b], 0.0);
      double sky_sigma = flux_from_mag (v->m5[i]) / DETECTION_SNR;
      double err = sqrt (sky_sigma * sky_sigma + 0.1 * total + pow (0.004 * total, 2.0));
      double flux = v->diff[i] * dust[b] + err * nn_rng_normal (rng);

      v->flux[i] = (float) flux;
      v->err[i] = (float) err;
      v->detected[i] = fabs (flux) / err > DETECTION_SNR;
      n_detected += v->detected[i];
    }
  return n_detected;
}

/* Host photometric redshift as PLAsTiCC gives it: scatter, a few outliers. */
static void
fill_meta (NnRng *rng, const SimClass *cls, const SimSky *sky, float *meta)
{
  meta[META_RA] = sky->ra;
  meta[META_DECL] = sky->dec;
  meta[META_GAL_L] = sky->gal_l;
  meta[META_GAL_B] = sky->gal_b;
  meta[META_DDF] = sky->ddf;
  meta[META_MWEBV] = sky->mwebv;
  if (cls->galactic)
    {
      meta[META_SPECZ] = 0.0f;
      meta[META_PHOTOZ] = 0.0f;
      meta[META_PHOTOZ_ERR] = 0.0f;
      meta[META_DISTMOD] = NAN;
    }
  else
    {
      double scatter = 0.03 * (1.0 + sky->z);
      double photoz = nn_rng_uniform (rng) < 0.05 ? nn_rng_uniform_range (rng, 0.05, 2.5)
                                                  : sky->z + scatter * nn_rng_normal (rng);
      photoz = MAX (photoz, 0.01);
      meta[META_SPECZ] = sky->z;
      meta[META_PHOTOZ] = photoz;
      meta[META_PHOTOZ_ERR] = scatter * exp (0.3 * nn_rng_normal (rng));
      meta[META_DISTMOD] = distance_modulus (photoz);
    }
}

/* Simulates object index i of class cls into v (noisy) and meta. */
static void
simulate_object (const LcSimulateOptions *options, gsize i, const SimClass *cls,
                 SimVisits *v, float *meta)
{
  NnRng rng;
  SimSky sky;

  /* own stream per object: object i does not depend on the others */
  nn_rng_init_stream (&rng, options->seed, (guint64) i + 1);
  for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++)
    {
      draw_sky (&rng, cls, options, &sky);
      make_cadence (&rng, &sky, v);
      cls->model (&rng, &sky, v);
      if (observe (&rng, &sky, v) >= MIN_DETECTIONS)
        break;
    }
  fill_meta (&rng, cls, &sky, meta);
}

void
lc_simulate_options_default (LcSimulateOptions *options)
{
  g_return_if_fail (options != NULL);
  memset (options, 0, sizeof *options);
  options->n_objects = 1000;
  options->seed = 1;
  options->survey_days = 1000.0;
  options->with_meta = TRUE;
}

static LcDatasetBuilder *
new_sim_builder (const LcSimulateOptions *options)
{
  g_autofree char *path = g_strdup_printf ("sim:%d:%" G_GUINT64_FORMAT, options->n_objects,
                                           options->seed);
  LcDatasetBuilder *b = lc_dataset_builder_new (LC_SOURCE_SIMULATED, LC_VALUE_FLUX, path);

  lc_dataset_builder_set_bands (b, N_BANDS, band_names);
  if (options->with_meta)
    lc_dataset_builder_set_meta_names (b, N_META, meta_names);
  /* every class, even when a small sample has none: models stay comparable */
  for (int c = 0; c < N_CLASSES; c++)
    lc_dataset_builder_add_class (b, sim_classes[c].id, lc_plasticc_class_name (sim_classes[c].id));
  return b;
}

LcDataset *
lc_simulate (const LcSimulateOptions *options, LcProgressFunc progress,
             gpointer user_data, GError **error)
{
  g_autoptr (LcDatasetBuilder) b = NULL;
  g_autofree int *classes = NULL;
  SimVisits v = { 0 };
  float meta[N_META];

  g_return_val_if_fail (options != NULL, NULL);
  if (options->n_objects <= 0)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("sim: field “n_objects”: expected a positive number, found %d"), options->n_objects);
      return NULL;
    }
  if (!(options->survey_days >= 1.0 && options->survey_days <= 36525.0))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("sim: field “survey_days”: expected 1 to 36525 days, found %g"), options->survey_days);
      return NULL;
    }

  b = new_sim_builder (options);
  classes = assign_classes (options->n_objects, options->seed);
  lc_dataset_builder_reserve (b, (gsize) options->n_objects * (gsize) (options->survey_days / 7.0 + 8));
  for (int i = 0; i < options->n_objects; i++)
    {
      const SimClass *cls = &sim_classes[classes[i]];
      char id[32];
      gsize obj;

      if (progress != NULL && i % 256 == 0 && !progress ((double) i / options->n_objects, user_data))
        {
          visits_clear (&v);
          g_set_error (error, LC_ERROR, LC_ERROR_CANCELLED, _("sim: cancelled"));
          return NULL;
        }
      simulate_object (options, i, cls, &v, meta);
      g_snprintf (id, sizeof id, "%d", i);
      obj = lc_dataset_builder_begin_object (b, id, cls->id);
      for (gsize k = 0; k < v.n; k++)
        lc_dataset_builder_add_observation (b, v.t[k], v.flux[k], v.err[k], v.band[k], v.detected[k]);
      if (options->with_meta)
        for (int m = 0; m < N_META; m++)
          lc_dataset_builder_set_meta (b, obj, m, meta[m]);
    }
  visits_clear (&v);
  if (progress != NULL)
    progress (1.0, user_data);
  return lc_dataset_builder_finish (b, error);
}

/* ---------------------------------------------------------------- PLAsTiCC writer */

/* Both files go through nn-atomic: finished together, then renamed. */
static gboolean
atomic_fail (GError **error, const char *path, GError *cause)
{
  g_set_error (error, LC_ERROR, LC_ERROR_OPEN, "%s: %s", path, cause->message);
  g_error_free (cause);
  return FALSE;
}

/* A number in the C locale (whatever the UI locale) with enough digits to read
 * back the same float or double; "nan" for missing values. */
static void
put_number (FILE *fp, double value, const char *format)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (isnan (value))
    fputs ("nan", fp);
  else
    fputs (g_ascii_formatd (buf, sizeof buf, format, value), fp);
}

/* An object id as a CSV field, quoted only when it has to be. */
static void
put_field (FILE *fp, const char *text)
{
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      fputs (text, fp);
      return;
    }
  fputc ('"', fp);
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        fputc ('"', fp);
      fputc (*p, fp);
    }
  fputc ('"', fp);
}

static void
write_observations (FILE *fp, const LcDataset *ds)
{
  fputs ("object_id,mjd,passband,flux,flux_err,detected\n", fp);
  for (gsize i = 0; i < ds->n_objects; i++)
    {
      const LcObject *o = &ds->objects[i];
      for (gsize k = o->first; k < o->first + (gsize) o->n_obs; k++)
        {
          put_field (fp, o->id);
          fputc (',', fp);
          put_number (fp, ds->time[k], "%.6f");
          fprintf (fp, ",%d,", ds->band[k]);
          put_number (fp, ds->value[k], "%.9g");
          fputc (',', fp);
          put_number (fp, ds->error[k], "%.9g");
          fprintf (fp, ",%d\n", ds->detected[k] ? 1 : 0);
        }
    }
}

static void
write_metadata (FILE *fp, const LcDataset *ds)
{
  gboolean with_target = ds->n_classes > 0;

  fputs ("object_id", fp);
  for (int m = 0; m < ds->n_meta; m++)
    {
      fputc (',', fp);
      put_field (fp, ds->meta_names[m]);
    }
  fputs (with_target ? ",target\n" : "\n", fp);
  for (gsize i = 0; i < ds->n_objects; i++)
    {
      const LcObject *o = &ds->objects[i];
      put_field (fp, o->id);
      for (int m = 0; m < ds->n_meta; m++)
        {
          fputc (',', fp);
          if (strcmp (ds->meta_names[m], "ddf") == 0 && !isnan (o->meta[m]))
            fprintf (fp, "%d", (int) o->meta[m]);
          else
            put_number (fp, o->meta[m], "%.9g");
        }
      /* an unlabelled object keeps an empty target */
      if (with_target && o->label >= 0 && o->label < ds->n_classes)
        fprintf (fp, ",%d", ds->classes[o->label].id);
      else if (with_target)
        fputc (',', fp);
      fputc ('\n', fp);
    }
}

gboolean
lc_write_plasticc (const LcDataset *ds, const char *dir, const char *prefix, GError **error)
{
  g_autofree char *csv_name = NULL, *meta_name = NULL, *csv_path = NULL, *meta_path = NULL;
  g_autoptr (NnAtomicFile) csv = NULL;
  g_autoptr (NnAtomicFile) meta = NULL;
  GError *cause = NULL;
  FILE *csv_fp, *meta_fp;

  g_return_val_if_fail (ds != NULL && dir != NULL && prefix != NULL, FALSE);
  csv_name = g_strconcat (prefix, ".csv", NULL);
  meta_name = g_strconcat (prefix, "_metadata.csv", NULL);
  csv_path = g_build_filename (dir, csv_name, NULL);
  meta_path = g_build_filename (dir, meta_name, NULL);

  csv = nn_atomic_file_new (csv_path, &cause);
  if (csv == NULL)
    return atomic_fail (error, csv_path, cause);
  meta = nn_atomic_file_new (meta_path, &cause);
  if (meta == NULL)
    return atomic_fail (error, meta_path, cause);
  csv_fp = nn_atomic_file_stream (csv);
  meta_fp = nn_atomic_file_stream (meta);
  if (csv_fp == NULL || meta_fp == NULL)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_OPEN, _("%s: cannot write: %s"), csv_path, g_strerror (errno));
      return FALSE;
    }
  write_observations (csv_fp, ds);
  write_metadata (meta_fp, ds);
  if (!nn_atomic_file_finish (csv, &cause))
    return atomic_fail (error, csv_path, cause);
  if (!nn_atomic_file_finish (meta, &cause))
    return atomic_fail (error, meta_path, cause);
  if (!nn_atomic_file_commit (csv, &cause))
    return atomic_fail (error, csv_path, cause);
  if (!nn_atomic_file_commit (meta, &cause))
    return atomic_fail (error, meta_path, cause);
  return TRUE;
}
