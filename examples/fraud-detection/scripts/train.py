"""Trains the fraud model: logistic regression on the generator's labelled features.

Reads the CSVs written by scripts/export-training-data.ts, fits the weights with
Newton's method (IRLS) in numpy, picks the alert threshold with the best F1 on the
training seed, reports precision and recall on a held-out seed, and writes:

  model/fraud.onnx       float32 features [N, F] -> probability [N, 1]
  model/fraud.meta.json  feature names, threshold, held-out precision and recall

Usage: python3 scripts/train.py --train .cache/train.csv --test .cache/test.csv
Needs: pip install numpy onnx
"""

import argparse
import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = Path(__file__).resolve().parent.parent


def load(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
    names = header[: header.index("label")]
    data = np.genfromtxt(path, delimiter=",", skip_header=1, usecols=range(len(names) + 1), dtype=np.float64)
    patterns = np.genfromtxt(path, delimiter=",", skip_header=1, usecols=[len(names) + 1], dtype=str)
    return names, data[:, :-1], data[:, -1], patterns


def fit(x, y, l2=1e-3, iterations=30):
    """Newton's method on the L2-regularised log loss; converges in a handful of steps for 10 features."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    ridge = l2 * len(x) * np.eye(xb.shape[1])
    ridge[-1, -1] = 0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) + ridge @ w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + ridge
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], w[-1]


def scores(x, w, b):
    return 1 / (1 + np.exp(-(x @ w + b)))


def precision_recall(p, y, threshold):
    flagged = p > threshold
    tp = np.sum(flagged & (y == 1))
    precision = tp / max(np.sum(flagged), 1)
    recall = tp / max(np.sum(y == 1), 1)
    return float(precision), float(recall)


def best_threshold(p, y):
    best, best_f1 = 0.5, -1.0
    for t in np.arange(0.05, 0.96, 0.01):
        precision, recall = precision_recall(p, y, t)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        if f1 > best_f1:
            best, best_f1 = round(float(t), 2), f1
    return best


def write_onnx(w, b, path):
    """MatMul + Add + Sigmoid with standardisation folded into the weights, so callers feed raw features."""
    n = len(w)
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["features", "weights"], ["logit_raw"]),
            helper.make_node("Add", ["logit_raw", "bias"], ["logit"]),
            helper.make_node("Sigmoid", ["logit"], ["probability"]),
        ],
        "fraud_logistic_regression",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", n])],
        [helper.make_tensor_value_info("probability", TensorProto.FLOAT, ["N", 1])],
        [
            numpy_helper.from_array(w.astype(np.float32).reshape(n, 1), "weights"),
            numpy_helper.from_array(np.array([b], dtype=np.float32), "bias"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="switchyard-fraud-example")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", default=str(HERE / ".cache/train.csv"))
    parser.add_argument("--test", default=str(HERE / ".cache/test.csv"))
    parser.add_argument("--out", default=str(HERE / "model/fraud.onnx"))
    args = parser.parse_args()

    names, x, y, _ = load(args.train)
    test_names, xt, yt, test_patterns = load(args.test)
    assert names == test_names, "train and test CSVs have different features"

    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1
    ws, bs = fit((x - mean) / std, y)
    w = ws / std
    b = bs - float(np.sum(ws * mean / std))

    threshold = best_threshold(scores(x, w, b), y)
    pt = scores(xt, w, b)
    precision, recall = precision_recall(pt, yt, threshold)
    by_pattern = {
        str(pattern): round(float(np.mean(pt[test_patterns == pattern] > threshold)), 3)
        for pattern in sorted(set(test_patterns) - {""})
    }
    print(f"weights: {dict(zip(names, np.round(w, 3).tolist()))} bias {b:.3f}")
    print(f"held-out: threshold {threshold} precision {precision:.3f} recall {recall:.3f} per pattern {by_pattern}")

    write_onnx(w, b, args.out)
    meta = {
        "features": names,
        "threshold": threshold,
        "heldOut": {"rows": int(len(yt)), "frauds": int(yt.sum()), "precision": round(precision, 3),
                    "recall": round(recall, 3), "recallByPattern": by_pattern},
        "trainingRows": int(len(y)),
    }
    Path(args.out).with_suffix(".meta.json").write_text(json.dumps(meta, indent=2) + "\n")


if __name__ == "__main__":
    main()
