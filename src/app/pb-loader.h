/* pb-loader.h: loading a dataset in a background job (pb-job.h) with
 * progress reported on the caller's main loop and cancellation (DESIGN §8).
 * A cancelled load ends with G_IO_ERROR_CANCELLED and never hands over a
 * dataset, even one it had finished reading. */
#pragma once

#include <gio/gio.h>

#include "lc-dataset.h"
#include "lc-format.h"

G_BEGIN_DECLS

/* Called on the main context of the caller, at most once per main-loop turn. */
typedef void (*PbLoadProgressFunc) (double fraction, gpointer user_data);

/* Loads path with lc_load; options (may be NULL) are copied.  source_object is kept
 * alive until the callback has run and is passed to progress as user_data. */
void       pb_load_async  (GObject *source_object, const char *path, const LcLoadOptions *options,
                           GCancellable *cancellable, PbLoadProgressFunc progress,
                           GAsyncReadyCallback callback, gpointer user_data);
/* The built-in simulated sample: lc_simulate with n_objects and seed. */
void       pb_load_sample_async (GObject *source_object, int n_objects, guint64 seed,
                                 GCancellable *cancellable, PbLoadProgressFunc progress,
                                 GAsyncReadyCallback callback, gpointer user_data);
/* The dataset, or NULL with an LC_ERROR (LC_ERROR_CANCELLED or G_IO_ERROR_CANCELLED when cancelled). */
LcDataset *pb_load_finish (GAsyncResult *result, GError **error);

/* Whether the error means the user cancelled. */
gboolean   pb_load_error_is_cancelled (const GError *error);

G_END_DECLS
