/* lc-stream.h: reading a dataset chunk by chunk, with bounded memory.
 *
 * A stream yields the objects of a file in file order as a series of small
 * LcDatasets ("chunks") of whole objects: at most max_objects objects, and no
 * more observations than max_obs unless a single object has more.  Every
 * chunk has the layout of the whole file (bands, metadata columns, classes in
 * the same order), so code written for one LcDataset works on each chunk, and
 * an LcEncoder fitted elsewhere encodes an object of a chunk exactly as it
 * would encode it in the whole file.
 *
 * PLAsTiCC light-curve CSVs are read row by row: memory is one chunk plus the
 * metadata table (a PLAsTiCC metadata CSV is small and read whole; without
 * one, the ids met so far are kept instead).  The rows of one object must be
 * contiguous (as in the PLAsTiCC files); an object that comes back after
 * other objects is an error that names the line and says to sort the file.
 * Other formats are loaded whole and handed out in slices.
 *
 *   g_autoptr (LcStream) s = lc_stream_open (path, NULL, NULL, error);
 *   LcDataset *chunk;
 *   while ((chunk = lc_stream_next (s, error)) != NULL)
 *     { ...; lc_dataset_unref (chunk); }
 *   if (*error != NULL) ...
 */
#pragma once

#include "lc-format.h"
#include "lc-pipeline.h"

G_BEGIN_DECLS

#define LC_STREAM_DEFAULT_MAX_OBJECTS 1024
#define LC_STREAM_DEFAULT_MAX_OBS     (256 * 1024)

/* Objects each thread predicts per flush of the queue: whole batches of
 * NN_PREDICT_BATCH, as nn_model_predict makes them of a whole dataset. */
#define LC_STREAM_PREDICT_BATCH (8 * NN_PREDICT_BATCH)

/* Shards (n_shards > 1) are contiguous ranges of the objects in stream
 * order, cut at multiples of LC_STREAM_PREDICT_BATCH objects: of the B
 * blocks of the file, shard i starts at block floor (i * B / n_shards) and
 * the last shard runs to the end.  Each shard thus predicts in the batches
 * one whole run makes (the same probabilities, bit for bit), and the shards'
 * rows in shard order are the rows of one whole run.  Counting the objects
 * costs one more pass over a PLAsTiCC file read row by row. */
typedef struct
{
  gsize max_objects;   /* objects per chunk; 0: LC_STREAM_DEFAULT_MAX_OBJECTS */
  gsize max_obs;       /* observations per chunk (an object is never split); 0: LC_STREAM_DEFAULT_MAX_OBS */
  int shard;           /* 0-based, < n_shards */
  int n_shards;        /* 0 or 1: every object */
} LcStreamOptions;

typedef struct _LcStream LcStream;

/* Opens path as lc_load would (load_options may be NULL; for PLAsTiCC its
 * meta_path, else the metadata beside the file).  Fails when the file cannot
 * be opened, its header is wrong or its metadata cannot be read. */
LcStream  *lc_stream_open (const char *path, const LcLoadOptions *load_options,
                           const LcStreamOptions *options, GError **error);
void       lc_stream_free (LcStream *stream);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcStream, lc_stream_free)

/* The next chunk (unref it when done), or NULL at the end (error unset) or
 * on an error (error set; the stream then stays at its end). */
LcDataset *lc_stream_next (LcStream *stream, GError **error);

/* TRUE when the file is read as it goes; FALSE when it was loaded whole. */
gboolean   lc_stream_is_incremental (const LcStream *stream);
/* Fraction of the input consumed (0..1), for progress. */
double     lc_stream_fraction       (const LcStream *stream);
/* Objects and observations handed out so far (of this shard). */
gsize      lc_stream_n_objects      (const LcStream *stream);
gsize      lc_stream_n_obs          (const LcStream *stream);

/* Receives predicted rows in file order: ids[n_rows], probs (n_rows, K) and
 * their lc_predictor_novelty scores distance[n_rows] (NULL when the model
 * has none: lc_predictor_has_novelty). */
typedef gboolean (*LcStreamRowsFunc) (const char *const *ids, const float *probs, const double *distance,
                                      int n_rows, gpointer user_data, GError **error);

/* Predicts every object of stream with predictor.  Rows are gathered across
 * chunks into batches of LC_STREAM_PREDICT_BATCH objects (two at a time with
 * threads 2), so the probabilities are bit for bit those of
 * lc_predictor_predict on the whole dataset with one thread, whatever the
 * chunk sizes.  A model whose max_steps would make the batches exceed
 * NN_PREDICT_MAX_WORKSPACE runs on members built for the objects' lengths
 * when its weights allow (lc_predictor_members_at), and refuses an object
 * longer than fits.  progress (may be NULL) is called after each chunk and stops
 * the run with LC_ERROR_CANCELLED when it returns FALSE; so does rows_func
 * returning FALSE (with its error). */
gboolean lc_stream_predict (LcStream *stream, const LcPredictor *predictor, int threads,
                            LcStreamRowsFunc rows_func, LcProgressFunc progress, gpointer user_data,
                            GError **error);

G_END_DECLS
