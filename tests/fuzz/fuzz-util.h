/* fuzz-util.h: helpers shared by the light-curve fuzz targets and their corpus tests */
#pragma once

#include <glib.h>
#include <stddef.h>

#include "lc-format.h"

G_BEGIN_DECLS

/* abort(), not g_error(): libFuzzer saves the input on SIGABRT */
void        fuzz_fail          (const char *format, ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;
/* Aborts when a dataset breaks the promises of lc-dataset.h. */
void        fuzz_check_dataset (const LcDataset *ds);
/* Aborts unless error is an LC_ERROR whose valid UTF-8 message names a file. */
void        fuzz_check_error   (const GError *error, const char *path);
/* Loads path (a file or a folder) with lc_load; TRUE for a dataset, FALSE for a proper error. */
gboolean    fuzz_load_path     (const char *path, char **message);

/* A private folder for the inputs, removed with everything in it at exit. */
const char *fuzz_scratch_dir   (void);
/* sub (NULL: the scratch folder itself), created, and name in it (NULL: the folder); g_free it. */
char       *fuzz_scratch_path  (const char *sub, const char *name);
void        fuzz_write_file    (const char *dir, const char *name, const void *data, gssize size);
void        fuzz_remove_file   (const char *dir, const char *name);
void        fuzz_remove_folder (const char *dir);

/* For a seed corpus run as a normal test: adds one test /fuzz/CORPUS/NAME per
 * file of tests/fuzz/CORPUS, in name order, whose data is the file's whole
 * path; a corpus of fewer than min_files fails (a folder lost or misnamed). */
void        fuzz_add_corpus_tests (const char *corpus, guint min_files, GTestDataFunc func);

G_END_DECLS
