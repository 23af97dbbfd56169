import { createHash } from "node:crypto";
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { celEnv, parse, plan, type CelResult } from "@bufbuild/cel";
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  Scalar,
  type Node,
  type YAMLMap,
} from "yaml";
import {
  NO_POLICY_LIMITS,
  type PolicyLimits,
  type SignalRule,
  type Tier,
} from "../limits/index.js";
import { POLICY_VARIABLES, type CelShape } from "./cel-types.js";
import { CelTypeError, checkExpression } from "./check-expression.js";
import { loadSignalRules } from "./signal-section.js";
import { loadLimits, loadTiers, mergeLimits, type CompileBool } from "./usage-sections.js";

/**
 * The policy Gatehouse ships, read at run time beside the package: the same
 * path from `src/release` (tsx) and `dist/release` (tsc).
 */
export const DEFAULT_POLICY_FILE = fileURLToPath(
  new URL("../../policy/default.yaml", import.meta.url),
);

/** What a rule waits for when it alone fails: the transition stays pending instead of refused. */
export type Awaits = "signoffs" | "time" | null;

/** One rule as written in a policy file. */
export interface PolicyRule {
  readonly id: string;
  readonly description: string;
  /** CEL; the rule applies only when it holds. Null: always. */
  readonly when: string | null;
  /** CEL; the rule passes when it holds. */
  readonly require: string;
  /** What to do to satisfy the rule, shown when it fails. */
  readonly message: string;
  readonly awaits: Awaits;
  /** Whether an admin may override a failure of this rule (audited). */
  readonly override: boolean;
}

/** A compiled CEL program: evaluates against the variables of one PolicyInput. */
export type CelProgram = (variables: Record<string, unknown>) => CelResult;

/** A rule with its expressions compiled once, at load, and where it was written. */
export interface CompiledRule extends PolicyRule {
  /** The policy (its `policy:` name) the rule belongs to. */
  readonly policy: string;
  /** `file:line` of the rule's `require` expression. */
  readonly source: string;
  readonly whenProgram: CelProgram | null;
  readonly requireProgram: CelProgram;
}

/** One policy file, parsed and compiled. */
export interface LoadedPolicy {
  readonly name: string;
  readonly file: string;
  readonly rules: readonly CompiledRule[];
  /** Its `tiers:` section (usage-sections.ts), empty without one. */
  readonly tiers: readonly Tier[];
  /** Its `limits:` section, empty without one. */
  readonly limits: PolicyLimits;
  /** Its `signals:` section (signal-section.ts), empty without one. */
  readonly signalRules: readonly SignalRule[];
}

/** Every rule the hub checks, in load order, and a hash that names this exact set. */
export interface PolicySet {
  readonly policies: readonly LoadedPolicy[];
  readonly rules: readonly CompiledRule[];
  /** sha256 (hex) of the canonical content of every policy: names, rules and their fields, in order. */
  readonly hash: string;
  /** The usage tiers, lowest first; none (every account alike, weight 1) unless a file defines them. */
  readonly tiers: readonly Tier[];
  /** Usage limits the files set, beside those administrators set. */
  readonly limits: PolicyLimits;
  /** The rules that decide what an abuse signal does, from every file, in load order. */
  readonly signalRules: readonly SignalRule[];
}

/** A policy file that cannot be loaded, with the file and line at fault. */
export class PolicyLoadError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = "PolicyLoadError";
  }
}

const RULE_KEYS = new Set([
  "id",
  "description",
  "when",
  "require",
  "message",
  "awaits",
  "override",
]);
const ID = /^[a-z0-9][a-z0-9-]*$/;
const FILE_KEYS: readonly string[] = ["policy", "rules", "tiers", "limits", "signals"];

/**
 * Parses and compiles one policy file's text. Every rule's `when` and
 * `require` is parsed and checked against the PolicyInput variables, so an
 * unknown variable or field, a comparison that cannot hold or a misspelt
 * stage fails here, at load, naming `file:line`.
 *
 * @example loadPolicyText("policy: p\nrules: []\n", "p.yaml").rules // []
 */
export function loadPolicyText(text: string, file: string): LoadedPolicy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineAt = (node: Node | null | undefined): number =>
    node?.range === undefined || node.range === null ? 1 : lines.linePos(node.range[0]).line;
  const error = doc.errors[0];
  if (error !== undefined) {
    throw new PolicyLoadError(
      file,
      lines.linePos(error.pos[0]).line,
      `YAML: ${error.message.split("\n")[0] ?? ""}`,
    );
  }
  const root = doc.contents;
  if (!isMap(root)) {
    throw new PolicyLoadError(
      file,
      lineAt(root),
      "a policy file is a mapping with `policy:` and `rules:`",
    );
  }
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? pair.key.value : null;
    if (!FILE_KEYS.includes(key as string)) {
      throw new PolicyLoadError(
        file,
        lineAt(pair.key),
        `unknown key ${JSON.stringify(key)}; a policy file has ${FILE_KEYS.map((k) => `\`${k}:\``).join(", ")}`,
      );
    }
  }
  const nameNode = root.get("policy", true);
  if (!isScalar(nameNode) || typeof nameNode.value !== "string" || !ID.test(nameNode.value)) {
    throw new PolicyLoadError(
      file,
      lineAt(nameNode ?? root),
      "`policy:` must name the policy (lower-case letters, digits and -)",
    );
  }
  const name = nameNode.value;
  const rulesNode = root.get("rules", true);
  if (!isSeq(rulesNode)) {
    throw new PolicyLoadError(file, lineAt(rulesNode ?? root), "`rules:` must be a list of rules");
  }
  const env = celEnv();
  const rules: CompiledRule[] = [];
  const seen = new Map<string, number>();
  for (const item of rulesNode.items) {
    const rule = compileRule(item as Node, { file, policy: name, lineAt, env });
    const before = seen.get(rule.id);
    if (before !== undefined) {
      throw new PolicyLoadError(
        file,
        lineAt((item as YAMLMap).get("id", true)),
        `rule id '${rule.id}' is used twice (first at line ${before})`,
      );
    }
    seen.set(rule.id, lineAt((item as YAMLMap).get("id", true)));
    rules.push(rule);
  }
  return { name, file, rules, ...usageSections(root, { file, policy: name, lineAt, env }) };
}

/** The file's `tiers:`, `limits:` and `signals:` sections, faults named by `file:line`. */
function usageSections(
  root: YAMLMap,
  ctx: RuleContext,
): { tiers: readonly Tier[]; limits: PolicyLimits; signalRules: readonly SignalRule[] } {
  const fault = (node: Node | null | undefined, reason: string): never => {
    throw new PolicyLoadError(ctx.file, ctx.lineAt(node), reason);
  };
  const tiersNode = root.get("tiers", true) as Node | undefined;
  const limitsNode = root.get("limits", true) as Node | undefined;
  const signalsNode = root.get("signals", true) as Node | undefined;
  const compileBool: CompileBool = (source, node, key, variables) =>
    compile(source, node, key, ctx, variables);
  return {
    tiers:
      tiersNode === undefined ? [] : loadTiers(tiersNode, ctx.file, ctx.lineAt, compileBool, fault),
    limits: limitsNode === undefined ? NO_POLICY_LIMITS : loadLimits(limitsNode, ctx.file, fault),
    signalRules:
      signalsNode === undefined
        ? []
        : loadSignalRules(signalsNode, ctx.file, ctx.lineAt, compileBool, fault),
  };
}

interface RuleContext {
  readonly file: string;
  readonly policy: string;
  readonly lineAt: (node: Node | null | undefined) => number;
  readonly env: ReturnType<typeof celEnv>;
}

function compileRule(node: Node, ctx: RuleContext): CompiledRule {
  const { file, lineAt } = ctx;
  if (!isMap(node)) {
    throw new PolicyLoadError(
      file,
      lineAt(node),
      "each rule is a mapping with id, description, require and message",
    );
  }
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? pair.key.value : null;
    if (typeof key !== "string" || !RULE_KEYS.has(key)) {
      throw new PolicyLoadError(
        file,
        lineAt(pair.key as Node),
        `unknown rule key ${JSON.stringify(key)}; a rule has ${[...RULE_KEYS].join(", ")}`,
      );
    }
  }
  const text = (
    key: string,
    optional: boolean,
  ): { value: string | null; node: Node | undefined } => {
    const n = node.get(key, true) as Node | undefined;
    if (n === undefined || (isScalar(n) && n.value === null)) {
      if (optional) {
        return { value: null, node: n };
      }
      throw new PolicyLoadError(file, lineAt(n ?? node), `the rule has no \`${key}\``);
    }
    // `require: false` is YAML's boolean, and also the CEL expression meant.
    if (isScalar(n) && typeof n.value === "boolean" && (key === "when" || key === "require")) {
      return { value: String(n.value), node: n };
    }
    if (!isScalar(n) || typeof n.value !== "string" || n.value.trim() === "") {
      throw new PolicyLoadError(file, lineAt(n), `\`${key}\` must be text`);
    }
    return { value: n.value, node: n };
  };
  const id = text("id", false).value ?? "";
  const idNode = node.get("id", true) as Node | undefined;
  if (!ID.test(id)) {
    throw new PolicyLoadError(
      file,
      lineAt(idNode),
      `rule id '${id}' must be lower-case letters, digits and -`,
    );
  }
  const description = text("description", false).value ?? "";
  const message = text("message", false).value ?? "";
  const when = text("when", true);
  const require = text("require", false);
  const awaitsNode = node.get("awaits", true) as Node | undefined;
  const awaitsValue = isScalar(awaitsNode)
    ? awaitsNode.value
    : awaitsNode === undefined
      ? null
      : undefined;
  if (awaitsValue !== null && awaitsValue !== "signoffs" && awaitsValue !== "time") {
    throw new PolicyLoadError(file, lineAt(awaitsNode), "`awaits` must be null, signoffs or time");
  }
  const overrideNode = node.get("override", true) as Node | undefined;
  const overrideValue = isScalar(overrideNode)
    ? overrideNode.value
    : overrideNode === undefined
      ? false
      : undefined;
  if (typeof overrideValue !== "boolean") {
    throw new PolicyLoadError(file, lineAt(overrideNode), "`override` must be true or false");
  }
  return {
    id,
    description,
    when: when.value,
    require: require.value ?? "",
    message,
    awaits: awaitsValue,
    override: overrideValue,
    policy: ctx.policy,
    source: `${file}:${lineAt(require.node)}`,
    whenProgram: when.value === null ? null : compile(when.value, when.node, "when", ctx),
    requireProgram: compile(require.value ?? "", require.node, "require", ctx),
  };
}

/** The YAML line of line `n` (1-based) of a scalar's text: block scalars start on the line after their `|`. */
function lineWithin(
  node: Node | undefined,
  n: number,
  lineAt: (node: Node | undefined) => number,
): number {
  const start = lineAt(node);
  if (
    node instanceof Scalar &&
    (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED)
  ) {
    return start + (node.type === Scalar.BLOCK_LITERAL ? n : 1);
  }
  return start;
}

function compile(
  source: string,
  node: Node | undefined,
  key: string,
  ctx: RuleContext,
  variables: Readonly<Record<string, CelShape>> = POLICY_VARIABLES,
): CelProgram {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (err) {
    const location = (err as { location?: { start?: { line?: number } } }).location;
    const line = lineWithin(node, location?.start?.line ?? 1, ctx.lineAt);
    throw new PolicyLoadError(
      ctx.file,
      line,
      `\`${key}\` is not valid CEL: ${err instanceof Error ? err.message.replace(/^<input>:/, "") : String(err)}`,
    );
  }
  const expr = parsed.expr;
  try {
    const shape = checkExpression(expr, variables);
    if (shape.kind !== "bool" && shape.kind !== "dyn") {
      throw new CelTypeError(`must be true or false, but gives a ${shape.kind}`);
    }
  } catch (err) {
    if (err instanceof CelTypeError) {
      throw new PolicyLoadError(ctx.file, ctx.lineAt(node), `\`${key}\`: ${err.message}`);
    }
    throw err;
  }
  return plan(ctx.env, parsed) as CelProgram;
}

/** The YAML files a source names: the file itself, or a folder's `*.yaml` and `*.yml` files by name. */
async function filesOf(source: string): Promise<string[]> {
  if ((await stat(source)).isDirectory()) {
    const names = (await readdir(source)).filter((n) => /\.ya?ml$/.test(n)).sort();
    return names.map((n) => path.join(source, n));
  }
  return [source];
}

/** Fails at the second of two items with one id, naming where the first is (`file:line` sources). */
function requireUnique(
  items: readonly { readonly id: string; readonly source: string }[],
  message: (id: string, before: string) => string,
): void {
  const seen = new Map<string, string>();
  for (const item of items) {
    const before = seen.get(item.id);
    if (before !== undefined) {
      const [file = "", line = "1"] = item.source.split(/:(?=\d+$)/);
      throw new PolicyLoadError(file, Number(line), message(item.id, before));
    }
    seen.set(item.id, item.source);
  }
}

/**
 * Assembles loaded policies into one set: rule ids must be unique across
 * every file, since a decision names its rules by id.
 */
export function policySet(policies: readonly LoadedPolicy[]): PolicySet {
  requireUnique(
    policies.flatMap((p) => p.rules),
    (id, before) => `rule id '${id}' is already used at ${before}`,
  );
  const canonical = policies.map((p) => ({
    policy: p.name,
    rules: p.rules.map((r) => [
      r.id,
      r.description,
      r.when,
      r.require,
      r.message,
      r.awaits,
      r.override,
    ]),
  }));
  const hash = createHash("sha256").update(JSON.stringify(canonical)).digest("hex");
  // Tiers are one ordered ladder, so one file defines them all.
  const withTiers = policies.filter((p) => p.tiers.length > 0);
  const [first, second] = withTiers;
  if (first !== undefined && second !== undefined) {
    const [file = second.file, line = "1"] = (second.tiers[0]?.source ?? "").split(/:(?=\d+$)/);
    throw new PolicyLoadError(file, Number(line), `tiers are already defined in ${first.file}`);
  }
  const limits = mergeLimits(policies);
  if ("clash" in limits) {
    throw new PolicyLoadError(limits.file, 1, limits.clash);
  }
  const signalRules = policies.flatMap((p) => p.signalRules);
  requireUnique(signalRules, (id, before) => `signal rule '${id}' is already defined at ${before}`);
  return {
    policies,
    rules: policies.flatMap((p) => p.rules),
    hash,
    tiers: first?.tiers ?? [],
    limits,
    signalRules,
  };
}

/**
 * Loads every policy the sources name (files, or folders of `*.yaml`, in
 * the order given, a folder's files by name) into one compiled set. Fails
 * with a PolicyLoadError naming `file:line` on the first YAML error, missing
 * or unknown field, duplicate rule id, or CEL syntax or type error.
 *
 * @example await loadPolicies([DEFAULT_POLICY_FILE, "/etc/gatehouse/policy"])
 */
export async function loadPolicies(sources: readonly string[]): Promise<PolicySet> {
  const policies: LoadedPolicy[] = [];
  for (const source of sources) {
    for (const file of await filesOf(source)) {
      policies.push(loadPolicyText(await readFile(file, "utf8"), file));
    }
  }
  return policySet(policies);
}
