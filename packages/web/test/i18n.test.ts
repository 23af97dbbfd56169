import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";

const WEB = path.resolve(import.meta.dirname, "..");
const SRC = path.join(WEB, "src");
const LOCALES = path.join(SRC, "i18n");
const LANGUAGES = ["en", "zh"] as const;

/** Attributes whose text a person reads or hears. */
const USER_FACING_ATTRIBUTES = new Set([
  "aria-label",
  "aria-description",
  "title",
  "placeholder",
  "alt",
  "label",
]);

type Tree = { readonly [key: string]: string | Tree };

/** Every key of a namespace's strings, dotted, with its text. */
function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix === "" ? key : `${prefix}.${key}`;
    if (typeof value === "string") {
      out.set(full, value);
    } else {
      for (const [k, v] of flatten(value, full)) {
        out.set(k, v);
      }
    }
  }
  return out;
}

async function strings(language: string): Promise<Map<string, Map<string, string>>> {
  const dir = path.join(LOCALES, language);
  const out = new Map<string, Map<string, string>>();
  for (const file of (await readdir(dir)).filter((f) => f.endsWith(".json")).sort()) {
    const tree = JSON.parse(await readFile(path.join(dir, file), "utf8")) as Tree;
    out.set(file.replace(/\.json$/, ""), flatten(tree));
  }
  return out;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

/** `{{name}}` placeholders of a string, sorted. */
function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1] ?? "").sort();
}

/** A key as i18next finds it: `ns:key`, or the file's namespace; plural keys by their `_one`/`_other` forms. */
function exists(all: Map<string, Map<string, string>>, namespace: string, key: string): boolean {
  const [ns, k] = key.includes(":") ? (key.split(":", 2) as [string, string]) : [namespace, key];
  const table = all.get(ns);
  return (
    table !== undefined && (table.has(k) || (table.has(`${k}_one`) && table.has(`${k}_other`)))
  );
}

describe("the web UI's languages", () => {
  it("has the same keys, non-empty, with the same placeholders, in English and Chinese", async () => {
    const [en, zh] = await Promise.all(LANGUAGES.map(strings));
    assert.ok(en !== undefined && zh !== undefined);
    assert.deepEqual([...zh.keys()], [...en.keys()], "the same namespace files");
    for (const [namespace, enKeys] of en) {
      const zhKeys: Map<string, string> = zh.get(namespace) ?? new Map<string, string>();
      const missingInZh = [...enKeys.keys()].filter((k) => !zhKeys.has(k));
      const missingInEn = [...zhKeys.keys()].filter((k) => !enKeys.has(k));
      assert.deepEqual(missingInZh, [], `${namespace}: keys missing in Chinese`);
      assert.deepEqual(missingInEn, [], `${namespace}: keys missing in English`);
      for (const [key, text] of enKeys) {
        const other = zhKeys.get(key) ?? "";
        assert.notEqual(text.trim(), "", `${namespace}:${key} is empty in English`);
        assert.notEqual(other.trim(), "", `${namespace}:${key} is empty in Chinese`);
        assert.deepEqual(
          placeholders(other),
          placeholders(text),
          `${namespace}:${key} has other placeholders in Chinese`,
        );
      }
    }
  });

  it("finds every key the components ask for in both languages", async () => {
    const all = await Promise.all(LANGUAGES.map(strings));
    const missing: string[] = [];
    let checked = 0;
    for (const file of await sourceFiles(SRC)) {
      const source = await readFile(file, "utf8");
      const namespace = /useTranslation\(\s*"([^"]+)"/.exec(source)?.[1] ?? "common";
      for (const match of source.matchAll(/\bt\(\s*(["'`])([^"'`]+)\1/g)) {
        const [, quote, raw = ""] = match;
        // A key built at run time (`stage.${stage}`): its fixed part must name a group of keys.
        const key = quote === "`" ? (raw.split("${")[0]?.replace(/\.$/, "") ?? "") : raw;
        for (const [i, table] of all.entries()) {
          const found =
            quote === "`"
              ? [
                  ...(table
                    .get(key.includes(":") ? (key.split(":")[0] ?? "") : namespace)
                    ?.keys() ?? []),
                ].some((k) =>
                  k.startsWith(`${key.includes(":") ? (key.split(":")[1] ?? "") : key}.`),
                )
              : exists(table, namespace, key);
          checked += 1;
          if (!found) {
            missing.push(`${path.relative(WEB, file)}: ${raw} (${LANGUAGES[i] ?? ""})`);
          }
        }
      }
    }
    assert.ok(checked > 50, `only ${checked} keys were found in the components`);
    assert.deepEqual(missing, []);
  });

  it("has no text and no user-facing attribute written into a component directly", async () => {
    const found: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      if (!file.endsWith(".tsx")) {
        continue;
      }
      const source = ts.createSourceFile(
        file,
        await readFile(file, "utf8"),
        ts.ScriptTarget.Latest,
        true,
        ts.ScriptKind.TSX,
      );
      const where = (node: ts.Node) =>
        `${path.relative(WEB, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
      const visit = (node: ts.Node): void => {
        if (ts.isJsxText(node) && /\p{L}/u.test(node.text)) {
          found.push(`${where(node)}: text "${node.text.trim()}"`);
        }
        // {"text"} or {`text`} as a child of an element.
        if (
          ts.isJsxExpression(node) &&
          (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent)) &&
          node.expression !== undefined &&
          (ts.isStringLiteral(node.expression) ||
            ts.isNoSubstitutionTemplateLiteral(node.expression)) &&
          /\p{L}/u.test(node.expression.text)
        ) {
          found.push(`${where(node)}: text {"${node.expression.text}"}`);
        }
        if (
          ts.isJsxAttribute(node) &&
          USER_FACING_ATTRIBUTES.has(node.name.getText(source)) &&
          node.initializer !== undefined &&
          ts.isStringLiteral(node.initializer) &&
          /\p{L}/u.test(node.initializer.text)
        ) {
          found.push(`${where(node)}: ${node.name.getText(source)}="${node.initializer.text}"`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    assert.deepEqual(found, []);
  });
});
