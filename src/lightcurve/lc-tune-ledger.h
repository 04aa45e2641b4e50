/* lc-tune-ledger.h: a search's trials on disk, so that a search killed or
 * stopped goes on at its first unfinished trial when it runs again.  The
 * same folder serves `passband-cli tune --out DIR` and the app's Tune
 * section:
 *
 *   trials.jsonl        one JSON line per finished trial (lc_trial_to_json),
 *                       trials-shard-I-of-N.jsonl for shard I of N; written
 *                       again, atomically, after every trial; a shard that
 *                       has run all its trials ends its file with
 *                       {"event": "shard", "status": "done", ...}
 *   best-model.json     the trained model of the best trial so far
 *                       (best-model-shard-I-of-N.json), saved before the
 *                       trial that made it is on record
 *
 * Opening a folder reads every trials*.jsonl in it into the table, which
 * lc_tune_run then skips.
 */
#pragma once

#include "lc-tune.h"

G_BEGIN_DECLS

typedef struct _LcTuneLedger LcTuneLedger;

/* Creates dir if needed and reads what earlier runs and other shards left
 * there into table, which the ledger then keeps up to date (the caller
 * keeps it alive).  options says which shard this run is (copied). */
LcTuneLedger *lc_tune_ledger_open        (const char *dir, const LcTuneOptions *options, LcTuneTable *table,
                                          GError **error);
void          lc_tune_ledger_free        (LcTuneLedger *ledger);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcTuneLedger, lc_tune_ledger_free)

/* A trial finished (model: its trained model, or NULL): the model first when
 * it is this run's best, then the trial into the table and the file. */
gboolean      lc_tune_ledger_record      (LcTuneLedger *ledger, const LcTrial *trial, const NnModelDoc *model,
                                          GError **error);
/* Writes this run's trials again; done: a shard has run them all. */
gboolean      lc_tune_ledger_save        (LcTuneLedger *ledger, gboolean done, GError **error);

const char   *lc_tune_ledger_get_trials_path (const LcTuneLedger *ledger);
const char   *lc_tune_ledger_get_model_path  (const LcTuneLedger *ledger);

/* A name for the folder of one search (hex digits): the same for the same
 * data (data_checksum: lc_dataset_checksum), spec, space, strategy, trial
 * count, seed and epochs. */
char         *lc_tune_search_key         (const char *data_checksum, const NnModelDoc *spec,
                                          const LcSearchSpace *space, const LcTuneOptions *options);

G_END_DECLS
