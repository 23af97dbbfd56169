import { HubError } from "../errors/index.js";
import { filePathProblem, showFilePath } from "./file-path.js";

/**
 * One name as a case-insensitive file system compares it.
 *
 * JavaScript has no Unicode case folding (CaseFolding.txt). `toLowerCase()`
 * alone keeps apart letters that share an uppercase form, such as the long s
 * `ſ` and `s` or the dotless `ı` and `i`, which NTFS (through its uppercase
 * table) or APFS take for one; uppercasing first brings them together, and
 * turns `ß` and `ẞ` into `SS`. That folds a little more than any file system
 * does (`straße` meets `strasse`), which errs toward refusing. NFC last,
 * because lowering can leave a decomposed sequence (`J̌` becomes j + U+030C).
 */
function foldCase(name: string): string {
  return name.toUpperCase().toLowerCase().normalize("NFC");
}

/** Every folder of a path and the path itself, with their folded forms. */
interface Prefix {
  readonly name: string;
  readonly folded: string;
  readonly isFile: boolean;
}

// Folded segment by segment, so a folder folds the same alone as inside a longer path.
function prefixesOf(filePath: string): Prefix[] {
  const segments = filePath.split("/");
  const out: Prefix[] = [];
  let name = "";
  let folded = "";
  segments.forEach((segment, i) => {
    name = i === 0 ? segment : `${name}/${segment}`;
    folded = i === 0 ? foldCase(segment) : `${folded}/${foldCase(segment)}`;
    out.push({ name, folded, isFile: i === segments.length - 1 });
  });
  return out;
}

/** A folded name, as the first path that used it spelled it. */
interface Held {
  readonly name: string;
  readonly path: string;
  readonly isFile: boolean;
}

/** Two paths of one version that would not unpack as two files everywhere. */
export interface PathClash {
  readonly path: string;
  readonly other: string;
  /** The rule, worded to follow `file path "…"`; control characters shown escaped. */
  readonly problem: string;
}

function clashIn(index: ReadonlyMap<string, Held>, filePath: string): PathClash | null {
  for (const prefix of prefixesOf(filePath)) {
    const held = index.get(prefix.folded);
    if (held === undefined) {
      return null;
    }
    const other = showFilePath(held.path);
    if (held.name !== prefix.name) {
      const which =
        prefix.isFile && held.isFile
          ? "the two"
          : `"${showFilePath(prefix.name)}" and "${showFilePath(held.name)}"`;
      return {
        path: filePath,
        other: held.path,
        problem: `clashes with "${other}": ${which} differ only in letter case, which macOS and Windows ignore`,
      };
    }
    if (held.isFile !== prefix.isFile) {
      return {
        path: filePath,
        other: held.path,
        problem: `clashes with "${other}": "${showFilePath(prefix.name)}" would be both a file and a folder`,
      };
    }
  }
  return null;
}

function hold(index: Map<string, Held>, filePath: string): void {
  for (const prefix of prefixesOf(filePath)) {
    if (!index.has(prefix.folded)) {
      index.set(prefix.folded, { name: prefix.name, path: filePath, isFile: prefix.isFile });
    }
  }
}

/**
 * The first path of `added` that cannot sit beside the `held` paths and the
 * added paths before it: equal to one of them after case folding, or at any
 * of its folders (`A/x` and `a/y` would unpack into one folder on macOS and
 * Windows), or a file where another has a folder. The same exact path twice
 * is no clash: it replaces the file. Clashes among `held` are not reported.
 *
 * @example
 * pathClash(["Model.bin"], ["model.bin"]); // { path: "model.bin", other: "Model.bin", … }
 * pathClash(["model.bin"], ["model.bin"]); // null
 */
export function pathClash(held: Iterable<string>, added: Iterable<string>): PathClash | null {
  const index = new Map<string, Held>();
  for (const filePath of held) {
    hold(index, filePath);
  }
  for (const filePath of added) {
    const clash = clashIn(index, filePath);
    if (clash !== null) {
      return clash;
    }
    hold(index, filePath);
  }
  return null;
}

/** {@link pathClash} as a 400 `INVALID_PATH` naming both paths. */
export function assertNoPathClash(held: Iterable<string>, added: Iterable<string>): void {
  const clash = pathClash(held, added);
  if (clash !== null) {
    throw new HubError("INVALID_PATH", `file path "${showFilePath(clash.path)}" ${clash.problem}`);
  }
}

/**
 * The first of `paths` that breaks a path rule ({@link filePathProblem}), or
 * else the first that clashes with another ({@link pathClash}), with the rule
 * worded to follow `file path "…"`; null when a client can write them all.
 */
export function unsafePath(paths: readonly string[]): { path: string; problem: string } | null {
  for (const path of paths) {
    const problem = filePathProblem(path);
    if (problem !== null) {
      return { path, problem };
    }
  }
  return pathClash([], paths);
}
