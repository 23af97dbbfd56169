import type { TabularDataset, TextDataset } from "./dataset.js";
import { DataError } from "./data-error.js";

// scikit-learn's default token_pattern r"(?u)\b\w\w+\b": maximal runs of two or more
// word characters, where Python's \w is a Unicode letter or number, or "_".
const SKLEARN_TOKEN = /[\p{L}\p{N}_]{2,}/gu;

export interface TfidfOptions {
  /** Keep only the most frequent terms over the training texts (sklearn `max_features`). */
  maxFeatures?: number;
  /** Keep only terms found in at least this many training documents (sklearn integer `min_df`). Default 1. */
  minDf?: number;
}

/** A compressed sparse row matrix: row i's entries are `indices/values[indptr[i]..indptr[i+1])`. */
export interface SparseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/**
 * TF-IDF features with scikit-learn's TfidfVectorizer defaults: lowercase, token pattern
 * `(?u)\b\w\w+\b`, raw term counts, smooth idf `ln((1 + n) / (1 + df)) + 1`, each row
 * scaled to unit L2 norm. Terms are numbered in sorted order, as sklearn's vocabulary.
 * @example
 * const tfidf = new TfidfVectorizer({ maxFeatures: 5000 }).fit(train.texts);
 * const x = tfidf.transformDataset(test); // TabularDataset, one feature per term
 */
export class TfidfVectorizer {
  /** Terms in column order; empty before `fit`. */
  vocabulary: string[] = [];
  /** Inverse document frequency of each term (sklearn `idf_`). */
  idf: number[] = [];
  private index = new Map<string, number>();

  constructor(private readonly options: TfidfOptions = {}) {
    const { maxFeatures, minDf } = options;
    if (maxFeatures !== undefined && (!Number.isInteger(maxFeatures) || maxFeatures < 1)) {
      throw new DataError(`maxFeatures must be a positive integer, got ${maxFeatures}`);
    }
    if (minDf !== undefined && (!Number.isInteger(minDf) || minDf < 1)) {
      throw new DataError(`minDf must be a positive integer, got ${minDf}`);
    }
  }

  /** The terms of `text` as this vectorizer sees them. */
  static analyze(text: string): string[] {
    return text.toLowerCase().match(SKLEARN_TOKEN) ?? [];
  }

  /** Learns the vocabulary and idf weights from training texts. */
  fit(texts: readonly string[]): this {
    const df = new Map<string, number>();
    const tf = new Map<string, number>();
    for (const text of texts) {
      const seen = new Set<string>();
      for (const term of TfidfVectorizer.analyze(text)) {
        tf.set(term, (tf.get(term) ?? 0) + 1);
        seen.add(term);
      }
      for (const term of seen) {
        df.set(term, (df.get(term) ?? 0) + 1);
      }
    }
    const minDf = this.options.minDf ?? 1;
    // Code-point order, as Python sorts str.
    let terms = [...df.keys()]
      .filter((t) => (df.get(t) ?? 0) >= minDf)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const { maxFeatures } = this.options;
    if (maxFeatures !== undefined && terms.length > maxFeatures) {
      // sklearn's _limit_features: a stable sort by total count, so ties keep sorted order.
      const top = new Set(
        terms
          .map((t, i) => ({ t, i, n: tf.get(t) ?? 0 }))
          .sort((a, b) => b.n - a.n || a.i - b.i)
          .slice(0, maxFeatures)
          .map((e) => e.t),
      );
      terms = terms.filter((t) => top.has(t));
    }
    if (terms.length === 0) {
      throw new DataError(
        "TfidfVectorizer.fit: no terms left; the texts have no words of two or more characters",
      );
    }
    const n = texts.length;
    this.vocabulary = terms;
    this.idf = terms.map((t) => Math.log((1 + n) / (1 + (df.get(t) ?? 0))) + 1);
    this.index = new Map(terms.map((t, i) => [t, i]));
    return this;
  }

  /** TF-IDF rows of `texts`, sparse; terms not in the vocabulary are ignored. */
  transform(texts: readonly string[]): SparseMatrix {
    if (this.vocabulary.length === 0) {
      throw new DataError("TfidfVectorizer.transform called before fit");
    }
    const indptr = new Int32Array(texts.length + 1);
    const indices: number[] = [];
    const values: number[] = [];
    texts.forEach((text, i) => {
      const counts = new Map<number, number>();
      for (const term of TfidfVectorizer.analyze(text)) {
        const j = this.index.get(term);
        if (j !== undefined) {
          counts.set(j, (counts.get(j) ?? 0) + 1);
        }
      }
      const row = [...counts.entries()].sort((a, b) => a[0] - b[0]);
      const weights = row.map(([j, c]) => c * (this.idf[j] ?? 1));
      const norm = Math.sqrt(weights.reduce((s, w) => s + w * w, 0));
      row.forEach(([j], k) => {
        indices.push(j);
        values.push(norm > 0 ? (weights[k] ?? 0) / norm : 0);
      });
      indptr[i + 1] = indices.length;
    });
    return {
      rows: texts.length,
      cols: this.vocabulary.length,
      indptr,
      indices: Int32Array.from(indices),
      values: Float64Array.from(values),
    };
  }

  /** TF-IDF rows of `texts` as a dense row-major matrix (rows × vocabulary size). */
  transformDense(texts: readonly string[]): Float64Array {
    const m = this.transform(texts);
    const out = new Float64Array(m.rows * m.cols);
    for (let i = 0; i < m.rows; i++) {
      for (let k = m.indptr[i] ?? 0; k < (m.indptr[i + 1] ?? 0); k++) {
        out[i * m.cols + (m.indices[k] ?? 0)] = m.values[k] ?? 0;
      }
    }
    return out;
  }

  /**
   * A text dataset as a dense classification dataset with one feature per term. Dense
   * rows take vocabulary size × 8 bytes each: set `maxFeatures` for a large corpus.
   */
  transformDataset(data: TextDataset): TabularDataset {
    return {
      name: data.name,
      task: "classification",
      featureNames: [...this.vocabulary],
      targetName: "label",
      x: this.transformDense(data.texts),
      y: Float64Array.from(data.labels),
      classes: data.classes,
    };
  }
}
