import { randomUUID } from "node:crypto";
import cookie from "@fastify/cookie";
import swagger from "@fastify/swagger";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify from "fastify";
import { checkGateRule, holdsGrant, licenceRefusal } from "./access/index.js";
import { registerAccessRoutes } from "./access/routes.js";
import { registerAuditRoutes } from "./audit/routes.js";
import { webSessionKey } from "./auth/index.js";
import { registerAuthRoutes } from "./auth/routes.js";
import { registerOidcRoutes } from "./auth/oidc-routes.js";
import { registerSessionRoutes } from "./auth/session-routes.js";
import { FsBlobStore, type BlobStore } from "./blobs/index.js";
import { systemClock, type Clock } from "./clock/index.js";
import type { Config } from "./config.js";
import type { HubContext } from "./context.js";
import { HubError } from "./errors/index.js";
import { NodeWebhookClient, startWebhookDelivery, type WebhookClient } from "./events/index.js";
import { registerEventRoutes } from "./events/routes.js";
import {
  clientErrorHandler,
  MAX_PARAM_LENGTH,
  proxyMatcher,
  registerAuthHook,
  registerConnectionCap,
  registerCsrf,
  registerRequestDeadlines,
  requireRouteAccess,
  secureCookies,
  sendError,
  SESSION_COOKIE,
  sendFrameworkError,
  validatorCompiler,
  type AuthLimits,
  type HubApp,
  type RouteEntry,
} from "./http/index.js";
import {
  MemoryFailureLimiter,
  openUsageLimiter,
  startTierPromotion,
  raiseSignal,
  SignalWatch,
  startUsagePruning,
  UsageRecorder,
  type UsageLimiter,
} from "./limits/index.js";
import { registerSignalRoutes } from "./limits/signal-routes.js";
import { registerUsageRoutes } from "./limits/usage-routes.js";
import { registerUsageSeriesRoute } from "./limits/usage-series-route.js";
import { registerHfPublishRoutes } from "./registry/hf-publish-routes.js";
import { registerHfRoutes } from "./registry/hf-routes.js";
import { newRegistryCaches } from "./registry/index.js";
import { registerLimitRoutes } from "./limits/routes.js";
import { registerRegistryRoutes } from "./registry/routes.js";
import { registerSignedUrlRoutes } from "./registry/signed-url-routes.js";
import {
  checkCardForPublication,
  enterInitialStage,
  loadPolicies,
  policyFiles,
  startScheduler,
  type PolicySet,
} from "./release/index.js";
import { registerReleaseRoutes } from "./release/routes.js";
import { loggerOptions, RequestLogController, type LogFormat } from "./request-log.js";
import { ServingPools } from "./serve/index.js";
import { registerOpenAiRoutes } from "./openai/index.js";
import { registerOipRoutes } from "./serve/oip-routes.js";
import { registerServingRoutes } from "./serve/routes.js";
import { registerSigningKeyRoutes } from "./signed-urls/routes.js";
import { openStore, type Store } from "./store/index.js";
import { registerWebUi } from "./web-ui/routes.js";

export interface AppOptions {
  readonly config: Config;
  /** Adapters a test may replace; the real ones are built from the configuration otherwise. */
  readonly store?: Store;
  readonly blobs?: BlobStore;
  readonly clock?: Clock;
  readonly webhooks?: WebhookClient;
  /** The release policy; loaded from the configuration's files otherwise. */
  readonly policy?: PolicySet;
  /** The usage limiter; opened from the configuration (memory, or REDIS_URL) otherwise, and closed with the app. */
  readonly limiter?: UsageLimiter;
  /** Pino logging, one line per request in this format; off unless asked for, so tests stay quiet. */
  readonly logger?: LogFormat;
}

export interface BuiltApp {
  readonly app: HubApp;
  readonly ctx: HubContext;
  /** Every route with the access it declares. */
  readonly routes: readonly RouteEntry[];
  /** Stops the server and closes the store. */
  close(): Promise<void>;
}

/** How often usage records past their retention are deleted. */
const USAGE_PRUNE_INTERVAL_MS = 3_600_000;

/** How often accounts are promoted or demoted between usage tiers (and at start). */
const TIER_PROMOTION_INTERVAL_MS = 900_000;

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Keys each in-memory failure limiter keeps: about 8 MB at most, however many
 * distinct bad tokens or addresses arrive.
 */
const LIMITER_KEYS = 50_000;

/** Parses `application/x-www-form-urlencoded` (the Python client posts paths-info so); repeated keys become lists. */
function parseForm(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/**
 * Builds the hub: opens the store and blob store, and registers every route;
 * each folder's `routes.ts` is imported here and nowhere else, so no folder
 * depends on the HTTP layer through another's index.
 * Does not listen; `main` does, and tests call `app.inject` or listen on port 0.
 */
export async function buildApp(options: AppOptions): Promise<BuiltApp> {
  const { config } = options;
  // A policy that does not load stops start-up, naming its file and line, before anything is opened.
  const policy = options.policy ?? (await loadPolicies(policyFiles(config)));
  const store = options.store ?? (await openStore(config.database));
  const blobs = options.blobs ?? (await FsBlobStore.open(config.blobs.dir));
  const clock = options.clock ?? systemClock;
  const app: HubApp = Fastify({
    logger: options.logger === undefined ? false : loggerOptions(config.logLevel, options.logger),
    logController: new RequestLogController(),
    bodyLimit: config.jsonBodyLimit,
    // Node's whole-request timeout would cut off long uploads too: request-deadlines.ts
    // times bodies instead, per route. Headers must all arrive within the request
    // timeout (slowloris), checked every second.
    requestTimeout: 0,
    connectionTimeout: 0,
    http: { headersTimeout: config.requestTimeoutMs, connectionsCheckingInterval: 1000 },
    clientErrorHandler: clientErrorHandler(config.requestTimeoutMs),
    // Only the named proxies' X-Forwarded-For is believed; anyone else could send any address.
    trustProxy: config.trustProxy.length === 0 ? false : [...config.trustProxy],
    exposeHeadRoutes: true,
    // One length limit for path parameters, answered like every other error.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: sendFrameworkError,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const limiter =
    options.limiter ??
    (await openUsageLimiter(config.limits, {
      clock,
      log: {
        warn: (message) => {
          app.log.warn(message);
        },
        info: (message) => {
          app.log.info(message);
        },
      },
    }));
  const ctx: HubContext = {
    config,
    store,
    db: store.db,
    blobs,
    clock,
    caches: newRegistryCaches(),
    policy,
    publish: {
      checkCard: async (actor, card) => {
        await checkCardForPublication(ctx, actor, card);
        checkGateRule(card);
      },
      enterInitialStage: (actor, model, version, origin) =>
        enterInitialStage(ctx, actor, model, version, origin),
    },
    gate: {
      holdsGrant: (userId, modelId, versionId) => holdsGrant(ctx, userId, modelId, versionId),
      licenceRefusal: (userId, model, version) => licenceRefusal(ctx, userId, model, version),
    },
    webhooks:
      options.webhooks ??
      new NodeWebhookClient({
        timeoutMs: config.webhookTimeoutMs,
        allowInternal: config.webhookAllowPrivate,
      }),
    serving: new ServingPools(blobs, config.serve),
    limiter,
    usage: new UsageRecorder(store.db, (message, err) => {
      app.log.error({ err }, message);
    }),
    signals: new SignalWatch(
      store.db,
      config.signals,
      (hit) =>
        raiseSignal(ctx, hit, (rule, err) => {
          app.log.warn(
            { err },
            `signal rule ${rule.id} (${rule.source}) could not be evaluated, so it does not hold`,
          );
        }),
      (message, err) => {
        app.log.error({ err }, message);
      },
    ),
  };

  await app.register(swagger, {
    openapi: {
      info: {
        title: "Gatehouse",
        description: "Hub for releasing machine-learning models under restrictions",
        version: "0.1.0",
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer" },
          // The web UI's sign-in (POST /api/session); changes also need X-CSRF-Token.
          session: { type: "apiKey", in: "cookie", name: SESSION_COOKIE },
        },
      },
    },
  });

  const routes: RouteEntry[] = [];
  requireRouteAccess(app, routes);
  app.setValidatorCompiler(validatorCompiler());
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string" },
    (_request, body, done) => {
      done(null, parseForm(body as string));
    },
  );
  app.addHook("onRequest", (request, reply, done) => {
    void reply.header("X-Request-Id", request.id);
    done();
  });
  registerConnectionCap(app, config.connectionsPerAddress, proxyMatcher(config.trustProxy));
  registerRequestDeadlines(app, {
    bodyIdleMs: config.bodyIdleTimeoutMs,
    requestMs: config.requestTimeoutMs,
  });
  // Made once: bad tokens, bad session cookies and wrong passwords from one address share its allowance.
  const authLimits: AuthLimits = {
    addresses: new MemoryFailureLimiter(clock, config.authFailuresPerMinute, LIMITER_KEYS),
    tokens: new MemoryFailureLimiter(clock, config.authFailuresPerMinute, LIMITER_KEYS),
    usernames: new MemoryFailureLimiter(clock, config.authFailuresPerMinute, LIMITER_KEYS),
  };
  // Its onRequest hook reads the cookies before the authentication hook looks for a session.
  await app.register(cookie);
  registerAuthHook(app, ctx, authLimits);
  await registerCsrf(app, await webSessionKey(ctx, "csrf"), secureCookies(config));
  app.setErrorHandler((err, request, reply) => sendError(err, request, reply));
  const servePage = await registerWebUi(app, ctx);
  app.setNotFoundHandler((request, reply) => {
    if (servePage(request, reply)) {
      return;
    }
    sendError(
      new HubError(
        "NOT_FOUND",
        `no endpoint ${request.method} ${request.url.split("?")[0] ?? ""}; /openapi.json lists them`,
      ),
      request,
      reply,
    );
  });

  app.get(
    "/health",
    { config: { access: { public: true } }, schema: { hide: true } },
    async (_request, reply) => {
      const ok = await store.ping();
      return reply.status(ok ? 200 : 503).send({ status: ok ? "ok" : "store unreachable" });
    },
  );
  app.get("/openapi.json", { config: { access: { public: true } }, schema: { hide: true } }, () =>
    app.swagger(),
  );

  registerAuthRoutes(app, ctx);
  registerSessionRoutes(app, ctx, authLimits);
  await registerOidcRoutes(app, ctx);
  registerRegistryRoutes(app, ctx);
  registerHfRoutes(app, ctx);
  registerHfPublishRoutes(app, ctx);
  registerSignedUrlRoutes(app, ctx);
  registerSigningKeyRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerReleaseRoutes(app, ctx);
  registerAccessRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerServingRoutes(app, ctx);
  // Before the OIP routes, whose calls its hook records.
  registerUsageRoutes(app, ctx);
  registerUsageSeriesRoute(app, ctx);
  registerOipRoutes(app, ctx);
  registerOpenAiRoutes(app, ctx);
  registerLimitRoutes(app, ctx);
  registerSignalRoutes(app, ctx);
  // Worker threads would keep the process alive after the server closes.
  app.addHook("onClose", () => ctx.serving.close());

  await app.ready();
  const stopScheduler = startScheduler(ctx, config.scheduleIntervalMs, (err) => {
    app.log.error({ err }, "running due stage changes failed; trying again at the next interval");
  });
  ctx.usage.start();
  await ctx.signals.start();
  const stopUsagePruning = startUsagePruning(
    store.db,
    clock,
    config.usage,
    USAGE_PRUNE_INTERVAL_MS,
    (err) => {
      app.log.error({ err }, "pruning old usage records failed; trying again at the next interval");
    },
  );
  const stopTierPromotion = startTierPromotion(ctx, TIER_PROMOTION_INTERVAL_MS, (err) => {
    app.log.error({ err }, "evaluating usage tiers failed; trying again at the next interval");
  });
  const stopWebhooks = startWebhookDelivery(ctx, config.webhookIntervalMs, (err) => {
    app.log.error({ err }, "delivering webhooks failed; trying again at the next interval");
  });
  return {
    app,
    ctx,
    routes,
    async close() {
      stopScheduler();
      stopUsagePruning();
      stopTierPromotion();
      await stopWebhooks();
      await app.close();
      if (options.limiter === undefined) {
        await limiter.close();
      }
      // After the server stopped taking calls, before the store closes: a clean stop loses none.
      await ctx.usage.close();
      await ctx.signals.close();
      if (options.store === undefined) {
        await store.close();
      }
    },
  };
}
