/* lc-simulate.h: the built-in, seeded light-curve simulator (DESIGN §6).
 *
 * LSST-like cadence in six bands (ugrizy); transient (SN Ia/II/Ibc-like, kilonova,
 * M-dwarf flare), periodic (RR Lyrae, eclipsing binary, Mira) and stochastic (AGN)
 * classes labelled with PLAsTiCC class numbers and names; noise and non-detections.
 *
 * Classes (PLAsTiCC id, share of a sample): TDE 15 (4%), EB 16 (12%), SN II 42
 * (14%), Mira 53 (5%), SN Ibc 62 (8%), kilonova 64 (4%), M-dwarf flare 65 (7%),
 * AGN 88 (14%), SN Ia 90 (22%), RR Lyrae 92 (10%).  Every class is in the class
 * table, and every class has an object when n_objects >= 10.
 *
 * Observations: MJD from 59580 over survey_days, seasons of half a year, a few
 * days between visits, one or two visits a night; flux in PLAsTiCC units
 * (zero point 27.5 mag), difference-image flux for variable stars and AGN;
 * flux_err from the visit's 5-sigma depth and the source; detected when
 * |flux| / flux_err > 5.  About 130 observations per object for 1000 days; the
 * 6 % in deep-drilling fields (ddf = 1) are visited more often (up to ~380).
 *
 * Metadata (with_meta) are the PLAsTiCC columns ra, decl, gal_l, gal_b, ddf,
 * hostgal_specz, hostgal_photoz, hostgal_photoz_err, distmod, mwebv: galactic
 * objects have redshifts 0 and distmod NaN (the galactic flag is
 * hostgal_photoz == 0); extragalactic ones a photometric redshift with
 * scatter and outliers and distmod from it.
 *
 * The same options give the same dataset on every machine: object i draws
 * from its own stream of an NnRng seeded with seed.
 */
#pragma once

#include "lc-dataset.h"

G_BEGIN_DECLS

typedef struct
{
  int n_objects;
  guint64 seed;
  double survey_days;    /* length of the survey window (default 1000) */
  gboolean with_meta;    /* add PLAsTiCC-like metadata (hostgal_photoz, mwebv, galactic flag) */
} LcSimulateOptions;

void       lc_simulate_options_default (LcSimulateOptions *options);
LcDataset *lc_simulate (const LcSimulateOptions *options, LcProgressFunc progress,
                        gpointer user_data, GError **error);
/* Writes a dataset in PLAsTiCC format: DIR/<prefix>.csv
 * (object_id,mjd,passband,flux,flux_err,detected; passband is the band index)
 * and DIR/<prefix>_metadata.csv (object_id, the dataset's metadata columns,
 * target = class id; an empty target for unlabelled objects, no target column
 * when the dataset has no classes).  Numbers are written in the C locale with
 * enough digits to read back the same floats; both files are written under
 * temporary names and renamed into place. */
gboolean   lc_write_plasticc (const LcDataset *ds, const char *dir, const char *prefix, GError **error);

G_END_DECLS
