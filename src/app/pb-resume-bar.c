/* pb-resume-bar.c: the unfinished runs of the open dataset (see pb-resume-bar.h) */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "pb-job.h"
#include "pb-resume-bar.h"

struct _PbResumeBar
{
  GtkBox parent_instance;

  PbSession *session;
  PbTrainer *trainer;        /* the session's */
  PbJob *scan;               /* reading the runs folder, or NULL */
  GPtrArray *unfinished;     /* LcRunFile *, newest first: the first is offered */
  GtkLabel *label;
  GtkButton *resume_button;
  GtkButton *discard_button;
};

G_DEFINE_FINAL_TYPE (PbResumeBar, pb_resume_bar, GTK_TYPE_BOX)

/* ---- what is offered --------------------------------------------------- */

static int
epochs_asked (const LcRunFile *file)
{
  return file->overrides.epochs > 0 ? file->overrides.epochs : file->spec->training.train.epochs;
}

/* When the run file was last written: when the run stopped. */
static char *
stopped_at (const LcRunFile *file)
{
  GStatBuf st;
  g_autoptr (GDateTime) when = NULL;

  if (g_stat (file->path, &st) != 0)
    return g_strdup ("");
  when = g_date_time_new_from_unix_local (st.st_mtime);
  /* TRANSLATORS: a date and time as in "on 7 Dec at 17:05", see strftime */
  return g_date_time_format (when, _("on %-d %b at %H:%M"));
}

static char *
describe (const LcRunFile *file)
{
  const char *model = *file->spec->name != '\0' ? file->spec->name : _("A network");
  int done = file->checkpoint != NULL ? file->checkpoint->epochs_done : 0;
  g_autofree char *when = stopped_at (file);

  if (pb_run_file_is_ensemble (file))
    return g_strdup_printf (_("%s, an ensemble, stopped %s before it ended. An ensemble cannot go on from an "
                              "epoch: Train Again trains it from the start with the same settings."),
                            model, when);
  if (done == 0)
    return g_strdup_printf (_("%s stopped %s before its first epoch ended."), model, when);
  return g_strdup_printf (_("%s stopped %s after epoch %d of %d, before it ended. Resume goes on from there."),
                          model, when, done, epochs_asked (file));
}

static void
update (PbResumeBar *self)
{
  const LcRunFile *file = pb_resume_bar_get_offered (self);
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self), file != NULL && !pb_trainer_is_running (self->trainer));
  if (file == NULL)
    return;
  text = describe (file);
  gtk_label_set_text (self->label, text);
  gtk_button_set_label (self->resume_button, pb_run_file_is_ensemble (file) ? _("_Train Again") : _("_Resume"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->resume_button), file->path);
}

/* ---- reading the runs folder in the background ------------------------- */

typedef struct
{
  char *dir;
  char *skip;
  LcDataset *ds;
  GPtrArray *found;
} Scan;

static void
scan_free (Scan *scan)
{
  g_free (scan->dir);
  g_free (scan->skip);
  lc_dataset_unref (scan->ds);
  if (scan->found != NULL)
    g_ptr_array_unref (scan->found);
  g_free (scan);
}

static void
scan_run (PbJob *job, gpointer data, GCancellable *cancellable)
{
  Scan *scan = data;

  scan->found = pb_run_files_list_unfinished (scan->dir, scan->ds, scan->skip);
}

static void
scan_done_cb (gpointer owner, gpointer data)
{
  PbResumeBar *self = owner;
  Scan *scan = data;

  g_clear_pointer (&self->unfinished, g_ptr_array_unref);
  self->unfinished = g_steal_pointer (&scan->found);
  g_clear_pointer (&self->scan, pb_job_unref);
  update (self);
}

static void
rescan (PbResumeBar *self)
{
  static const PbJobCallbacks callbacks = { NULL, NULL, scan_done_cb };
  LcDataset *ds = pb_session_get_dataset (self->session);
  Scan *scan;

  pb_job_clear (&self->scan);
  g_clear_pointer (&self->unfinished, g_ptr_array_unref);
  update (self);
  if (ds == NULL)
    return;
  scan = g_new0 (Scan, 1);
  scan->dir = g_strdup (pb_trainer_get_runs_dir (self->trainer));
  scan->skip = g_strdup (pb_trainer_get_running_file (self->trainer));
  scan->ds = lc_dataset_ref (ds);
  self->scan = pb_job_start (self, scan_run, scan, (GDestroyNotify) scan_free, &callbacks);
}

/* ---- public ------------------------------------------------------------ */

const LcRunFile *
pb_resume_bar_get_offered (PbResumeBar *self)
{
  g_return_val_if_fail (PB_IS_RESUME_BAR (self), NULL);

  return self->unfinished != NULL && self->unfinished->len > 0 ? g_ptr_array_index (self->unfinished, 0) : NULL;
}

gboolean
pb_resume_bar_is_scanning (PbResumeBar *self)
{
  g_return_val_if_fail (PB_IS_RESUME_BAR (self), FALSE);

  return self->scan != NULL;
}

/* The offered run is dealt with: the next one, if any. */
static void
drop_offered (PbResumeBar *self)
{
  g_ptr_array_remove_index (self->unfinished, 0);
  update (self);
}

PbRun *
pb_resume_bar_resume (PbResumeBar *self, GError **error)
{
  const LcRunFile *file;
  LcDataset *ds;
  PbRun *run;

  g_return_val_if_fail (PB_IS_RESUME_BAR (self), NULL);

  file = pb_resume_bar_get_offered (self);
  ds = pb_session_get_dataset (self->session);
  if (file == NULL || ds == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no unfinished run to resume"));
      return NULL;
    }
  run = pb_trainer_resume (self->trainer, ds, file->path, error);
  if (run != NULL)
    drop_offered (self);
  return run;
}

gboolean
pb_resume_bar_discard (PbResumeBar *self, GError **error)
{
  const LcRunFile *file;

  g_return_val_if_fail (PB_IS_RESUME_BAR (self), FALSE);

  file = pb_resume_bar_get_offered (self);
  if (file == NULL)
    return TRUE;
  if (!pb_trainer_discard (self->trainer, file->path, error))
    return FALSE;
  drop_offered (self);
  return TRUE;
}

/* ---- the widget -------------------------------------------------------- */

static void
show_error (PbResumeBar *self, const GError *error)
{
  gtk_label_set_text (self->label, error->message);
}

static void
resume_clicked_cb (PbResumeBar *self)
{
  g_autoptr (GError) error = NULL;

  if (pb_resume_bar_resume (self, &error) == NULL)
    show_error (self, error);
}

static void
discard_clicked_cb (PbResumeBar *self)
{
  g_autoptr (GError) error = NULL;

  if (!pb_resume_bar_discard (self, &error))
    show_error (self, error);
}

static void
pb_resume_bar_dispose (GObject *object)
{
  PbResumeBar *self = PB_RESUME_BAR (object);

  pb_job_clear (&self->scan);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->trainer != NULL)
    g_signal_handlers_disconnect_by_data (self->trainer, self);
  g_clear_object (&self->session);
  g_clear_object (&self->trainer);
  g_clear_pointer (&self->unfinished, g_ptr_array_unref);
  G_OBJECT_CLASS (pb_resume_bar_parent_class)->dispose (object);
}

static void
pb_resume_bar_class_init (PbResumeBarClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pb_resume_bar_dispose;
}

static void
pb_resume_bar_init (PbResumeBar *self)
{
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  gtk_widget_add_css_class (GTK_WIDGET (self), "card");
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->label, TRUE);
  gtk_label_set_max_width_chars (self->label, 36);
  gtk_label_set_xalign (self->label, 0);
  gtk_widget_set_margin_start (GTK_WIDGET (self->label), 8);
  gtk_widget_set_margin_end (GTK_WIDGET (self->label), 8);
  gtk_widget_set_margin_top (GTK_WIDGET (self->label), 8);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->label));

  self->resume_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Resume")));
  self->discard_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Discard")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->discard_button), _("Forget this run: its file is removed"));
  gtk_widget_set_hexpand (GTK_WIDGET (self->resume_button), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->discard_button), TRUE);
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->resume_button));
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->discard_button));
  gtk_widget_set_margin_start (buttons, 8);
  gtk_widget_set_margin_end (buttons, 8);
  gtk_widget_set_margin_bottom (buttons, 8);
  gtk_box_append (GTK_BOX (self), buttons);
  g_signal_connect_swapped (self->resume_button, "clicked", G_CALLBACK (resume_clicked_cb), self);
  g_signal_connect_swapped (self->discard_button, "clicked", G_CALLBACK (discard_clicked_cb), self);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
pb_resume_bar_new (PbSession *session)
{
  PbResumeBar *self = g_object_new (PB_TYPE_RESUME_BAR, NULL);

  self->session = g_object_ref (session);
  self->trainer = g_object_ref (pb_session_get_trainer (session));
  g_signal_connect_swapped (session, "dataset-changed", G_CALLBACK (rescan), self);
  /* hidden while training; a run that ends does not change what is unfinished */
  g_signal_connect_swapped (self->trainer, "started", G_CALLBACK (update), self);
  g_signal_connect_swapped (self->trainer, "finished", G_CALLBACK (update), self);
  rescan (self);
  return GTK_WIDGET (self);
}
