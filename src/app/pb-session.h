/* pb-session.h: what the user works on in one window (DESIGN §8).
 *
 * A PbSession is a plain GObject, no widget: the open dataset, the current
 * model spec (the Model section edits it; Train and Tune read it), the runs
 * of this session (each tied to the dataset it was trained or evaluated on)
 * and the trainer.  Pages are given the session and follow its signals; no
 * page looks another one up.  Tests drive a session without a window.
 *
 * Signals (main thread):
 *   "dataset-changed" ()            another dataset is open
 *   "spec-changed"    ()            the current model spec (or whether it can train) changed
 *   "space-changed"   ()            the search space (the fields marked "Tune this") changed
 *   "run-added"       (PbRun *run)  a finished, stopped or opened run joined the session
 *   "run-removed"     (PbRun *run)  a run was deleted (pb_session_delete_run)
 *   "run-shown"       (PbRun *run)  the run whose scores are shown (NULL: none); a run on
 *                                   another dataset is never the shown one
 *   "show-object"     (gint64 row)  someone asks to see a row of the open dataset
 *   "show-section"    (char *name)  someone asks to see a section ("model", "train", ...)
 */
#pragma once

#include <gtk/gtk.h>

#include "lc-dataset.h"
#include "lc-tune.h"
#include "nn-model-file.h"
#include "pb-trainer.h"

G_BEGIN_DECLS

#define PB_TYPE_SESSION (pb_session_get_type ())
G_DECLARE_FINAL_TYPE (PbSession, pb_session, PB, SESSION, GObject)

/* A session on no dataset, with the Small GRU preset as its spec. */
PbSession        *pb_session_new                (void);

LcDataset        *pb_session_get_dataset        (PbSession *self);
void              pb_session_set_dataset        (PbSession *self, LcDataset *ds);
/* How a dataset is named to the user: "LSST_TRAIN.ts", "Simulated sample (600 objects)". */
char             *pb_session_dataset_name       (LcDataset *ds);

const NnModelDoc *pb_session_get_spec           (PbSession *self);
/* Replaces the spec with a copy of spec.  why_not says why it cannot train
 * on the open data (NULL: it can, as far as the caller knows). */
void              pb_session_set_spec           (PbSession *self, const NnModelDoc *spec, const char *why_not);
/* Why the spec cannot train, or NULL. */
const char       *pb_session_get_spec_problem   (PbSession *self);
/* The search space Tune runs: the fields the Model and Train sections mark
 * "Tune this" (paths "layers[i].units", "training.learning_rate", ...), or
 * NULL when nothing is marked. */
const LcSearchSpace *pb_session_get_space       (PbSession *self);
/* Replaces the space with a copy of space (NULL: no marks). */
void              pb_session_set_space          (PbSession *self, const LcSearchSpace *space);
/* Makes a shipped preset ("small-gru.json") the current spec. */
gboolean          pb_session_load_preset        (PbSession *self, const char *file_name, GError **error);

/* Presets shipped in models/ (also in the resources): file names such as
 * "small-gru.json", sorted; free with g_strfreev. */
char            **pb_session_list_presets       (void);
NnModelDoc       *pb_session_load_preset_doc    (const char *file_name, GError **error);

/* Every run of the session, oldest first (PbRun *). */
GPtrArray        *pb_session_get_runs           (PbSession *self);
/* The runs on the open data (the same content, whichever load of it they
 * were made on), oldest first (a new array of borrowed runs).  The finished
 * runs of earlier sessions in the trainer's runs folder join the session in
 * the background when a dataset opens ("run-added"). */
GPtrArray        *pb_session_get_dataset_runs   (PbSession *self);
void              pb_session_add_run            (PbSession *self, PbRun *run);
/* Moves the run's files (its run file and the model saved beside it) to the
 * trash, so a deletion can be undone from the file manager, and drops the
 * run from the session.  A running run cannot be deleted.  Nothing changes
 * when a file cannot be moved to the trash. */
gboolean          pb_session_delete_run         (PbSession *self, PbRun *run, GError **error);
/* Whether the earlier runs of the open dataset are still being read. */
gboolean          pb_session_is_finding_runs    (PbSession *self);

/* The run whose scores Results shows: one with an evaluation, on the open dataset. */
PbRun            *pb_session_get_shown_run      (PbSession *self);
void              pb_session_show_run           (PbSession *self, PbRun *run);

PbTrainer        *pb_session_get_trainer        (PbSession *self);

void              pb_session_show_object        (PbSession *self, gint64 row);
void              pb_session_show_section       (PbSession *self, const char *name);

G_END_DECLS
