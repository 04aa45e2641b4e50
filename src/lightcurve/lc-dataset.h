/* lc-dataset.h: a loaded light-curve dataset.
 *
 * Observations of all objects live in a few flat arrays (structure of arrays),
 * grouped by object and sorted by time within each object; an object is an
 * offset and a count into them.  This keeps a 1.4-million-row survey file in a
 * few compact allocations and makes per-object access a pointer add.
 *
 * A dataset is immutable once loaded: views and worker threads may read it at
 * the same time (hold a reference with lc_dataset_ref).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  LC_VALUE_FLUX = 0,      /* linear flux; larger is brighter; may be negative */
  LC_VALUE_MAGNITUDE,     /* magnitude; smaller is brighter */
} LcValueKind;

typedef enum
{
  LC_SOURCE_PLASTICC = 0, /* PLAsTiCC long CSV (+ metadata CSV) */
  LC_SOURCE_CSV,          /* general long CSV with a column mapping, or a folder of CSVs */
  LC_SOURCE_TS,           /* UEA/UCR .ts */
  LC_SOURCE_NPY,          /* GOTO classifier .npy arrays */
  LC_SOURCE_SIMULATED,    /* built-in simulator */
} LcSourceKind;

typedef struct
{
  char *id;          /* object id as written in the file */
  int label;         /* index into dataset->classes, or -1 when unknown */
  gsize first;       /* index of the first observation in the flat arrays */
  int n_obs;         /* number of observations */
  float *meta;       /* dataset->n_meta values (NaN where missing); points into dataset storage */
} LcObject;

typedef struct
{
  int id;            /* survey class number, e.g. PLAsTiCC 90 (or 0..K-1 when the file has names only) */
  char *name;        /* display name, e.g. "SN Ia" */
  int count;         /* objects of this class in the dataset */
} LcClass;

typedef struct _LcDataset LcDataset;
struct _LcDataset
{
  gint ref_count;
  char *path;            /* file or folder it came from ("sim:N" for the simulator) */
  char *meta_path;       /* metadata file, or NULL */
  LcSourceKind source;
  LcValueKind value_kind;
  gboolean on_grid;      /* .ts/.npy: every object sampled on the same step grid (time = step index) */

  int n_bands;
  char **band_names;     /* "u","g","r","i","z","y" for PLAsTiCC; "0".. when the file has none */

  int n_classes;
  LcClass *classes;      /* sorted by id */

  int n_meta;
  char **meta_names;     /* metadata column names, e.g. "hostgal_photoz" */

  gsize n_objects;
  LcObject *objects;

  gsize n_obs;           /* total observations */
  double *time;          /* [n_obs] MJD (or step index when on_grid) */
  float *value;          /* [n_obs] flux or magnitude */
  float *error;          /* [n_obs] 1-sigma error (NaN when the file has none) */
  guint8 *band;          /* [n_obs] index into band_names */
  guint8 *detected;      /* [n_obs] 1 detected, 0 not (1 when the format has no flag) */

  float *meta_storage;   /* n_objects * n_meta */

  gsize n_skipped;       /* values the file marks missing (.ts "?", empty/NaN values of a general
                          * CSV, -99 padding is not counted): left out, reported here */

  char *checksum;        /* lc_dataset_get_checksum's, set once; NULL until asked */
};

LcDataset *lc_dataset_ref   (LcDataset *ds);
void       lc_dataset_unref (LcDataset *ds);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcDataset, lc_dataset_unref)

/* The class index whose id is class_id, or -1. */
int         lc_dataset_class_index (const LcDataset *ds, int class_id);
/* Conventional colour of a passband as "#rrggbb" (u violet, g green, r red, i orange, z, y ...). */
const char *lc_band_color          (const LcDataset *ds, int band);
/* PLAsTiCC class names: 90 -> "SN Ia", 42 -> "SN II", ...; NULL when unknown. */
const char *lc_plasticc_class_name (int class_id);

GQuark lc_error_quark (void);
#define LC_ERROR (lc_error_quark ())

typedef enum
{
  LC_ERROR_OPEN,       /* cannot open or read the file */
  LC_ERROR_FORMAT,     /* the content is not what the format says: names file, line, field */
  LC_ERROR_MISMATCH,   /* files that go together do not agree (metadata, shapes) */
  LC_ERROR_CANCELLED,
} LcError;

/* Long operations report progress (0..1) and stop early when this returns FALSE. */
typedef gboolean (*LcProgressFunc) (double fraction, gpointer user_data);

G_END_DECLS
