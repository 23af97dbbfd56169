import { Type } from "@fastify/type-provider-typebox";
import { requireUnrestricted } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import type { HubApp } from "../http/index.js";
import { MAX_WINDOW_TEXT, pointIn } from "./usage-routes.js";
import { MAX_PERIODS, usageSeries, type SeriesSubject } from "./usage-series.js";

/** The window a series covers unless `since` says otherwise: a day of hours, a month of days. */
const DEFAULT_SINCE = { hour: "24h", day: "30d" } as const;

/** `GET /api/usage/series`: a model's or an organisation's calls over time, for charts. */
export function registerUsageSeriesRoute(app: HubApp, ctx: HubContext): void {
  app.get(
    "/api/usage/series",
    {
      config: { access: { account: "read" } },
      schema: {
        description: `Hosted-inference calls per hour or per UTC day to one model (or one of its versions), for its owners and maintainers, or to the models of one organisation, for its owners; administrators see all. Every bucket of the window is answered, empty ones as zeros; a window of at most ${MAX_PERIODS.hour / 24} days by hour or ${MAX_PERIODS.day} days by day.`,
        querystring: Type.Object(
          {
            model: Type.Optional(
              Type.String({
                minLength: 3,
                maxLength: 193,
                description: "the model, namespace/name; give model or org",
              }),
            ),
            version: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 128,
                description: "only this version of the model; every version unless given",
              }),
            ),
            org: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 96,
                description: "the organisation, for the calls to all its models",
              }),
            ),
            period: Type.Optional(
              Type.Union([Type.Literal("hour"), Type.Literal("day")], {
                description: "the width of a bucket; hour unless given",
              }),
            ),
            since: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: MAX_WINDOW_TEXT,
                description:
                  "a duration back from now (24h, 30d) or an ISO date-time; 24h for hours and 30d for days unless given",
              }),
            ),
            until: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: MAX_WINDOW_TEXT,
                description: "an ISO date-time; now unless given",
              }),
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      // A token restricted to one model acts on that model alone, and an organisation spans many.
      const actor = requireUnrestricted(request.actor, "read usage over time");
      const q = request.query;
      let subject: SeriesSubject;
      if (q.model !== undefined && q.org === undefined) {
        subject =
          q.version === undefined ? { model: q.model } : { model: q.model, version: q.version };
      } else if (q.org !== undefined && q.model === undefined && q.version === undefined) {
        subject = { org: q.org };
      } else {
        throw new HubError(
          "BAD_REQUEST",
          "give either model (with version, optionally) or org, not both and not neither",
        );
      }
      const period = q.period ?? "hour";
      const now = ctx.clock.now();
      const since = pointIn("since", q.since ?? DEFAULT_SINCE[period], now, true);
      const until = q.until === undefined ? now : pointIn("until", q.until, now, false);
      if (since.getTime() >= until.getTime()) {
        throw new HubError("BAD_REQUEST", "since must be before until");
      }
      return usageSeries(ctx, actor, { subject, period, since, until });
    },
  );
}
