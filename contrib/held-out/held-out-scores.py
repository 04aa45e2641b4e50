#!/usr/bin/python3
"""Score the held-out probabilities `passband-cli crossval --predictions FILE` writes.

  held-out-scores.py prior FILE [TAU,...]        the prior correction at each TAU: accuracy, macro F1 and
                                                 PLAsTiCC weighted log loss per fold (mean ± std), classes
                                                 never predicted summed over the folds
  held-out-scores.py blend FILE:TAU ... [TAUS]   the geometric mean of several runs' probabilities (same
                                                 folds; each first corrected by its own TAU), then each TAU
  held-out-scores.py bound FILE [MIN_ACCURACY]   an oracle: per-class log-probability offsets (and a
                                                 temperature) chosen on these very predictions, the highest
                                                 macro F1 with accuracy >= MIN_ACCURACY (0.68) and the lowest
                                                 weighted log loss.  It uses the answers, so it bounds what any
                                                 rule at prediction time can reach; it is not a method.

The prior correction divides p by the class priors of the file's objects to the power TAU (what
--prior-correction does with the training split's priors). Needs python3-numpy.
"""
import csv
import sys

import numpy as np

PLASTICC_DOUBLE_WEIGHT = (15, 64, 99)


def load(path):
    rows = list(csv.reader(open(path)))
    ids = [int(h.split("_")[1]) for h in rows[0][3:]]
    order = sorted(range(1, len(rows)), key=lambda i: rows[i][0])
    probs = np.array([[float(v) for v in rows[i][3:]] for i in order])
    labels = np.array([ids.index(int(rows[i][2])) for i in order])
    folds = np.array([int(rows[i][1]) for i in order])
    keys = [(rows[i][0], rows[i][1]) for i in order]
    return ids, probs, labels, folds, keys


def corrected(probs, labels, tau):
    prior = np.bincount(labels, minlength=probs.shape[1]) / len(labels)
    q = probs * prior ** (-tau)
    return q / q.sum(1, keepdims=True)


def scores(probs, labels, ids):
    k = len(ids)
    weights = np.array([2.0 if i in PLASTICC_DOUBLE_WEIGHT else 1.0 for i in ids])
    top = probs.argmax(1)
    f1, per_class, w = [], [], []
    never = 0
    for c in range(k):
        support = (labels == c).sum()
        if support == 0:
            continue
        tp = ((top == c) & (labels == c)).sum()
        predicted = (top == c).sum()
        never += predicted == 0
        precision = tp / predicted if predicted else 0.0
        recall = tp / support
        f1.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
        per_class.append(-np.mean(np.log(np.maximum(probs[labels == c, c], 1e-15))))
        w.append(weights[c])
    wll = float(np.dot(w, per_class) / np.sum(w))
    return (top == labels).mean(), float(np.mean(f1)), wll, int(never)


def report(probs, labels, folds, ids, label):
    per_fold = np.array([scores(probs[folds == f], labels[folds == f], ids) for f in sorted(set(folds))])
    mean, std = per_fold.mean(0), per_fold.std(0, ddof=1)
    print(f"{label}  accuracy {mean[0]:.4f} ± {std[0]:.4f}  macro F1 {mean[1]:.4f} ± {std[1]:.4f}  "
          f"weighted log loss {mean[2]:.4f}  never predicted {int(per_fold[:, 3].sum())}")


def taus(text, default):
    return [float(t) for t in (text or default).split(",")]


def prior_command(args):
    ids, probs, labels, folds, _ = load(args[0])
    for tau in taus(args[1] if len(args) > 1 else None, "0,0.25,0.5,0.75,1"):
        report(corrected(probs, labels, tau), labels, folds, ids, f"TAU {tau:5.2f}")


def blend_command(args):
    runs = [a for a in args if ":" in a]
    rest = [a for a in args if ":" not in a]
    logs, first = [], None
    for run in runs:
        path, tau = run.rsplit(":", 1)
        ids, probs, labels, folds, keys = load(path)
        if first is not None and keys != first:
            sys.exit(f"{path}: its objects or folds differ from the first file's")
        first = keys
        logs.append(np.log(np.maximum(corrected(probs, labels, float(tau)), 1e-12)))
    mean = np.exp(np.mean(logs, 0))
    mean /= mean.sum(1, keepdims=True)
    for tau in taus(rest[0] if rest else None, "0,0.25,0.5,0.75,1"):
        report(corrected(mean, labels, tau), labels, folds, ids, f"TAU {tau:5.2f}")


def bound_command(args):
    ids, probs, labels, _, _ = load(args[0])
    min_accuracy = float(args[1]) if len(args) > 1 else 0.68
    logp = np.log(np.maximum(probs, 1e-12))
    k = len(ids)

    def objective(offsets):
        accuracy, f1, _, _ = scores(np.exp(logp + offsets), labels, ids)
        return f1 if accuracy >= min_accuracy else f1 - 10 * (min_accuracy - accuracy), accuracy, f1

    offsets = np.zeros(k)
    best = objective(offsets)
    for _ in range(4):
        for c in range(k):
            for d in np.linspace(-3, 3, 61):
                trial = offsets.copy()
                trial[c] = d
                value = objective(trial)
                if value[0] > best[0]:
                    best, offsets = value, trial
    print(f"highest macro F1 with accuracy >= {min_accuracy}: {best[2]:.4f} (accuracy {best[1]:.4f})")

    def wll(offsets, t):
        z = logp / t + offsets
        z -= z.max(1, keepdims=True)
        p = np.exp(z)
        return scores(p / p.sum(1, keepdims=True), labels, ids)[2]

    prior = np.bincount(labels, minlength=k) / len(labels)
    offsets, t = -np.log(prior), 1.0
    best = wll(offsets, t)
    for step in range(8):
        for c in range(k):
            for d in np.linspace(-2, 2, 41) * 0.5 ** step:
                trial = offsets.copy()
                trial[c] += d
                value = wll(trial, t)
                if value < best:
                    best, offsets = value, trial
        for trial_t in np.linspace(0.5, 3, 51):
            value = wll(offsets, trial_t)
            if value < best:
                best, t = value, trial_t
    print(f"lowest weighted log loss: {best:.4f} (temperature {t:.2f})")


if __name__ == "__main__":
    commands = {"prior": prior_command, "blend": blend_command, "bound": bound_command}
    if len(sys.argv) < 3 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])
