import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { UsageError, type CliContext } from "../context.js";
import { versionPath, versionRef } from "./release.js";

interface EvidenceView {
  readonly id: string;
  readonly kind: string;
  readonly provenance: string;
  readonly summary: string;
  readonly passed: boolean | null;
  readonly stale: boolean;
  readonly staleReasons: readonly string[];
  readonly subject: { readonly sha256: string; readonly path: string | null };
}

const line = (e: EvidenceView): string =>
  `${e.kind}\t${e.provenance}\t${e.passed === null ? "measured" : e.passed ? "passed" : "failed"}${e.stale ? "\tSTALE" : ""}\t${e.summary}`;

/** `gatehouse evidence add NS/NAME@V FILE.json`, `evidence list NS/NAME@V`. */
export function registerEvidenceCommands(
  program: Command,
  contextOf: () => Promise<CliContext>,
): void {
  const evidence = program
    .command("evidence")
    .description("attach evidence reports to a version and list them");
  evidence
    .command("add")
    .description("attach a report (evaluation, privacy, fairness, security-scan, …) to a version")
    .argument("<ns/name@version>", "the version the report is about")
    .argument("<file>", "the report, as JSON")
    .action(async (refText: string, file: string) => {
      const ref = versionRef(refText);
      let report: unknown;
      try {
        report = JSON.parse(await readFile(file, "utf8"));
      } catch (err) {
        throw new UsageError(`cannot read ${file} as JSON: ${(err as Error).message}`);
      }
      const ctx = await contextOf();
      const added = await ctx.client.json<EvidenceView>(
        "POST",
        `${versionPath(ref)}/evidence`,
        report,
      );
      ctx.print(`attached ${line(added)}`, added);
    });
  evidence
    .command("list")
    .description("list a version's evidence, with provenance and staleness")
    .argument("<ns/name@version>", "the version")
    .action(async (refText: string) => {
      const ref = versionRef(refText);
      const ctx = await contextOf();
      const list = await ctx.client.json<EvidenceView[]>("GET", `${versionPath(ref)}/evidence`);
      ctx.print(
        list.length === 0
          ? ["no evidence"]
          : list.flatMap((e) => [line(e), ...e.staleReasons.map((r) => `  ${r}`)]),
        list,
      );
    });
}
