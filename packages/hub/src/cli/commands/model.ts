import type { Command } from "commander";
import { UsageError, modelPath, parseModelRef, type CliContext } from "../context.js";
import { nextLink } from "../hub-client.js";
import { formatBytes } from "../progress.js";
import { registerModelStatsCommand } from "./model-stats.js";

interface ModelSummary {
  readonly id: string;
  readonly private: boolean;
  readonly createdAt?: string;
  readonly lastModified?: string;
}

interface ModelInfo {
  readonly id: string;
  readonly sha?: string;
  readonly private: boolean;
  readonly lastModified: string;
  readonly cardData: Record<string, unknown>;
  readonly siblings: readonly { rfilename: string; size: number }[];
  readonly gatehouse: { stage: string | null; initialStage: string; version: string | null };
}

/** A version as `GET /api/models/:ns/:name/versions` gives it. */
export interface VersionInfo {
  readonly model: string;
  readonly name: string;
  readonly state: "draft" | "published";
  /** The release stage; null for a draft. */
  readonly stage: string | null;
  readonly sha: string | null;
  readonly createdAt: string;
  readonly publishedAt: string | null;
  readonly files: readonly { path: string; sha256: string; size: number }[];
  /** After publishing: the model's initial stage the policy refused, and why. */
  readonly initialStage?: string;
  readonly refused?: readonly { id: string; message: string | null }[];
}

/** `gatehouse model create | list | show | stats | transparency | testers`. */
export function registerModelCommands(
  program: Command,
  contextOf: () => Promise<CliContext>,
): void {
  const model = program.command("model").description("create, list and show models");
  model
    .command("create")
    .description(
      "create a model; its versions start at the stage given here (private unless told otherwise)",
    )
    .argument("<ns/name>", "namespace (your user or an organisation) and model name")
    .option("--private", "only the namespace's maintainers and owners see it (default)")
    .option(
      "--internal",
      "every member of the organisation that owns it sees it; in your own namespace, only you",
    )
    .option("--open", "everyone sees it, without a token")
    .action(
      async (id: string, options: { private?: boolean; internal?: boolean; open?: boolean }) => {
        const ref = parseModelRef(id);
        const chosen = (["private", "internal", "open"] as const).filter(
          (v) => options[v] === true,
        );
        if (chosen.length > 1) {
          throw new UsageError(
            `give only one of --private, --internal, --open (got ${chosen.map((c) => `--${c}`).join(" ")})`,
          );
        }
        const visibility = chosen[0] ?? "private";
        const ctx = await contextOf();
        const created = await ctx.client.json<{
          id: string;
          initialStage: string;
          createdAt: string;
        }>("POST", "/api/models", { id: `${ref.namespace}/${ref.name}`, visibility });
        ctx.print(`created model ${created.id} (versions start ${created.initialStage})`, created);
      },
    );
  model
    .command("list")
    .description("list the models you can see")
    .option("--search <text>", "only models whose name contains this")
    .option("--author <namespace>", "only models of this user or organisation")
    .action(async (options: { search?: string; author?: string }) => {
      const ctx = await contextOf();
      const query = new URLSearchParams({ limit: "100" });
      if (options.search !== undefined) {
        query.set("search", options.search);
      }
      if (options.author !== undefined) {
        query.set("author", options.author);
      }
      const models: ModelSummary[] = [];
      let next: string | null = `/api/models?${query.toString()}`;
      while (next !== null) {
        const response = await ctx.client.send("GET", next);
        models.push(...((await response.json()) as ModelSummary[]));
        next = nextLink(response.headers.get("link"));
      }
      ctx.print(
        models.length === 0
          ? ["no models"]
          : models.map((m) => `${m.id}\t${m.private ? "private" : "open"}`),
        models,
      );
    });
  model
    .command("show")
    .description("show a model, its newest version and its versions")
    .argument("<ns/name>", "model")
    .action(async (id: string) => {
      const ref = parseModelRef(id);
      const ctx = await contextOf();
      const info = await ctx.client.json<ModelInfo>("GET", modelPath(ref));
      const { versions } = await ctx.client.json<{ versions: VersionInfo[] }>(
        "GET",
        `${modelPath(ref)}/versions`,
      );
      const lines = [
        `${info.id} (${info.gatehouse.stage ?? `versions start ${info.gatehouse.initialStage}`})`,
        `newest version: ${info.gatehouse.version ?? "none published"}${info.sha === undefined ? "" : ` (${info.sha})`}`,
      ];
      if (info.siblings.length > 0) {
        lines.push("files:");
        for (const f of info.siblings) {
          lines.push(`  ${f.rfilename}\t${formatBytes(f.size)}`);
        }
      }
      if (versions.length > 0) {
        lines.push("versions:");
        for (const v of versions) {
          lines.push(`  ${v.name}\t${v.stage ?? v.state}\t${v.publishedAt ?? v.createdAt}`);
        }
      }
      ctx.print(lines, { ...info, versions });
    });
  registerModelStatsCommand(model, contextOf);
  model
    .command("transparency")
    .description(
      "show a model's transparency report: strengths, risks, restrictions, evidence, lineage, release history",
    )
    .argument("<ns/name[@version]>", "model, and a version other than its newest")
    .action(async (id: string) => {
      const ref = parseModelRef(id, true);
      const ctx = await contextOf();
      const query = ref.version === undefined ? "" : `?version=${encodeURIComponent(ref.version)}`;
      const report = await ctx.client.json<TransparencyReport | TransparencyTombstone>(
        "GET",
        `${modelPath(ref)}/transparency${query}`,
      );
      ctx.print(transparencyLines(report), report);
    });
  const testers = model
    .command("testers")
    .description("the trusted testers who see, download and call a model's staged versions");
  for (const [verb, method] of [
    ["add", "PUT"],
    ["remove", "DELETE"],
  ] as const) {
    testers
      .command(verb)
      .description(
        `${verb} a user or organisation ${verb === "add" ? "to" : "from"} the allow-list`,
      )
      .argument("<ns/name>", "model")
      .argument("<who>", "user or organisation name")
      .action(async (id: string, who: string) => {
        const ref = parseModelRef(id);
        const ctx = await contextOf();
        await ctx.client.send(method, `${modelPath(ref)}/testers/${encodeURIComponent(who)}`);
        ctx.print(`${verb === "add" ? "added" : "removed"} ${who}`, {
          model: id,
          tester: who,
          verb,
        });
      });
  }
  testers
    .command("list")
    .description("list the allow-list")
    .argument("<ns/name>", "model")
    .action(async (id: string) => {
      const ref = parseModelRef(id);
      const ctx = await contextOf();
      const list = await ctx.client.json<{ name: string; kind: string }[]>(
        "GET",
        `${modelPath(ref)}/testers`,
      );
      ctx.print(list.length === 0 ? ["no testers"] : list.map((t) => `${t.name}\t${t.kind}`), list);
    });
}

/** The transparency report as the hub gives it; the CLI shows its headline parts. */
interface TransparencyReport {
  readonly model: string;
  readonly version: string;
  readonly stage: string;
  readonly riskTier: string;
  readonly strengths: { readonly evaluations: readonly { summary: string; stale: boolean }[] };
  readonly risks: {
    readonly limitations: readonly string[];
    readonly prohibitedUses: readonly string[];
  };
  readonly restrictions: {
    readonly licence: {
      id?: string;
      useRestrictions?: readonly string[];
      unresolved?: string;
    } | null;
    readonly whoMay: { readonly see: string; readonly download: string; readonly call: string };
  };
  readonly evidence: readonly {
    kind: string;
    provenance: string;
    stale: boolean;
    summary: string;
  }[];
  readonly lineage: readonly { model: string; relation: string }[];
  readonly derived: readonly { model: string; version: string; relation: string }[];
  readonly history: readonly { at: string; action: string; details: Record<string, unknown> }[];
}

/** What the hub answers for a withdrawn version: its tombstone. */
interface TransparencyTombstone {
  readonly model: string;
  readonly version: string;
  readonly stage: "withdrawn";
  readonly withdrawnAt: string | null;
  readonly reason: string | null;
}

function transparencyLines(r: TransparencyReport | TransparencyTombstone): string[] {
  if (!("restrictions" in r)) {
    return [
      `${r.model}@${r.version}: withdrawn${r.withdrawnAt === null ? "" : ` on ${r.withdrawnAt}`}`,
      `reason: ${r.reason ?? "none given"}`,
    ];
  }
  const licence = r.restrictions.licence;
  return [
    `${r.model}@${r.version}: ${r.stage}, risk tier ${r.riskTier}`,
    `licence: ${licence === null ? "none declared" : (licence.id ?? `unresolved (${licence.unresolved ?? ""})`)}`,
    ...(licence?.useRestrictions !== undefined && licence.useRestrictions.length > 0
      ? [`use restrictions: ${licence.useRestrictions.join(", ")}`]
      : []),
    `who may see: ${r.restrictions.whoMay.see}; download: ${r.restrictions.whoMay.download}; call: ${r.restrictions.whoMay.call}`,
    "strengths:",
    ...(r.strengths.evaluations.length === 0
      ? ["  no evaluation evidence"]
      : r.strengths.evaluations.map((e) => `  ${e.summary}${e.stale ? " (stale)" : ""}`)),
    "limitations:",
    ...(r.risks.limitations.length === 0
      ? ["  none declared"]
      : r.risks.limitations.map((l) => `  ${l}`)),
    "evidence:",
    ...(r.evidence.length === 0
      ? ["  none"]
      : r.evidence.map(
          (e) => `  ${e.kind} (${e.provenance})${e.stale ? " STALE" : ""}: ${e.summary}`,
        )),
    ...(r.lineage.length === 0
      ? []
      : [`derived from: ${r.lineage.map((b) => `${b.model} (${b.relation})`).join(", ")}`]),
    ...(r.derived.length === 0
      ? []
      : [
          `derived by: ${r.derived.map((d) => `${d.model}@${d.version} (${d.relation})`).join(", ")}`,
        ]),
    "history:",
    ...r.history.map(
      (h) =>
        `  ${h.at}\t${h.action}${typeof h.details.to === "string" ? ` → ${h.details.to}` : ""}`,
    ),
  ];
}
