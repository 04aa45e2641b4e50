/* nn-object-history.h: what the model said about every validation object
 * at every epoch of a run, and the questions asked of it: which objects it
 * learned late, which it never got right, which flipped, and what a second
 * run fixed or broke.
 *
 * Every buffer is reserved by nn_object_history_new for max_epochs epochs;
 * recording an epoch allocates nothing (the trainer records during its
 * validation pass, NnTrainCallbacks.object_history). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int n_objects;
  int n_classes;
  int max_epochs;
  int n_epochs;          /* epochs recorded */
  int *labels;           /* [n_objects] true class, -1 unknown */
  int *predicted;        /* [max_epochs][n_objects] */
  float *probs;          /* [max_epochs][n_objects][n_classes] */
} NnObjectHistory;

/* labels [n_objects] (copied; NULL: all unknown). */
NnObjectHistory *nn_object_history_new  (const int *labels, int n_objects, int n_classes,
                                         int max_epochs);
void             nn_object_history_free (NnObjectHistory *history);
/* A copy with the same reserve, e.g. for the main loop while a worker records. */
NnObjectHistory *nn_object_history_copy (const NnObjectHistory *history);
/* A copy with room for max_epochs epochs holding the recorded epochs that fit
 * (the first ones), e.g. a snapshot of a run so far without its reserve. */
NnObjectHistory *nn_object_history_copy_epochs (const NnObjectHistory *history, int max_epochs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnObjectHistory, nn_object_history_free)

/* The probabilities of the next epoch, to be filled (n_objects, n_classes);
 * NULL when max_epochs are recorded already. */
float *nn_object_history_next   (NnObjectHistory *history);
/* Ends the epoch whose probabilities nn_object_history_next gave. */
void   nn_object_history_commit (NnObjectHistory *history);
/* Records probs (n_objects, n_classes) as the next epoch (copied). */
void   nn_object_history_record (NnObjectHistory *history, const float *probs);

int nn_object_history_predicted (const NnObjectHistory *history, int epoch, int object);

/* The first epoch (0-based) from which the object is predicted right at
 * every recorded epoch; -1 when it is wrong at the last one or unlabelled. */
int nn_object_history_learned_epoch (const NnObjectHistory *history, int object);

/* Object indices (int), ascending: */
/* learned at exactly `epoch` (nn_object_history_learned_epoch == epoch) */
GArray *nn_object_history_learned_at    (const NnObjectHistory *history, int epoch);
/* labelled and wrong at every recorded epoch */
GArray *nn_object_history_always_wrong  (const NnObjectHistory *history);
/* whose predicted class changed between two consecutive epochs at or after
 * `from_epoch` (a change into epoch e counts when e >= from_epoch) */
GArray *nn_object_history_flipped_after (const NnObjectHistory *history, int from_epoch);

/* Two runs on the same validation objects (same count and labels), judged at
 * their last epochs: fixed gets the objects a got wrong and b right, broken
 * those a got right and b wrong.  FALSE when the objects differ. */
gboolean nn_object_history_compare (const NnObjectHistory *a, const NnObjectHistory *b,
                                    GArray **fixed, GArray **broken);

G_END_DECLS
