/* lc-early.h: early classification: how well a trained model does
 * when it sees only the beginning of each light curve, the first k
 * observations or the days since the first detection (DESIGN §7).
 *
 * The encoder's window (lc_encoder_encode_window) cuts every object, and its
 * aggregate features, to that beginning, so the model never sees more.
 */
#pragma once

#include "lc-pipeline.h"

G_BEGIN_DECLS

typedef enum
{
  LC_EARLY_OBSERVATIONS = 0,  /* amount: the first k observations (grid data: steps) */
  LC_EARLY_DAYS,              /* amount: days since the first detection */
} LcEarlyAxis;

const char *lc_early_axis_to_string   (LcEarlyAxis axis);
gboolean    lc_early_axis_from_string (const char *name, LcEarlyAxis *axis);

/* The predictions and scores with the window: an evaluation like
 * lc_predictor_evaluate_rows (rows NULL: every object); amount <= 0 means the
 * whole light curve. */
LcEvaluation *lc_early_evaluate (const LcPredictor *predictor, const LcDataset *ds, const int *rows,
                                 int n_rows, LcEarlyAxis axis, double amount, int threads,
                                 GError **error);

typedef struct
{
  LcEarlyAxis axis;
  int n_points;
  int n_classes;            /* K, the model's classes */
  int n_rows;               /* objects scored */
  double *amount;           /* [n_points], increasing; 0 stands for the whole curve */
  double *accuracy;         /* [n_points] */
  double *macro_f1;         /* [n_points] */
  double *macro_auc;        /* [n_points] one-vs-rest, mean over defined classes */
  double *class_recall;     /* (n_points, K) */
  double *class_auc;        /* (n_points, K), NaN when undefined */
} LcEarlyCurve;

/* Amounts worth plotting for ds: observations 1, 2, 3, 4, 6, 8, 12, ... up to
 * the longest object; days 0, 2, 5, 10, 20, 50, 100, 200, 500, 1000 within
 * the longest time span; then 0 (everything).  *n gets the count. */
double       *lc_early_default_amounts (const LcDataset *ds, LcEarlyAxis axis, int *n);

/* The curve at amounts[0..n_amounts) (NULL: lc_early_default_amounts) for
 * rows of ds.  progress (may be NULL) is called after every point; returning
 * FALSE stops with LC_ERROR_CANCELLED. */
LcEarlyCurve *lc_early_curve_new  (const LcPredictor *predictor, const LcDataset *ds, const int *rows,
                                   int n_rows, LcEarlyAxis axis, const double *amounts, int n_amounts,
                                   int threads, LcProgressFunc progress, gpointer user_data,
                                   GError **error);
void          lc_early_curve_free (LcEarlyCurve *curve);
/* A copy of curve (NULL: NULL). */
LcEarlyCurve *lc_early_curve_copy (const LcEarlyCurve *curve);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcEarlyCurve, lc_early_curve_free)

G_END_DECLS
