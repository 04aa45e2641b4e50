/* nn-atomic.h: writing files so that no reader, crash or full disk ever sees
 * half of one.
 *
 * Every file Passband writes (models, predictions, tune tables and spaces,
 * simulated data) goes through here: the text goes to a temporary file in the
 * target's folder, is flushed to disk and renamed over the target.  A symbolic
 * link is written through (its target is replaced, the link stays); an
 * existing file keeps its permission bits; a new one gets 0666 less the umask.
 * Temporary files are named ".NAME.part-HOST-PID-XXXXXX", so a later write of
 * the same file on the same host removes those a killed run left behind.
 * Errors are G_FILE_ERROR; messages say what failed, callers add the path. */
#pragma once

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

typedef struct _NnAtomicFile NnAtomicFile;

/* A temporary file for path (stale ones of path removed first). */
NnAtomicFile *nn_atomic_file_new       (const char *path, GError **error);
/* A stdio stream on it, owned by the atomic file. */
FILE         *nn_atomic_file_stream    (NnAtomicFile *file);
const char   *nn_atomic_file_temp_path (const NnAtomicFile *file);
/* Flushes, syncs and closes it, without renaming yet: files that belong
 * together are all finished before the first is renamed. */
gboolean      nn_atomic_file_finish    (NnAtomicFile *file, GError **error);
/* Finishes it (if not done) and renames it over the target; on failure the
 * target is left as it was (and nn_atomic_file_free removes the temporary). */
gboolean      nn_atomic_file_commit    (NnAtomicFile *file, GError **error);
/* Removes the temporary file unless committed. */
void          nn_atomic_file_free      (NnAtomicFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnAtomicFile, nn_atomic_file_free)

/* The whole text at once (len -1: NUL-terminated). */
gboolean nn_atomic_write        (const char *path, const char *data, gssize len, GError **error);
/* Whether path can be written, tried with a temporary file beside it: before
 * a long job whose result goes there. */
gboolean nn_atomic_check_folder (const char *path, GError **error);

G_END_DECLS
