/* pb-attribution-job.h: explaining objects in the background.
 *
 * One PbJob explains objects of a run's dataset with the run's model
 * (lc_explain_object: integrated gradients handed back to the observations,
 * and occlusion by band), one after another, and hands each explanation to
 * the owner on the main loop as soon as it is ready.  The job takes a copy
 * of the run's model document and a reference to its dataset (which no one
 * changes), so the run may change or go meanwhile; the worker builds its own
 * predictor.  Cancelling the job (pb_job_clear) drops whatever it would
 * still deliver, and stops the worker at its next step.
 */
#pragma once

#include "lc-explain.h"
#include "pb-job.h"
#include "pb-trainer.h"

G_BEGIN_DECLS

/* Path points: fewer than the CLI's default, since the view wants the
 * picture at once; completeness stays within a few per cent. */
#define PB_ATTRIBUTION_POINTS 32

/* One object explained; the callback may steal the pointers. */
typedef struct
{
  gsize object;
  LcExplanation *explanation;
  char **meta_names;         /* the names of the static inputs the metadata attributions are for */
} PbAttributionResult;

void pb_attribution_result_free (PbAttributionResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbAttributionResult, pb_attribution_result_free)

typedef struct
{
  void (*explained) (gpointer owner, PbAttributionResult *result);
  /* the job ended; error_message is NULL unless an object failed (the rest were skipped) */
  void (*finished) (gpointer owner, const char *error_message);
} PbAttributionCallbacks;

/* Explains objects[0..n) of run->dataset for class target (an index in the
 * run's classes; -1: each object's predicted class).  The run must have a
 * model (run->doc).  Returns the job; drop it with pb_job_clear. */
PbJob *pb_attribution_job_start (gpointer owner, PbRun *run, const gsize *objects, guint n, int target,
                                 const PbAttributionCallbacks *callbacks);

G_END_DECLS
