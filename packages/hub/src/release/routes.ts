import { Type } from "@fastify/type-provider-typebox";
import type { HubContext } from "../context.js";
import { originOf, type HubApp } from "../http/index.js";
import { addEvidence, evidenceOf } from "./evidence.js";
import { pendingChangeOf } from "./pending-change.js";
import { reviewRiskTier } from "./review-risk-tier.js";
import { signoffInbox } from "./signoff-inbox.js";
import { setSignoffRoles } from "./signoff-roles.js";
import { signOff } from "./signoffs.js";
import { setTester, listTesters } from "./testers.js";
import {
  cancelTransition,
  explainTransition,
  listTransitions,
  requestTransition,
} from "./transitions.js";
import { transparencyReport } from "./transparency.js";

const Segment = Type.String({ minLength: 1, maxLength: 96 });
const Repo = Type.Object({ namespace: Segment, name: Segment });
const VersionParams = Type.Object({ namespace: Segment, name: Segment, version: Segment });
const BASE = "/api/models/:namespace/:name";
const VERSION = `${BASE}/versions/:version`;
const Reason = Type.String({ minLength: 1, maxLength: 2000 });
const Stage = Type.String({
  minLength: 1,
  maxLength: 32,
  description: "private, internal, staged, api, gated, open or withdrawn",
});

/** The release API: stage changes and their sign-offs, evidence, testers, risk tiers, transparency. */
export function registerReleaseRoutes(app: HubApp, ctx: HubContext): void {
  app.post(
    `${VERSION}/transitions`,
    {
      config: { access: { model: "version.release" } },
      schema: {
        params: VersionParams,
        body: Type.Object(
          {
            to: Stage,
            reason: Reason,
            at: Type.Optional(Type.String({ format: "date-time" })),
            override: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { namespace, name, version } = request.params;
      const view = await requestTransition(
        ctx,
        request.actor,
        { namespace, name },
        version,
        request.body,
        originOf(request),
      );
      return reply.status(view.status === "done" ? 200 : 202).send(view);
    },
  );

  app.delete(
    `${VERSION}/transitions/pending`,
    { config: { access: { model: "version.release" } }, schema: { params: VersionParams } },
    async (request) => {
      const { namespace, name, version } = request.params;
      return cancelTransition(ctx, request.actor, { namespace, name }, version, originOf(request));
    },
  );

  app.get(
    `${VERSION}/transitions/pending`,
    { config: { access: { model: "version.release" } }, schema: { params: VersionParams } },
    async (request) => {
      const { namespace, name, version } = request.params;
      return pendingChangeOf(ctx, request.actor, { namespace, name }, version);
    },
  );

  app.get("/api/inbox/signoffs", { config: { access: { account: "write" } } }, async (request) =>
    signoffInbox(ctx, request.actor),
  );

  app.get(
    `${BASE}/transitions`,
    {
      config: { access: { model: "version.see" } },
      schema: {
        params: Repo,
        querystring: Type.Object({ version: Type.Optional(Segment) }),
      },
    },
    async (request) => {
      const { namespace, name } = request.params;
      return listTransitions(
        ctx,
        request.actor,
        { namespace, name },
        request.query.version ?? null,
      );
    },
  );

  app.post(
    `${VERSION}/signoffs`,
    {
      config: { access: { model: "version.review" } },
      schema: {
        params: VersionParams,
        body: Type.Object(
          {
            verdict: Type.Union([Type.Literal("approve"), Type.Literal("reject")]),
            comment: Type.String({ maxLength: 4000 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { namespace, name, version } = request.params;
      return signOff(
        ctx,
        request.actor,
        { namespace, name },
        version,
        request.body,
        originOf(request),
      );
    },
  );

  app.get(
    `${VERSION}/policy-check`,
    {
      config: { access: { model: "version.release" } },
      schema: {
        params: VersionParams,
        // `to` is checked after access, so a hidden version answers as missing whatever is asked.
        querystring: Type.Object({
          to: Type.Optional(Stage),
          override: Type.Optional(Type.Boolean()),
        }),
      },
    },
    async (request) => {
      const { namespace, name, version } = request.params;
      return explainTransition(ctx, request.actor, { namespace, name }, version, request.query);
    },
  );

  app.post(
    `${VERSION}/evidence`,
    {
      config: { access: { model: "version.release" } },
      // The report's own schema is checked by its kind, every error listed (docs/evidence.md).
      schema: {
        params: VersionParams,
        body: Type.Unknown({
          description: "an evidence report of a known kind",
          examples: [
            {
              kind: "ethics-review",
              schemaVersion: 2,
              createdAt: "2026-01-01T00:00:00Z",
              producer: { name: "ethics board", version: "1" },
              subject: { sha256: "0".repeat(64), path: "model.onnx" },
              summary: "reviewed against the board's checklist",
              passed: true,
              reviewer: "ethics board",
              conclusion: "approved",
              notes: "",
            },
          ],
        }),
      },
    },
    async (request, reply) => {
      const { namespace, name, version } = request.params;
      const view = await addEvidence(
        ctx,
        request.actor,
        { namespace, name },
        version,
        request.body,
        originOf(request),
      );
      return reply.status(201).send(view);
    },
  );

  app.get(
    `${VERSION}/evidence`,
    { config: { access: { model: "version.see" } }, schema: { params: VersionParams } },
    async (request) => {
      const { namespace, name, version } = request.params;
      return evidenceOf(ctx, request.actor, { namespace, name }, version);
    },
  );

  app.put(
    `${VERSION}/risk-tier`,
    {
      config: { access: { model: "version.review" } },
      schema: {
        params: VersionParams,
        body: Type.Object(
          {
            tier: Type.Union([
              Type.Literal("minimal"),
              Type.Literal("limited"),
              Type.Literal("high"),
              Type.Literal("systemic"),
            ]),
            comment: Type.String({ maxLength: 4000 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { namespace, name, version } = request.params;
      return reviewRiskTier(
        ctx,
        request.actor,
        { namespace, name },
        version,
        request.body,
        originOf(request),
      );
    },
  );

  app.get(
    `${BASE}/testers`,
    { config: { access: { model: "version.release" } }, schema: { params: Repo } },
    async (request) => listTesters(ctx, request.actor, request.params),
  );
  const TesterParams = Type.Object({ namespace: Segment, name: Segment, tester: Segment });
  app.put(
    `${BASE}/testers/:tester`,
    { config: { access: { model: "version.release" } }, schema: { params: TesterParams } },
    async (request, reply) => {
      const { namespace, name, tester } = request.params;
      await setTester(ctx, request.actor, { namespace, name }, tester, true, originOf(request));
      return reply.status(204).send();
    },
  );
  app.delete(
    `${BASE}/testers/:tester`,
    { config: { access: { model: "version.release" } }, schema: { params: TesterParams } },
    async (request, reply) => {
      const { namespace, name, tester } = request.params;
      await setTester(ctx, request.actor, { namespace, name }, tester, false, originOf(request));
      return reply.status(204).send();
    },
  );

  app.get(
    `${BASE}/transparency`,
    {
      config: { access: { model: "version.see" } },
      schema: { params: Repo, querystring: Type.Object({ version: Type.Optional(Segment) }) },
    },
    async (request) => {
      const { namespace, name } = request.params;
      return transparencyReport(ctx, request.actor, { namespace, name }, request.query.version);
    },
  );

  app.put(
    "/api/orgs/:org/members/:user/signoff-roles",
    {
      config: { access: { account: "write" } },
      schema: {
        params: Type.Object({ org: Segment, user: Segment }),
        body: Type.Object(
          { roles: Type.Array(Type.String({ maxLength: 48 }), { maxItems: 16 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) =>
      setSignoffRoles(
        ctx,
        request.actor,
        { org: request.params.org, user: request.params.user, roles: request.body.roles },
        originOf(request),
      ),
  );
}
