import type { Command } from "commander";
import { UsageError, modelPath, parseModelRef, type CliContext } from "../context.js";
import { commaList, wholeNumberFlag } from "../flags.js";

/** A subscription as the hub answers it. */
interface Subscription {
  readonly id: string;
  readonly model: string | null;
  readonly namespace: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly description: string;
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  readonly consecutiveFailures: number;
  readonly secret?: string;
}

/** A delivery with its log, as the hub answers it. */
interface Delivery {
  readonly id: string;
  readonly event: { readonly id: string; readonly type: string };
  readonly status: string;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly redeliveryOf: string | null;
  readonly log: readonly {
    readonly attempt: number;
    readonly at: string;
    readonly statusCode: number | null;
    readonly durationMs: number;
    readonly error: string | null;
  }[];
}

/**
 * The API path of a target's subscriptions: `NS/NAME` for a model's, `NS` for
 * every model of a user's or organisation's namespace.
 */
function webhooksPath(target: string): string {
  if (target.includes("/")) {
    return `${modelPath(parseModelRef(target))}/webhooks`;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(target)) {
    throw new UsageError(
      `"${target}" is neither a model (NAMESPACE/NAME) nor a namespace (a user or organisation name)`,
    );
  }
  return `/api/namespaces/${encodeURIComponent(target)}/webhooks`;
}

const describeSubscription = (s: Subscription): string[] => [
  `${s.id}\t${s.enabled ? "enabled" : `disabled (${s.disabledReason ?? "disabled"})`}\t${s.url}`,
  `  events: ${s.events.join(", ")}${s.description === "" ? "" : `\n  ${s.description}`}`,
];

const describeDelivery = (d: Delivery): string[] => [
  `${d.id}\t${d.event.type}\t${d.status}, ${d.attempts} attempt${d.attempts === 1 ? "" : "s"}${d.nextAttemptAt === null ? "" : `, next at ${d.nextAttemptAt}`}${d.redeliveryOf === null ? "" : `, redelivers ${d.redeliveryOf}`}`,
  ...d.log.map(
    (a) =>
      `  #${a.attempt} ${a.at} ${a.statusCode === null ? "no answer" : String(a.statusCode)} ${a.durationMs} ms${a.error === null ? "" : `: ${a.error}`}`,
  ),
];

/**
 * `gatehouse webhook add|list|show|update|remove|deliveries|redeliver`: webhook
 * subscriptions of a model (NS/NAME) or of a whole namespace (NS).
 */
export function registerWebhookCommands(
  program: Command,
  contextOf: () => Promise<CliContext>,
): void {
  const webhook = program
    .command("webhook")
    .description(
      "send a model's or a namespace's events (publications, stage changes, access) to a URL, signed per Standard Webhooks",
    );
  webhook
    .command("add")
    .description("subscribe a URL to events; prints the signing secret, shown only this once")
    .argument("<target>", "a model NAMESPACE/NAME, or a namespace for all its models")
    .requiredOption("--url <url>", "the http(s) URL events are POSTed to")
    .requiredOption(
      "--events <types>",
      "comma-separated event types, e.g. version.published,release.transitioned",
      commaList,
    )
    .option("--description <text>", "what the subscription is for")
    .action(
      async (target: string, options: { url: string; events: string[]; description?: string }) => {
        const path = webhooksPath(target);
        const ctx = await contextOf();
        const created = await ctx.client.json<Subscription>("POST", path, {
          url: options.url,
          events: options.events,
          ...(options.description === undefined ? {} : { description: options.description }),
        });
        ctx.print(
          [
            ...describeSubscription(created),
            `secret: ${created.secret ?? ""}`,
            "store the secret with the receiver now: it is not shown again",
          ],
          created,
        );
      },
    );
  webhook
    .command("list")
    .description("list the subscriptions of a model or a namespace")
    .argument("<target>", "a model NAMESPACE/NAME, or a namespace")
    .action(async (target: string) => {
      const path = webhooksPath(target);
      const ctx = await contextOf();
      const list = await ctx.client.json<Subscription[]>("GET", path);
      ctx.print(
        list.length === 0 ? ["no webhook subscriptions"] : list.flatMap(describeSubscription),
        list,
      );
    });
  webhook
    .command("show")
    .description("show one subscription")
    .argument("<target>", "a model NAMESPACE/NAME, or a namespace")
    .argument("<id>", "the subscription's id (wh_…)")
    .action(async (target: string, id: string) => {
      const path = `${webhooksPath(target)}/${encodeURIComponent(id)}`;
      const ctx = await contextOf();
      const shown = await ctx.client.json<Subscription>("GET", path);
      ctx.print(
        [
          ...describeSubscription(shown),
          `  failed attempts in a row: ${shown.consecutiveFailures}`,
        ],
        shown,
      );
    });
  webhook
    .command("update")
    .description("change a subscription's URL, events or description, or disable or enable it")
    .argument("<target>", "a model NAMESPACE/NAME, or a namespace")
    .argument("<id>", "the subscription's id (wh_…)")
    .option("--url <url>", "a new http(s) URL")
    .option("--events <types>", "the event types, replacing the old ones", commaList)
    .option("--description <text>", "a new description")
    .option("--enable", "enable it again (clears its run of failures)")
    .option("--disable", "stop deliveries to it")
    .action(
      async (
        target: string,
        id: string,
        options: {
          url?: string;
          events?: string[];
          description?: string;
          enable?: boolean;
          disable?: boolean;
        },
      ) => {
        if (options.enable === true && options.disable === true) {
          throw new UsageError("give --enable or --disable, not both");
        }
        const change = {
          ...(options.url === undefined ? {} : { url: options.url }),
          ...(options.events === undefined ? {} : { events: options.events }),
          ...(options.description === undefined ? {} : { description: options.description }),
          ...(options.enable === true ? { enabled: true } : {}),
          ...(options.disable === true ? { enabled: false } : {}),
        };
        if (Object.keys(change).length === 0) {
          throw new UsageError(
            "say what to change: --url, --events, --description, --enable or --disable",
          );
        }
        const path = `${webhooksPath(target)}/${encodeURIComponent(id)}`;
        const ctx = await contextOf();
        const updated = await ctx.client.json<Subscription>("PATCH", path, change);
        ctx.print(describeSubscription(updated), updated);
      },
    );
  webhook
    .command("remove")
    .description("delete a subscription with its deliveries")
    .argument("<target>", "a model NAMESPACE/NAME, or a namespace")
    .argument("<id>", "the subscription's id (wh_…)")
    .action(async (target: string, id: string) => {
      const path = `${webhooksPath(target)}/${encodeURIComponent(id)}`;
      const ctx = await contextOf();
      await ctx.client.json<undefined>("DELETE", path);
      ctx.print(`removed webhook subscription ${id}`, { removed: id });
    });
  webhook
    .command("deliveries")
    .description("list a subscription's deliveries, newest first, with every attempt")
    .argument("<target>", "a model NAMESPACE/NAME, or a namespace")
    .argument("<id>", "the subscription's id (wh_…)")
    .option(
      "--limit <n>",
      "how many deliveries (1-200, default 50)",
      wholeNumberFlag(1, "give a whole number from 1 to 200"),
    )
    .action(async (target: string, id: string, options: { limit?: number }) => {
      const query = options.limit === undefined ? "" : `?limit=${options.limit}`;
      const path = `${webhooksPath(target)}/${encodeURIComponent(id)}/deliveries${query}`;
      const ctx = await contextOf();
      const list = await ctx.client.json<Delivery[]>("GET", path);
      ctx.print(list.length === 0 ? ["no deliveries"] : list.flatMap(describeDelivery), list);
    });
  webhook
    .command("redeliver")
    .description("send a delivery's event again, as a new delivery with the same webhook-id")
    .argument("<target>", "a model NAMESPACE/NAME, or a namespace")
    .argument("<id>", "the subscription's id (wh_…)")
    .argument("<delivery>", "the delivery's id (whd_…)")
    .action(async (target: string, id: string, delivery: string) => {
      const path = `${webhooksPath(target)}/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(delivery)}/redeliver`;
      const ctx = await contextOf();
      const queued = await ctx.client.json<Delivery>("POST", path);
      ctx.print(describeDelivery(queued), queued);
    });
}
