/* pb-explore-jobs.h: the long computations behind the Results
 * section's early-classification slider, its Early Classification and
 * Novelty tabs, the test-file evaluation and the predictions export.
 * Each is a background job (pb-job.h) on its own predictor made from the
 * run's model, holds a reference to the run (and so its dataset), never
 * touches a widget, and stops early when its GCancellable fires.  The
 * callback runs on the caller's main context; a cancelled job ends with
 * G_IO_ERROR_CANCELLED and never with its result. */
#pragma once

#include <gtk/gtk.h>

#include "lc-early.h"
#include "lc-plasticc-metric.h"
#include "pb-trainer.h"

G_BEGIN_DECLS

/* The scores after the three LcNoveltyScore ones: lc_predictor_novelty, the
 * shipped score, when the model has it. */
#define PB_NOVELTY_DISTANCE 3
#define PB_NOVELTY_N_SCORES 4

/* The novelty scores of every object of a run's dataset. */
typedef struct
{
  int n_objects;
  int n_classes;
  float *probs;               /* (n_objects, n_classes) */
  double *scores[PB_NOVELTY_N_SCORES]; /* [score][n_objects]; the distance NULL without it */
  double distance_threshold;  /* the model's stored threshold of the distance */
  guint8 *trained;            /* [n_objects] 1: the model was trained on the object */
  int n_trained;
} PbNoveltyScores;

void             pb_novelty_scores_free     (PbNoveltyScores *scores);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbNoveltyScores, pb_novelty_scores_free)
/* The top of a score's range (kind a LcNoveltyScore or PB_NOVELTY_DISTANCE). */
double           pb_novelty_scores_high     (const PbNoveltyScores *scores, int kind);
/* Where the threshold starts: the model's own for the distance, else the
 * middle of the score's range. */
double           pb_novelty_scores_default_threshold (const PbNoveltyScores *scores, int kind);

/* The early curve on the run's validation rows (run needs doc and evaluation). */
void             pb_explore_curve_async     (GObject *source, PbRun *run, LcEarlyAxis axis,
                                             GCancellable *cancellable, GAsyncReadyCallback callback,
                                             gpointer user_data);
LcEarlyCurve    *pb_explore_curve_finish    (GAsyncResult *result, GError **error);

/* A run of its own with the scores of the validation rows when the model
 * sees only amount of each curve (amount <= 0: all of it). */
void             pb_explore_point_async     (GObject *source, PbRun *run, LcEarlyAxis axis, double amount,
                                             GCancellable *cancellable, GAsyncReadyCallback callback,
                                             gpointer user_data);
PbRun           *pb_explore_point_finish    (GAsyncResult *result, GError **error);

/* The probabilities and novelty scores of every object of the run's dataset. */
void             pb_explore_novelty_async   (GObject *source, PbRun *run, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
PbNoveltyScores *pb_explore_novelty_finish  (GAsyncResult *result, GError **error);

/* Loads a separate labelled file (a .ts, a PLAsTiCC CSV, sim:N...) and
 * scores the run's model on it. */
void             pb_explore_test_file_async  (GObject *source, PbRun *run, const char *path,
                                              GCancellable *cancellable, GAsyncReadyCallback callback,
                                              gpointer user_data);
LcEvaluation    *pb_explore_test_file_finish (GAsyncResult *result, GError **error);

/* Writes the probabilities (n_objects of the run's dataset, copied) in the
 * Kaggle layout with class_99. */
void             pb_explore_export_async    (GObject *source, PbRun *run, const PbNoveltyScores *scores,
                                             const char *path, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
gboolean         pb_explore_export_finish   (GAsyncResult *result, GError **error);

G_END_DECLS
