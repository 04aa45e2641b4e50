#!/usr/bin/env python3
"""Writes the broken model files used by test-model-file.c (and good-small.json,
the valid file they are broken from).  Run it here after changing the schema:
    python3 make-bad-models.py
Each file breaks ONE thing; test-model-file.c lists what its message must say."""
import base64
import copy
import json
import struct

F, H, K = 6, 4, 3          # features per step, GRU units, classes


def b64(values):
    return base64.b64encode(struct.pack("<%df" % len(values), *values)).decode()


def tensor(layer, name, shape, values=None):
    size = 1
    for s in shape:
        size *= s
    if values is None:
        values = [((i * 7919) % 200 - 100) / 400.0 for i in range(size)]
    return {"layer": layer, "name": name, "shape": shape, "data": b64(values)}


good = {
    "format": "passband-model",
    "version": 1,
    "name": "good small",
    "description": "A GRU(4) and a dense head, with every weight: the valid file the broken ones come from.",
    "inputs": {"sequence_features": F, "max_steps": 10, "metadata_features": 0},
    "layers": [
        {"type": "gru", "units": H, "return_sequences": False, "label": "recurrent"},
        {"type": "dense", "units": "classes", "activation": "softmax"},
    ],
    "classes": [{"id": 15, "name": "TDE"}, {"id": 42, "name": "SN II"}, {"id": 90, "name": "SN Ia"}],
    "training": {"optimizer": "adam", "learning_rate": 0.001, "batch_size": 8, "epochs": 2, "seed": 3},
    "history": [{"epoch": 1, "loss": 1.1, "accuracy": 0.3, "val_loss": None, "val_accuracy": None, "seconds": 0.5}],
    "weights": [
        tensor(0, "weight_ih", [3 * H, F]),
        tensor(0, "weight_hh", [3 * H, H]),
        tensor(0, "bias_ih", [3 * H]),
        tensor(0, "bias_hh", [3 * H]),
        tensor(1, "weight", [K, H]),
        tensor(1, "bias", [K]),
    ],
}


def write(name, doc):
    with open(name, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")


def variant(name, change):
    doc = copy.deepcopy(good)
    change(doc)
    write(name, doc)


write("good-small.json", good)


def units_negative(d):
    d["layers"] = [{"type": "gru", "units": 8, "return_sequences": True},
                   {"type": "dropout", "rate": 0.2},
                   {"type": "lstm", "units": -3},
                   {"type": "dense", "units": "classes", "activation": "softmax"}]
    del d["weights"]


variant("units-negative.json", units_negative)
variant("weight-shape.json", lambda d: d["weights"].__setitem__(1, tensor(0, "weight_hh", [H, H])))
variant("newer-version.json", lambda d: d.update(version=7, some_new_field={"x": 1}))


def bad_base64(d):
    d["weights"][0]["data"] = d["weights"][0]["data"][:40] + "!!" + d["weights"][0]["data"][42:]


variant("bad-base64.json", bad_base64)
# 288 bytes needed; keep 280 (a whole number of base64 quads), and an odd length
variant("truncated-base64.json", lambda d: d["weights"][0].update(data=b64([0.5] * (3 * H * F - 2))))
variant("truncated-base64-odd.json", lambda d: d["weights"][0].update(data=d["weights"][0]["data"][:-3]))
variant("unknown-layer.json", lambda d: d["layers"].insert(1, {"type": "lstmm", "units": 4}))
variant("unknown-format.json", lambda d: d.update(format="keras-model"))
variant("number-for-string.json", lambda d: d["layers"][1].update(activation=3))
variant("missing-layers.json", lambda d: d.pop("layers"))
variant("missing-type.json", lambda d: d["layers"][0].pop("type"))


def nan_weights(d):
    values = [0.25] * (3 * H * F)
    values[5] = float("nan")
    d["weights"][0] = tensor(0, "weight_ih", [3 * H, F], values)


variant("nan-weights.json", nan_weights)


def inf_weights(d):
    values = [0.25] * K
    values[2] = float("-inf")
    d["weights"][5] = tensor(1, "bias", [K], values)


variant("inf-weights.json", inf_weights)
variant("unknown-field.json", lambda d: d.update(wieghts=[]))


def layer_typo(d):
    d["layers"][0] = {"type": "gru", "unit": 4}


variant("layer-typo.json", layer_typo)
variant("not-applicable.json", lambda d: d["layers"][0].update(kernel_size=3))
variant("missing-tensor.json", lambda d: d["weights"].pop(3))
variant("duplicate-tensor.json", lambda d: d["weights"].append(tensor(0, "weight_ih", [3 * H, F])))
variant("unknown-tensor.json", lambda d: d["weights"][1].update(name="weight_hx"))
variant("bad-training.json", lambda d: d["training"].update(optimizer="adamm"))
variant("string-for-number.json", lambda d: d["training"].update(learning_rate="0.001"))
variant("weights-layer-range.json", lambda d: d["weights"][4].update(layer=5))
variant("extra-ok.json", lambda d: d.update(extra={"notes": "anything goes here", "nested": {"list": [1, 2.5, None]}}))

text = json.dumps(good, indent=1)
with open("truncated.json", "w") as f:
    f.write(text[: len(text) // 2])
with open("empty.json", "w") as f:
    pass
with open("top-array.json", "w") as f:
    f.write("[1, 2, 3]\n")
