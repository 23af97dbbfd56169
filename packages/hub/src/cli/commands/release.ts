import type { Command } from "commander";
import {
  UsageError,
  modelPath,
  parseModelRef,
  type CliContext,
  type ModelRef,
} from "../context.js";

/** A stage change as the hub answers it. */
interface Transition {
  readonly id: string;
  readonly version: string;
  readonly from: string;
  readonly to: string;
  readonly status: string;
  readonly reason: string;
  readonly at: string | null;
  readonly requestedBy: string | null;
  readonly requestedAt: string;
  readonly failed: readonly { id: string; message: string | null; expression: string }[];
}

/** NS/NAME@VERSION, the version required. */
export function versionRef(text: string): ModelRef & { version: string } {
  const ref = parseModelRef(text, true);
  if (ref.version === undefined) {
    throw new UsageError(`"${text}" names no version; write NAMESPACE/NAME@VERSION`);
  }
  return { ...ref, version: ref.version };
}

export const versionPath = (ref: ModelRef & { version: string }): string =>
  `${modelPath(ref)}/versions/${encodeURIComponent(ref.version)}`;

function describe(t: Transition): string[] {
  const head = `${t.version}: ${t.from} → ${t.to} ${t.status}${t.at === null ? "" : ` (at ${t.at})`}`;
  return [head, ...t.failed.map((f) => `  waiting on ${f.id}: ${f.message ?? "failed"}`)];
}

/**
 * `gatehouse release NS/NAME@V --to STAGE --reason "…" [--at TIME]`, and
 * `release approve|reject NS/NAME@V --comment "…"`, `release cancel NS/NAME@V`,
 * `release list NS/NAME[@V]`.
 */
export function registerReleaseCommands(
  program: Command,
  contextOf: () => Promise<CliContext>,
): void {
  const release = program
    .command("release")
    .description(
      "move a version along the release ladder (private, internal, staged, api, gated, open, withdrawn), sign off, cancel or list changes",
    )
    .usage(
      "NS/NAME@VERSION --to STAGE --reason TEXT [--at TIME] | approve|reject NS/NAME@VERSION --comment TEXT | cancel NS/NAME@VERSION | list NS/NAME[@VERSION]",
    )
    .argument("<what>", "NS/NAME@VERSION, or approve, reject, cancel or list")
    .argument("[ref]", "the version, after approve, reject, cancel or list")
    .option("--to <stage>", "the stage to move to")
    .option("--reason <text>", "why; kept in the audit log and shown on a withdrawn version")
    .option("--at <time>", "an embargo: run at this time (ISO 8601), re-checking the policy then")
    .option("--override", "as a hub administrator, override the rules that allow it (audited)")
    .option("--comment <text>", "the reviewer's comment, with approve or reject");
  release.action(
    async (
      what: string,
      refText: string | undefined,
      options: { to?: string; reason?: string; at?: string; override?: boolean; comment?: string },
    ) => {
      const verbs = ["approve", "reject", "cancel", "list"];
      if (!verbs.includes(what)) {
        if (refText !== undefined) {
          throw new UsageError(
            `unexpected "${refText}"; write release NS/NAME@VERSION --to STAGE --reason TEXT`,
          );
        }
        if (options.to === undefined || options.reason === undefined) {
          throw new UsageError(
            'give --to STAGE and --reason TEXT, e.g. --to internal --reason "ready for colleagues"',
          );
        }
        const ref = versionRef(what);
        const ctx = await contextOf();
        const t = await ctx.client.json<Transition>("POST", `${versionPath(ref)}/transitions`, {
          to: options.to,
          reason: options.reason,
          ...(options.at === undefined ? {} : { at: options.at }),
          ...(options.override === true ? { override: true } : {}),
        });
        ctx.print(describe(t), t);
        return;
      }
      if (refText === undefined) {
        throw new UsageError(`release ${what} needs a version: release ${what} NS/NAME@VERSION`);
      }
      const ctx = await contextOf();
      if (what === "list") {
        const ref = parseModelRef(refText, true);
        const query =
          ref.version === undefined ? "" : `?version=${encodeURIComponent(ref.version)}`;
        const list = await ctx.client.json<Transition[]>(
          "GET",
          `${modelPath(ref)}/transitions${query}`,
        );
        ctx.print(list.length === 0 ? ["no stage changes"] : list.flatMap(describe), list);
        return;
      }
      const ref = versionRef(refText);
      if (what === "cancel") {
        const t = await ctx.client.json<Transition>(
          "DELETE",
          `${versionPath(ref)}/transitions/pending`,
        );
        ctx.print(describe(t), t);
        return;
      }
      if (options.comment === undefined) {
        throw new UsageError(`release ${what} needs --comment TEXT: say why`);
      }
      const t = await ctx.client.json<Transition>("POST", `${versionPath(ref)}/signoffs`, {
        verdict: what,
        comment: options.comment,
      });
      ctx.print(describe(t), t);
    },
  );
}
