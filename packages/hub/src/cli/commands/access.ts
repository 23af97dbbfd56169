import { Option, type Command } from "commander";
import {
  UsageError,
  modelPath,
  parseModelRef,
  type CliContext,
  type ModelRef,
} from "../context.js";
import { nextLink } from "../hub-client.js";
import { registerAccessReportCommand } from "./access-report.js";
import { registerAccessRequestCommand } from "./access-request.js";

/** One entry of the Hub's `user-access-request` lists. */
interface HfAccessRequest {
  readonly user: { readonly user: string; readonly fullname: string; readonly type: string };
  readonly status: string;
  readonly timestamp: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly gatehouse: {
    readonly requester: string;
    readonly version: string | null;
    readonly rejectionReason: string | null;
  };
}

interface RequestView {
  readonly id: string;
  readonly model: string;
  readonly version: string | null;
  readonly grantee: string;
  readonly status: string;
  readonly createdAt: string;
}

interface GrantView {
  readonly model: string;
  readonly version: string | null;
  readonly grantee: string;
  readonly status: string;
  readonly expiresAt: string | null;
}

interface AcceptanceView {
  readonly id: string;
  readonly user: string;
  readonly fullname: string | null;
  readonly email: string | null;
  readonly version: string;
  readonly licence: string;
  readonly licenceSha256: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly acceptedAt: string;
}

/** GET /api/models/:namespace/:name/access/mine */
interface MyModelAccess {
  readonly model: string;
  readonly version: string;
  readonly request: (RequestView & { readonly rejectionReason: string | null }) | null;
  readonly grant: (GrantView & { readonly granteeKind: "user" | "org" }) | null;
  readonly licence: {
    readonly id: string;
    readonly sha256: string;
    readonly acceptanceRequired: boolean;
    readonly accepted: boolean;
  };
  readonly canDownload: boolean;
}

const STATUSES = ["pending", "accepted", "rejected"] as const;

const answersText = (fields: Readonly<Record<string, unknown>>): string =>
  Object.entries(fields)
    .map(([label, value]) => `${label}=${String(value)}`)
    .join("; ");

const versionBody = (ref: ModelRef): { version?: string } =>
  ref.version === undefined ? {} : { version: ref.version };

const until = (expiresAt: string | null): string =>
  expiresAt === null ? "until revoked" : `until ${expiresAt}`;

function requireReason(reason: string | undefined, verb: string): string {
  if (reason === undefined || reason.trim() === "") {
    throw new UsageError(`access ${verb} needs --reason TEXT: it is kept and shown to the user`);
  }
  return reason;
}

/** Every page of a `user-access-request` list, following the hub's Link headers. */
async function listAll(ctx: CliContext, ref: ModelRef, status: string): Promise<HfAccessRequest[]> {
  const items: HfAccessRequest[] = [];
  let url: string | null = `${modelPath(ref)}/user-access-request/${status}`;
  while (url !== null) {
    const response = await ctx.client.send("GET", url);
    items.push(...((await response.json()) as HfAccessRequest[]));
    url = nextLink(response.headers.get("link"));
  }
  return items;
}

/**
 * `gatehouse access …`: ask for access to a gated model, and for its owners,
 * list, approve, reject, grant and revoke access, export licence acceptances
 * and report on requests.
 */
export function registerAccessCommands(
  program: Command,
  contextOf: () => Promise<CliContext>,
): void {
  const access = program
    .command("access")
    .description("gated models: ask for access, accept licences; for owners, decide and report");
  registerAccessRequestCommand(access, contextOf);

  access
    .command("list")
    .description("the requests of a gated model in one status (owners and reviewers)")
    .argument("<ns/name>", "model")
    .addOption(
      new Option("--status <status>", "which requests").choices(STATUSES).default("pending"),
    )
    .action(async (id: string, options: { status: string }) => {
      const ref = parseModelRef(id);
      const ctx = await contextOf();
      const items = await listAll(ctx, ref, options.status);
      ctx.print(
        items.length === 0
          ? [`no ${options.status} requests`]
          : items.flatMap((i) => [
              `${i.user.user}\t${i.user.type}\t${i.status}\t${i.timestamp}${i.gatehouse.version === null ? "" : `\t${i.gatehouse.version}`}${i.gatehouse.requester === i.user.user ? "" : `\tasked by ${i.gatehouse.requester}`}`,
              ...(Object.keys(i.fields).length === 0 ? [] : [`  ${answersText(i.fields)}`]),
              ...(i.gatehouse.rejectionReason === null
                ? []
                : [`  reason: ${i.gatehouse.rejectionReason}`]),
            ]),
        items,
      );
    });

  access
    .command("approve")
    .description("accept a user's or organisation's request; they get access at once")
    .argument("<ns/name>", "model")
    .argument("<user>", "the user or organisation that asked")
    .action(async (id: string, user: string) => {
      const ref = parseModelRef(id);
      const ctx = await contextOf();
      const view = await ctx.client.json<RequestView>(
        "POST",
        `${modelPath(ref)}/user-access-request/handle`,
        { user, status: "accepted" },
      );
      ctx.print(`accepted the request of ${view.grantee} for ${view.model}`, view);
    });

  access
    .command("reject")
    .description("reject a request, or take back access given by one")
    .argument("<ns/name>", "model")
    .argument("<user>", "the user or organisation that asked")
    .option("--reason <text>", "why; shown to them (at most 200 characters)")
    .action(async (id: string, user: string, options: { reason?: string }) => {
      const ref = parseModelRef(id);
      const rejectionReason = requireReason(options.reason, "reject");
      const ctx = await contextOf();
      const view = await ctx.client.json<RequestView>(
        "POST",
        `${modelPath(ref)}/user-access-request/handle`,
        { user, status: "rejected", rejectionReason },
      );
      ctx.print(`rejected the request of ${view.grantee} for ${view.model}`, view);
    });

  access
    .command("grant")
    .description("give a user or organisation access without a request")
    .argument("<ns/name[@version]>", "model, and one version (default: every gated version)")
    .argument("<user>", "user or organisation")
    .option("--expires <duration>", "how long it lasts, e.g. 30d, 12h, 2w (default: the gate's)")
    .action(async (id: string, user: string, options: { expires?: string }) => {
      const ref = parseModelRef(id, true);
      const ctx = await contextOf();
      const result = await ctx.client.json<{ grant: string; expiresAt: string | null }>(
        "POST",
        `${modelPath(ref)}/user-access-request/grant`,
        {
          user,
          ...versionBody(ref),
          ...(options.expires === undefined ? {} : { expiresIn: options.expires }),
        },
      );
      ctx.print(
        `granted ${user} access to ${id} ${until(result.expiresAt)} (${result.grant})`,
        result,
      );
    });

  access
    .command("revoke")
    .description("take back a user's or organisation's access, at once")
    .argument("<ns/name[@version]>", "model, and one version (default: every version)")
    .argument("<user>", "user or organisation")
    .option("--reason <text>", "why; kept with the revocation")
    .action(async (id: string, user: string, options: { reason?: string }) => {
      const ref = parseModelRef(id, true);
      const reason = requireReason(options.reason, "revoke");
      const ctx = await contextOf();
      const result = await ctx.client.json<{ revoked: number }>(
        "POST",
        `${modelPath(ref)}/access/revoke`,
        { user, reason, ...versionBody(ref) },
      );
      ctx.print(
        `revoked ${result.revoked} grant${result.revoked === 1 ? "" : "s"} of ${user} to ${id}`,
        result,
      );
    });

  access
    .command("accept")
    .description(
      "accept the licence of a gated version, as a newer version with another licence asks",
    )
    .argument("<ns/name[@version]>", "model, and the version (default: newest gated)")
    .action(async (id: string) => {
      const ref = parseModelRef(id, true);
      const ctx = await contextOf();
      const result = await ctx.client.json<{
        acceptance: string;
        licence: string;
        sha256: string;
        new: boolean;
      }>(
        "POST",
        `${modelPath(ref)}/access/accept`,
        ref.version === undefined ? {} : { revision: ref.version },
      );
      ctx.print(
        `${result.new ? "accepted" : "already accepted"} licence ${result.licence} (sha256 ${result.sha256}) of ${id}`,
        result,
      );
    });

  access
    .command("acceptances")
    .description(
      "every acceptance of the model's licences: who, which version, which exact text, when, with what answers",
    )
    .argument("<ns/name>", "model")
    .option("--csv", "as CSV, one acceptance per row, the answers as a JSON object")
    .action(async (id: string, options: { csv?: boolean }) => {
      const ref = parseModelRef(id);
      const ctx = await contextOf();
      if (options.csv === true && !ctx.settings.json) {
        // The hub writes the CSV, as the web UI downloads it.
        const answer = await ctx.client.send(
          "GET",
          `${modelPath(ref)}/access/acceptances?format=csv`,
        );
        ctx.stdout.write(await answer.text());
        return;
      }
      const list = await ctx.client.json<AcceptanceView[]>(
        "GET",
        `${modelPath(ref)}/access/acceptances`,
      );
      ctx.print(
        list.length === 0
          ? ["no licence acceptances"]
          : list.flatMap((a) => [
              `${a.acceptedAt}\t${a.user}\t${a.version}\t${a.licence}\tsha256 ${a.licenceSha256}`,
              ...(Object.keys(a.fields).length === 0 ? [] : [`  ${answersText(a.fields)}`]),
            ]),
        list,
      );
    });

  access
    .command("mine")
    .description(
      "your access: grants (to you or your organisations) and the requests you made that are pending",
    )
    .action(async () => {
      const ctx = await contextOf();
      const mine = await ctx.client.json<{ grants: GrantView[]; requests: RequestView[] }>(
        "GET",
        "/api/access/mine",
      );
      const pending = mine.requests.filter((r) => r.status === "pending");
      ctx.print(
        [
          ...(mine.grants.length === 0 ? ["no grants"] : ["grants:"]),
          ...mine.grants.map((g) =>
            `  ${g.model}${g.version === null ? "" : `@${g.version}`}\t${g.grantee}\t${g.status}\t${g.status === "live" ? until(g.expiresAt) : ""}`.trimEnd(),
          ),
          ...(pending.length === 0 ? ["no pending requests"] : ["pending requests:"]),
          ...pending.map(
            (r) =>
              `  ${r.model}${r.version === null ? "" : `@${r.version}`}\tfor ${r.grantee}\tasked ${r.createdAt}`,
          ),
        ],
        mine,
      );
    });

  access
    .command("status")
    .description(
      "where you stand with a gated model: your newest request, your grant, the licence to accept, whether you may download",
    )
    .argument("<ns/name[@version]>", "model, and the version (default: newest gated)")
    .action(async (id: string) => {
      const ref = parseModelRef(id, true);
      const ctx = await contextOf();
      const query = ref.version === undefined ? "" : `?revision=${encodeURIComponent(ref.version)}`;
      const mine = await ctx.client.json<MyModelAccess>(
        "GET",
        `${modelPath(ref)}/access/mine${query}`,
      );
      const { request, grant, licence } = mine;
      ctx.print(
        [
          `${mine.model}@${mine.version}: ${mine.canDownload ? "you may download it" : "you may not download it"}`,
          request === null
            ? "request: none"
            : `request: ${request.status}, asked ${request.createdAt}${request.rejectionReason === null ? "" : `, reason: ${request.rejectionReason}`}`,
          grant === null
            ? "grant: none"
            : `grant: ${grant.status}${grant.granteeKind === "org" ? ` through ${grant.grantee}` : ""}, ${grant.version === null ? "every gated version" : grant.version}, ${until(grant.expiresAt)}`,
          `licence: ${licence.id} (sha256 ${licence.sha256}), ${licence.accepted ? "accepted" : licence.acceptanceRequired ? `not accepted: gatehouse access accept ${mine.model}@${mine.version}` : "no acceptance asked"}`,
        ],
        mine,
      );
    });

  registerAccessReportCommand(access, contextOf);
}
