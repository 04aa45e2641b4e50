/* lc-novelty.h: what the novelty view needs beyond the scores of
 * lc-plasticc-metric.h (issue 7): a histogram of a score and the objects
 * above a threshold, most novel first. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* counts[n_bins]: scores in [lo, hi) split into equal bins, the last bin
 * closed; NaN and scores outside are left out.  Returns how many were counted. */
int  lc_novelty_histogram (const double *scores, int n, double lo, double hi, int n_bins, int *counts);

/* The indices i with scores[i] >= threshold, highest score first (ties: lower
 * index first); *n_out gets their number.  Never NULL. */
int *lc_novelty_rank      (const double *scores, int n, double threshold, int *n_out);

/* Writes the Kaggle submission layout (DESIGN §7), as `passband-cli predict`
 * does: "object_id,class_<id>...,class_99", one row per object with
 * lc_novelty_append_p99's probabilities.  ids[n], probs (n, k); written to a
 * temporary file and renamed. */
gboolean lc_novelty_write_predictions (const char *path, const char *const *ids, const float *probs,
                                       int n, int k, const int *class_ids, GError **error);

G_END_DECLS
