/* pb-tune-page.h: the Tune section: a hyperparameter search over
 * the session's spec on the session's dataset.  Trials run one after another
 * in a worker thread (lc_tune_run, the same call as `passband-cli tune`);
 * the table of trials is sortable, the heat map shows the best validation
 * accuracy over two settings, the curves view the trials' validation
 * curves; Stop keeps what finished and Start resumes, also after quitting
 * (each search keeps its trials on disk, lc-tune-ledger.h); a bar shows
 * "Trial n of N" and the time left; Promote puts the best trial's spec into
 * the builder. */
#pragma once

#include <gtk/gtk.h>

#include "lc-tune.h"
#include "pb-heatmap-view.h"
#include "pb-session.h"

G_BEGIN_DECLS

#define PB_TYPE_TUNE_PAGE (pb_tune_page_get_type ())
G_DECLARE_FINAL_TYPE (PbTunePage, pb_tune_page, PB, TUNE_PAGE, GtkBox)

/* Tunes session's spec on session's dataset; session may be NULL (tests):
 * then set the dataset and spec yourself. */
GtkWidget         *pb_tune_page_new           (PbSession *session);

void               pb_tune_page_set_dataset   (PbTunePage *self, LcDataset *ds);
/* The spec searched over; NULL: the session's spec at Start. */
void               pb_tune_page_set_spec      (PbTunePage *self, const NnModelDoc *spec);
/* Takes space; NULL: a default space for the spec (units, learning rate, L2). */
void               pb_tune_page_set_space     (PbTunePage *self, LcSearchSpace *space);
const LcSearchSpace *pb_tune_page_get_space   (PbTunePage *self);
LcSearchSpace     *pb_tune_default_space      (const NnModelDoc *spec);
void               pb_tune_page_set_options   (PbTunePage *self, LcTuneStrategy strategy, int trials,
                                               int epochs, int seed);
/* What the form says: strategy, trials, epochs per trial and seed. */
void               pb_tune_page_get_options   (PbTunePage *self, LcTuneStrategy *strategy, int *trials,
                                               int *epochs, int *seed);
/* The form's fields follow settings ("tune-strategy", "tune-trials",
 * "tune-epochs", "tune-seed") both ways: restored now, saved on change. */
void               pb_tune_page_bind_settings (PbTunePage *self, GSettings *settings);

/* Starts (or resumes) the search; the signals "trial" (int index) and
 * "finished" (int LcTuneStatus) follow on the main thread. */
gboolean           pb_tune_page_start         (PbTunePage *self, GError **error);
void               pb_tune_page_stop          (PbTunePage *self);
gboolean           pb_tune_page_is_running    (PbTunePage *self);
/* Forgets the trials, also on disk (not while running). */
void               pb_tune_page_clear         (PbTunePage *self);
/* Each search keeps its trials in a folder of its own under dir (by default
 * passband/searches in the user's data folder), named by its data, network,
 * space and settings: the table shows what is on disk of the search the
 * controls describe, and Start, even in a later session, goes on at its
 * first trial not on record (not while running). */
void               pb_tune_page_set_ledger_root (PbTunePage *self, const char *dir);
/* The folder of the search shown, or NULL. */
const char        *pb_tune_page_get_ledger    (PbTunePage *self);
/* While running, "Trial n of N · about 2 minutes left" and the seconds
 * estimated (< 0: not known yet); NULL when not running. */
const char        *pb_tune_page_get_progress  (PbTunePage *self, double *seconds_left);

const LcTuneTable *pb_tune_page_get_table     (PbTunePage *self);
GtkColumnView     *pb_tune_page_get_column_view (PbTunePage *self);
/* Sorts the table view by a column key ("val_accuracy", a setting path...). */
void               pb_tune_page_sort_by       (PbTunePage *self, const char *key, gboolean descending);
/* The trial shown in row position of the (sorted) table view, or NULL. */
const LcTrial     *pb_tune_page_get_row       (PbTunePage *self, guint position);
PbHeatmapView     *pb_tune_page_get_heatmap   (PbTunePage *self);
void               pb_tune_page_set_heatmap_axes (PbTunePage *self, const char *x_path, const char *y_path);
/* The best trial's spec (a new document); also made the session's spec
 * (the Model section shows it) when the page has a session. */
NnModelDoc        *pb_tune_page_promote_best  (PbTunePage *self, GError **error);
const char        *pb_tune_page_get_status    (PbTunePage *self);

/* A search-space path in words: "layers[0].units" → "Layer 1 (GRU): units"
 * (spec names the layer kinds; may be NULL). */
char              *pb_tune_setting_title      (const NnModelDoc *spec, const char *path);

G_END_DECLS
