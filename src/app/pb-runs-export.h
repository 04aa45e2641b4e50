/* pb-runs-export.h: Export Runs… — the session's runs as `passband-cli runs
 * export` writes them (lc_runs_export): the run table as runs.csv and
 * runs.tex and every run's curves as curves/RUN.csv, in a chosen folder. */
#pragma once

#include <gtk/gtk.h>

#include "pb-session.h"
#include "pb-window.h"

G_BEGIN_DECLS

/* The run files of the session's runs, oldest first (file names, borrowed
 * from the runs); runs without one are left out. */
GPtrArray *pb_runs_export_files (PbSession *session);

/* Reads every run file of the session and writes folder/runs.csv,
 * folder/runs.tex and folder/curves/; errors name the file. */
gboolean   pb_runs_export_write (PbSession *session, const char *folder, GError **error);

/* Adds win.export-runs to window, enabled while a run of the session has a
 * run file: it asks for a folder and writes the runs there. */
void       pb_runs_export_install (PbWindow *window, PbSession *session);

G_END_DECLS
