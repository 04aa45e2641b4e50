/* nn-data.h: encoded data as the network eats it.
 *
 * NnData is a whole encoded dataset (what the light-curve encoder produces and the
 * trainer consumes); NnBatch is a view of some of its rows.  Sequences are padded
 * at the end to `steps` and carry their lengths.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int n;              /* rows (objects) */
  int steps;          /* T: padded length */
  int features;       /* F: per-step features */
  int meta_features;  /* S: per-object static features (0 = none) */
  int n_classes;      /* K */
  float *x;           /* (n, T, F); padded steps are 0 */
  int *lengths;       /* [n], 1 <= lengths[i] <= T */
  float *meta;        /* (n, S) or NULL */
  int *labels;        /* [n] class index in [0, K), or -1 when unknown; NULL when unlabelled */
} NnData;

/* Allocates zeroed buffers; meta when meta_features > 0, labels always (filled with -1). */
NnData *nn_data_new  (int n, int steps, int features, int meta_features, int n_classes);
void    nn_data_free (NnData *data);
/* A new NnData with the given rows, in that order (for splits and resampling). */
NnData *nn_data_subset (const NnData *data, const int *rows, int n_rows);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnData, nn_data_free)

typedef struct
{
  int batch;          /* B */
  int steps;          /* T */
  int features;       /* F */
  int meta_features;  /* S */
  const float *x;     /* (B, T, F) */
  const int *lengths; /* [B] */
  const float *meta;  /* (B, S) or NULL */
  const int *labels;  /* [B] or NULL */
} NnBatch;

/* Copies rows[0..n_rows) of data into preallocated batch buffers (no allocation):
 * x_buf (n_rows*T*F), len_buf (n_rows), meta_buf (n_rows*S, may be NULL when S == 0),
 * label_buf (n_rows, may be NULL). Fills *batch to point at them. */
void nn_data_gather (const NnData *data, const int *rows, int n_rows,
                     float *x_buf, int *len_buf, float *meta_buf, int *label_buf,
                     NnBatch *batch);

G_END_DECLS
