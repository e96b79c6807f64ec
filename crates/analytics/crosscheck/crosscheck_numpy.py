"""Cross-checks `examhall analyse` against an independent numpy implementation of the
same formulas, on seeded random score matrices (varied sizes, maxima, half marks,
correlated abilities, and a constant column).

  python crosscheck_numpy.py PATH/TO/examhall        (needs numpy)
Prints one line per matrix and a closing 'N passed, N failed'."""
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np


def reference(x, maxima, pass_mark):
    n, k = x.shape
    tot = x.sum(axis=1)
    mean, sd = tot.mean(), tot.std(ddof=1)
    z = (tot - mean) / sd
    out = {
        "mean": mean, "median": float(np.median(tot)), "sd": sd, "min": tot.min(), "max": tot.max(),
        "pass_rate_pct": 100.0 * np.mean(tot >= pass_mark / 100.0 * maxima.sum() - 1e-9),
        "skewness": n / ((n - 1) * (n - 2)) * np.sum(z ** 3),
        "kurtosis": n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * np.sum(z ** 4) - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3)),
    }
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / tot.var(ddof=1))
    out["alpha"] = alpha
    out["error_ratio"] = 100 * math.sqrt(max(0.0, 1 - alpha))
    out["standard_error"] = out["error_ratio"] / 100 * sd
    items = []
    for i in range(k):
        xi, rest = x[:, i], tot - x[:, i]
        c = np.cov(xi, rest, ddof=1)[0, 1]
        cmax = np.cov(np.sort(xi), np.sort(rest), ddof=1)[0, 1]
        r = c / (xi.std(ddof=1) * rest.std(ddof=1)) if xi.std() > 0 and rest.std() > 0 else None
        items.append({
            "facility": 100 * xi.mean() / maxima[i],
            "sd": 100 * xi.std(ddof=1) / maxima[i],
            "discrimination_index": None if r is None else 100 * r,
            "discriminative_efficiency": 100 * c / cmax if cmax > 0 else None,
        })
    return out, items


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def one(examhall, rng, case):
    n = int(rng.integers(6, 400))
    k = int(rng.integers(2, 25))
    maxima = rng.choice([1.0, 2.0, 3.0], size=k)
    ability = rng.normal(size=n)
    x = np.zeros((n, k))
    for i in range(k):
        p = 1 / (1 + np.exp(-(1.2 * ability - rng.normal())))
        steps = (rng.random((n,)) < p) * maxima[i]
        if maxima[i] > 1:
            steps = np.minimum(maxima[i], np.round((steps + rng.integers(0, 2, n) * 0.5) * 2) / 2)
        x[:, i] = steps
    if case % 5 == 0:
        x[:, 0] = maxima[0]  # a constant item: correlation undefined
    pass_mark = float(rng.integers(30, 80))
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "scores.csv")
        with open(path, "w") as f:
            f.write("id," + ",".join(f"item{i}" for i in range(k)) + ",total\n")
            for a in range(n):
                f.write(f"cand{a}," + ",".join(repr(float(v)) for v in x[a]) + f",{x[a].sum()}\n")
        cmd = [examhall, "analyse", "--scores", path, "--id-column", "id", "--total-column", "total",
               "--max", ",".join(repr(float(m)) for m in maxima), "--pass-mark", str(pass_mark), "--json"]
        got = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    want, want_items = reference(x, maxima, pass_mark)
    bad = []
    for key in ["mean", "median", "sd", "min", "max", "pass_rate_pct", "skewness", "kurtosis"]:
        if not same(got["summary"][key], float(want[key])):
            bad.append(f"{key}: {got['summary'][key]} != {want[key]}")
    for key in ["alpha", "error_ratio", "standard_error"]:
        if not same(got["reliability"][key], float(want[key])):
            bad.append(f"{key}: {got['reliability'][key]} != {want[key]}")
    for i, (g, w) in enumerate(zip(got["items"], want_items)):
        for key, wv in w.items():
            if not same(g[key], None if wv is None else float(wv)):
                bad.append(f"item{i} {key}: {g[key]} != {wv}")
    if sum(b["count"] for b in got["histogram"]) != n:
        bad.append("histogram does not count every attempt")
    return n, k, bad


def main():
    examhall = sys.argv[1]
    rng = np.random.default_rng(20261125)
    passed = failed = 0
    for case in range(25):
        n, k, bad = one(examhall, rng, case)
        if bad:
            failed += 1
            print(f"matrix {case} ({n}x{k}) ... FAILED: " + "; ".join(bad[:5]))
        else:
            passed += 1
            print(f"matrix {case} ({n}x{k}) ... ok")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)


if __name__ == "__main__":
    main()
