/* pb-resume-bar.h: "an unfinished run of this dataset: Resume or Discard".
 *
 * Shown in the Train section when the open dataset has a run that was
 * killed, crashed or closed with the window before it ended (its run file
 * in the trainer's runs folder is not finished).  The folder is read in the
 * background whenever another dataset opens.  Resume goes on from the
 * run's last epoch with the session's trainer; an ensemble, which cannot go
 * on from an epoch, is trained again, and the bar says so.  Discard removes
 * the run file.  Hidden while the trainer runs. */
#pragma once

#include <gtk/gtk.h>

#include "pb-session.h"

G_BEGIN_DECLS

#define PB_TYPE_RESUME_BAR (pb_resume_bar_get_type ())
G_DECLARE_FINAL_TYPE (PbResumeBar, pb_resume_bar, PB, RESUME_BAR, GtkBox)

GtkWidget       *pb_resume_bar_new          (PbSession *session);
/* The run offered (the newest unfinished one), or NULL. */
const LcRunFile *pb_resume_bar_get_offered  (PbResumeBar *self);
/* Whether the runs folder is being read. */
gboolean         pb_resume_bar_is_scanning  (PbResumeBar *self);
/* What the buttons do: resume the offered run (the new run, or NULL and
 * error), or remove its file; the next unfinished run, if any, is offered. */
PbRun           *pb_resume_bar_resume       (PbResumeBar *self, GError **error);
gboolean         pb_resume_bar_discard      (PbResumeBar *self, GError **error);

G_END_DECLS
