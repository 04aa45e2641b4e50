/* pb-run-scores.c: a run held by a view of its scores, with its class names */
#include "config.h"

#include "pb-run-scores.h"

void
pb_run_scores_set (PbRunScores *scores, PbRun *run)
{
  /* the new reference first: run may be the one held */
  PbRun *keep = run != NULL ? pb_run_ref (run) : NULL;
  int k = run != NULL ? pb_run_n_classes (run) : 0;

  pb_run_scores_clear (scores);
  scores->run = keep;
  scores->names = g_new0 (char *, k + 1);
  for (int c = 0; c < k; c++)
    scores->names[c] = g_strdup (pb_run_class_name (run, c));
}

void
pb_run_scores_clear (PbRunScores *scores)
{
  g_clear_pointer (&scores->run, pb_run_unref);
  g_clear_pointer (&scores->names, g_strfreev);
}

const NnClassReport *
pb_run_scores_report (const PbRunScores *scores)
{
  return scores->run != NULL && scores->run->evaluation != NULL ? scores->run->evaluation->report : NULL;
}

gboolean
pb_run_has_model (PbRun *run)
{
  return run != NULL && run->doc != NULL && run->evaluation != NULL;
}
