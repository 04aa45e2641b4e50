/* pb-session.c: what the user works on in one window (see pb-session.h) */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-job.h"
#include "pb-session.h"

#define PRESET_RESOURCE_DIR "/io/github/passband/Passband/models/"
#define DEFAULT_PRESET "small-gru.json"

struct _PbSession
{
  GObject parent_instance;

  LcDataset *dataset;
  NnModelDoc *spec;
  char *spec_problem;
  GPtrArray *runs;           /* PbRun * */
  PbRun *shown_run;
  PbTrainer *trainer;
  LcSearchSpace *space;        /* the fields marked "Tune this", or NULL */
  PbJob *earlier;              /* reading the open dataset's runs of earlier sessions, or NULL */
};

enum
{
  DATASET_CHANGED,
  SPEC_CHANGED,
  SPACE_CHANGED,
  RUN_ADDED,
  RUN_REMOVED,
  RUN_SHOWN,
  SHOW_OBJECT,
  SHOW_SECTION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PbSession, pb_session, G_TYPE_OBJECT)

/* ---- the dataset ------------------------------------------------------- */

LcDataset *
pb_session_get_dataset (PbSession *self)
{
  g_return_val_if_fail (PB_IS_SESSION (self), NULL);
  return self->dataset;
}

static void find_earlier_runs (PbSession *self);

void
pb_session_set_dataset (PbSession *self, LcDataset *ds)
{
  g_return_if_fail (PB_IS_SESSION (self));

  if (ds == self->dataset)
    return;
  if (ds != NULL)
    lc_dataset_ref (ds);
  g_clear_pointer (&self->dataset, lc_dataset_unref);
  self->dataset = ds;
  /* scores of a run are about its own data */
  if (self->shown_run != NULL && !lc_dataset_same_data (self->shown_run->dataset, ds))
    pb_session_show_run (self, NULL);
  g_signal_emit (self, signals[DATASET_CHANGED], 0);
  find_earlier_runs (self);
}

char *
pb_session_dataset_name (LcDataset *ds)
{
  if (ds == NULL)
    return g_strdup (_("No dataset"));
  if (ds->source == LC_SOURCE_SIMULATED)
    return g_strdup_printf (_("Simulated sample (%zu objects)"), (size_t) ds->n_objects);
  return g_path_get_basename (ds->path);
}

/* ---- the model spec ---------------------------------------------------- */

const NnModelDoc *
pb_session_get_spec (PbSession *self)
{
  g_return_val_if_fail (PB_IS_SESSION (self), NULL);
  return self->spec;
}

const char *
pb_session_get_spec_problem (PbSession *self)
{
  g_return_val_if_fail (PB_IS_SESSION (self), NULL);
  return self->spec_problem;
}

void
pb_session_set_spec (PbSession *self, const NnModelDoc *spec, const char *why_not)
{
  g_return_if_fail (PB_IS_SESSION (self));
  g_return_if_fail (spec != NULL);

  if (spec != self->spec)
    {
      nn_model_doc_free (self->spec);
      self->spec = nn_model_doc_copy (spec);
    }
  g_free (self->spec_problem);
  self->spec_problem = g_strdup (why_not);
  g_signal_emit (self, signals[SPEC_CHANGED], 0);
}

/* ---- the search space ------------------------------------------------------ */

const LcSearchSpace *
pb_session_get_space (PbSession *self)
{
  g_return_val_if_fail (PB_IS_SESSION (self), NULL);
  return self->space;
}

void
pb_session_set_space (PbSession *self, const LcSearchSpace *space)
{
  g_return_if_fail (PB_IS_SESSION (self));
  g_clear_pointer (&self->space, lc_search_space_free);
  if (space != NULL && space->params->len > 0)
    self->space = lc_search_space_copy (space);
  g_signal_emit (self, signals[SPACE_CHANGED], 0);
}

/* g_ptr_array_sort passes pointers to the elements */
static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

char **
pb_session_list_presets (void)
{
  g_auto (GStrv) names = g_resources_enumerate_children (PRESET_RESOURCE_DIR, 0, NULL);
  GPtrArray *out = g_ptr_array_new ();

  for (int i = 0; names != NULL && names[i] != NULL; i++)
    if (g_str_has_suffix (names[i], ".json"))
      g_ptr_array_add (out, g_strdup (names[i]));
  g_ptr_array_sort (out, compare_names);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

NnModelDoc *
pb_session_load_preset_doc (const char *file_name, GError **error)
{
  g_autofree char *path = g_strconcat (PRESET_RESOURCE_DIR, file_name, NULL);
  g_autoptr (GBytes) bytes = g_resources_lookup_data (path, 0, error);
  gsize len;
  const char *text;

  if (bytes == NULL)
    return NULL;
  text = g_bytes_get_data (bytes, &len);
  return nn_model_doc_load_from_data (text, (gssize) len, file_name, error);
}

gboolean
pb_session_load_preset (PbSession *self, const char *file_name, GError **error)
{
  g_autoptr (NnModelDoc) doc = pb_session_load_preset_doc (file_name, error);

  if (doc == NULL)
    return FALSE;
  pb_session_set_spec (self, doc, NULL);
  return TRUE;
}

/* ---- runs -------------------------------------------------------------- */

GPtrArray *
pb_session_get_runs (PbSession *self)
{
  g_return_val_if_fail (PB_IS_SESSION (self), NULL);
  return self->runs;
}

GPtrArray *
pb_session_get_dataset_runs (PbSession *self)
{
  GPtrArray *out = g_ptr_array_new ();

  g_return_val_if_fail (PB_IS_SESSION (self), out);
  for (guint i = 0; i < self->runs->len; i++)
    {
      PbRun *run = g_ptr_array_index (self->runs, i);

      if (lc_dataset_same_data (run->dataset, self->dataset))
        g_ptr_array_add (out, run);
    }
  return out;
}

void
pb_session_add_run (PbSession *self, PbRun *run)
{
  g_return_if_fail (PB_IS_SESSION (self));
  g_return_if_fail (run != NULL);

  g_ptr_array_add (self->runs, pb_run_ref (run));
  g_signal_emit (self, signals[RUN_ADDED], 0, run);
}

/* Moves path to the trash; a file already gone is not an error. */
static gboolean
trash_file (const char *path, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) local = NULL;

  if (g_file_trash (file, NULL, &local) || g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return TRUE;
  g_set_error (error, local->domain, local->code, _("Could not move %s to the trash: %s"), path, local->message);
  return FALSE;
}

gboolean
pb_session_delete_run (PbSession *self, PbRun *run, GError **error)
{
  g_autoptr (PbRun) held = NULL;
  guint index;

  g_return_val_if_fail (PB_IS_SESSION (self), FALSE);
  g_return_val_if_fail (run != NULL, FALSE);

  if (run->state == PB_RUN_RUNNING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, _("%s is still training: stop it first"), run->name);
      return FALSE;
    }
  if (run->run_path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (run->run_path);
      g_autofree char *model_dir = run->path != NULL ? g_path_get_dirname (run->path) : NULL;

      /* the model the trainer saved beside the run file goes with it; one
       * the user saved elsewhere is theirs */
      if (g_strcmp0 (model_dir, dir) == 0 && !trash_file (run->path, error))
        return FALSE;
      if (!trash_file (run->run_path, error))
        return FALSE;
    }
  held = pb_run_ref (run);
  if (self->shown_run == run)
    pb_session_show_run (self, NULL);
  if (g_ptr_array_find (self->runs, run, &index))
    g_ptr_array_remove_index (self->runs, index);
  g_signal_emit (self, signals[RUN_REMOVED], 0, run);
  return TRUE;
}

PbRun *
pb_session_get_shown_run (PbSession *self)
{
  g_return_val_if_fail (PB_IS_SESSION (self), NULL);
  return self->shown_run;
}

void
pb_session_show_run (PbSession *self, PbRun *run)
{
  g_return_if_fail (PB_IS_SESSION (self));

  if (run != NULL && (!lc_dataset_same_data (run->dataset, self->dataset) || run->evaluation == NULL))
    return;
  if (run != NULL)
    pb_run_ref (run);
  g_clear_pointer (&self->shown_run, pb_run_unref);
  self->shown_run = run;
  g_signal_emit (self, signals[RUN_SHOWN], 0, run);
}

/* ---- runs of earlier sessions ------------------------------------------ */

typedef struct
{
  char *dir;
  LcDataset *ds;
  GPtrArray *runs;             /* PbRun *, oldest first */
} EarlierRuns;

static void
earlier_runs_free (EarlierRuns *e)
{
  g_free (e->dir);
  lc_dataset_unref (e->ds);
  g_clear_pointer (&e->runs, g_ptr_array_unref);
  g_free (e);
}

static void
earlier_runs_run (PbJob *job, gpointer data, GCancellable *cancellable)
{
  EarlierRuns *e = data;
  g_autoptr (GPtrArray) files = pb_run_files_list_finished (e->dir, e->ds);

  e->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_run_unref);
  /* newest first in the folder, oldest first in the session */
  for (guint i = files->len; i > 0 && !g_cancellable_is_cancelled (cancellable); i--)
    {
      LcRunFile *file = g_ptr_array_index (files, i - 1);
      g_autoptr (GError) error = NULL;
      PbRun *run = pb_run_from_file (file, e->ds, &error);

      if (run != NULL)
        g_ptr_array_add (e->runs, run);
      else
        g_debug ("Not listing %s: %s", file->path, error->message);
    }
}

static gboolean
has_run_file (PbSession *self, const char *run_path)
{
  for (guint i = 0; i < self->runs->len; i++)
    if (g_strcmp0 (((PbRun *) g_ptr_array_index (self->runs, i))->run_path, run_path) == 0)
      return TRUE;
  return FALSE;
}

static void
earlier_runs_done_cb (gpointer owner, gpointer data)
{
  PbSession *self = owner;
  EarlierRuns *e = data;

  g_clear_pointer (&self->earlier, pb_job_unref);
  for (guint i = 0; i < e->runs->len; i++)
    {
      PbRun *run = g_ptr_array_index (e->runs, i);

      /* a run of this session, or one the session already read */
      if (!has_run_file (self, run->run_path))
        pb_session_add_run (self, run);
    }
}

/* The finished runs in the runs folder on the open data join the session,
 * so Results, History and Compare find them after a restart or a reload. */
static void
find_earlier_runs (PbSession *self)
{
  static const PbJobCallbacks callbacks = { NULL, NULL, earlier_runs_done_cb };
  EarlierRuns *e;

  pb_job_clear (&self->earlier);
  if (self->dataset == NULL)
    return;
  e = g_new0 (EarlierRuns, 1);
  e->dir = g_strdup (pb_trainer_get_runs_dir (self->trainer));
  e->ds = lc_dataset_ref (self->dataset);
  self->earlier = pb_job_start (self, earlier_runs_run, e, (GDestroyNotify) earlier_runs_free, &callbacks);
}

gboolean
pb_session_is_finding_runs (PbSession *self)
{
  g_return_val_if_fail (PB_IS_SESSION (self), FALSE);
  return self->earlier != NULL;
}

PbTrainer *
pb_session_get_trainer (PbSession *self)
{
  g_return_val_if_fail (PB_IS_SESSION (self), NULL);
  return self->trainer;
}

/* ---- requests to show something ---------------------------------------- */

void
pb_session_show_object (PbSession *self, gint64 row)
{
  g_return_if_fail (PB_IS_SESSION (self));
  g_signal_emit (self, signals[SHOW_OBJECT], 0, row);
}

void
pb_session_show_section (PbSession *self, const char *name)
{
  g_return_if_fail (PB_IS_SESSION (self));
  g_signal_emit (self, signals[SHOW_SECTION], 0, name);
}

/* ---- lifetime ---------------------------------------------------------- */

static void
pb_session_dispose (GObject *object)
{
  PbSession *self = PB_SESSION (object);

  /* a worker must not write behind a closed window */
  if (self->trainer != NULL)
    pb_trainer_cancel (self->trainer);
  if (self->earlier != NULL)
    {
      pb_job_cancel (self->earlier);
      pb_job_wait (self->earlier, 5 * G_USEC_PER_SEC);
      g_clear_pointer (&self->earlier, pb_job_unref);
    }
  g_clear_object (&self->trainer);
  G_OBJECT_CLASS (pb_session_parent_class)->dispose (object);
}

static void
pb_session_finalize (GObject *object)
{
  PbSession *self = PB_SESSION (object);

  g_clear_pointer (&self->dataset, lc_dataset_unref);
  nn_model_doc_free (self->spec);
  g_free (self->spec_problem);
  g_clear_pointer (&self->shown_run, pb_run_unref);
  g_clear_pointer (&self->space, lc_search_space_free);
  g_ptr_array_unref (self->runs);
  G_OBJECT_CLASS (pb_session_parent_class)->finalize (object);
}

static void
pb_session_class_init (PbSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->dispose = pb_session_dispose;
  object_class->finalize = pb_session_finalize;

  signals[DATASET_CHANGED] = g_signal_new ("dataset-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
  signals[SPEC_CHANGED] = g_signal_new ("spec-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);
  signals[SPACE_CHANGED] = g_signal_new ("space-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
  signals[RUN_ADDED] = g_signal_new ("run-added", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                     PB_TYPE_RUN | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[RUN_REMOVED] = g_signal_new ("run-removed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                       1, PB_TYPE_RUN | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[RUN_SHOWN] = g_signal_new ("run-shown", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                     PB_TYPE_RUN | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SHOW_OBJECT] = g_signal_new ("show-object", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[SHOW_SECTION] = g_signal_new ("show-section", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pb_session_init (PbSession *self)
{
  g_autoptr (GError) error = NULL;

  self->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_run_unref);
  self->trainer = pb_trainer_new ();
  /* a student's first network */
  self->spec = pb_session_load_preset_doc (DEFAULT_PRESET, &error);
  if (self->spec == NULL)
    {
      g_warning ("The default preset is missing: %s", error->message);
      self->spec = nn_model_doc_new ();
    }
}

PbSession *
pb_session_new (void)
{
  return g_object_new (PB_TYPE_SESSION, NULL);
}
