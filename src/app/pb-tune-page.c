/* pb-tune-page.c: the Tune section: hyperparameter search in the background. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lc-run.h"
#include "lc-tune-ledger.h"
#include "nn-fields.h"
#include "pb-job.h"
#include "pb-layer-card.h"
#include "pb-layout.h"
#include "pb-tune-page.h"

/* ---- a row of the table ------------------------------------------------ */

#define PB_TYPE_TUNE_ROW (pb_tune_row_get_type ())
G_DECLARE_FINAL_TYPE (PbTuneRow, pb_tune_row, PB, TUNE_ROW, GObject)

struct _PbTuneRow
{
  GObject parent_instance;
  LcTrial *trial;
};

G_DEFINE_FINAL_TYPE (PbTuneRow, pb_tune_row, G_TYPE_OBJECT)

static void
pb_tune_row_finalize (GObject *object)
{
  g_clear_pointer (&PB_TUNE_ROW (object)->trial, lc_trial_free);
  G_OBJECT_CLASS (pb_tune_row_parent_class)->finalize (object);
}

static void
pb_tune_row_class_init (PbTuneRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pb_tune_row_finalize;
}

static void
pb_tune_row_init (PbTuneRow *self)
{
}

static LcTrial *
trial_copy (const LcTrial *t)
{
  g_autoptr (JsonNode) node = lc_trial_to_json (t);
  return lc_trial_from_json (node, NULL);
}

/* ---- the worker -------------------------------------------------------- */

/* The worker's data (a PbJob's): copies of what the search reads. */
typedef struct
{
  LcDataset *ds;
  NnModelDoc *spec;
  LcSearchSpace *space;
  LcTuneOptions options;
  char *dir;                 /* the search's ledger folder */
  LcTuneTable *table;        /* the worker's: starts as a copy of the page's (resume) */
  LcTuneLedger *ledger;
  gint stop;                 /* atomic: Stop keeps the finished trials */
  LcTuneStatus status;
  GError *error;
} TuneJob;

static void
tune_job_free (gpointer data)
{
  TuneJob *job = data;
  lc_dataset_unref (job->ds);
  nn_model_doc_free (job->spec);
  lc_search_space_free (job->space);
  g_clear_pointer (&job->ledger, lc_tune_ledger_free);
  lc_tune_table_free (job->table);
  g_free (job->dir);
  g_clear_error (&job->error);
  g_free (job);
}

/* What the worker tells the page, in order. */
typedef enum
{
  EVENT_LOADED,              /* a trial an earlier run left in the ledger */
  EVENT_STARTED,             /* a trial begins */
  EVENT_FINISHED,            /* a trial finished and is on record */
} EventKind;

typedef struct
{
  EventKind kind;
  int index;
  gint64 time;               /* g_get_monotonic_time () when it happened */
  LcTrial *trial;            /* LOADED, FINISHED */
} TuneEvent;

static TuneEvent *
tune_event_new (EventKind kind, int index, const LcTrial *trial)
{
  TuneEvent *e = g_new0 (TuneEvent, 1);

  e->kind = kind;
  e->index = index;
  e->time = g_get_monotonic_time ();
  e->trial = trial != NULL ? trial_copy (trial) : NULL;
  return e;
}

static void
tune_event_free (TuneEvent *e)
{
  g_clear_pointer (&e->trial, lc_trial_free);
  g_free (e);
}


struct _PbTunePage
{
  GtkBox parent_instance;

  PbSession *session;        /* or NULL (tests) */
  LcDataset *ds;
  NnModelDoc *spec;          /* set by tests, or NULL: the session's */
  LcSearchSpace *space;
  LcTuneTable *table;
  PbJob *job;                /* the running search (a TuneJob), or NULL */
  char *status;
  char *ledger_root;         /* where searches keep their ledgers */
  char *search_dir;          /* the ledger of the trials in table, or NULL */
  gboolean promoting;         /* the table stays on the search promoted from */
  LcDataset *checksum_ds;    /* the dataset checksum is of */
  char *checksum;
  int running;               /* the trial under way, or -1 */
  gint64 running_since;
  guint tick;                /* counts the time left down while running */
  char *progress_text;
  double seconds_left;

  gboolean disposed;          /* the children are gone: a late worker result is dropped */
  GtkDropDown *strategy;
  GtkSpinButton *trials, *epochs, *seed;
  GtkButton *start_button, *stop_button, *promote_button, *space_button;
  GtkLabel *status_label, *space_label, *model_label;
  GtkProgressBar *progress;
  GListStore *rows;
  GtkSortListModel *sorted;
  GtkColumnView *column_view;
  GtkDropDown *x_axis, *y_axis;
  PbHeatmapView *heatmap;
  PbTuneCurvesView *curves;
};

G_DEFINE_FINAL_TYPE (PbTunePage, pb_tune_page, GTK_TYPE_BOX)

static TuneJob *
tune_job (PbTunePage *self)
{
  return self->job != NULL ? pb_job_get_data (self->job) : NULL;
}

enum
{
  SIGNAL_TRIAL,
  SIGNAL_FINISHED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void refresh_views (PbTunePage *self);
static void set_status (PbTunePage *self, const char *text);
static void session_space_changed_cb (PbTunePage *self);

static void update_progress (PbTunePage *self);
static void follow_settings (PbTunePage *self);

static void
add_row (PbTunePage *self, const LcTrial *trial)
{
  PbTuneRow *row = g_object_new (PB_TYPE_TUNE_ROW, NULL);

  row->trial = trial_copy (trial);
  lc_tune_table_add (self->table, trial_copy (trial));
  g_list_store_append (self->rows, row);
  g_object_unref (row);
}

/* On the main thread: what the worker did since the last look. */
static void
tune_events_cb (gpointer owner, GQueue *events, gpointer data)
{
  PbTunePage *self = PB_TUNE_PAGE (owner);
  g_autoptr (GArray) finished = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree char *text = NULL;
  const LcTrial *best;
  guint n_loaded = 0;

  for (GList *l = events->head; l != NULL; l = l->next)
    {
      const TuneEvent *e = l->data;

      switch (e->kind)
        {
        case EVENT_LOADED:
          if (lc_tune_table_find (self->table, e->index) == NULL)
            add_row (self, e->trial);
          n_loaded++;
          break;
        case EVENT_STARTED:
          self->running = e->index;
          self->running_since = e->time;
          break;
        case EVENT_FINISHED:
          add_row (self, e->trial);
          g_array_append_val (finished, e->index);
          if (self->running == e->index)
            self->running = -1;
          break;
        }
    }
  best = lc_tune_table_best (self->table);
  /* the bar counts the trials; the label says what they found */
  if (finished->len > 0 && best != NULL)
    text = g_strdup_printf (_("Best: trial %d (val. acc. %.3f)"), lc_trial_number (best), best->val_accuracy);
  else if (finished->len > 0)
    text = g_strdup_printf (ngettext ("%u trial finished, none trained", "%u trials finished, none trained",
                                      self->table->trials->len),
                            self->table->trials->len);
  else if (n_loaded > 0)
    text = g_strdup_printf (ngettext ("%u trial on disk; going on", "%u trials on disk; going on", n_loaded),
                            n_loaded);
  if (text != NULL)
    set_status (self, text);
  if (finished->len > 0 || n_loaded > 0)
    refresh_views (self);
  update_progress (self);
  for (guint i = 0; i < finished->len; i++)
    g_signal_emit (self, signals[SIGNAL_TRIAL], 0, g_array_index (finished, int, i));
}

static gboolean
job_go_on (TuneJob *job)
{
  return !g_atomic_int_get (&job->stop);
}

static gboolean
on_trial_start (int index, JsonNode *settings, gpointer user_data)
{
  PbJob *job = user_data;

  if (!job_go_on (pb_job_get_data (job)))
    return FALSE;
  pb_job_post (job, tune_event_new (EVENT_STARTED, index, NULL), (GDestroyNotify) tune_event_free);
  return TRUE;
}

static gboolean
on_trial_done (const LcTrial *trial, const NnModelDoc *model, gpointer user_data)
{
  PbJob *job = user_data;
  TuneJob *tune = pb_job_get_data (job);

  /* on disk first: a search that dies now goes on after this trial */
  if (!lc_tune_ledger_record (tune->ledger, trial, model, &tune->error))
    return FALSE;
  /* the worker never touches the page: the main loop takes the copy */
  pb_job_post (job, tune_event_new (EVENT_FINISHED, trial->index, trial), (GDestroyNotify) tune_event_free);
  return job_go_on (tune);
}

static gboolean
on_batch (int epoch, int batch, int n_batches, double loss, gpointer user_data)
{
  return job_go_on (user_data);
}

/* Reads what earlier runs of the same search left on disk and hands the
 * page the trials it has not seen. */
static gboolean
open_ledger (PbJob *pb_job, TuneJob *job)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < job->table->trials->len; i++)
    g_hash_table_add (seen, GINT_TO_POINTER (((const LcTrial *) g_ptr_array_index (job->table->trials, i))->index));
  job->ledger = lc_tune_ledger_open (job->dir, &job->options, job->table, &job->error);
  if (job->ledger == NULL)
    return FALSE;
  for (guint i = 0; i < job->table->trials->len; i++)
    {
      const LcTrial *t = g_ptr_array_index (job->table->trials, i);
      if (!g_hash_table_contains (seen, GINT_TO_POINTER (t->index)))
        pb_job_post (pb_job, tune_event_new (EVENT_LOADED, t->index, t), (GDestroyNotify) tune_event_free);
    }
  /* the trials the page had but the folder lacked (it was removed) are kept too */
  return lc_tune_ledger_save (job->ledger, FALSE, &job->error);
}

static void
tune_job_run (PbJob *pb_job, gpointer data, GCancellable *cancellable)
{
  TuneJob *job = data;
  LcTuneCallbacks cb = { 0 };

  if (!open_ledger (pb_job, job))
    {
      job->status = LC_TUNE_FAILED;
      return;
    }
  cb.on_trial_start = on_trial_start;
  cb.on_trial = on_trial_done;
  cb.train.on_batch = on_batch;
  cb.train.user_data = job;
  cb.user_data = pb_job;
  job->status = lc_tune_run (job->ds, job->spec, job->space, &job->options, job->table, &cb, &job->error);
}

static void
tune_done (gpointer owner, gpointer data)
{
  PbTunePage *self = PB_TUNE_PAGE (owner);
  TuneJob *job = data;
  g_autoptr (GError) error = g_steal_pointer (&job->error);
  int status = job->status;

  if (self->disposed)
    return;
  /* every finished trial came through tune_events_cb; the worker's table is the check */
  for (guint i = 0; i < job->table->trials->len; i++)
    {
      const LcTrial *t = g_ptr_array_index (job->table->trials, i);
      if (lc_tune_table_find (self->table, t->index) == NULL)
        {
          add_row (self, t);
          g_signal_emit (self, signals[SIGNAL_TRIAL], 0, t->index);
        }
    }
  self->running = -1;
  g_clear_handle_id (&self->tick, g_source_remove);
  g_clear_pointer (&self->job, pb_job_unref);
  update_progress (self);
  if (error != NULL)
    {
      set_status (self, error->message);
      status = LC_TUNE_FAILED;
    }
  else if (status == LC_TUNE_STOPPED)
    set_status (self, _("Stopped; Start goes on at the first unfinished trial, also after quitting"));
  else
    {
      const LcTrial *best = lc_tune_table_best (self->table);
      g_autofree char *text = best != NULL
        ? g_strdup_printf (_("Done: %u trials, best trial %d with validation accuracy %.3f"),
                           self->table->trials->len, lc_trial_number (best), best->val_accuracy)
        : g_strdup_printf (_("Done: %u trials"), self->table->trials->len);
      set_status (self, text);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), FALSE);
  refresh_views (self);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, (int) status);
}

/* ---- how far the search is -------------------------------------------- */

/* "about 3 min left": rounded as people would say it. */
static char *
format_time_left (double seconds)
{
  int s = MAX ((int) ceil (seconds), 1);
  int minutes = (s + 30) / 60;

  if (s < 60)
    return g_strdup_printf (ngettext ("about %d second left", "about %d seconds left", s), s);
  if (minutes < 60)
    return g_strdup_printf (ngettext ("about %d minute left", "about %d minutes left", minutes), minutes);
  return g_strdup_printf (_("about %d h %02d min left"), minutes / 60, minutes % 60);
}

/* "Trial n of N" and the time left, from the trials finished so far and the
 * one under way (lc_tune_progress). */
static void
update_progress (PbTunePage *self)
{
  TuneJob *job = tune_job (self);
  g_autofree char *left = NULL;
  LcTuneProgress p;
  double elapsed;

  if (job == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
      return;
    }
  elapsed = self->running >= 0 ? (g_get_monotonic_time () - self->running_since) / 1e6 : 0;
  lc_tune_progress (job->spec, job->space, &job->options, self->table, self->running, elapsed, &p);
  g_clear_pointer (&self->progress_text, g_free);
  if (p.seconds_left < 0)
    left = g_strdup (_("time left known after the first trial"));
  else
    left = format_time_left (p.seconds_left);
  /* TRANSLATORS: "Trial 3 of 20 · about 2 minutes left" */
  self->progress_text = g_strdup_printf (_("Trial %d of %d · %s"), MIN (p.n_finished + 1, p.n_planned), p.n_planned,
                                         left);
  self->seconds_left = p.seconds_left;
  gtk_progress_bar_set_text (self->progress, self->progress_text);
  gtk_progress_bar_set_fraction (self->progress, p.n_planned > 0 ? (double) p.n_finished / p.n_planned : 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), TRUE);
}

static gboolean
tick_cb (gpointer data)
{
  update_progress (data);
  return G_SOURCE_CONTINUE;
}

/* ---- views ------------------------------------------------------------- */

static void
set_status (PbTunePage *self, const char *text)
{
  g_free (self->status);
  self->status = g_strdup (text);
  gtk_label_set_text (self->status_label, text);
  /* a narrow window cuts the label short */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), text);
}

/* The axis drop-downs show titles; the paths they stand for ride along. */
static const char *
axis_path (GtkDropDown *dd)
{
  const char *const *paths = g_object_get_data (G_OBJECT (dd), "paths");
  guint i = gtk_drop_down_get_selected (dd);

  return paths != NULL && i < g_strv_length ((char **) paths) ? paths[i] : NULL;
}

static const char *
axis_title (GtkDropDown *dd)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (dd);

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

static void
refresh_views (PbTunePage *self)
{
  const LcTrial *best = lc_tune_table_best (self->table);
  pb_heatmap_view_set_table (self->heatmap, self->table, axis_path (self->x_axis), axis_path (self->y_axis),
                             axis_title (self->x_axis), axis_title (self->y_axis));
  pb_tune_curves_view_set_table (self->curves, self->table, -1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->promote_button), best != NULL);
}

static void
selection_changed (PbTunePage *self)
{
  GtkSelectionModel *model = gtk_column_view_get_model (self->column_view);
  guint position = gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (model));
  const LcTrial *t = position != GTK_INVALID_LIST_POSITION ? pb_tune_page_get_row (self, position) : NULL;
  pb_tune_curves_view_set_table (self->curves, self->table, t != NULL ? t->index : -1);
}

static void
axis_changed (PbTunePage *self)
{
  refresh_views (self);
}

static void
cell_setup (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_list_item_set_child (item, label);
}

static const NnModelDoc *base_spec (PbTunePage *self);
static LcDataset *current_dataset (PbTunePage *self);

static gboolean
is_setting_path (const char *key)
{
  return g_str_has_prefix (key, "layers[") || g_str_has_prefix (key, "training.");
}

static void
cell_bind (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  const char *key = user_data;
  PbTuneRow *row = gtk_list_item_get_item (item);
  g_autofree char *text = lc_trial_format (row->trial, key);
  g_autofree char *shown = NULL;

  if (strcmp (key, "trial") == 0)
    shown = g_strdup_printf ("%d", lc_trial_number (row->trial));
  else
    shown = is_setting_path (key) ? pb_format_setting (text) : g_strdup (text);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), shown);
}

/* The words of a setting path's last part: the field table's title, or the
 * search's own "repeat" and "type". */
static char *
field_words (const char *field, NnLayerKind kind, gboolean training)
{
  const NnField *row = training ? nn_training_field_lookup (field)
                                : kind < NN_LAYER_N_KINDS ? nn_layer_field_lookup (kind, field) : NULL;
  char *words;

  if (row == NULL && !training)
    row = nn_layer_field_any (field);
  if (row != NULL)
    return nn_field_plain_title (row);
  if (strcmp (field, "repeat") == 0)
    return g_strdup (_("Copies"));
  if (strcmp (field, "type") == 0)
    return g_strdup (_("Type"));
  words = g_strdup (field);
  g_strdelimit (words, "_", ' ');
  words[0] = g_ascii_toupper (words[0]);
  return words;
}

/* "layers[0].units" → "Layer 1 (GRU): Units", "training.learning_rate" →
 * "Learning rate": the titles of the field table, for the columns and axes
 * of a search space. */
char *
pb_tune_setting_title (const NnModelDoc *spec, const char *path)
{
  const char *dot = strrchr (path, '.');
  const char *field = dot != NULL ? dot + 1 : path;
  int index = -1;
  NnLayerKind kind = NN_LAYER_N_KINDS;
  g_autofree char *words = NULL;

  if (g_str_has_prefix (path, "training."))
    return field_words (field, kind, TRUE);
  if (g_str_has_prefix (path, "layers[*]."))
    {
      words = field_words (field, kind, FALSE);
      return g_strdup_printf (_("Every layer: %s"), words);
    }
  if (sscanf (path, "layers[%d]", &index) == 1 && index >= 0)
    {
      if (spec != NULL && (guint) index < spec->layers->len)
        kind = g_array_index (spec->layers, NnLayerSpec, index).kind;
      words = field_words (field, kind, FALSE);
      if (kind < NN_LAYER_N_KINDS)
        return g_strdup_printf (_("Layer %d (%s): %s"), index + 1, nn_layer_kind_title (kind), words);
      return g_strdup_printf (_("Layer %d: %s"), index + 1, words);
    }
  return field_words (field, kind, FALSE);
}

static int
row_compare (gconstpointer a, gconstpointer b, gpointer user_data)
{
  return lc_trial_compare_by (PB_TUNE_ROW ((gpointer) a)->trial, PB_TUNE_ROW ((gpointer) b)->trial, user_data);
}

static void
free_key (gpointer data, GClosure *closure)
{
  g_free (data);
}

static void
add_column (PbTunePage *self, const char *key, const char *title)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  char *owned_key = g_strdup (key);
  GtkColumnViewColumn *column;
  GtkSorter *sorter;

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), NULL);
  g_signal_connect_data (factory, "bind", G_CALLBACK (cell_bind), owned_key, free_key, 0);
  column = gtk_column_view_column_new (title, factory);
  g_object_set_data_full (G_OBJECT (column), "key", g_strdup (key), g_free);
  sorter = GTK_SORTER (gtk_custom_sorter_new (row_compare, g_strdup (key), g_free));
  gtk_column_view_column_set_sorter (column, sorter);
  g_object_unref (sorter);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->column_view, column);
  g_object_unref (column);
}

/* Columns: trial, rung, every setting of the space, then the scores. */
static void
rebuild_columns (PbTunePage *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  g_autoptr (GtkStringList) titles = gtk_string_list_new (NULL);
  g_autoptr (GStrvBuilder) paths = g_strv_builder_new ();
  g_auto (GStrv) axis_paths = NULL;

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr (GtkColumnViewColumn) c = g_list_model_get_item (columns, 0);
      gtk_column_view_remove_column (self->column_view, c);
    }
  add_column (self, "trial", _("Trial"));
  add_column (self, "rung", _("Rung"));
  for (guint i = 0; self->space != NULL && i < self->space->params->len; i++)
    {
      const LcTuneParam *p = g_ptr_array_index (self->space->params, i);
      g_autofree char *title = pb_tune_setting_title (base_spec (self), p->path);

      add_column (self, p->path, title);
      gtk_string_list_append (titles, title);
      g_strv_builder_add (paths, p->path);
    }
  add_column (self, "val_accuracy", _("Val. accuracy"));
  add_column (self, "weighted_log_loss", _("Weighted log loss"));
  add_column (self, "macro_f1", _("Macro F1"));
  add_column (self, "epochs", _("Epochs"));
  add_column (self, "seconds", _("Time"));

  axis_paths = g_strv_builder_end (paths);
  g_object_set_data_full (G_OBJECT (self->x_axis), "paths", g_strdupv (axis_paths), (GDestroyNotify) g_strfreev);
  g_object_set_data_full (G_OBJECT (self->y_axis), "paths", g_strdupv (axis_paths), (GDestroyNotify) g_strfreev);
  gtk_drop_down_set_model (self->x_axis, G_LIST_MODEL (titles));
  gtk_drop_down_set_model (self->y_axis, G_LIST_MODEL (titles));
  gtk_drop_down_set_selected (self->x_axis, 0);
  gtk_drop_down_set_selected (self->y_axis, g_list_model_get_n_items (G_LIST_MODEL (titles)) > 1 ? 1 : 0);
}

static void
update_space_label (PbTunePage *self)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; self->space != NULL && i < self->space->params->len; i++)
    {
      const LcTuneParam *p = g_ptr_array_index (self->space->params, i);
      g_autofree char *title = pb_tune_setting_title (base_spec (self), p->path);

      g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", title);
    }
  gtk_label_set_text (self->space_label, s->len > 0 ? s->str : _("no search space"));
  g_string_free (s, TRUE);
}

/* ---- the base spec and dataset ----------------------------------------- */


static const NnModelDoc *
base_spec (PbTunePage *self)
{
  if (self->spec != NULL)
    return self->spec;
  return self->session != NULL ? pb_session_get_spec (self->session) : NULL;
}

static LcDataset *
current_dataset (PbTunePage *self)
{
  if (self->ds != NULL)
    return self->ds;
  return self->session != NULL ? pb_session_get_dataset (self->session) : NULL;
}

LcSearchSpace *
pb_tune_default_space (const NnModelDoc *spec)
{
  LcSearchSpace *space = lc_search_space_new ();
  g_autoptr (JsonNode) units = json_from_string ("[16, 32, 64]", NULL);
  g_autoptr (JsonNode) l2 = json_from_string ("[0, 0.0001, 0.001]", NULL);

  if (spec != NULL && spec->layers->len > 0
      && nn_model_file_layer_takes (g_array_index (spec->layers, NnLayerSpec, 0).kind, "units")
      && !g_array_index (spec->layers, NnLayerSpec, 0).units_is_classes)
    lc_search_space_add (space, "layers[0].units", units, 0, 0, FALSE);
  lc_search_space_add (space, "training.learning_rate", NULL, 1e-4, 1e-2, TRUE);
  lc_search_space_add (space, "training.l2", l2, 0, 0, FALSE);
  return space;
}

/* ---- actions ----------------------------------------------------------- */

static void
start_clicked (PbTunePage *self)
{
  g_autoptr (GError) error = NULL;
  if (!pb_tune_page_start (self, &error))
    set_status (self, error->message);
}

static void
space_chosen (GtkNativeDialog *dialog, int response, PbTunePage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;
      LcSearchSpace *space = path != NULL ? lc_search_space_load (path, &error) : NULL;
      if (space != NULL)
        pb_tune_page_set_space (self, space);
      else if (error != NULL)
        set_status (self, error->message);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
space_clicked (PbTunePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Open a search space"),
                                                              GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), NULL);
  g_signal_connect (dialog, "response", G_CALLBACK (space_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
space_saved (GtkNativeDialog *dialog, int response, PbTunePage *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->space != NULL)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;
      if (path != NULL && !lc_search_space_save (self->space, path, &error))
        set_status (self, error->message);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

/* The space as JSON, for `passband-cli tune --space` on a cluster. */
static void
save_space_clicked (PbTunePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog;
  if (self->space == NULL)
    pb_tune_page_set_space (self, pb_tune_default_space (base_spec (self)));
  dialog = gtk_file_chooser_native_new (_("Save the search space"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "space.json");
  g_signal_connect (dialog, "response", G_CALLBACK (space_saved), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
promote_clicked (PbTunePage *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = pb_tune_page_promote_best (self, &error);
  if (doc == NULL)
    set_status (self, error->message);
}

/* ---- construction ------------------------------------------------------ */

static GtkWidget *
labelled (const char *text, GtkWidget *child)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (text);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), child);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), child);
  return box;
}

static GtkSpinButton *
spin (double lo, double hi, double value)
{
  GtkWidget *s = gtk_spin_button_new_with_range (lo, hi, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (s), value);
  return GTK_SPIN_BUTTON (s);
}

static void
pb_tune_page_dispose (GObject *object)
{
  PbTunePage *self = PB_TUNE_PAGE (object);
  self->disposed = TRUE;
  g_clear_handle_id (&self->tick, g_source_remove);
  if (self->job != NULL)
    {
      /* the worker finishes its batch and drops its results: nobody is listening */
      g_atomic_int_set (&tune_job (self)->stop, 1);
      pb_job_clear (&self->job);
    }
  G_OBJECT_CLASS (pb_tune_page_parent_class)->dispose (object);
}

/* Out of its window (closed): the search stops at once; the worker holds
 * only its own copies, so the page can go. */
static void
pb_tune_page_unroot (GtkWidget *widget)
{
  PbTunePage *self = PB_TUNE_PAGE (widget);
  if (self->job != NULL)
    {
      /* nobody sees its results any more: the worker stops within a batch
       * and what it finishes is dropped */
      g_atomic_int_set (&tune_job (self)->stop, 1);
      pb_job_clear (&self->job);
      g_clear_handle_id (&self->tick, g_source_remove);
      self->running = -1;
      update_progress (self);
      gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), TRUE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), FALSE);
    }
  GTK_WIDGET_CLASS (pb_tune_page_parent_class)->unroot (widget);
}

static void
pb_tune_page_finalize (GObject *object)
{
  PbTunePage *self = PB_TUNE_PAGE (object);
  g_clear_object (&self->session);
  g_clear_pointer (&self->ds, lc_dataset_unref);
  g_clear_pointer (&self->spec, nn_model_doc_free);
  g_clear_pointer (&self->space, lc_search_space_free);
  g_clear_pointer (&self->table, lc_tune_table_free);
  g_clear_object (&self->rows);
  g_free (self->status);
  g_free (self->progress_text);
  g_free (self->ledger_root);
  g_free (self->search_dir);
  g_clear_pointer (&self->checksum_ds, lc_dataset_unref);
  g_free (self->checksum);
  G_OBJECT_CLASS (pb_tune_page_parent_class)->finalize (object);
}

static void
pb_tune_page_class_init (PbTunePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = pb_tune_page_dispose;
  object_class->finalize = pb_tune_page_finalize;
  GTK_WIDGET_CLASS (klass)->unroot = pb_tune_page_unroot;
  signals[SIGNAL_TRIAL] = g_signal_new ("trial", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                        NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                           NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
pb_tune_page_init (PbTunePage *self)
{
  const char *strategies[] = { N_("Grid"), N_("Random"), N_("Successive halving"), NULL };
  const char *translated[4];
  GtkWidget *controls = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *space_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_VERTICAL);
  GtkWidget *scroll = gtk_scrolled_window_new ();
  GtkWidget *plots = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *map_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *axes = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkSorter *sorter;

  self->table = lc_tune_table_new ();
  self->rows = g_list_store_new (PB_TYPE_TUNE_ROW);
  self->running = -1;
  self->ledger_root = g_build_filename (g_get_user_data_dir (), "passband", "searches", NULL);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 8);
  gtk_widget_set_margin_start (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 12);

  for (int i = 0; i < 4; i++)
    translated[i] = strategies[i] != NULL ? _(strategies[i]) : NULL;
  self->strategy = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (translated));
  gtk_drop_down_set_selected (self->strategy, LC_TUNE_RANDOM);
  self->trials = spin (1, 1000, 20);
  self->epochs = spin (1, 1000, 5);
  self->seed = spin (0, 1000000, 0);
  self->start_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Start")));
  self->stop_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("S_top")));
  self->promote_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Promote best to builder")));
  gtk_widget_add_css_class (GTK_WIDGET (self->start_button), "suggested-action");
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->promote_button), FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->start_button), _("Run the trials not run yet"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->promote_button),
                               _("Put the spec of the trial with the best validation accuracy into the builder"));
  g_signal_connect_swapped (self->start_button, "clicked", G_CALLBACK (start_clicked), self);
  g_signal_connect_swapped (self->strategy, "notify::selected", G_CALLBACK (follow_settings), self);
  g_signal_connect_swapped (self->trials, "value-changed", G_CALLBACK (follow_settings), self);
  g_signal_connect_swapped (self->epochs, "value-changed", G_CALLBACK (follow_settings), self);
  g_signal_connect_swapped (self->seed, "value-changed", G_CALLBACK (follow_settings), self);
  g_signal_connect_swapped (self->stop_button, "clicked", G_CALLBACK (pb_tune_page_stop), self);
  g_signal_connect_swapped (self->promote_button, "clicked", G_CALLBACK (promote_clicked), self);
  /* two rows, so that Start stays in sight in a window PB_MIN_WIDTH wide */
  gtk_box_append (GTK_BOX (controls), labelled (_("Strate_gy"), GTK_WIDGET (self->strategy)));
  gtk_box_append (GTK_BOX (controls), labelled (_("T_rials"), GTK_WIDGET (self->trials)));
  gtk_box_append (GTK_BOX (controls), labelled (_("_Epochs"), GTK_WIDGET (self->epochs)));
  gtk_box_append (GTK_BOX (actions), labelled (_("See_d"), GTK_WIDGET (self->seed)));
  gtk_box_append (GTK_BOX (actions), GTK_WIDGET (self->start_button));
  gtk_box_append (GTK_BOX (actions), GTK_WIDGET (self->stop_button));
  gtk_box_append (GTK_BOX (actions), GTK_WIDGET (self->promote_button));
  self->model_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->model_label, 0);
  gtk_label_set_ellipsize (self->model_label, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->model_label), "heading");
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->model_label));
  gtk_box_append (GTK_BOX (self), pb_scroll_sideways (controls));
  gtk_box_append (GTK_BOX (self), pb_scroll_sideways (actions));

  self->space_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("Search _space…")));
  self->space_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_ellipsize (self->space_label, PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (self->space_label, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->space_label), TRUE);
  g_signal_connect_swapped (self->space_button, "clicked", G_CALLBACK (space_clicked), self);
  gtk_box_append (GTK_BOX (space_row), GTK_WIDGET (self->space_button));
  {
    GtkWidget *save = gtk_button_new_with_mnemonic (_("Sa_ve space…"));
    gtk_widget_set_tooltip_text (save, _("Save the search space as JSON for passband-cli tune"));
    g_signal_connect_swapped (save, "clicked", G_CALLBACK (save_space_clicked), self);
    gtk_box_append (GTK_BOX (space_row), save);
  }
  gtk_box_append (GTK_BOX (space_row), GTK_WIDGET (self->space_label));
  gtk_box_append (GTK_BOX (self), space_row);
  /* on a line of its own: a status cut short says nothing */
  self->status_label = GTK_LABEL (gtk_label_new (_("Set up a search and press Start")));
  gtk_label_set_xalign (self->status_label, 0);
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_label_set_wrap_mode (self->status_label, PANGO_WRAP_WORD_CHAR);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->status_label));
  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_progress_bar_set_show_text (self->progress, TRUE);
  gtk_progress_bar_set_ellipsize (self->progress, PANGO_ELLIPSIZE_END);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->progress));

  self->column_view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  sorter = gtk_column_view_get_sorter (self->column_view);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->rows)), g_object_ref (sorter));
  {
    GtkSingleSelection *selection = gtk_single_selection_new (G_LIST_MODEL (self->sorted));
    gtk_single_selection_set_autoselect (selection, FALSE);
    gtk_single_selection_set_can_unselect (selection, TRUE);
    g_signal_connect_swapped (selection, "selection-changed", G_CALLBACK (selection_changed), self);
    gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
    g_object_unref (selection);
  }
  gtk_column_view_set_show_column_separators (self->column_view, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), GTK_WIDGET (self->column_view));
  gtk_widget_set_size_request (scroll, -1, 160);
  gtk_paned_set_start_child (GTK_PANED (paned), scroll);

  self->x_axis = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  self->y_axis = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  g_signal_connect_swapped (self->x_axis, "notify::selected", G_CALLBACK (axis_changed), self);
  g_signal_connect_swapped (self->y_axis, "notify::selected", G_CALLBACK (axis_changed), self);
  gtk_box_append (GTK_BOX (axes), labelled (_("_Across"), GTK_WIDGET (self->x_axis)));
  gtk_box_append (GTK_BOX (axes), labelled (_("_Up"), GTK_WIDGET (self->y_axis)));
  self->heatmap = PB_HEATMAP_VIEW (pb_heatmap_view_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->heatmap), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->heatmap), TRUE);
  gtk_box_append (GTK_BOX (map_box), pb_scroll_sideways (axes));
  gtk_box_append (GTK_BOX (map_box), GTK_WIDGET (self->heatmap));
  self->curves = PB_TUNE_CURVES_VIEW (pb_tune_curves_view_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->curves), TRUE);
  gtk_box_append (GTK_BOX (plots), map_box);
  gtk_box_append (GTK_BOX (plots), GTK_WIDGET (self->curves));
  gtk_paned_set_end_child (GTK_PANED (paned), plots);
  gtk_widget_set_vexpand (paned, TRUE);
  gtk_box_append (GTK_BOX (self), paned);
  gtk_paned_set_position (GTK_PANED (paned), 220);

  rebuild_columns (self);
  update_space_label (self);
}

/* Says which network on which data a search tunes; the column titles name
 * the layers of that network. */
static void
update_model_label (PbTunePage *self)
{
  const NnModelDoc *spec = base_spec (self);
  g_autofree char *data = pb_session_dataset_name (current_dataset (self));
  g_autofree char *text = NULL;

  if (spec == NULL)
    text = g_strdup (_("No network to tune"));
  else
    text = g_strdup_printf (_("Tunes %s on %s"), *spec->name != '\0' ? spec->name : _("the unnamed network"),
                            data);
  gtk_label_set_text (self->model_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->model_label),
                               _("The network of the Model section, on the open dataset"));
  rebuild_columns (self);
  update_space_label (self);
  follow_settings (self);
}

GtkWidget *
pb_tune_page_new (PbSession *session)
{
  PbTunePage *self = g_object_new (PB_TYPE_TUNE_PAGE, NULL);

  if (session != NULL)
    {
      self->session = g_object_ref (session);
      g_signal_connect_object (session, "spec-changed", G_CALLBACK (update_model_label), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "dataset-changed", G_CALLBACK (update_model_label), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "space-changed", G_CALLBACK (session_space_changed_cb), self,
                               G_CONNECT_SWAPPED);
      session_space_changed_cb (self);
    }
  update_model_label (self);
  return GTK_WIDGET (self);
}

void
pb_tune_page_set_dataset (PbTunePage *self, LcDataset *ds)
{
  g_clear_pointer (&self->ds, lc_dataset_unref);
  if (ds != NULL)
    self->ds = lc_dataset_ref (ds);
  update_model_label (self);
}

void
pb_tune_page_set_spec (PbTunePage *self, const NnModelDoc *spec)
{
  g_clear_pointer (&self->spec, nn_model_doc_free);
  if (spec != NULL)
    self->spec = nn_model_doc_copy (spec);
  update_model_label (self);
}

static void
show_space (PbTunePage *self, LcSearchSpace *space)
{
  g_clear_pointer (&self->space, lc_search_space_free);
  self->space = space;
  rebuild_columns (self);
  update_space_label (self);
  refresh_views (self);
  follow_settings (self);
}

/* The fields marked "Tune this" in the Model and Train sections. */
static void
session_space_changed_cb (PbTunePage *self)
{
  const LcSearchSpace *space = pb_session_get_space (self->session);

  show_space (self, lc_search_space_copy (space));
}

void
pb_tune_page_set_space (PbTunePage *self, LcSearchSpace *space)
{
  /* with a session the space is the session's marks: a space opened here shows there */
  if (self->session != NULL)
    {
      pb_session_set_space (self->session, space);
      lc_search_space_free (space);
      return;
    }
  show_space (self, space);
}

const LcSearchSpace *
pb_tune_page_get_space (PbTunePage *self)
{
  return self->space;
}

void
pb_tune_page_set_options (PbTunePage *self, LcTuneStrategy strategy, int trials, int epochs, int seed)
{
  gtk_drop_down_set_selected (self->strategy, strategy);
  gtk_spin_button_set_value (self->trials, trials);
  gtk_spin_button_set_value (self->epochs, epochs);
  gtk_spin_button_set_value (self->seed, seed);
}

void
pb_tune_page_get_options (PbTunePage *self, LcTuneStrategy *strategy, int *trials, int *epochs, int *seed)
{
  *strategy = gtk_drop_down_get_selected (self->strategy);
  *trials = gtk_spin_button_get_value_as_int (self->trials);
  *epochs = gtk_spin_button_get_value_as_int (self->epochs);
  *seed = gtk_spin_button_get_value_as_int (self->seed);
}

static gboolean
strategy_from_setting (GValue *value, GVariant *variant, gpointer user_data)
{
  LcTuneStrategy strategy;

  if (!lc_tune_strategy_from_string (g_variant_get_string (variant, NULL), &strategy))
    return FALSE;
  g_value_set_uint (value, strategy);
  return TRUE;
}

static GVariant *
strategy_to_setting (const GValue *value, const GVariantType *type, gpointer user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected > LC_TUNE_HALVING)
    return NULL;
  return g_variant_new_string (lc_tune_strategy_to_string (selected));
}

void
pb_tune_page_bind_settings (PbTunePage *self, GSettings *settings)
{
  g_return_if_fail (PB_IS_TUNE_PAGE (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  /* a search goes on where it stopped only with the same settings: they
   * outlive the session */
  g_settings_bind_with_mapping (settings, "tune-strategy", self->strategy, "selected", G_SETTINGS_BIND_DEFAULT,
                                strategy_from_setting, strategy_to_setting, NULL, NULL);
  g_settings_bind (settings, "tune-trials", self->trials, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "tune-epochs", self->epochs, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "tune-seed", self->seed, "value", G_SETTINGS_BIND_DEFAULT);
}

/* The table shows no search. */
static void
forget_trials (PbTunePage *self)
{
  lc_tune_table_free (self->table);
  self->table = lc_tune_table_new ();
  g_list_store_remove_all (self->rows);
  g_clear_pointer (&self->search_dir, g_free);
  refresh_views (self);
}

/* The files a search's ledger wrote (lc-tune-ledger.h), and its folder. */
static void
remove_ledger (const char *dir)
{
  const char *names[] = { "trials.jsonl", "best-model.json" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* The search the controls describe. */
static void
read_options (PbTunePage *self, LcTuneOptions *o)
{
  lc_tune_options_init (o);
  o->strategy = gtk_drop_down_get_selected (self->strategy);
  o->n_trials = gtk_spin_button_get_value_as_int (self->trials);
  o->seed = gtk_spin_button_get_value_as_int (self->seed);
  o->overrides.epochs = gtk_spin_button_get_value_as_int (self->epochs);
  o->overrides.threads = 1;
}

/* The ledger folder of that search on ds (its checksum computed once per
 * dataset: datasets never change). */
static char *
search_dir_for (PbTunePage *self, LcDataset *ds, const NnModelDoc *spec, const LcSearchSpace *space,
                const LcTuneOptions *o)
{
  g_autofree char *key = NULL;

  if (self->checksum_ds != ds)
    {
      g_clear_pointer (&self->checksum_ds, lc_dataset_unref);
      g_free (self->checksum);
      self->checksum_ds = lc_dataset_ref (ds);
      self->checksum = lc_dataset_checksum (ds);
    }
  key = lc_tune_search_key (self->checksum, spec, space, o);
  return g_build_filename (self->ledger_root, key, NULL);
}

/* When the data, network, space or settings change, the table shows the
 * search they describe: the trials an earlier session left of it, if any. */
static void
follow_settings (PbTunePage *self)
{
  const NnModelDoc *spec = base_spec (self);
  LcDataset *ds = current_dataset (self);
  g_autoptr (LcSearchSpace) default_space = NULL;
  g_autoptr (LcTuneTable) on_disk = lc_tune_table_new ();
  g_autofree char *dir = NULL;
  LcTuneOptions o;

  if (self->job != NULL || self->disposed || self->table == NULL || self->promoting)
    return;
  if (ds != NULL && spec != NULL)
    {
      if (self->space == NULL)
        default_space = pb_tune_default_space (spec);
      read_options (self, &o);
      dir = search_dir_for (self, ds, spec, self->space != NULL ? self->space : default_space, &o);
    }
  if (g_strcmp0 (dir, self->search_dir) == 0)
    return;
  forget_trials (self);
  self->search_dir = g_steal_pointer (&dir);
  if (self->search_dir == NULL || !g_file_test (self->search_dir, G_FILE_TEST_IS_DIR)
      || !lc_tune_table_load_dir (on_disk, self->search_dir, NULL))
    return;
  /* the columns of the space those trials searched (the same key: no reload) */
  if (self->space == NULL && on_disk->trials->len > 0)
    pb_tune_page_set_space (self, g_steal_pointer (&default_space));
  for (guint i = 0; i < on_disk->trials->len; i++)
    add_row (self, g_ptr_array_index (on_disk->trials, i));
  if (on_disk->trials->len > 0)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u trial on disk; Start goes on",
                                                         "%u trials on disk; Start goes on", on_disk->trials->len),
                                               on_disk->trials->len);
      set_status (self, text);
    }
  refresh_views (self);
}

gboolean
pb_tune_page_start (PbTunePage *self, GError **error)
{
  const NnModelDoc *spec = base_spec (self);
  LcDataset *ds = current_dataset (self);
  static const PbJobCallbacks callbacks = { .records = tune_events_cb, .done = tune_done };
  TuneJob *job;

  if (self->job != NULL)
    return TRUE;
  if (ds == NULL || spec == NULL)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH, _("A search needs a dataset and a model spec"));
      return FALSE;
    }
  if (self->space == NULL)
    pb_tune_page_set_space (self, pb_tune_default_space (spec));

  job = g_new0 (TuneJob, 1);
  job->ds = lc_dataset_ref (ds);
  job->spec = nn_model_doc_copy (spec);
  job->space = lc_search_space_copy (self->space);
  read_options (self, &job->options);
  job->dir = search_dir_for (self, ds, job->spec, job->space, &job->options);
  /* another search: its trials, if any, come from its own ledger */
  if (g_strcmp0 (job->dir, self->search_dir) != 0)
    {
      forget_trials (self);
      self->search_dir = g_strdup (job->dir);
    }
  /* resume: the trials already in the table or the ledger are not run again */
  job->table = lc_tune_table_new ();
  for (guint i = 0; i < self->table->trials->len; i++)
    lc_tune_table_add (job->table, trial_copy (g_ptr_array_index (self->table->trials, i)));
  self->job = pb_job_start (self, tune_job_run, job, tune_job_free, &callbacks);
  self->running = -1;
  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), TRUE);
  set_status (self, _("Searching…"));
  update_progress (self);
  self->tick = g_timeout_add_seconds (1, tick_cb, self);
  return TRUE;
}

void
pb_tune_page_stop (PbTunePage *self)
{
  if (self->job != NULL)
    {
      g_atomic_int_set (&tune_job (self)->stop, 1);
      set_status (self, _("Stopping after this batch…"));
    }
}

gboolean
pb_tune_page_is_running (PbTunePage *self)
{
  return self->job != NULL;
}

void
pb_tune_page_clear (PbTunePage *self)
{
  g_return_if_fail (self->job == NULL);
  if (self->search_dir != NULL)
    remove_ledger (self->search_dir);
  forget_trials (self);
}

void
pb_tune_page_set_ledger_root (PbTunePage *self, const char *dir)
{
  g_return_if_fail (self->job == NULL);
  g_free (self->ledger_root);
  self->ledger_root = g_strdup (dir);
  follow_settings (self);
}

const char *
pb_tune_page_get_ledger (PbTunePage *self)
{
  return self->search_dir;
}

const char *
pb_tune_page_get_progress (PbTunePage *self, double *seconds_left)
{
  if (seconds_left != NULL)
    *seconds_left = self->seconds_left;
  return self->job != NULL ? self->progress_text : NULL;
}

const LcTuneTable *
pb_tune_page_get_table (PbTunePage *self)
{
  return self->table;
}

GtkColumnView *
pb_tune_page_get_column_view (PbTunePage *self)
{
  return self->column_view;
}

void
pb_tune_page_sort_by (PbTunePage *self, const char *key, gboolean descending)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) c = g_list_model_get_item (columns, i);
      if (g_strcmp0 (g_object_get_data (G_OBJECT (c), "key"), key) == 0)
        gtk_column_view_sort_by_column (self->column_view, c,
                                        descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
    }
}

const LcTrial *
pb_tune_page_get_row (PbTunePage *self, guint position)
{
  g_autoptr (PbTuneRow) row = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);
  return row != NULL ? row->trial : NULL;
}

PbHeatmapView *
pb_tune_page_get_heatmap (PbTunePage *self)
{
  return self->heatmap;
}

static void
select_path (GtkDropDown *dd, const char *path)
{
  const char *const *paths = g_object_get_data (G_OBJECT (dd), "paths");

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    if (g_strcmp0 (paths[i], path) == 0)
      gtk_drop_down_set_selected (dd, i);
}

void
pb_tune_page_set_heatmap_axes (PbTunePage *self, const char *x_path, const char *y_path)
{
  select_path (self->x_axis, x_path);
  select_path (self->y_axis, y_path);
  refresh_views (self);
}

NnModelDoc *
pb_tune_page_promote_best (PbTunePage *self, GError **error)
{
  const LcTrial *best = lc_tune_table_best (self->table);
  const NnModelDoc *spec = base_spec (self);
  NnModelDoc *doc;

  if (best == NULL || spec == NULL)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH, _("No finished trial to promote yet"));
      return NULL;
    }
  doc = lc_tune_apply (spec, best->settings, error);
  if (doc == NULL)
    return NULL;
  if (self->session != NULL)
    {
      /* the promoted network is the base of the next search; until it starts
       * the table keeps showing the one it came from */
      self->promoting = TRUE;
      pb_session_set_spec (self->session, doc, NULL);
      self->promoting = FALSE;
      pb_session_show_section (self->session, "model");
    }
  {
    g_autofree char *text = g_strdup_printf (_("Trial %d promoted to the builder"), lc_trial_number (best));
    set_status (self, text);
  }
  return doc;
}

const char *
pb_tune_page_get_status (PbTunePage *self)
{
  return self->status;
}
