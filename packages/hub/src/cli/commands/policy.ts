import type { Command } from "commander";
import { CliFailure, type CliContext } from "../context.js";
import { versionPath, versionRef } from "./release.js";

interface Explanation {
  readonly from: string;
  readonly to: string;
  readonly upward: boolean;
  readonly decision: {
    readonly outcome: "allow" | "pending" | "refuse";
    readonly policyHash: string;
    readonly results: readonly {
      readonly id: string;
      readonly applies: boolean;
      readonly passed: boolean;
      readonly overridden: boolean;
      readonly awaits: string | null;
      readonly message: string | null;
      readonly expression: string;
      readonly findings?: readonly { readonly rule: string; readonly message: string }[];
    }[];
  };
}

/** `gatehouse policy check NS/NAME@V --to STAGE`: every rule explained, nothing changed. */
export function registerPolicyCommands(
  program: Command,
  contextOf: () => Promise<CliContext>,
): void {
  const policy = program.command("policy").description("see what the release policy says");
  policy
    .command("check")
    .description("explain every rule for moving a version to a stage, without changing anything")
    .argument("<ns/name@version>", "the version")
    .requiredOption("--to <stage>", "the stage to ask about")
    .option("--override", "as a hub administrator would, overriding the rules that allow it")
    .action(async (refText: string, options: { to: string; override?: boolean }) => {
      const ref = versionRef(refText);
      const ctx = await contextOf();
      const query = new URLSearchParams({ to: options.to });
      if (options.override === true) {
        query.set("override", "true");
      }
      const e = await ctx.client.json<Explanation>(
        "GET",
        `${versionPath(ref)}/policy-check?${query.toString()}`,
      );
      const lines = [
        `${ref.namespace}/${ref.name}@${ref.version}: ${e.from} → ${e.to}: ${e.upward ? e.decision.outcome : "allowed: restricting never needs the policy"}`,
        ...e.decision.results.map((r) => {
          const mark = !r.applies
            ? "-"
            : r.overridden
              ? "!"
              : r.passed
                ? "✔"
                : r.awaits === null
                  ? "✘"
                  : "…";
          const why = r.applies && !r.passed ? `: ${r.message ?? ""}` : "";
          const findings = (r.findings ?? []).map((f) => `\n    · ${f.rule}: ${f.message}`);
          return `${mark} ${r.id}${why}\n    ${r.expression}${findings.join("")}`;
        }),
        `policy ${e.decision.policyHash.slice(0, 12)}`,
      ];
      ctx.print(lines, e);
      if (e.decision.outcome === "refuse") {
        throw new CliFailure(
          `the release policy would refuse ${e.from} → ${e.to}`,
          "POLICY_DENIED",
          "fix the rules marked ✘; those marked … wait for sign-offs or time",
        );
      }
    });
}
