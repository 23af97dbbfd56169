import { createInterface, type Interface } from "node:readline/promises";
import type { Command } from "commander";
import { CliFailure, UsageError, modelPath, parseModelRef, type CliContext } from "../context.js";

/** `GET …/access/form` as the hub gives it. */
interface GateForm {
  readonly model: string;
  readonly version: string;
  readonly approval: "auto" | "manual" | "rule";
  readonly heading: string | null;
  readonly prompt: string | null;
  readonly fields: readonly {
    readonly label: string;
    readonly type: string;
    readonly options: readonly { readonly label: string; readonly value: string }[];
    readonly number?: true;
  }[];
  readonly licence: {
    readonly id: string;
    readonly sha256: string;
    readonly text: string;
    readonly acceptanceRequired: boolean;
  };
  readonly grantDays: number | null;
}

type Field = GateForm["fields"][number];

/** The request as the hub answers it. */
interface RequestView {
  readonly id: string;
  readonly model: string;
  readonly version: string | null;
  readonly grantee: string;
  readonly status: "pending" | "accepted" | "rejected";
}

const YES = new Set(["yes", "y", "true", "1"]);
const NO = new Set(["no", "n", "false", "0"]);
/** How much of the licence to show before asking; the whole text is one request away. */
const LICENCE_LINES = 15;

/** `--answer "LABEL=VALUE"`, repeatable; the label ends at the first '='. */
function collectAnswer(value: string, previous: Map<string, string>): Map<string, string> {
  const eq = value.indexOf("=");
  if (eq <= 0) {
    throw new UsageError(`--answer "${value}" should be LABEL=VALUE, e.g. --answer "Country=DE"`);
  }
  return new Map(previous).set(value.slice(0, eq).trim(), value.slice(eq + 1));
}

/**
 * The answer as the hub takes it: a checkbox's yes as true, the count of users
 * as a number. What cannot be read so is sent as typed, for the hub to name.
 */
function typedAnswer(field: Field | undefined, value: string): string | boolean | number {
  const word = value.trim().toLowerCase();
  if (field?.type === "checkbox" && (YES.has(word) || NO.has(word))) {
    return YES.has(word);
  }
  if (field?.number === true && /^\d+$/.test(value.trim())) {
    return Number(value.trim());
  }
  return value;
}

function questionFor(field: Field): string {
  switch (field.type) {
    case "checkbox":
      return `${field.label} [y/n]: `;
    case "date_picker":
      return `${field.label} (YYYY-MM-DD): `;
    case "country":
      return `${field.label} (ISO country code, e.g. DE, US): `;
    case "select":
      return `${field.label}\n${field.options.map((o, i) => `  ${i + 1}) ${o.label}`).join("\n")}\nchoose 1-${field.options.length}: `;
    default:
      return field.number === true ? `${field.label} (a whole number): ` : `${field.label}: `;
  }
}

/** Asks for one field until the answer has the shape the field needs (the hub checks the rest). */
async function askField(rl: Interface, field: Field): Promise<string> {
  for (;;) {
    const answer = (await rl.question(questionFor(field))).trim();
    if (field.type === "select") {
      const option = field.options[Number(answer) - 1];
      if (option !== undefined) {
        return option.value;
      }
      if (field.options.some((o) => o.value === answer || o.label === answer)) {
        return answer;
      }
    } else if (field.type === "checkbox") {
      if (YES.has(answer.toLowerCase()) || NO.has(answer.toLowerCase())) {
        return answer;
      }
    } else if (answer !== "") {
      return answer;
    }
  }
}

/** Shows the licence's id, digest and opening lines, and asks whether it is accepted. */
async function askLicence(rl: Interface, ctx: CliContext, form: GateForm): Promise<boolean> {
  const lines = form.licence.text.split("\n");
  ctx.stderr.write(
    [
      `licence ${form.licence.id} (sha256 ${form.licence.sha256}):`,
      ...lines.slice(0, LICENCE_LINES).map((l) => `  ${l}`),
      ...(lines.length > LICENCE_LINES
        ? [`  … ${lines.length - LICENCE_LINES} more lines: the whole text is in the access form`]
        : []),
      "",
    ].join("\n"),
  );
  for (;;) {
    const answer = (await rl.question("accept this licence? [y/n]: ")).trim().toLowerCase();
    if (YES.has(answer) || NO.has(answer)) {
      return YES.has(answer);
    }
  }
}

function nextStep(view: RequestView, form: GateForm): string {
  if (view.status === "accepted") {
    const until = form.grantDays === null ? "until revoked" : `for ${form.grantDays} days`;
    return `access granted to ${view.grantee} ${until}; download with: gatehouse pull ${view.model}`;
  }
  return `the owners of ${view.model} decide it; follow it with: gatehouse access mine`;
}

/**
 * `gatehouse access request NS/NAME[@V] [--answer "LABEL=VALUE" …]
 * [--accept-licence] [--for-org ORG]`: answers the access form, asking for
 * what is missing when stdin is a terminal; otherwise the hub names it.
 */
export function registerAccessRequestCommand(
  access: Command,
  contextOf: () => Promise<CliContext>,
): void {
  access
    .command("request")
    .description(
      "ask for access to a gated model: answer its form and accept its licence (asked for one by one on a terminal)",
    )
    .argument(
      "<ns/name[@version]>",
      "model, and the version whose form to answer (default: newest gated)",
    )
    .option(
      "--answer <label=value>",
      'an answer to the form, repeatable, e.g. --answer "Country=DE"',
      collectAnswer,
      new Map<string, string>(),
    )
    .option("--accept-licence", "accept the licence without being asked")
    .option("--for-org <org>", "ask for an organisation you own or maintain, covering its members")
    .action(
      async (
        id: string,
        options: { answer: Map<string, string>; acceptLicence?: boolean; forOrg?: string },
      ) => {
        const ref = parseModelRef(id, true);
        const ctx = await contextOf();
        const query =
          ref.version === undefined ? "" : `?revision=${encodeURIComponent(ref.version)}`;
        const form = await ctx.client.json<GateForm>(
          "GET",
          `${modelPath(ref)}/access/form${query}`,
        );
        const given = new Map(options.answer);
        let accept = options.acceptLicence === true;
        const missing = form.fields.filter((f) => !given.has(f.label) && f.type !== "ip_location");
        const ask =
          process.stdin.isTTY &&
          (missing.length > 0 || (form.licence.acceptanceRequired && !accept));
        if (ask) {
          const rl = createInterface({ input: process.stdin, output: ctx.stderr });
          try {
            for (const line of [form.heading, form.prompt]) {
              if (line !== null) {
                ctx.stderr.write(`${line}\n`);
              }
            }
            for (const field of missing) {
              given.set(field.label, await askField(rl, field));
            }
            if (form.licence.acceptanceRequired && !accept) {
              accept = await askLicence(rl, ctx, form);
              if (!accept) {
                throw new CliFailure(
                  `the licence of ${form.model}@${form.version} was not accepted, so no request was sent`,
                  "LICENCE_NOT_ACCEPTED",
                );
              }
            }
          } finally {
            rl.close();
          }
        } else if (accept) {
          ctx.note(`accepting licence ${form.licence.id} (sha256 ${form.licence.sha256})`);
        }
        const fields = new Map(form.fields.map((f) => [f.label, f]));
        const answers = Object.fromEntries(
          [...given].map(([label, value]) => [label, typedAnswer(fields.get(label), value)]),
        );
        const view = await ctx.client.json<RequestView>(
          "POST",
          `${modelPath(ref)}/access/requests`,
          {
            answers,
            acceptLicence: accept,
            ...(ref.version === undefined ? {} : { revision: ref.version }),
            ...(options.forOrg === undefined ? {} : { forOrg: options.forOrg }),
          },
        );
        ctx.print(
          [
            `request ${view.id} for ${view.model}@${view.version ?? form.version}: ${view.status}`,
            nextStep(view, form),
          ],
          view,
        );
      },
    );
}
