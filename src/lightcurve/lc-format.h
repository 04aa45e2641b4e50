/* lc-format.h: reading survey files into an LcDataset (DESIGN §6).
 *
 * Every reader streams its file, never crashes on bad input, and fails with an
 * LC_ERROR whose message names the file, the line (or array index), the field
 * and what was expected, e.g.
 *   "training_set.csv:1234: field “flux”: expected a number, found “abc”".
 */
#pragma once

#include "lc-dataset.h"

G_BEGIN_DECLS

typedef enum
{
  LC_FORMAT_AUTO = 0,
  LC_FORMAT_PLASTICC,     /* object_id,mjd,passband,flux,flux_err,detected[_bool] (+ metadata CSV) */
  LC_FORMAT_CSV,          /* general long CSV with an LcCsvMapping */
  LC_FORMAT_CSV_FOLDER,   /* a folder of one CSV per object + a labels table (SDSS RR Lyrae) */
  LC_FORMAT_TS,           /* UEA/UCR .ts */
  LC_FORMAT_NPY,          /* NumPy arrays: GOTO triples or X.npy + y.npy, a folder (every split) or one file */
  LC_FORMAT_SIMULATED,    /* "sim:N[:seed]" */
} LcFormat;

/* Column mapping for a general long CSV (names as in the header line). */
typedef struct
{
  char *object_column;    /* required unless one object per file */
  char *time_column;      /* required */
  char *band_column;      /* NULL: one band */
  char *value_column;     /* required */
  char *error_column;     /* NULL: no errors */
  char *detected_column;  /* NULL: all detected */
  char *label_column;     /* NULL: labels come from a labels table or are unknown */
  LcValueKind value_kind; /* flux or magnitude */
} LcCsvMapping;

/* A mapping guessed from header names (time/mjd, mag/flux, magerr/flux_err,
 * band/passband/filter, object_id/id; magnitude when the value column says
 * "mag"); NULL when no time or value column is recognised. */
LcCsvMapping *lc_csv_mapping_guess (const char *const *header);
LcCsvMapping *lc_csv_mapping_copy  (const LcCsvMapping *mapping);
void          lc_csv_mapping_free  (LcCsvMapping *mapping);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcCsvMapping, lc_csv_mapping_free)

typedef struct
{
  LcFormat format;          /* LC_FORMAT_AUTO: by extension and content */
  const char *meta_path;    /* PLAsTiCC metadata CSV; NULL: look beside the data file */
  const LcCsvMapping *mapping;  /* LC_FORMAT_CSV / CSV_FOLDER; NULL: guess from the header */
  const char *labels_path;  /* CSV folder: table of object id -> class (NULL: look for periods.csv etc.) */
  const char *npy_split;    /* NPY folder: "train", "validation", "test", ... (NULL: every split found) */
} LcLoadOptions;

/* Detects the format of path (file, folder, or "sim:N"). */
LcFormat    lc_format_detect (const char *path);
const char *lc_format_name   (LcFormat format);

/* Loads any supported dataset. options may be NULL. progress may be NULL. */
LcDataset *lc_load (const char *path, const LcLoadOptions *options,
                    LcProgressFunc progress, gpointer user_data, GError **error);

LcDataset *lc_load_plasticc   (const char *csv_path, const char *meta_path,
                               LcProgressFunc progress, gpointer user_data, GError **error);
LcDataset *lc_load_csv        (const char *csv_path, const LcCsvMapping *mapping,
                               LcProgressFunc progress, gpointer user_data, GError **error);
LcDataset *lc_load_csv_folder (const char *dir, const LcCsvMapping *mapping, const char *labels_path,
                               LcProgressFunc progress, gpointer user_data, GError **error);
LcDataset *lc_load_ts         (const char *ts_path,
                               LcProgressFunc progress, gpointer user_data, GError **error);
LcDataset *lc_load_npy        (const char *dir_or_prefix, const char *split,
                               LcProgressFunc progress, gpointer user_data, GError **error);

/* Header names of a CSV file (for the column-mapping dialog). */
GStrv lc_csv_read_header (const char *csv_path, GError **error);

/* PLAsTiCC light-curve rows one at a time, for streaming readers (lc-stream.h).
 * The same checks and messages as lc_load_plasticc. */
typedef struct _LcPlasticcRows LcPlasticcRows;
typedef struct
{
  const char *id;        /* NUL-terminated; valid until the next call */
  gsize id_len;
  double mjd;
  float flux;
  float flux_err;
  int band;              /* 0..5: u g r i z y */
  gboolean detected;
} LcPlasticcRow;

/* Opens csv_path and reads its header. */
LcPlasticcRows *lc_plasticc_rows_open     (const char *csv_path, GError **error);
/* FALSE at the end (error unset) or on a bad row (error names file, line, field). */
gboolean        lc_plasticc_rows_next     (LcPlasticcRows *rows, LcPlasticcRow *row, GError **error);
gsize           lc_plasticc_rows_line     (const LcPlasticcRows *rows);   /* of the last row */
double          lc_plasticc_rows_fraction (const LcPlasticcRows *rows);
const char     *lc_plasticc_rows_name     (const LcPlasticcRows *rows);   /* base name, as errors show it */
void            lc_plasticc_rows_free     (LcPlasticcRows *rows);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcPlasticcRows, lc_plasticc_rows_free)

/* A PLAsTiCC metadata CSV alone: one object per row with its metadata and
 * class, no observations.  A second row for an object is an error. */
LcDataset *lc_load_plasticc_metadata (const char *meta_path, GError **error);
/* Metadata files that may belong to csv_path, most likely first (what
 * lc_load_plasticc tries when it is given none). */
GStrv      lc_plasticc_metadata_candidates (const char *csv_path);

G_END_DECLS
