import type { Table } from "../pii/index.js";
import {
  buildHierarchy,
  childToward,
  lowestCommonAncestor,
  type Hierarchy,
  type HierarchyLines,
} from "./hierarchy.js";
import { KAnonymityError } from "./kanon-error.js";
import { checkK, columnIndexes } from "./table-columns.js";

/** How Mondrian generalises one quasi-identifier. */
export type QuasiIdentifierKind = "numeric" | "categorical" | "hierarchy";

/** What to anonymise and how. */
export interface MondrianOptions {
  readonly quasiIdentifiers: readonly string[];
  readonly k: number;
  /**
   * Columns to treat as categories even when every value is a number (codes,
   * postcodes); other all-numeric columns become ranges.
   */
  readonly categorical?: readonly string[];
  /** Generalisation hierarchies for categorical columns; those without one become sets. */
  readonly hierarchies?: Readonly<Record<string, HierarchyLines>>;
}

/** How much a generalisation blurred the data. */
export interface InformationLoss {
  /**
   * Normalised certainty penalty averaged over records and quasi-identifiers
   * (the global certainty penalty of Ghinita et al., 2007), from 0 (nothing
   * generalised) to 1 (every value generalised to its whole domain).
   */
  readonly ncp: number;
  /** The same average per quasi-identifier. */
  readonly ncpByQuasiIdentifier: Readonly<Record<string, number>>;
  /** Discernibility metric Σ |class|² (Bayardo and Agrawal, 2005); n·k at best, n² at worst. */
  readonly discernibility: number;
  /** (records / classes) / k (LeFevre et al., 2006); 1 is the ideal. */
  readonly normalizedAverageClassSize: number;
}

/** The anonymised table and what it cost. */
export interface MondrianResult {
  /** Same rows in the same order; quasi-identifiers generalised, other columns unchanged. */
  readonly table: Table;
  readonly k: number;
  readonly classes: number;
  /** The smallest class; at least k. */
  readonly smallestClass: number;
  readonly kinds: Readonly<Record<string, QuasiIdentifierKind>>;
  readonly informationLoss: InformationLoss;
}

interface Dimension {
  readonly name: string;
  readonly kind: QuasiIdentifierKind;
  /** numeric: the value; categorical: the rank of the value among the sorted distinct values. */
  readonly key: Float64Array;
  readonly values: readonly string[];
  /** Sorted distinct values (categorical). */
  readonly domain: readonly string[];
  readonly min: number;
  readonly max: number;
  readonly hierarchy?: Hierarchy;
}

function prepare(table: Table, index: number, name: string, options: MondrianOptions): Dimension {
  const values = table.rows.map((r) => (r[index] ?? "").trim());
  const lines = options.hierarchies?.[name];
  if (lines !== undefined) {
    const hierarchy = buildHierarchy(name, lines);
    values.forEach((v, i) => {
      if (!hierarchy.parent.has(v) || hierarchy.children.has(v)) {
        throw new KAnonymityError(
          `row ${i + 1}, column "${name}": "${v}" is not a leaf of the column's hierarchy`,
        );
      }
    });
    return {
      name,
      kind: "hierarchy",
      key: new Float64Array(0),
      values,
      domain: [],
      min: 0,
      max: 0,
      hierarchy,
    };
  }
  const numbers = values.map((v) => (v === "" ? Number.NaN : Number(v)));
  if (!(options.categorical ?? []).includes(name) && numbers.every(Number.isFinite)) {
    const key = Float64Array.from(numbers);
    let min = Infinity;
    let max = -Infinity;
    for (const x of key) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    return { name, kind: "numeric", key, values, domain: [], min, max };
  }
  const domain = [...new Set(values)].sort();
  const rank = new Map(domain.map((v, i) => [v, i]));
  const key = Float64Array.from(values, (v) => rank.get(v) ?? 0);
  return { name, kind: "categorical", key, values, domain, min: 0, max: domain.length - 1 };
}

/** Normalised width of a partition on a dimension: also its NCP for that dimension. */
function width(dim: Dimension, rows: readonly number[]): number {
  if (dim.hierarchy !== undefined) {
    const h = dim.hierarchy;
    const lca = lowestCommonAncestor(h, new Set(rows.map((r) => dim.values[r] ?? "")));
    const n = h.leaves.get(lca) ?? 1;
    return h.children.has(lca) ? n / (h.leaves.get(h.root) ?? 1) : 0;
  }
  if (dim.kind === "categorical") {
    const distinct = new Set(rows.map((r) => dim.key[r])).size;
    return distinct > 1 ? distinct / dim.domain.length : 0;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    const x = dim.key[r] ?? 0;
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  return dim.max > dim.min ? (hi - lo) / (dim.max - dim.min) : 0;
}

/**
 * LeFevre et al.'s strict cut: lhs = values ≤ median, rhs = values > median
 * (hierarchies: one part per child of the common ancestor). Undefined when a part
 * would hold fewer than k records.
 */
function split(dim: Dimension, rows: readonly number[], k: number): number[][] | undefined {
  if (dim.hierarchy !== undefined) {
    const h = dim.hierarchy;
    const lca = lowestCommonAncestor(h, new Set(rows.map((r) => dim.values[r] ?? "")));
    const parts = new Map<string, number[]>();
    for (const r of rows) {
      const child = childToward(h, lca, dim.values[r] ?? "");
      const part = parts.get(child);
      if (part === undefined) {
        parts.set(child, [r]);
      } else {
        part.push(r);
      }
    }
    const out = [...parts.values()];
    return out.length > 1 && out.every((p) => p.length >= k) ? out : undefined;
  }
  const sorted = Float64Array.from(rows, (r) => dim.key[r] ?? 0).sort();
  const median = sorted[Math.ceil(sorted.length / 2) - 1] ?? 0;
  const lhs: number[] = [];
  const rhs: number[] = [];
  for (const r of rows) {
    ((dim.key[r] ?? 0) <= median ? lhs : rhs).push(r);
  }
  return lhs.length >= k && rhs.length >= k ? [lhs, rhs] : undefined;
}

function formatNumber(x: number): string {
  return String(x);
}

function summary(dim: Dimension, rows: readonly number[]): string {
  if (dim.hierarchy !== undefined) {
    return lowestCommonAncestor(dim.hierarchy, new Set(rows.map((r) => dim.values[r] ?? "")));
  }
  const distinct = [...new Set(rows.map((r) => dim.key[r] ?? 0))].sort((a, b) => a - b);
  const first = rows[0] ?? 0;
  if (distinct.length === 1) {
    return dim.values[first] ?? "";
  }
  if (dim.kind === "categorical") {
    return `{${distinct.map((i) => dim.domain[i] ?? "").join(",")}}`;
  }
  const lo = distinct[0] ?? 0;
  const hi = distinct[distinct.length - 1] ?? 0;
  return lo < 0
    ? `[${formatNumber(lo)}, ${formatNumber(hi)}]`
    : `${formatNumber(lo)}-${formatNumber(hi)}`;
}

/**
 * Generalises a table until it is k-anonymous over the quasi-identifiers, with
 * strict multidimensional Mondrian partitioning (LeFevre, DeWitt and Ramakrishnan,
 * "Mondrian Multidimensional K-Anonymity", ICDE 2006): a partition is cut at the
 * median of the quasi-identifier with the widest normalised range, trying the
 * next widest when the cut would leave a side with fewer than k records, until no
 * cut is allowed. Each final partition becomes one class whose numeric values are
 * written as a range `low-high`, categories as a set `{a,b}` or, with a
 * hierarchy, as their lowest common ancestor.
 */
export function mondrian(table: Table, options: MondrianOptions): MondrianResult {
  const indexes = columnIndexes(table, options.quasiIdentifiers, "quasi-identifier");
  checkK(options.k, table.rows.length);
  for (const name of [...(options.categorical ?? []), ...Object.keys(options.hierarchies ?? {})]) {
    if (!options.quasiIdentifiers.includes(name)) {
      throw new KAnonymityError(
        `"${name}" has a categorical setting but is not a quasi-identifier (${options.quasiIdentifiers.join(", ")})`,
      );
    }
  }
  const dims = indexes.map((index, i) =>
    prepare(table, index, options.quasiIdentifiers[i] ?? "", options),
  );
  const k = options.k;
  const finals: number[][] = [];
  const stack: number[][] = [table.rows.map((_, i) => i)];
  for (let part = stack.pop(); part !== undefined; part = stack.pop()) {
    const rows = part;
    const order = dims
      .map((dim) => ({ dim, w: width(dim, rows) }))
      .filter((d) => d.w > 0)
      .sort((a, b) => b.w - a.w);
    let cut: number[][] | undefined;
    for (const { dim } of order) {
      cut = split(dim, rows, k);
      if (cut !== undefined) {
        break;
      }
    }
    if (cut === undefined) {
      finals.push(rows);
    } else {
      // Pushed in reverse so classes come out in the order of the cut (lower side first).
      stack.push(...cut.reverse());
    }
  }
  const out = table.rows.map((r) => [...r]);
  const ncpSums = dims.map(() => 0);
  let discernibility = 0;
  let smallest = Infinity;
  for (const rows of finals) {
    discernibility += rows.length * rows.length;
    smallest = Math.min(smallest, rows.length);
    dims.forEach((dim, d) => {
      ncpSums[d] = (ncpSums[d] ?? 0) + rows.length * width(dim, rows);
      const text = summary(dim, rows);
      const column = indexes[d] ?? 0;
      for (const r of rows) {
        const row = out[r];
        if (row !== undefined) {
          row[column] = text;
        }
      }
    });
  }
  const n = table.rows.length;
  const byQi: Record<string, number> = {};
  dims.forEach((dim, d) => {
    byQi[dim.name] = (ncpSums[d] ?? 0) / n;
  });
  return {
    table: { columns: table.columns, rows: out },
    k,
    classes: finals.length,
    smallestClass: smallest,
    kinds: Object.fromEntries(dims.map((d) => [d.name, d.kind])),
    informationLoss: {
      ncp: ncpSums.reduce((a, b) => a + b, 0) / (n * dims.length),
      ncpByQuasiIdentifier: byQi,
      discernibility,
      normalizedAverageClassSize: n / finals.length / k,
    },
  };
}
