"""scikit-learn's StandardScaler on data with NaN (missing values): the reference for
test/data/scaler-nan.test.ts. Writes test/fixtures/scaler-nan.json."""
import json
import pathlib

import numpy as np
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(7)
x = rng.normal(loc=[1.0, -2.0, 5.0, 0.0], scale=[0.5, 3.0, 1.0, 2.0], size=(12, 4))
x[[1, 4, 7], 0] = np.nan
x[5, 2] = np.nan
x[:, 3] = 3.25  # a constant column
x[0, 3] = np.nan
scaler = StandardScaler().fit(x)
out = {
    "x": [[None if np.isnan(v) else float(v) for v in row] for row in x],
    "mean": scaler.mean_.tolist(),
    "scale": scaler.scale_.tolist(),
    "nSamplesSeen": np.asarray(scaler.n_samples_seen_).tolist(),
    "transformed": [[None if np.isnan(v) else float(v) for v in row] for row in scaler.transform(x)],
}
path = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "scaler-nan.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print("wrote", path)
