/* lc-dataset-builder.h: building an LcDataset incrementally.
 *
 * Every reader (and the simulator) appends objects and observations here in
 * the order it meets them; lc_dataset_builder_finish() then groups the
 * observations by object, sorts each object by time (stable), builds the
 * class table (sorted by id, with counts) and returns an immutable dataset.
 *
 * Storage grows by doubling a few flat arrays: there is no allocation per
 * observation, so a 1.4-million-row file costs a handful of reallocations.
 *
 * Typical use:
 *
 *   g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (LC_SOURCE_PLASTICC, LC_VALUE_FLUX, path);
 *   lc_dataset_builder_set_bands (b, 6, (const char *[]) { "u", "g", "r", "i", "z", "y" });
 *   lc_dataset_builder_add_class (b, 90, "SN Ia");
 *   gsize obj = lc_dataset_builder_begin_object (b, "615", 90);
 *   lc_dataset_builder_add_observation (b, 59750.42, -544.8f, 3.6f, 2, TRUE);
 *   ...
 *   LcDataset *ds = lc_dataset_builder_finish (b, error);
 */
#pragma once

#include "lc-dataset.h"

G_BEGIN_DECLS

typedef struct _LcDatasetBuilder LcDatasetBuilder;

/* A builder for a dataset read from path (a file, a folder or "sim:N"). */
LcDatasetBuilder *lc_dataset_builder_new  (LcSourceKind source, LcValueKind value_kind, const char *path);
/* A builder for objects taken from ds: its source, path, metadata file, bands,
 * metadata names and classes, and no objects yet. */
LcDatasetBuilder *lc_dataset_builder_new_like (const LcDataset *ds);
void              lc_dataset_builder_free (LcDatasetBuilder *builder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcDatasetBuilder, lc_dataset_builder_free)

void lc_dataset_builder_set_meta_path  (LcDatasetBuilder *builder, const char *meta_path);
/* .ts/.npy: all objects share one step grid and time is the step index. */
void lc_dataset_builder_set_on_grid    (LcDatasetBuilder *builder, gboolean on_grid);
void lc_dataset_builder_set_value_kind (LcDatasetBuilder *builder, LcValueKind value_kind);

/* Passbands (at most 255). set_bands replaces the list; add_band returns the
 * index of name, appending it if it is new (-1 when there are already 255). */
void lc_dataset_builder_set_bands (LcDatasetBuilder *builder, int n_bands, const char *const *names);
int  lc_dataset_builder_add_band  (LcDatasetBuilder *builder, const char *name);
int  lc_dataset_builder_find_band (const LcDatasetBuilder *builder, const char *name);
int  lc_dataset_builder_n_bands   (const LcDatasetBuilder *builder);
const char *lc_dataset_builder_band_name (const LcDatasetBuilder *builder, int band);

/* Metadata column names.  Every object's values (re)start as NaN, so a
 * reader may stream observations first and name the columns later. */
void lc_dataset_builder_set_meta_names (LcDatasetBuilder *builder, int n_meta, const char *const *names);
int  lc_dataset_builder_n_meta         (const LcDatasetBuilder *builder);

/* Declares class id with a display name (NULL: the PLAsTiCC name for
 * PLAsTiCC-numbered sources, else "Class <id>").  Declaring an id again
 * replaces a NULL/default name only.  Classes used by objects but never
 * declared are added at finish the same way. */
void lc_dataset_builder_add_class      (LcDatasetBuilder *builder, int class_id, const char *name);
/* For files that name classes without numbers: the id of name, declaring it
 * with the next free id (0, 1, ... in order of first use) when it is new. */
int  lc_dataset_builder_class_for_name (LcDatasetBuilder *builder, const char *name);
/* The id declared for name, or -1. */
int  lc_dataset_builder_find_class     (const LcDatasetBuilder *builder, const char *name);

/* Starts (or continues, when id was seen before) the object id and makes it
 * current; returns its index (order of first appearance).  class_id -1 means
 * unknown (a later call or set_object_class may still set it). */
gsize  lc_dataset_builder_begin_object     (LcDatasetBuilder *builder, const char *id, int class_id);
/* Same, with the id given as bytes that need not be NUL-terminated. */
gsize  lc_dataset_builder_begin_object_len (LcDatasetBuilder *builder, const char *id, gsize id_len,
                                            int class_id);
/* Index of object id, or -1. */
gssize lc_dataset_builder_find_object      (const LcDatasetBuilder *builder, const char *id);
gsize  lc_dataset_builder_n_objects        (const LcDatasetBuilder *builder);
const char *lc_dataset_builder_object_id   (const LcDatasetBuilder *builder, gsize object);
int    lc_dataset_builder_object_class     (const LcDatasetBuilder *builder, gsize object);
gsize  lc_dataset_builder_object_n_obs     (const LcDatasetBuilder *builder, gsize object);
void   lc_dataset_builder_set_object_class (LcDatasetBuilder *builder, gsize object, int class_id);

/* Appends one observation to the current object.  band is an index into the
 * bands; error may be NaN (no error known). */
void  lc_dataset_builder_add_observation (LcDatasetBuilder *builder, double time, float value,
                                          float error, int band, gboolean detected);
gsize lc_dataset_builder_n_obs           (const LcDatasetBuilder *builder);
/* Hint: about how many observations will come (avoids regrowing). */
void  lc_dataset_builder_reserve         (LcDatasetBuilder *builder, gsize n_obs);

/* Renumbers the bands: new band i is the old band order[i] (a permutation),
 * e.g. to put bands met in file order into u g r i z order. */
void lc_dataset_builder_reorder_bands (LcDatasetBuilder *builder, const int *order);

/* Counts values the file marked missing and the reader left out. */
void lc_dataset_builder_add_skipped (LcDatasetBuilder *builder, gsize n);

/* Metadata value k of an object. */
void lc_dataset_builder_set_meta (LcDatasetBuilder *builder, gsize object, int k, float value);

/* Groups and sorts the observations and returns the dataset (ref_count 1).
 * Fails (LC_ERROR_FORMAT) only when the content cannot form a dataset, e.g.
 * a band index out of range.  The builder is left empty and may be freed. */
LcDataset *lc_dataset_builder_finish (LcDatasetBuilder *builder, GError **error);

G_END_DECLS
