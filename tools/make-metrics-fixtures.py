"""scikit-learn reference numbers for zd.metrics: writes test/fixtures/metrics.json.

    /usr/bin/python3 tools/make-metrics-fixtures.py

Each case has fixed inputs drawn from a seeded numpy generator (seed = crc32 of the case name, so adding
a case leaves the others unchanged) and scikit-learn's outputs for them.
"""
import json
import os
import zlib

import numpy as np
import sklearn
from sklearn import metrics

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "metrics.json")


def rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def report_case(name, y_true, y_pred, labels=None):
    kwargs = {} if labels is None else {"labels": labels}
    report = metrics.classification_report(y_true, y_pred, output_dict=True, zero_division=0, **kwargs)
    used = labels if labels is not None else sorted(set(y_true) | set(y_pred))
    per_class = [report[str(label)] for label in used]
    case = {
        "yTrue": [int(v) for v in y_true], "yPred": [int(v) for v in y_pred],
        "labels": [int(v) for v in used],
        "confusion": metrics.confusion_matrix(y_true, y_pred, labels=used).tolist(),
        "precision": [c["precision"] for c in per_class], "recall": [c["recall"] for c in per_class],
        "f1": [c["f1-score"] for c in per_class], "support": [int(c["support"]) for c in per_class],
        "accuracy": metrics.accuracy_score(y_true, y_pred),
        "macro": report["macro avg"], "weighted": report["weighted avg"],
    }
    if labels is not None:
        case["fixedLabels"] = True
    return name, case


def cases():
    out = {}
    r = rng("report_random")
    y_true = r.integers(0, 5, 60)
    y_pred = np.where(r.random(60) < 0.6, y_true, r.integers(0, 5, 60))
    out.update([report_case("report_random", y_true.tolist(), y_pred.tolist())])
    # a class never predicted (precision 0/0) and one absent from yTrue (recall 0/0)
    out.update([report_case("report_zero_division", [0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 1, 0, 0, 3])])
    out.update([report_case("report_labels_subset", [0, 1, 2, 2, 1, 0, 3], [0, 2, 2, 1, 1, 3, 3], [0, 1, 2])])
    for k in (1, 2, 3):
        r = rng(f"top_k_{k}")
        scores = r.standard_normal((40, 6))
        y = r.integers(0, 6, 40)
        out[f"top_k_{k}"] = {"scores": scores.tolist(), "shape": [40, 6], "yTrue": y.tolist(), "k": k,
                             "value": metrics.top_k_accuracy_score(y, scores, k=k, labels=list(range(6)))}
    r = rng("regression")
    target = r.standard_normal((12, 3))
    prediction = target + 0.5 * r.standard_normal((12, 3))
    out["regression"] = {"prediction": prediction.tolist(), "target": target.tolist(),
                         "mse": metrics.mean_squared_error(target, prediction),
                         "mae": metrics.mean_absolute_error(target, prediction)}
    return out


def main():
    data = {"generator": "tools/make-metrics-fixtures.py", "sklearn": sklearn.__version__, "cases": cases()}
    with open(OUT, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
