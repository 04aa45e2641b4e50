/* test-stream.c: reading a dataset in chunks of whole objects (lc-stream.h)
 * and predicting it chunk by chunk with the same numbers as the whole file. */
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lc.h"
#include "lc-dataset-builder.h"
#include "lc-stream.h"
#include "nn-blas.h"

static char *tmp_dir;

static LcDataset *
simulated (int n, guint64 seed, double days)
{
  LcSimulateOptions o;
  g_autoptr (GError) error = NULL;
  LcDataset *ds;

  lc_simulate_options_default (&o);
  o.n_objects = n;
  o.seed = seed;
  o.with_meta = TRUE;
  if (days > 0)
    o.survey_days = days;
  ds = lc_simulate (&o, NULL, NULL, &error);
  g_assert_no_error (error);
  return ds;
}

/* A simulated PLAsTiCC CSV pair in the temporary folder; returns the light-curve path. */
static char *
write_simulated (const char *prefix, int n, guint64 seed)
{
  g_autoptr (LcDataset) ds = simulated (n, seed, 0);
  g_autoptr (GError) error = NULL;

  g_assert_true (lc_write_plasticc (ds, tmp_dir, prefix, &error));
  g_assert_no_error (error);
  return g_strdup_printf ("%s/%s.csv", tmp_dir, prefix);
}

static char *
write_text (const char *name, const char *text)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
assert_same_layout (const LcDataset *chunk, const LcDataset *whole)
{
  g_assert_cmpint (chunk->source, ==, whole->source);
  g_assert_cmpint (chunk->n_bands, ==, whole->n_bands);
  for (int b = 0; b < whole->n_bands; b++)
    g_assert_cmpstr (chunk->band_names[b], ==, whole->band_names[b]);
  g_assert_cmpint (chunk->n_meta, ==, whole->n_meta);
  for (int k = 0; k < whole->n_meta; k++)
    g_assert_cmpstr (chunk->meta_names[k], ==, whole->meta_names[k]);
  g_assert_cmpint (chunk->n_classes, ==, whole->n_classes);
  for (int c = 0; c < whole->n_classes; c++)
    {
      g_assert_cmpint (chunk->classes[c].id, ==, whole->classes[c].id);
      g_assert_cmpstr (chunk->classes[c].name, ==, whole->classes[c].name);
    }
}

/* Object i of chunk is object j of whole, observation by observation. */
static void
assert_same_object (const LcDataset *chunk, gsize i, const LcDataset *whole, gsize j)
{
  const LcObject *a = &chunk->objects[i], *b = &whole->objects[j];

  g_assert_cmpstr (a->id, ==, b->id);
  g_assert_cmpint (a->n_obs, ==, b->n_obs);
  g_assert_cmpint (a->label >= 0 ? chunk->classes[a->label].id : -1, ==,
                   b->label >= 0 ? whole->classes[b->label].id : -1);
  /* bitwise, NaN included */
  g_assert_cmpmem (a->meta, sizeof (float) * chunk->n_meta, b->meta, sizeof (float) * whole->n_meta);
  g_assert_cmpmem (chunk->time + a->first, sizeof (double) * a->n_obs, whole->time + b->first,
                   sizeof (double) * b->n_obs);
  g_assert_cmpmem (chunk->value + a->first, sizeof (float) * a->n_obs, whole->value + b->first,
                   sizeof (float) * b->n_obs);
  g_assert_cmpmem (chunk->error + a->first, sizeof (float) * a->n_obs, whole->error + b->first,
                   sizeof (float) * b->n_obs);
  g_assert_cmpmem (chunk->band + a->first, a->n_obs, whole->band + b->first, b->n_obs);
  g_assert_cmpmem (chunk->detected + a->first, a->n_obs, whole->detected + b->first, b->n_obs);
}

/* Streams path with the given limits and checks that the chunks, put end to
 * end, are the whole dataset, and that each respects the limits. */
static void
check_chunks (const char *path, gsize max_objects, gsize max_obs, gboolean incremental)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) whole = lc_load (path, NULL, NULL, NULL, &error);
  LcStreamOptions options = { max_objects, max_obs };
  g_autoptr (LcStream) stream = NULL;
  LcDataset *chunk;
  gsize seen = 0, n_chunks = 0;

  g_assert_no_error (error);
  stream = lc_stream_open (path, NULL, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lc_stream_is_incremental (stream), ==, incremental);
  while ((chunk = lc_stream_next (stream, &error)) != NULL)
    {
      g_autoptr (LcDataset) owned = chunk;
      gsize last_obs = (gsize) chunk->objects[chunk->n_objects - 1].n_obs;

      g_assert_cmpuint (chunk->n_objects, >=, 1);
      g_assert_cmpuint (chunk->n_objects, <=, max_objects);
      /* whole objects: only the last one may take it past max_obs */
      g_assert_cmpuint (chunk->n_obs - last_obs, <, max_obs);
      assert_same_layout (chunk, whole);
      for (gsize i = 0; i < chunk->n_objects; i++)
        assert_same_object (chunk, i, whole, seen + i);
      seen += chunk->n_objects;
      n_chunks++;
      /* never more than the chunk limits promise, whatever the file size */
      if (seen < whole->n_objects && max_obs > 1000)
        g_assert_cmpuint (chunk->n_objects, ==, max_objects);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (seen, ==, whole->n_objects);
  g_assert_cmpuint (lc_stream_n_objects (stream), ==, whole->n_objects);
  g_assert_cmpuint (lc_stream_n_obs (stream), ==, whole->n_obs);
  g_assert_cmpfloat (lc_stream_fraction (stream), ==, 1.0);
  g_assert_cmpuint (n_chunks, >=, (whole->n_objects + max_objects - 1) / max_objects);
  /* the end stays the end */
  g_assert_null (lc_stream_next (stream, &error));
  g_assert_no_error (error);
}

static void
test_plasticc_chunks (void)
{
  g_autofree char *path = write_simulated ("chunks", 40, 11);
  const gsize sizes[] = { 1, 2, 7, 40, 1000 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    check_chunks (path, sizes[i], 1000000, TRUE);
  /* an observation budget: chunks close at the first object that does not fit */
  check_chunks (path, 1000, 500, TRUE);
  check_chunks (path, 1000, 1, TRUE);
}

static void
test_other_formats_sliced (void)
{
  check_chunks ("sim:30:4", 7, 1000000, FALSE);
  check_chunks ("sim:30:4", 1000, 300, FALSE);
}

static void
assert_error_mentions (const GError *error, const char *const *words)
{
  g_assert_nonnull (error);
  for (int i = 0; words[i] != NULL; i++)
    if (strstr (error->message, words[i]) == NULL)
      g_error ("“%s” does not mention “%s”", error->message, words[i]);
}

/* Reads every chunk; returns the objects read before the error. */
static gsize
drain (LcStream *stream, GError **error)
{
  gsize n = 0;
  LcDataset *chunk;

  while ((chunk = lc_stream_next (stream, error)) != NULL)
    {
      n += chunk->n_objects;
      lc_dataset_unref (chunk);
    }
  return n;
}

static const char *interleaved_rows =
  "object_id,mjd,passband,flux,flux_err,detected\n"
  "10,59000.1,2,12.5,1.0,1\n"
  "10,59001.1,3,13.5,1.0,1\n"
  "20,59000.2,2,2.5,1.0,0\n"
  "10,59002.1,2,11.5,1.0,1\n";

static void
test_interleaved_refused (void)
{
  g_autofree char *csv = write_text ("interleaved.csv", interleaved_rows);
  /* found beside the file */
  g_autofree char *meta = write_text ("interleaved_metadata.csv",
                                      "object_id,hostgal_photoz,target\n10,0.1,90\n20,0,16\n");
  g_autofree char *bare_dir = g_build_filename (tmp_dir, "bare", NULL);
  g_autofree char *bare = g_build_filename (bare_dir, "interleaved.csv", NULL);
  const char *words[] = { "interleaved.csv", ":5:", "object_id", "“10”", "sort", NULL };
  LcStreamOptions options = { 1, 0 };

  /* with metadata and without any */
  g_assert_cmpint (g_mkdir_with_parents (bare_dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (bare, interleaved_rows, -1, NULL));
  for (int with_meta = 1; with_meta >= 0; with_meta--)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (LcStream) stream = lc_stream_open (with_meta ? csv : bare, NULL, &options, &error);
      gsize n;

      g_assert_no_error (error);
      n = drain (stream, &error);
      g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
      assert_error_mentions (error, words);
      /* both objects were handed out before the third run of rows */
      g_assert_cmpuint (n, ==, 2);
    }
  g_assert_true (g_file_test (meta, G_FILE_TEST_EXISTS));
}

static void
test_broken_file (void)
{
  /* the bad row is in the second chunk: the first one comes, then the error */
  g_autofree char *csv = write_text ("broken.csv",
                                     "object_id,mjd,passband,flux,flux_err,detected\n"
                                     "1,59000.1,2,12.5,1.0,1\n"
                                     "2,59000.1,2,12.5,1.0,1\n"
                                     "2,59001.1,2,abc,1.0,1\n");
  g_autofree char *cut = write_text ("cut.csv",
                                     "object_id,mjd,passband,flux,flux_err,detected\n"
                                     "1,59000.1,2,12.5,1.0,1\n"
                                     "1,59001.1,2,1");
  const char *bad_flux[] = { "broken.csv", ":4:", "flux", "abc", NULL };
  const char *truncated[] = { "cut.csv", ":3:", NULL };
  LcStreamOptions options = { 1, 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (LcStream) stream = lc_stream_open (csv, NULL, &options, &error);
  g_autoptr (LcStream) stream2 = NULL;
  g_autoptr (LcDataset) first = NULL;

  g_assert_no_error (error);
  first = lc_stream_next (stream, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first->objects[0].id, ==, "1");
  g_assert_null (lc_stream_next (stream, &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  assert_error_mentions (error, bad_flux);
  g_clear_error (&error);
  /* an error ends the stream */
  g_assert_null (lc_stream_next (stream, &error));
  g_assert_no_error (error);

  stream2 = lc_stream_open (cut, NULL, &options, &error);
  g_assert_no_error (error);
  drain (stream2, &error);
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  assert_error_mentions (error, truncated);
}

static void
test_open_errors (void)
{
  g_autofree char *empty = write_text ("empty.csv", "object_id,mjd,passband,flux,flux_err,detected\n");
  g_autofree char *csv = write_text ("partial.csv",
                                     "object_id,mjd,passband,flux,flux_err,detected\n"
                                     "1,59000.1,2,12.5,1.0,1\n"
                                     "3,59000.1,2,12.5,1.0,1\n");
  g_autofree char *meta = write_text ("partial-meta.csv", "object_id,hostgal_photoz,target\n1,0.1,90\n");
  g_autofree char *bad_meta = write_text ("bad-meta.csv", "object_id,hostgal_photoz,target\n1,x,90\n");
  const char *missing[] = { "partial.csv", ":3:", "“3”", "partial-meta.csv", NULL };
  const char *bad_value[] = { "bad-meta.csv", ":2:", "x", NULL };
  LcLoadOptions load = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (LcStream) stream = NULL;

  g_assert_null (lc_stream_open (empty, NULL, NULL, &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "no observations"));
  g_clear_error (&error);

  g_assert_null (lc_stream_open ("/nonexistent/x.csv", NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  load.meta_path = bad_meta;
  g_assert_null (lc_stream_open (csv, &load, NULL, &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  assert_error_mentions (error, bad_value);
  g_clear_error (&error);

  /* an object the metadata file does not describe */
  load.meta_path = meta;
  stream = lc_stream_open (csv, &load, NULL, &error);
  g_assert_no_error (error);
  drain (stream, &error);
  g_assert_error (error, LC_ERROR, LC_ERROR_MISMATCH);
  assert_error_mentions (error, missing);
}

/* A fitted encoder encodes an object of a chunk exactly as in the whole
 * file: only the padded length differs. */
static void
test_encoder_per_chunk (void)
{
  g_autofree char *path = write_simulated ("encode", 50, 13);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) whole = lc_load (path, NULL, NULL, NULL, &error);
  LcStreamOptions options = { 7, 0 };
  g_autoptr (LcStream) stream = NULL;
  LcDataset *chunk;
  gsize seen = 0;

  g_assert_no_error (error);
  for (int norm = LC_NORM_OBJECT_ROBUST; norm <= LC_NORM_GLOBAL; norm += LC_NORM_GLOBAL)
    {
      LcEncoderOptions eo;
      g_autoptr (LcEncoder) encoder = NULL;
      g_autoptr (NnData) all = NULL;

      lc_encoder_options_default (&eo);
      eo.normalisation = norm;
      eo.with_band_features = TRUE;
      encoder = lc_encoder_new (&eo);
      g_assert_true (lc_encoder_fit (encoder, whole, NULL, 0, &error));
      g_assert_no_error (error);
      all = lc_encoder_encode (encoder, whole, NULL, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpint (all->meta_features, >, 0);
      stream = lc_stream_open (path, NULL, &options, &error);
      g_assert_no_error (error);
      seen = 0;
      while ((chunk = lc_stream_next (stream, &error)) != NULL)
        {
          g_autoptr (LcDataset) owned = chunk;
          g_autoptr (NnData) part = lc_encoder_encode (encoder, owned, NULL, 0, &error);
          int F = part->features, S = part->meta_features;

          g_assert_no_error (error);
          g_assert_cmpint (F, ==, all->features);
          g_assert_cmpint (S, ==, all->meta_features);
          for (int i = 0; i < part->n; i++)
            {
              gsize j = seen + (gsize) i;
              g_assert_cmpint (part->lengths[i], ==, all->lengths[j]);
              g_assert_cmpint (part->labels[i], ==, all->labels[j]);
              g_assert_cmpmem (part->x + (gsize) i * part->steps * F, sizeof (float) * part->lengths[i] * F,
                               all->x + j * all->steps * F, sizeof (float) * all->lengths[j] * F);
              g_assert_cmpmem (part->meta + (gsize) i * S, sizeof (float) * S, all->meta + j * S,
                               sizeof (float) * S);
            }
          seen += (gsize) part->n;
        }
      g_assert_no_error (error);
      g_assert_cmpuint (seen, ==, whole->n_objects);
      g_clear_pointer (&stream, lc_stream_free);
    }
}

/* Every file of the fuzz corpus: the stream fails where lc_load fails, never
 * crashes, and reads what lc_load reads, except that it refuses objects whose
 * rows are apart. */
static void
test_fuzz_corpus (void)
{
  g_autofree char *dir = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "tests", "fuzz", "corpus",
                                           NULL);
  g_autoptr (GDir) folder = g_dir_open (dir, 0, NULL);
  const char *name;
  int n_files = 0;

  if (folder == NULL)
    {
      g_test_skip ("no tests/fuzz/corpus (PASSBAND_SOURCE_DIR unset)");
      return;
    }
  while ((name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr (GError) load_error = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (LcDataset) whole = lc_load (path, NULL, NULL, NULL, &load_error);
      LcStreamOptions options = { 2, 0 };
      g_autoptr (LcStream) stream = lc_stream_open (path, NULL, &options, &error);
      gsize n = stream != NULL ? drain (stream, &error) : 0;

      n_files++;
      if (whole == NULL)
        {
          if (error == NULL)
            g_error ("%s: lc_load fails (%s) but the stream read %" G_GSIZE_FORMAT " objects", name,
                     load_error->message, n);
          continue;
        }
      if (error != NULL && strstr (error->message, "sort the file") != NULL)
        continue;
      if (error != NULL)
        g_error ("%s: lc_load reads it but the stream fails: %s", name, error->message);
      g_assert_cmpuint (n, ==, whole->n_objects);
    }
  g_assert_cmpint (n_files, >, 20);
}

/* ---- prediction ---- */

static NnModelDoc *
mixed_spec (void)
{
  const char *text =
    "{\"format\": \"passband-model\", \"version\": 1, \"name\": \"t\",\n"
    " \"layers\": [{\"type\": \"gru\", \"units\": 8},\n"
    "            {\"type\": \"concat_metadata\"},\n"
    "            {\"type\": \"dense\", \"units\": \"classes\", \"activation\": \"softmax\"}],\n"
    " \"training\": {\"epochs\": 1, \"batch_size\": 32, \"seed\": 3, \"val_fraction\": 0}}";
  g_autoptr (GError) error = NULL;
  NnModelDoc *doc = nn_model_doc_load_from_data (text, -1, "spec.json", &error);
  g_assert_no_error (error);
  return doc;
}

/* A model trained for one epoch on ds. */
static LcPredictor *
trained_predictor (const LcDataset *ds)
{
  g_autoptr (NnModelDoc) spec = mixed_spec ();
  g_autoptr (LcTrainRun) run = NULL;
  g_autoptr (GError) error = NULL;
  LcPredictor *p;

  run = lc_train_run_prepare (ds, spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lc_train_run_train (run, NULL, &error));
  g_assert_no_error (error);
  p = lc_predictor_new (run->doc, &error);
  g_assert_no_error (error);
  return p;
}

typedef struct
{
  GPtrArray *ids;
  GArray *probs;
  int n_classes;
} Collected;

static gboolean
collect_rows (const char *const *ids, const float *probs, const double *distance, int n_rows,
              gpointer user_data, GError **error)
{
  Collected *c = user_data;
  (void) distance, (void) error;
  for (int i = 0; i < n_rows; i++)
    g_ptr_array_add (c->ids, g_strdup (ids[i]));
  g_array_append_vals (c->probs, probs, (guint) n_rows * c->n_classes);
  return TRUE;
}

/* Streams path through p and checks the rows against whole-file predictions. */
static void
check_stream_predict (const LcPredictor *p, const char *path, const LcDataset *whole,
                      const float *want, gsize max_objects, int threads)
{
  LcStreamOptions options = { max_objects, 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (LcStream) stream = lc_stream_open (path, NULL, &options, &error);
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) probs = g_array_new (FALSE, FALSE, sizeof (float));
  Collected c = { ids, probs, p->n_classes };

  g_assert_no_error (error);
  g_assert_true (lc_stream_predict (stream, p, threads, collect_rows, NULL, &c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, whole->n_objects);
  for (guint i = 0; i < ids->len; i++)
    g_assert_cmpstr (g_ptr_array_index (ids, i), ==, whole->objects[i].id);
  /* bit for bit */
  g_assert_cmpmem (probs->data, sizeof (float) * probs->len, want,
                   sizeof (float) * whole->n_objects * p->n_classes);
}

static void
test_predict_matches_whole_file (void)
{
  g_autoptr (LcDataset) train = simulated (90, 21, 0);
  g_autoptr (LcPredictor) p = trained_predictor (train);
  /* more than two batches of 256, so chunks straddle batch boundaries */
  g_autofree char *path = write_simulated ("predict", 600, 22);
  g_autoptr (LcDataset) whole = NULL;
  g_autofree float *want = NULL;
  g_autoptr (GError) error = NULL;
  int saved_blas = nn_blas_get_threads ();
  const gsize sizes[] = { 1, 2, 7, 1000 };

  nn_blas_set_threads (1);
  whole = lc_load (path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (whole->n_meta, >, 0);
  want = lc_predictor_predict (p, whole, NULL, 0, 1, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    check_stream_predict (p, path, whole, want, sizes[i], 1);
  /* two threads: each takes a batch, with the numbers of one thread */
  check_stream_predict (p, path, whole, want, 7, 2);
  nn_blas_set_threads (saved_blas);
}

static gboolean
cancel_cb (double fraction, gpointer user_data)
{
  (void) fraction;
  (void) user_data;
  return FALSE;
}

static gboolean
failing_rows (const char *const *ids, const float *probs, const double *distance, int n_rows,
              gpointer user_data, GError **error)
{
  (void) ids, (void) probs, (void) distance, (void) n_rows, (void) user_data;
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC, "disk full");
  return FALSE;
}

static void
test_predict_stops (void)
{
  g_autoptr (LcDataset) train = simulated (60, 31, 0);
  g_autoptr (LcPredictor) p = trained_predictor (train);
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) probs = g_array_new (FALSE, FALSE, sizeof (float));
  Collected c = { ids, probs, p->n_classes };
  g_autoptr (GError) error = NULL;
  g_autoptr (LcStream) s1 = lc_stream_open ("sim:20:3", NULL, NULL, &error);
  g_autoptr (LcStream) s2 = lc_stream_open ("sim:20:3", NULL, NULL, &error);

  g_assert_false (lc_stream_predict (s1, p, 1, collect_rows, cancel_cb, &c, &error));
  g_assert_error (error, LC_ERROR, LC_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (lc_stream_predict (s2, p, 1, failing_rows, NULL, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC);
}

/* ds with every object cut to its first k observations (in time order). */
static LcDataset *
first_observations (const LcDataset *ds, int k)
{
  g_autoptr (LcDatasetBuilder) b = lc_dataset_builder_new (ds->source, ds->value_kind, ds->path);
  g_autoptr (GError) error = NULL;
  LcDataset *cut;

  lc_dataset_builder_set_bands (b, ds->n_bands, (const char *const *) ds->band_names);
  lc_dataset_builder_set_meta_names (b, ds->n_meta, (const char *const *) ds->meta_names);
  for (int c = 0; c < ds->n_classes; c++)
    lc_dataset_builder_add_class (b, ds->classes[c].id, ds->classes[c].name);
  for (gsize i = 0; i < ds->n_objects; i++)
    {
      const LcObject *o = &ds->objects[i];
      gsize object = lc_dataset_builder_begin_object (b, o->id, o->label >= 0 ? ds->classes[o->label].id : -1);
      for (int j = 0; j < MIN (o->n_obs, k); j++)
        {
          gsize at = o->first + (gsize) j;
          lc_dataset_builder_add_observation (b, ds->time[at], ds->value[at], ds->error[at], ds->band[at],
                                              ds->detected[at]);
        }
      for (int m = 0; m < ds->n_meta; m++)
        lc_dataset_builder_set_meta (b, object, m, o->meta[m]);
    }
  cut = lc_dataset_builder_finish (b, &error);
  g_assert_no_error (error);
  return cut;
}

/* Objects longer than the model's max_steps are predicted from their first
 * max_steps observations (features and normalisation included) instead of
 * failing, the same whole or streamed. */
static void
test_long_objects_truncated (void)
{
  /* a short survey: the model is built for short sequences */
  g_autoptr (LcDataset) train = simulated (60, 41, 120);
  g_autoptr (LcPredictor) p = trained_predictor (train);
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (LcDataset) cut_ds = NULL;
  g_autoptr (NnData) data = NULL;
  g_autoptr (NnData) cut = NULL;
  g_autofree float *want = NULL, *got = NULL;
  g_autoptr (GError) error = NULL;
  int T = p->model->max_steps;
  int saved_blas = nn_blas_get_threads ();

  nn_blas_set_threads (1);
  ds = lc_load ("sim:40:5", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  data = lc_encoder_encode (p->encoder, ds, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (data->steps, >, T);
  /* the network alone refuses them */
  want = g_new (float, (gsize) data->n * p->n_classes);
  g_assert_false (nn_model_predict (p->model, data, want, 1, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_clear_error (&error);

  /* what truncation means: the objects as if they had only their first T observations */
  cut_ds = first_observations (ds, T);
  cut = lc_encoder_encode (p->encoder, cut_ds, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cut->steps, ==, T);
  g_assert_true (nn_model_predict (p->model, cut, want, 1, &error));
  g_assert_no_error (error);

  got = lc_predictor_predict (p, ds, NULL, 0, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (got, sizeof (float) * data->n * p->n_classes, want,
                   sizeof (float) * data->n * p->n_classes);
  check_stream_predict (p, "sim:40:5", ds, want, 3, 1);
  nn_blas_set_threads (saved_blas);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("passband-stream-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  g_test_add_func ("/stream/plasticc-chunks", test_plasticc_chunks);
  g_test_add_func ("/stream/other-formats-sliced", test_other_formats_sliced);
  g_test_add_func ("/stream/interleaved-refused", test_interleaved_refused);
  g_test_add_func ("/stream/broken-file", test_broken_file);
  g_test_add_func ("/stream/open-errors", test_open_errors);
  g_test_add_func ("/stream/fuzz-corpus", test_fuzz_corpus);
  g_test_add_func ("/stream/encoder-per-chunk", test_encoder_per_chunk);
  g_test_add_func ("/stream/predict-matches-whole-file", test_predict_matches_whole_file);
  g_test_add_func ("/stream/predict-stops", test_predict_stops);
  g_test_add_func ("/stream/long-objects-truncated", test_long_objects_truncated);
  status = g_test_run ();
  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", tmp_dir);
    if (system (command) != 0)
      g_warning ("could not remove %s", tmp_dir);
  }
  g_free (tmp_dir);
  return status;
}
