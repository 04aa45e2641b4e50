/* pb-train-page.h: the Train section: a configuration panel, Start
 * and Stop with a progress line, live training curves, the runs of the
 * session (compare two, save one as a model file, open a model file and
 * evaluate it on the current dataset). */
#pragma once

#include <gtk/gtk.h>

#include "pb-history-chart.h"
#include "pb-resume-bar.h"
#include "pb-trainer.h"
#include "pb-session.h"

G_BEGIN_DECLS

#define PB_TYPE_TRAIN_PAGE (pb_train_page_get_type ())
G_DECLARE_FINAL_TYPE (PbTrainPage, pb_train_page, PB, TRAIN_PAGE, GtkBox)

/* Trains session's spec on session's dataset with the session's trainer;
 * finished runs join the session. */
GtkWidget      *pb_train_page_new            (PbSession *session);
PbTrainer      *pb_train_page_get_trainer    (PbTrainPage *self);
PbHistoryChart *pb_train_page_get_chart      (PbTrainPage *self);
/* Resume or discard a run of the open dataset that did not end. */
PbResumeBar    *pb_train_page_get_resume_bar (PbTrainPage *self);

/* The model to train: "builder" (the session's spec as it is) or a preset
 * file name such as "small-gru.json", which becomes the session's spec (the
 * Model section follows); the settings take the model's training section as
 * their defaults.  FALSE when there is no such preset. */
gboolean        pb_train_page_select_model   (PbTrainPage *self, const char *name);
/* The spec that Start would train, with the panel's settings (free with nn_model_doc_free). */
NnModelDoc     *pb_train_page_build_spec     (PbTrainPage *self, GError **error);
/* The thread count (1 or 2) the settings start with for every model; shown at once. */
void            pb_train_page_set_default_threads (PbTrainPage *self, int threads);
void            pb_train_page_set_epochs     (PbTrainPage *self, int epochs);
/* Early stopping's patience in epochs (0: off). */
void            pb_train_page_set_patience   (PbTrainPage *self, int patience);
void            pb_train_page_set_seed       (PbTrainPage *self, int seed);
/* "Class priors in the loss": the logit adjustment tau (0 = off). */
void            pb_train_page_set_logit_adjust (PbTrainPage *self, double tau);

/* What the Start and Stop buttons do. */
gboolean        pb_train_page_start          (PbTrainPage *self, GError **error);
void            pb_train_page_stop           (PbTrainPage *self);
/* The progress line ("Epoch 3 of 10 · batch 5 of 8 · about 12 s left"). */
const char     *pb_train_page_get_status     (PbTrainPage *self);

/* Runs of the session on the open dataset, oldest first (PbRun *). */
GPtrArray      *pb_train_page_get_runs       (PbTrainPage *self);
/* Overlays run (NULL: none) on the chart of the shown run. */
void            pb_train_page_compare_with   (PbTrainPage *self, PbRun *run);
/* Shows one of the runs: its curves here, its scores in the Results section. */
void            pb_train_page_show_run       (PbTrainPage *self, PbRun *run);
gboolean        pb_train_page_save_run       (PbTrainPage *self, PbRun *run, const char *path, GError **error);
/* Opens a model file, evaluates it on the open dataset and adds it to the session's runs. */
PbRun          *pb_train_page_open_model     (PbTrainPage *self, const char *path, GError **error);

/* The settings form's editor of a training field ("learning_rate"), and its
 * "Tune" mark (PbTuneMark), or NULL when the form has none. */
GtkWidget      *pb_train_page_get_field_editor (PbTrainPage *self, const char *field);
GtkWidget      *pb_train_page_get_tune_mark    (PbTrainPage *self, const char *field);

G_END_DECLS
