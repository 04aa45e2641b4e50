/* pb-run-scores.h: the run a view of its scores shows (the confusion matrix,
 * the per-class table), held with a copy of its class names because the
 * drawing functions take the names as a plain string array. */
#pragma once

#include "pb-trainer.h"

G_BEGIN_DECLS

typedef struct
{
  PbRun *run;     /* a reference, or NULL */
  char **names;   /* the run's class names, NULL-terminated (empty without a run) */
} PbRunScores;

/* Holds run (may be NULL) instead of the run held before, with its class
 * names; also the first call, on a zeroed PbRunScores. */
void                 pb_run_scores_set    (PbRunScores *scores, PbRun *run);
void                 pb_run_scores_clear  (PbRunScores *scores);
/* The held run's class report; NULL without a run or its evaluation. */
const NnClassReport *pb_run_scores_report (const PbRunScores *scores);
/* Whether run (may be NULL) has a trained model and its scores: what the
 * early-classification, novelty and test-file jobs start from. */
gboolean             pb_run_has_model     (PbRun *run);

G_END_DECLS
