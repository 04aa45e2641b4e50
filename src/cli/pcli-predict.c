/* pcli-predict.c: passband-cli predict --model MODEL.json --data PATH --out PREDICTIONS.csv
 *
 * Writes the Kaggle PLAsTiCC submission layout: object_id, one class_<id>
 * column per class the model knows, and class_99 (the shipped novelty
 * score, lc_novelty_append_p99), each row renormalised to sum to 1
 * (DESIGN §7).
 *
 * The data are read chunk by chunk (lc-stream.h) and each chunk's rows are
 * written as soon as they are predicted, so a file far larger than memory is
 * predicted with bounded memory.  Rows go to a temporary file beside the
 * output that is renamed over it at the end: a failure or a crash never
 * leaves half a submission under the requested name.
 *
 * --shard I/N predicts one contiguous range of the objects in file order
 * (whole prediction batches, lc-stream.h), with the header: the shards' files
 * in shard order, each after the first without its header line, are byte for
 * byte the file of one whole run.
 */
#include "config.h"

#include "pcli.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "lc-pipeline.h"
#include "lc-novelty.h"
#include "lc-stream.h"
#include "nn-atomic.h"

#define OUT_BUFFER (1 << 20)

/* The submission being written: a temporary file until it is complete. */
typedef struct
{
  char *path;            /* the name asked for */
  NnAtomicFile *atomic;  /* where the rows go meanwhile */
  FILE *file;            /* its stream */
  char *buffer;
} Submission;

static gboolean
io_error (const char *path, int saved_errno, const char *what, GError **error)
{
  g_autofree char *display = g_filename_display_name (path);
  /* TRANSLATORS: "FILE: cannot write: REASON"; the second %s is "write" */
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno), _("%s: cannot %s: %s"),
               display, what, g_strerror (saved_errno));
  return FALSE;
}

/* The temporary file of the running prediction, for the signal handler:
 * an interrupted run (Ctrl-C) leaves nothing behind either. */
static const char *volatile interrupted_tmp_path;

static void
remove_temporary_on_signal (int signum)
{
  const char *path = interrupted_tmp_path;
  if (path != NULL)
    unlink (path);
  signal (signum, SIG_DFL);
  raise (signum);
}

static void
watch_signals (const char *tmp_path)
{
  const int signals[] = { SIGINT, SIGTERM, SIGHUP };

  interrupted_tmp_path = tmp_path;
  for (guint i = 0; tmp_path != NULL && i < G_N_ELEMENTS (signals); i++)
    signal (signals[i], remove_temporary_on_signal);
}

static gboolean
submission_open (Submission *s, const char *path, GError **error)
{
  s->path = g_strdup (path);
  s->atomic = nn_atomic_file_new (path, error);
  if (s->atomic == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  s->file = nn_atomic_file_stream (s->atomic);
  if (s->file == NULL)
    return io_error (nn_atomic_file_temp_path (s->atomic), errno, _("write"), error);
  s->buffer = g_malloc (OUT_BUFFER);
  setvbuf (s->file, s->buffer, _IOFBF, OUT_BUFFER);
  watch_signals (nn_atomic_file_temp_path (s->atomic));
  return TRUE;
}

/* Removes the temporary file: nothing of a failed run stays behind. */
static void
submission_abandon (Submission *s)
{
  watch_signals (NULL);
  g_clear_pointer (&s->atomic, nn_atomic_file_free);
  s->file = NULL;
  g_clear_pointer (&s->buffer, g_free);
  g_clear_pointer (&s->path, g_free);
}

/* Flushes to disk and renames the temporary file over the output. */
static gboolean
submission_commit (Submission *s, GError **error)
{
  watch_signals (NULL);
  if (!nn_atomic_file_commit (s->atomic, error))
    {
      g_prefix_error (error, "%s: ", s->path);
      return FALSE;
    }
  return TRUE;
}

static void
write_header (FILE *file, const LcPredictor *p)
{
  fputs ("object_id", file);
  for (int c = 0; c < p->n_classes; c++)
    fprintf (file, ",class_%d", p->class_ids[c]);
  fputs (",class_99\n", file);
}

typedef struct
{
  Submission *submission;
  const LcPredictor *p;
  LcStream *stream;
  gboolean show;       /* progress on stderr */
  int last_percent;
  float *with99;       /* a batch of rows with class_99 appended */
  int with99_rows;     /* rows it has room for */
} PredictRun;

static gboolean
write_rows_cb (const char *const *ids, const float *probs, const double *distance, int n_rows,
               gpointer user_data, GError **error)
{
  PredictRun *run = user_data;
  FILE *file = run->submission->file;
  int k = run->p->n_classes;

  if (n_rows > run->with99_rows)
    {
      run->with99 = g_renew (float, run->with99, (gsize) n_rows * (k + 1));
      run->with99_rows = n_rows;
    }
  lc_novelty_append_p99 (probs, distance, n_rows, k, run->with99);
  for (int i = 0; i < n_rows; i++)
    {
      fputs (ids[i], file);
      for (int c = 0; c <= k; c++)
        fprintf (file, ",%.6g", run->with99[(gsize) i * (k + 1) + c]);
      fputc ('\n', file);
    }
  if (ferror (file))
    return io_error (nn_atomic_file_temp_path (run->submission->atomic), errno, _("write"), error);
  return TRUE;
}

static gboolean
progress_cb (double fraction, gpointer user_data)
{
  PredictRun *run = user_data;
  int percent = (int) (fraction * 100.0);

  if (!run->show || percent == run->last_percent)
    return TRUE;
  run->last_percent = percent;
  fputc ('\r', stderr);
  fprintf (stderr, _("predicting… %3d%% (%zu objects)"), percent, lc_stream_n_objects (run->stream));
  fflush (stderr);
  return TRUE;
}

/* Predicts every object of stream into s. */
static gboolean
predict_stream (LcStream *stream, const LcPredictor *p, int threads, Submission *s, GError **error)
{
  PredictRun run = { s, p, stream, isatty (STDERR_FILENO), -1, NULL, 0 };
  gboolean ok;

  write_header (s->file, p);
  ok = lc_stream_predict (stream, p, threads, write_rows_cb, progress_cb, &run, error);
  if (run.show && run.last_percent >= 0)
    fprintf (stderr, "\r%*s\r", 40, "");
  g_free (run.with99);
  return ok;
}

static gboolean
predict_file (const char *model_path, const char *data, const char *meta, const char *out,
              const LcStreamOptions *chunking, int threads, gsize *n_objects, GError **error)
{
  g_autoptr (LcPredictor) p = NULL;
  g_autoptr (LcStream) stream = NULL;
  LcLoadOptions load = { 0 };
  Submission s = { 0 };

  load.meta_path = meta;
  p = lc_predictor_load (model_path, error);
  if (p == NULL)
    return FALSE;
  stream = lc_stream_open (data, &load, chunking, error);
  if (stream == NULL)
    return FALSE;
  if (!submission_open (&s, out, error)
      || !predict_stream (stream, p, threads, &s, error)
      || !submission_commit (&s, error))
    {
      submission_abandon (&s);
      return FALSE;
    }
  submission_abandon (&s);  /* frees what is left; the file is in place */
  *n_objects = lc_stream_n_objects (stream);
  return TRUE;
}

static void
print_result (gboolean json, gsize n_objects, const char *out)
{
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "result");
      json_builder_set_member_name (b, "objects");
      json_builder_add_int_value (b, (gint64) n_objects);
      json_builder_set_member_name (b, "out");
      json_builder_add_string_value (b, out);
      json_builder_end_object (b);
      pcli_print_json (b);
    }
  else
    printf (_("wrote predictions for %zu objects to %s\n"), n_objects, out);
}

int
pcli_predict (int argc, char **argv)
{
  g_autofree char *data = NULL, *meta = NULL, *model_path = NULL, *out = NULL, *shard = NULL;
  gboolean json = FALSE;
  int threads = 1, chunk_objects = 0;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, N_("Trained model"), "MODEL.json" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, N_("Dataset to classify (labels not needed)"), "PATH" },
    { "meta", 0, 0, G_OPTION_ARG_FILENAME, &meta, N_("Metadata CSV (PLAsTiCC)"), "PATH" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Predictions CSV to write"), "PREDICTIONS.csv" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("Threads (1 or 2)"), "N" },
    { "chunk-objects", 0, 0, G_OPTION_ARG_INT, &chunk_objects,
      N_("Objects read and predicted at a time (default 1024)"), "N" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard,
      N_("Predict only range I of N of the objects (0-based; concatenate the shards in order)"), "I/N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON line"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("— write class probabilities in the Kaggle layout with class_99"));
  LcStreamOptions chunking = { 0 };
  g_autoptr (GError) error = NULL;
  gsize n_objects = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!pcli_parse (context, "predict", &argc, &argv))
    return 2;
  if (data == NULL || model_path == NULL || out == NULL)
    {
      pcli_error ("predict", _("--model MODEL.json, --data PATH and --out PREDICTIONS.csv are required"));
      return 2;
    }
  if (chunk_objects < 0)
    {
      pcli_error ("predict", _("--chunk-objects must be positive"));
      return 2;
    }
  if (!pcli_parse_shard ("predict", shard, &chunking.shard, &chunking.n_shards))
    return 2;
  chunking.max_objects = (gsize) chunk_objects;
  if (!predict_file (model_path, data, meta, out, &chunking, CLAMP (threads, 1, 2), &n_objects, &error))
    {
      pcli_error ("predict", "%s", error->message);
      return 1;
    }
  print_result (json, n_objects, out);
  return 0;
}
