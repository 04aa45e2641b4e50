/* lc-stream.c: a dataset in chunks of whole objects (PLAsTiCC CSV row by row,
 * other formats loaded whole and sliced). */
#include "config.h"

#include "lc-stream.h"
#include "lc-csv.h"
#include "lc-dataset-builder.h"
#include "lc-novelty.h"
#include "nn-blas.h"
#include "nn-model.h"

#include <glib/gi18n-lib.h>
#include <string.h>

static const char *const plasticc_bands[] = { "u", "g", "r", "i", "z", "y" };

struct _LcStream
{
  char *path;
  gsize max_objects;
  gsize max_obs;
  gboolean at_end;
  gsize n_objects;           /* handed out so far */
  gsize n_obs;

  /* sharded: objects [shard_first, shard_end) of the stream order */
  gboolean sharded;
  gsize n_read;              /* objects read, in the shard or not */
  gsize n_total;             /* objects counted when the stream was opened */
  gsize shard_first, shard_end;

  /* loaded whole: slices of it */
  LcDataset *whole;
  gsize next_object;

  /* PLAsTiCC, row by row */
  LcPlasticcRows *rows;
  LcPlasticcRow row;         /* read but not yet added (its id points into the reader's buffer,
                              * which stays put until the next read) */
  gboolean have_row;
  GString *current_id;       /* object of the last row added */
  gboolean have_current;
  LcDataset *meta;           /* the metadata table (objects without observations), or NULL */
  GHashTable *meta_index;    /* id -> meta object index + 1 */
  guint8 *meta_done;         /* [meta->n_objects]: its rows have been met */
  GHashTable *done_ids;      /* without metadata: ids whose rows have been met */
  gboolean end_checked;      /* the stream ended: every metadata object was met or said */
};

void
lc_stream_free (LcStream *s)
{
  if (s == NULL)
    return;
  g_free (s->path);
  g_clear_pointer (&s->whole, lc_dataset_unref);
  g_clear_pointer (&s->rows, lc_plasticc_rows_free);
  if (s->current_id != NULL)
    g_string_free (s->current_id, TRUE);
  g_clear_pointer (&s->meta_index, g_hash_table_unref);
  g_clear_pointer (&s->meta, lc_dataset_unref);
  g_free (s->meta_done);
  g_clear_pointer (&s->done_ids, g_hash_table_unref);
  g_free (s);
}

gboolean
lc_stream_is_incremental (const LcStream *s)
{
  return s->rows != NULL;
}

double
lc_stream_fraction (const LcStream *s)
{
  if (s->at_end)
    return 1.0;
  if (s->sharded)
    {
      /* of the shard: the last shard's end is the count */
      gsize end = MIN (s->shard_end, s->n_total);
      return end > s->shard_first ? CLAMP ((double) (s->n_read - MIN (s->n_read, s->shard_first))
                                             / (double) (end - s->shard_first), 0.0, 1.0)
                                  : 0.0;
    }
  if (s->rows != NULL)
    return lc_plasticc_rows_fraction (s->rows);
  if (s->whole != NULL && s->whole->n_objects > 0)
    return (double) s->next_object / (double) s->whole->n_objects;
  return 0.0;
}

gsize
lc_stream_n_objects (const LcStream *s)
{
  return s->n_objects;
}

gsize
lc_stream_n_obs (const LcStream *s)
{
  return s->n_obs;
}

static gboolean
chunk_is_full (const LcStream *s, gsize n_objects, gsize n_obs)
{
  return n_objects >= s->max_objects || (n_objects > 0 && n_obs >= s->max_obs);
}

/* ---- the metadata table ---- */

static void
index_metadata (LcStream *s)
{
  s->meta_index = g_hash_table_new (g_str_hash, g_str_equal);
  for (gsize i = 0; i < s->meta->n_objects; i++)
    g_hash_table_insert (s->meta_index, s->meta->objects[i].id, GSIZE_TO_POINTER (i + 1));
  s->meta_done = g_new0 (guint8, MAX (1, s->meta->n_objects));
}

static gboolean
metadata_has (const LcDataset *meta, const char *id)
{
  for (gsize i = 0; i < meta->n_objects; i++)
    if (strcmp (meta->objects[i].id, id) == 0)
      return TRUE;
  return FALSE;
}

/* As lc_load_plasticc without a metadata path: the first candidate that
 * describes the first object of the file.  A candidate that cannot be read
 * is reported only when none fits. */
static gboolean
find_metadata (LcStream *s, const char *csv_path, const char *first_id, GError **error)
{
  g_auto (GStrv) candidates = lc_plasticc_metadata_candidates (csv_path);
  g_autoptr (GError) unreadable = NULL;

  for (int i = 0; candidates[i] != NULL; i++)
    {
      g_autoptr (GError) local = NULL;
      g_autoptr (LcDataset) meta = lc_load_plasticc_metadata (candidates[i], &local);

      if (meta == NULL)
        {
          if (unreadable == NULL)
            unreadable = g_steal_pointer (&local);
          continue;
        }
      if (metadata_has (meta, first_id))
        {
          s->meta = g_steal_pointer (&meta);
          return TRUE;
        }
    }
  if (unreadable != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&unreadable));
      return FALSE;
    }
  /* no metadata: unlabelled light curves, still fine to predict */
  return TRUE;
}

/* ---- PLAsTiCC row by row ---- */

static gboolean
read_row (LcStream *s, GError **error)
{
  GError *local = NULL;

  if (lc_plasticc_rows_next (s->rows, &s->row, &local))
    {
      s->have_row = TRUE;
      return TRUE;
    }
  if (local != NULL)
    g_propagate_error (error, local);
  return FALSE;
}

static gboolean
open_plasticc (LcStream *s, const char *csv_path, const char *meta_path, GError **error)
{
  GError *local = NULL;

  s->rows = lc_plasticc_rows_open (csv_path, error);
  if (s->rows == NULL)
    return FALSE;
  s->current_id = g_string_new (NULL);
  if (!read_row (s, &local))
    {
      if (local == NULL)
        g_set_error (&local, LC_ERROR, LC_ERROR_FORMAT, _("%s: no observations after the header"),
                     lc_plasticc_rows_name (s->rows));
      g_propagate_error (error, local);
      return FALSE;
    }
  if (meta_path != NULL)
    {
      s->meta = lc_load_plasticc_metadata (meta_path, error);
      if (s->meta == NULL)
        return FALSE;
    }
  else if (!find_metadata (s, csv_path, s->row.id, error))
    return FALSE;
  if (s->meta != NULL)
    index_metadata (s);
  else
    s->done_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return TRUE;
}

static LcDatasetBuilder *
plasticc_chunk_builder (const LcStream *s)
{
  LcDatasetBuilder *b = lc_dataset_builder_new (LC_SOURCE_PLASTICC, LC_VALUE_FLUX, s->path);

  lc_dataset_builder_set_bands (b, G_N_ELEMENTS (plasticc_bands), plasticc_bands);
  if (s->meta == NULL)
    return b;
  /* the file's layout, not just what this chunk happens to hold */
  lc_dataset_builder_set_meta_path (b, s->meta->meta_path);
  lc_dataset_builder_set_meta_names (b, s->meta->n_meta, (const char *const *) s->meta->meta_names);
  for (int c = 0; c < s->meta->n_classes; c++)
    lc_dataset_builder_add_class (b, s->meta->classes[c].id, s->meta->classes[c].name);
  return b;
}

static gboolean
not_contiguous_error (const LcStream *s, GError **error)
{
  g_autofree char *id = lc_sanitize_text (s->row.id, 40);

  g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
               _("%s:%zu: field “object_id”: object “%s” has rows before this line, "
                 "but other objects come in between; reading in chunks needs the rows of each object "
                 "together, as in the PLAsTiCC files: sort the file by object_id (keeping the header "
                 "line first), e.g. with “sort -s -t, -k1,1n”"),
               lc_plasticc_rows_name (s->rows), lc_plasticc_rows_line (s->rows), id);
  return FALSE;
}

/* Marks the pending row's object as met; FALSE when it was met before. */
static gboolean
claim_object (LcStream *s, gssize meta_row)
{
  if (s->meta != NULL)
    {
      if (s->meta_done[meta_row])
        return FALSE;
      s->meta_done[meta_row] = 1;
      return TRUE;
    }
  if (g_hash_table_contains (s->done_ids, s->row.id))
    return FALSE;
  g_hash_table_add (s->done_ids, g_strndup (s->row.id, s->row.id_len));
  return TRUE;
}

/* Starts the object of the pending row in b, with its metadata and class. */
static gboolean
begin_object (LcStream *s, LcDatasetBuilder *b, GError **error)
{
  gssize meta_row = -1;
  int class_id = -1;
  gsize object;

  if (s->meta != NULL)
    {
      meta_row = (gssize) GPOINTER_TO_SIZE (g_hash_table_lookup (s->meta_index, s->row.id)) - 1;
      if (meta_row < 0)
        {
          g_autofree char *id = lc_sanitize_text (s->row.id, 40);
          g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                       _("%s:%zu: field “object_id”: object “%s” has no row in the metadata file %s"),
                       lc_plasticc_rows_name (s->rows), lc_plasticc_rows_line (s->rows), id,
                       s->meta->path);
          return FALSE;
        }
    }
  if (!claim_object (s, meta_row))
    return not_contiguous_error (s, error);
  g_string_append_len (g_string_truncate (s->current_id, 0), s->row.id, (gssize) s->row.id_len);
  s->have_current = TRUE;
  if (meta_row >= 0)
    {
      const LcObject *m = &s->meta->objects[meta_row];
      class_id = m->label >= 0 ? s->meta->classes[m->label].id : -1;
    }
  object = lc_dataset_builder_begin_object_len (b, s->row.id, s->row.id_len, class_id);
  for (int k = 0; meta_row >= 0 && k < s->meta->n_meta; k++)
    lc_dataset_builder_set_meta (b, object, k, s->meta->objects[meta_row].meta[k]);
  return TRUE;
}

static gboolean
row_starts_object (const LcStream *s)
{
  return !s->have_current || s->row.id_len != s->current_id->len
         || memcmp (s->row.id, s->current_id->str, s->row.id_len) != 0;
}

/* Adds rows to b up to the first row of an object that no longer fits. */
static gboolean
fill_plasticc_chunk (LcStream *s, LcDatasetBuilder *b, GError **error)
{
  GError *local = NULL;

  for (;;)
    {
      if (!s->have_row && !read_row (s, &local))
        {
          if (local != NULL)
            {
              g_propagate_error (error, local);
              return FALSE;
            }
          s->at_end = TRUE;
          return TRUE;
        }
      if (row_starts_object (s))
        {
          if (chunk_is_full (s, lc_dataset_builder_n_objects (b), lc_dataset_builder_n_obs (b)))
            return TRUE;
          if (!begin_object (s, b, error))
            return FALSE;
        }
      lc_dataset_builder_add_observation (b, s->row.mjd, s->row.flux, s->row.flux_err, s->row.band,
                                          s->row.detected);
      s->have_row = FALSE;
    }
}

/* At the end: an object the metadata lists but no row gave would be missing
 * from the predictions without a word, so it is an error. */
static gboolean
every_metadata_object_met (const LcStream *s, GError **error)
{
  gsize missing = 0, first = 0;
  g_autofree char *id = NULL;

  /* a shard that stops before the end of the file has not met every object:
   * the last shard, which reads to the end, checks for all of them */
  if (s->rows == NULL || s->meta == NULL || (s->sharded && s->shard_end != G_MAXSIZE))
    return TRUE;
  for (gsize i = s->meta->n_objects; i-- > 0;)
    if (!s->meta_done[i])
      {
        missing++;
        first = i;
      }
  if (missing == 0)
    return TRUE;
  id = lc_sanitize_text (s->meta->objects[first].id, 40);
  g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
               g_dngettext (GETTEXT_PACKAGE,
                            "%s: %zu object listed in the metadata file %s has no observations "
                            "(“%s”); the model classifies light curves, so it cannot be predicted: "
                            "give its observations or remove its metadata row",
                            "%s: %zu objects listed in the metadata file %s have no observations "
                            "(the first: “%s”); the model classifies light curves, so they cannot "
                            "be predicted: give their observations or remove their metadata rows",
                            missing),
               s->path, missing, s->meta->path, id);
  return FALSE;
}

static LcDataset *
next_plasticc_chunk (LcStream *s, GError **error)
{
  g_autoptr (LcDatasetBuilder) b = plasticc_chunk_builder (s);

  if (!fill_plasticc_chunk (s, b, error))
    return NULL;
  if (lc_dataset_builder_n_objects (b) == 0)
    return NULL;
  return lc_dataset_builder_finish (b, error);
}

/* ---- loaded whole, handed out in slices ---- */

static void
copy_object (LcDatasetBuilder *b, const LcDataset *ds, gsize i)
{
  const LcObject *o = &ds->objects[i];
  gsize object = lc_dataset_builder_begin_object (b, o->id, o->label >= 0 ? ds->classes[o->label].id : -1);

  for (int j = 0; j < o->n_obs; j++)
    {
      gsize k = o->first + (gsize) j;
      lc_dataset_builder_add_observation (b, ds->time[k], ds->value[k], ds->error[k], ds->band[k],
                                          ds->detected[k]);
    }
  for (int k = 0; k < ds->n_meta; k++)
    lc_dataset_builder_set_meta (b, object, k, o->meta[k]);
}

static LcDataset *
next_slice (LcStream *s, GError **error)
{
  const LcDataset *ds = s->whole;
  g_autoptr (LcDatasetBuilder) b = NULL;
  gsize n_objects = 0, n_obs = 0;

  if (s->next_object >= ds->n_objects)
    {
      s->at_end = TRUE;
      return NULL;
    }
  b = lc_dataset_builder_new_like (ds);
  if (s->next_object == 0)
    lc_dataset_builder_add_skipped (b, ds->n_skipped);
  while (s->next_object < ds->n_objects && !chunk_is_full (s, n_objects, n_obs))
    {
      copy_object (b, ds, s->next_object);
      n_obs += (gsize) ds->objects[s->next_object].n_obs;
      n_objects++;
      s->next_object++;
    }
  return lc_dataset_builder_finish (b, error);
}

/* ---- shards ---- */

/* Objects of a PLAsTiCC file: runs of rows with the same object_id. */
static gboolean
count_plasticc_objects (const char *path, gsize *n_objects, GError **error)
{
  g_autoptr (LcPlasticcRows) rows = lc_plasticc_rows_open (path, error);
  g_autoptr (GString) id = g_string_new (NULL);
  LcPlasticcRow row;
  GError *local = NULL;
  gsize count = 0;

  if (rows == NULL)
    return FALSE;
  while (lc_plasticc_rows_next (rows, &row, &local))
    if (count == 0 || row.id_len != id->len || memcmp (row.id, id->str, row.id_len) != 0)
      {
        count++;
        g_string_append_len (g_string_truncate (id, 0), row.id, (gssize) row.id_len);
      }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  *n_objects = count;
  return TRUE;
}

/* The shard's range of objects, in whole prediction batches (lc-stream.h). */
static gboolean
set_shard_range (LcStream *s, int shard, int n_shards, GError **error)
{
  gsize block = LC_STREAM_PREDICT_BATCH, n_blocks;

  if (s->rows != NULL)
    {
      if (!count_plasticc_objects (s->path, &s->n_total, error))
        return FALSE;
    }
  else
    s->n_total = s->whole->n_objects;
  n_blocks = (s->n_total + block - 1) / block;
  s->sharded = TRUE;
  s->shard_first = (gsize) shard * n_blocks / (gsize) n_shards * block;
  s->shard_end = shard == n_shards - 1 ? G_MAXSIZE : (gsize) (shard + 1) * n_blocks / (gsize) n_shards * block;
  if (s->whole != NULL)
    {
      /* a loaded file goes straight to the shard */
      s->next_object = MIN (s->shard_first, s->whole->n_objects);
      s->n_read = s->next_object;
    }
  return TRUE;
}

/* Objects [first, end) of chunk as a chunk of their own. */
static LcDataset *
chunk_slice (const LcDataset *chunk, gsize first, gsize end, GError **error)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new_like (chunk);

  for (gsize i = first; i < end; i++)
    copy_object (b, chunk, i);
  return lc_dataset_builder_finish (b, error);
}

static LcDataset *
next_chunk (LcStream *s, GError **error)
{
  return s->rows != NULL ? next_plasticc_chunk (s, error) : next_slice (s, error);
}

/* The next chunk of the shard's objects: chunks before the shard are read
 * and dropped, reading stops at its end. */
static LcDataset *
next_chunk_of_shard (LcStream *s, GError **error)
{
  for (;;)
    {
      gsize first = s->n_read, end;
      LcDataset *chunk;

      if (first >= s->shard_end)
        return NULL;
      chunk = next_chunk (s, error);
      if (chunk == NULL)
        return NULL;
      end = first + chunk->n_objects;
      s->n_read = end;
      if (first >= s->shard_first && end <= s->shard_end)
        return chunk;
      if (end > s->shard_first)
        {
          LcDataset *slice = chunk_slice (chunk, MAX (first, s->shard_first) - first,
                                          MIN (end, s->shard_end) - first, error);
          lc_dataset_unref (chunk);
          return slice;
        }
      lc_dataset_unref (chunk);
    }
}

/* ---- public ---- */

static gboolean
reads_incrementally (const char *path, const LcLoadOptions *load_options)
{
  LcFormat format = load_options != NULL && load_options->format != LC_FORMAT_AUTO
                      ? load_options->format : lc_format_detect (path);

  /* a folder holding a PLAsTiCC file is resolved by lc_load */
  return format == LC_FORMAT_PLASTICC && g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

LcStream *
lc_stream_open (const char *path, const LcLoadOptions *load_options, const LcStreamOptions *options,
                GError **error)
{
  g_autoptr (LcStream) s = g_new0 (LcStream, 1);

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (options == NULL || options->n_shards <= 1
                          || (options->shard >= 0 && options->shard < options->n_shards), NULL);
  s->path = g_strdup (path);
  s->max_objects = options != NULL && options->max_objects > 0 ? options->max_objects
                                                               : LC_STREAM_DEFAULT_MAX_OBJECTS;
  s->max_obs = options != NULL && options->max_obs > 0 ? options->max_obs : LC_STREAM_DEFAULT_MAX_OBS;
  if (reads_incrementally (path, load_options))
    {
      if (!open_plasticc (s, path, load_options != NULL ? load_options->meta_path : NULL, error))
        return NULL;
    }
  else
    {
      s->whole = lc_load (path, load_options, NULL, NULL, error);
      if (s->whole == NULL)
        return NULL;
    }
  if (options != NULL && options->n_shards > 1
      && !set_shard_range (s, options->shard, options->n_shards, error))
    return NULL;
  return g_steal_pointer (&s);
}

LcDataset *
lc_stream_next (LcStream *s, GError **error)
{
  LcDataset *chunk;
  GError *local = NULL;

  g_return_val_if_fail (s != NULL, NULL);
  if (s->at_end)
    {
      if (!s->end_checked)
        {
          s->end_checked = TRUE;
          every_metadata_object_met (s, error);
        }
      return NULL;
    }
  chunk = s->sharded ? next_chunk_of_shard (s, &local) : next_chunk (s, &local);
  if (chunk == NULL)
    {
      /* an error ends the stream: later calls must not resume mid-object */
      s->at_end = TRUE;
      if (local != NULL)
        {
          s->end_checked = TRUE;
          g_propagate_error (error, local);
        }
      else
        {
          s->end_checked = TRUE;
          every_metadata_object_met (s, error);
        }
      return NULL;
    }
  s->n_objects += chunk->n_objects;
  s->n_obs += chunk->n_obs;
  return chunk;
}

/* Members shorter than the model are first built for this many steps. */
#define LC_STREAM_FIRST_STEPS 256

/* ---- prediction in fixed batches ----
 *
 * The rows of the whole stream go through nn_row_predictor_run in the
 * batches nn_model_predict makes (NN_PREDICT_BATCH rows from the first row;
 * a flush holds whole batches but the last), averaged over ensemble members
 * in member order, with the predictors kept from flush to flush: a fresh
 * workspace costs more than a batch.  test-stream checks that the numbers
 * stay bit for bit those of lc_predictor_predict. */

typedef struct
{
  NnRowPredictor *rp;
  const NnData *rows;
  int first, count;          /* rows[first, first + count) */
  float *probs;              /* (rows, K) of the whole flush */
} PredictJob;

typedef struct
{
  const LcPredictor *p;
  int n_jobs;
  int max_steps;             /* the longest object the members may grow to take */
  GPtrArray *shorter;        /* the members built for fewer steps than the model's, or NULL */
  NnModel *const *models;    /* [n_models]: shorter's or the predictor's */
  NnData *rows;              /* pending encoded rows, at the members' max_steps */
  int n;                     /* pending rows */
  GPtrArray *ids;            /* their object ids */
  float *probs;              /* (rows->n, K) */
  float *member_probs;       /* (rows->n, K), ensembles only */
  NnRowPredictor **rp;       /* [n_models * n_jobs] */
  PredictJob jobs[2];
  LcStreamRowsFunc rows_func;
  gpointer user_data;
} Batcher;

/* The batcher holds rows at the members' max_steps, and a workspace per
 * member and thread: checked before anything is allocated, since a model
 * file's "max_steps" may be a million. */
static gsize
batcher_bytes (const LcPredictor *p, const NnModel *model, int n_jobs)
{
  gsize row = (gsize) model->max_steps * lc_encoder_step_features (p->encoder) * sizeof (float);

  return (gsize) n_jobs * LC_STREAM_PREDICT_BATCH * row
         + (gsize) p->n_models * n_jobs * (nn_workspace_bytes (model, NN_PREDICT_BATCH, FALSE)
                                           + NN_PREDICT_BATCH * row);
}

static void
set_too_large_error (const LcPredictor *p, int n_jobs, GError **error)
{
  g_autofree char *need = g_format_size (batcher_bytes (p, p->model, n_jobs));
  g_autofree char *most = g_format_size (NN_PREDICT_MAX_WORKSPACE);

  g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
               _("%s: the model takes sequences of up to %d steps; predicting in batches would "
                 "take %s, at most %s is allowed"), p->doc->source, p->model->max_steps, need, most);
}

/* Whether the batcher for sequences of `steps` steps fits the budget. */
static gboolean
steps_fit (const LcPredictor *p, int steps, int n_jobs)
{
  NnModelDoc view = *p->doc;
  g_autoptr (NnModel) model = NULL;

  view.max_steps = steps;
  model = nn_model_doc_build (&view, p->model->seq_features, p->model->meta_features, p->n_classes,
                              steps, NULL);
  return model != NULL && batcher_bytes (p, model, n_jobs) <= NN_PREDICT_MAX_WORKSPACE;
}

/* The longest length up to `most` whose batcher fits the budget (the bytes
 * grow with the length), 0 when none does. */
static int
longest_fitting_steps (const LcPredictor *p, int most, int n_jobs)
{
  int lo = 0, hi = most;

  while (lo < hi)
    {
      int mid = lo + (hi - lo + 1) / 2;
      if (steps_fit (p, mid, n_jobs))
        lo = mid;
      else
        hi = mid - 1;
    }
  return lo;
}

/* At least as many steps as any object of ds is encoded to: one per
 * observation, or on a grid one per step up to its last. */
static int
longest_object_bound (const LcDataset *ds)
{
  gsize longest = 1;

  for (gsize i = 0; i < ds->n_objects; i++)
    longest = MAX (longest, (gsize) ds->objects[i].n_obs);
  for (gsize j = 0; ds->on_grid && j < ds->n_obs; j++)
    if (ds->time[j] >= 0 && ds->time[j] < G_MAXINT)
      longest = MAX (longest, (gsize) ds->time[j] + 1);
  return (int) MIN (longest, (gsize) G_MAXINT);
}

/* The longest object the batcher may take: the model's max_steps when its
 * batcher fits the budget, else the longest length that fits (for data
 * loaded whole, at most their longest object) if the stored weights allow
 * members of that length.  0 with error when nothing fits. */
static int
batcher_max_steps (const LcStream *s, const LcPredictor *p, int n_jobs, GError **error)
{
  int most = p->model->max_steps - 1, steps;
  g_autoptr (GPtrArray) members = NULL;

  if (batcher_bytes (p, p->model, n_jobs) <= NN_PREDICT_MAX_WORKSPACE)
    return p->model->max_steps;
  if (s->whole != NULL)
    most = MIN (most, longest_object_bound (s->whole));
  steps = longest_fitting_steps (p, most, n_jobs);
  if (steps > 0)
    members = lc_predictor_members_at (p, steps);
  if (members == NULL)
    {
      set_too_large_error (p, n_jobs, error);
      return 0;
    }
  return steps;
}

/* Row i of src as row `at` of dst (src's rows are at most dst's steps). */
static void
copy_row (NnData *dst, int at, const NnData *src, int i)
{
  gsize row_out = (gsize) dst->steps * dst->features;
  gsize kept = (gsize) MIN (src->steps, dst->steps) * dst->features;
  float *x = dst->x + (gsize) at * row_out;

  memcpy (x, src->x + (gsize) i * src->steps * src->features, kept * sizeof (float));
  memset (x + kept, 0, (row_out - kept) * sizeof (float));
  dst->lengths[at] = MIN (src->lengths[i], dst->steps);
  if (dst->meta_features > 0)
    memcpy (dst->meta + (gsize) at * dst->meta_features, src->meta + (gsize) i * src->meta_features,
            sizeof (float) * dst->meta_features);
}

static void
free_row_predictors (Batcher *b)
{
  for (int i = 0; b->rp != NULL && i < b->p->n_models * b->n_jobs; i++)
    nn_row_predictor_free (b->rp[i]);
  g_clear_pointer (&b->rp, g_free);
}

/* Members, rows and workspaces for sequences of `steps` steps, keeping the
 * pending rows: with masking the padded length does not change a number. */
static gboolean
batcher_set_steps (Batcher *b, int steps, GError **error)
{
  const LcPredictor *p = b->p;
  GPtrArray *shorter = NULL;
  NnData *rows;

  if (steps < p->model->max_steps)
    {
      shorter = lc_predictor_members_at (p, steps);
      if (shorter == NULL)
        {
          set_too_large_error (p, b->n_jobs, error);
          return FALSE;
        }
    }
  free_row_predictors (b);
  g_clear_pointer (&b->shorter, g_ptr_array_unref);
  b->shorter = shorter;
  b->models = shorter != NULL ? (NnModel *const *) shorter->pdata : p->models;
  rows = nn_data_new (b->n_jobs * LC_STREAM_PREDICT_BATCH, steps, lc_encoder_step_features (p->encoder),
                      lc_encoder_meta_features (p->encoder), p->n_classes);
  for (int i = 0; b->rows != NULL && i < b->n; i++)
    copy_row (rows, i, b->rows, i);
  g_clear_pointer (&b->rows, nn_data_free);
  b->rows = rows;
  b->rp = g_new0 (NnRowPredictor *, p->n_models * b->n_jobs);
  for (int m = 0; m < p->n_models; m++)
    for (int j = 0; j < b->n_jobs; j++)
      b->rp[m * b->n_jobs + j] = nn_row_predictor_new (b->models[m]);
  for (int j = 0; j < b->n_jobs; j++)
    b->jobs[j].rows = b->rows;
  return TRUE;
}

/* Members shorter than the model start small and double as longer objects
 * arrive, up to max_steps: a stream's objects are seldom near the budget. */
static gboolean
batcher_init (Batcher *b, const LcPredictor *p, int n_jobs, int max_steps, int first_steps,
              LcStreamRowsFunc rows_func, gpointer user_data, GError **error)
{
  int capacity = n_jobs * LC_STREAM_PREDICT_BATCH, K = MAX (p->n_classes, 1);

  memset (b, 0, sizeof *b);
  b->p = p;
  b->n_jobs = n_jobs;
  b->max_steps = max_steps;
  b->ids = g_ptr_array_new_with_free_func (g_free);
  b->probs = g_new (float, (gsize) capacity * K);
  if (p->n_models > 1)
    b->member_probs = g_new (float, (gsize) capacity * K);
  b->rows_func = rows_func;
  b->user_data = user_data;
  return batcher_set_steps (b, first_steps, error);
}

static void
batcher_clear (Batcher *b)
{
  free_row_predictors (b);
  g_clear_pointer (&b->shorter, g_ptr_array_unref);
  g_clear_pointer (&b->rows, nn_data_free);
  g_clear_pointer (&b->ids, g_ptr_array_unref);
  g_clear_pointer (&b->probs, g_free);
  g_clear_pointer (&b->member_probs, g_free);
}

static gpointer
run_job (gpointer data)
{
  PredictJob *job = data;

  nn_row_predictor_run (job->rp, job->rows, job->first, job->count, job->probs);
  return NULL;
}

/* Probabilities of member m for view into probs: a full flush (both jobs'
 * rows) goes to two threads, anything else to one. */
static void
predict_member (Batcher *b, int m, const NnData *view, float *probs)
{
  int n_jobs = b->n_jobs == 2 && view->n == 2 * LC_STREAM_PREDICT_BATCH ? 2 : 1;
  GThread *helper = NULL;

  for (int j = 0; j < n_jobs; j++)
    {
      PredictJob *job = &b->jobs[j];
      job->rp = b->rp[m * b->n_jobs + j];
      job->rows = view;
      job->first = j * LC_STREAM_PREDICT_BATCH;
      job->count = n_jobs == 2 ? LC_STREAM_PREDICT_BATCH : view->n;
      job->probs = probs;
    }
  if (n_jobs == 2)
    helper = g_thread_new ("lc-stream-predict", run_job, &b->jobs[1]);
  run_job (&b->jobs[0]);
  if (helper != NULL)
    g_thread_join (helper);
}

static gboolean
batcher_flush (Batcher *b, GError **error)
{
  const LcPredictor *p = b->p;
  gsize size = (gsize) b->n * p->n_classes;
  g_autofree double *distance = NULL;
  int saved_blas = nn_blas_get_threads ();
  NnData view;
  gboolean ok;

  if (b->n == 0)
    return TRUE;
  view = *b->rows;
  view.n = b->n;
  if (!nn_model_check_data (b->models[0], &view, FALSE, _("data"), error))
    return FALSE;
  /* two threads each run single-threaded BLAS, also on the last rows, so
   * every batch gets the same numbers */
  if (b->n_jobs == 2)
    nn_blas_set_threads (1);
  if (p->n_models == 1)
    predict_member (b, 0, &view, b->probs);
  else
    {
      /* the mean as lc_predictor_predict takes it */
      memset (b->probs, 0, size * sizeof (float));
      for (int m = 0; m < p->n_models; m++)
        {
          predict_member (b, m, &view, b->member_probs);
          for (gsize i = 0; i < size; i++)
            b->probs[i] += b->member_probs[i] / (float) p->n_models;
        }
    }
  if (b->n_jobs == 2)
    nn_blas_set_threads (saved_blas);
  lc_predictor_calibrate (p, b->probs, b->n);
  if (lc_predictor_has_novelty (p))
    {
      distance = g_new (double, MAX (b->n, 1));
      if (!lc_predictor_novelty_members (p, b->models, &view, distance, error))
        return FALSE;
    }
  ok = b->rows_func ((const char *const *) b->ids->pdata, b->probs, distance, b->n, b->user_data, error);
  g_ptr_array_set_size (b->ids, 0);
  b->n = 0;
  return ok;
}

/* Members shorter than the model cannot take an object longer than the
 * budget allows them: cutting it would give other numbers than the model. */
static void
set_object_too_long_error (const Batcher *b, const LcDataset *chunk, int i, int steps,
                           GError **error)
{
  g_autofree char *most = g_format_size (NN_PREDICT_MAX_WORKSPACE);

  g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
               _("%s: object “%s” has %d steps; the model %s takes up to %d, but predicting in "
                 "batches within %s fits at most %d"), chunk->path, chunk->objects[i].id, steps,
               b->p->doc->source, b->p->model->max_steps, most, b->max_steps);
}

/* Encodes a chunk and queues its rows, predicting whenever the queue is full. */
static gboolean
batcher_add_chunk (Batcher *b, const LcDataset *chunk, GError **error)
{
  g_autoptr (NnData) data = lc_predictor_encode (b->p, chunk, NULL, 0, b->n_jobs, error);

  if (data == NULL)
    return FALSE;
  if (data->features != b->rows->features || data->meta_features != b->rows->meta_features)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                   _("%s: the encoder gives %d step and %d metadata features, the model expects %d and %d"),
                   chunk->path, data->features, data->meta_features, b->rows->features,
                   b->rows->meta_features);
      return FALSE;
    }
  for (int i = 0; i < data->n; i++)
    {
      if (data->lengths[i] > b->max_steps)
        {
          set_object_too_long_error (b, chunk, i, data->lengths[i], error);
          return FALSE;
        }
      if (data->lengths[i] > b->rows->steps
          && !batcher_set_steps (b, MIN (b->max_steps, MAX (data->lengths[i], 2 * b->rows->steps)),
                                 error))
        return FALSE;
      copy_row (b->rows, b->n, data, i);
      g_ptr_array_add (b->ids, g_strdup (chunk->objects[i].id));
      if (++b->n == b->rows->n && !batcher_flush (b, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
stream_progress (LcStream *s, LcProgressFunc progress, gpointer user_data, GError **error)
{
  if (progress == NULL || progress (lc_stream_fraction (s), user_data))
    return TRUE;
  g_set_error (error, LC_ERROR, LC_ERROR_CANCELLED, _("%s: prediction cancelled"), s->path);
  return FALSE;
}

gboolean
lc_stream_predict (LcStream *s, const LcPredictor *p, int threads, LcStreamRowsFunc rows_func,
                   LcProgressFunc progress, gpointer user_data, GError **error)
{
  Batcher b;
  LcDataset *chunk;
  GError *local = NULL;
  gboolean ok;
  int n_jobs = threads >= 2 ? 2 : 1, max_steps, first_steps;

  g_return_val_if_fail (s != NULL && p != NULL && rows_func != NULL, FALSE);
  max_steps = batcher_max_steps (s, p, n_jobs, error);
  if (max_steps == 0)
    return FALSE;
  first_steps = max_steps == p->model->max_steps || s->whole != NULL
                  ? max_steps : MIN (max_steps, LC_STREAM_FIRST_STEPS);
  ok = batcher_init (&b, p, n_jobs, max_steps, first_steps, rows_func, user_data, error);
  while (ok && (chunk = lc_stream_next (s, &local)) != NULL)
    {
      ok = batcher_add_chunk (&b, chunk, error) && stream_progress (s, progress, user_data, error);
      lc_dataset_unref (chunk);
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      ok = FALSE;
    }
  if (ok)
    ok = batcher_flush (&b, error);
  batcher_clear (&b);
  return ok;
}
