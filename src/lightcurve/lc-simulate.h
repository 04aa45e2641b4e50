/* lc-simulate.h: the built-in, seeded light-curve simulator (DESIGN §6).
 *
 * LSST-like cadence in six bands (ugrizy); transient (SN Ia/II/Ibc-like, kilonova,
 * M-dwarf flare), periodic (RR Lyrae, eclipsing binary, Mira) and stochastic (AGN)
 * classes labelled with PLAsTiCC class numbers and names; noise and non-detections.
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
/* Writes a dataset in PLAsTiCC format: DIR/<prefix>.csv and DIR/<prefix>_metadata.csv. */
gboolean   lc_write_plasticc (const LcDataset *ds, const char *dir, const char *prefix, GError **error);

G_END_DECLS
