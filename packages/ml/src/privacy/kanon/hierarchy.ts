import { KAnonymityError } from "./kanon-error.js";

/**
 * A generalisation hierarchy for a categorical column, one line per leaf value
 * from the value up to the root, as ARX and the Mondrian reference code write
 * them: `["Married-civ-spouse", "Married", "*"]`. Every line ends in the same root.
 */
export type HierarchyLines = readonly (readonly string[])[];

/** A built hierarchy: each node's parent, children and number of leaves below it. */
export interface Hierarchy {
  readonly root: string;
  readonly parent: ReadonlyMap<string, string>;
  readonly children: ReadonlyMap<string, readonly string[]>;
  readonly leaves: ReadonlyMap<string, number>;
  readonly depth: ReadonlyMap<string, number>;
}

/** Builds and checks a hierarchy; `column` labels errors. */
export function buildHierarchy(column: string, lines: HierarchyLines): Hierarchy {
  const parent = new Map<string, string>();
  const children = new Map<string, string[]>();
  let root: string | undefined;
  lines.forEach((line, i) => {
    const top = line[line.length - 1];
    if (top === undefined) {
      throw new KAnonymityError(`hierarchy of "${column}", line ${i + 1} is empty`);
    }
    if (root !== undefined && top !== root) {
      throw new KAnonymityError(
        `hierarchy of "${column}", line ${i + 1} ends in "${top}" but the others in "${root}"; every line must end in the same root`,
      );
    }
    root = top;
    for (let j = 0; j + 1 < line.length; j++) {
      const node = line[j] ?? "";
      const up = line[j + 1] ?? "";
      const known = parent.get(node);
      if (known !== undefined && known !== up) {
        throw new KAnonymityError(
          `hierarchy of "${column}": "${node}" has two parents, "${known}" and "${up}"`,
        );
      }
      if (known === undefined) {
        parent.set(node, up);
        const siblings = children.get(up);
        if (siblings === undefined) {
          children.set(up, [node]);
        } else {
          siblings.push(node);
        }
      }
    }
  });
  if (root === undefined) {
    throw new KAnonymityError(`hierarchy of "${column}" has no lines`);
  }
  const leaves = new Map<string, number>();
  const depth = new Map<string, number>();
  const visit = (node: string, d: number): number => {
    depth.set(node, d);
    const kids = children.get(node) ?? [];
    const n = kids.length === 0 ? 1 : kids.reduce((sum, c) => sum + visit(c, d + 1), 0);
    leaves.set(node, n);
    return n;
  };
  visit(root, 0);
  return { root, parent, children, leaves, depth };
}

/** The lowest node that has all `values` below it (or is one of them). */
export function lowestCommonAncestor(h: Hierarchy, values: Iterable<string>): string {
  let lca: string | undefined;
  for (const v of values) {
    if (lca === undefined) {
      lca = v;
      continue;
    }
    let a: string = lca;
    let b: string = v;
    while (a !== b) {
      if ((h.depth.get(a) ?? 0) >= (h.depth.get(b) ?? 0)) {
        a = h.parent.get(a) ?? h.root;
      } else {
        b = h.parent.get(b) ?? h.root;
      }
    }
    lca = a;
  }
  return lca ?? h.root;
}

/** The child of `node` on the way down to `value`. */
export function childToward(h: Hierarchy, node: string, value: string): string {
  let at = value;
  for (;;) {
    const up = h.parent.get(at);
    if (up === undefined || up === node) {
      return at;
    }
    at = up;
  }
}
