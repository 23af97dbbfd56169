import { randomPKCECodeVerifier, randomNonce, randomState } from "openid-client";
import { Type } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import {
  baseUrlOf,
  originOf,
  secureCookies,
  setSessionCookie,
  type HubApp,
} from "../http/index.js";
import { linkOidcIdentity } from "./link-oidc-identity.js";
import { safeNextPath } from "./next-path.js";
import { OidcClient, type OidcPerson } from "./oidc-client.js";
import { signInWithIdentity, type OidcRefusal } from "./oidc-sign-in.js";
import type { SignedIn } from "./sign-in.js";
import { openOidcState, sealOidcState, type OidcState } from "./oidc-state.js";
import { webSessionKey } from "./web-sessions.js";

/**
 * The cookie that carries a sign-in's state (state, nonce, PKCE verifier, the
 * page to return to) from `start` to `callback`. It is kept in the browser,
 * sealed, rather than in a table: `start` is open to anyone, so a row per
 * visit would let anyone fill the database, and the cookie also ties the
 * answer to the browser that asked, which a login-CSRF (someone else's code
 * delivered to your browser) needs to be stopped.
 */
const STATE_COOKIE = "gatehouse_oidc";
const STATE_COOKIE_PATH = "/api/session/oidc";
/** Time to sign in at the provider, consent screens included. */
const STATE_TTL_MS = 10 * 60_000;

const CALLBACK_PATH = "/api/session/oidc/callback";

/**
 * Why a sign-in came back to the sign-in page unfinished, as `/login?error=…`
 * says, for the page to explain in the reader's language. The refusals of
 * `signInWithIdentity` (OidcRefusal) come the same way.
 */
type LoginError = "oidc_cancelled" | "oidc_expired" | "oidc_failed" | "oidc_unavailable";

const notSetUp = (): HubError =>
  new HubError(
    "NOT_FOUND",
    "OpenID Connect sign-in is not set up on this hub; sign in with a user name and password (POST /api/session)",
  );

/** Same-site top-level redirects from the provider must carry it: Lax, not Strict. */
function stateCookieOptions(ctx: HubContext, maxAgeS?: number) {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    path: STATE_COOKIE_PATH,
    secure: secureCookies(ctx.config),
    ...(maxAgeS === undefined ? {} : { maxAge: maxAgeS }),
  };
}

function loginPage(error: string, name?: string): string {
  const query = new URLSearchParams({ error });
  if (name !== undefined && name !== "") {
    query.set("name", name);
  }
  return `/login?${query.toString()}`;
}

/**
 * OpenID Connect sign-in for the web UI (docs/web-sign-in.md): the UI asks
 * whether it is on, sends the browser to `start`, and the provider sends it
 * back to `callback`, which signs it in as password sign-in does. Every
 * failure on the way back lands on the sign-in page with a reason, never on
 * an error document. The routes exist whether or not it is set up, answering
 * 404 when it is not, so the API is the same on every hub.
 */
export async function registerOidcRoutes(app: HubApp, ctx: HubContext): Promise<void> {
  const settings = ctx.config.oidc;
  const client = settings === null ? null : new OidcClient(settings);
  // Made only by hubs that use it; every process on the database shares it.
  const key = settings === null ? null : await webSessionKey(ctx, "oidc-state");
  const redirectUri = (request: FastifyRequest): string =>
    `${baseUrlOf(request, ctx.config.publicUrl)}${CALLBACK_PATH}`;

  app.get(
    "/api/session/oidc",
    {
      config: { access: { signIn: "oidc" } },
      schema: {
        response: {
          200: Type.Object({
            enabled: Type.Boolean(),
            name: Type.Union([Type.String(), Type.Null()], {
              description: "what the sign-in button calls the provider",
            }),
          }),
        },
      },
    },
    () => ({ enabled: settings !== null, name: settings?.name ?? null }),
  );

  app.get(
    "/api/session/oidc/start",
    {
      config: { access: { signIn: "oidc" } },
      schema: {
        querystring: Type.Object({
          next: Type.Optional(
            Type.String({
              description: "the page to return to: a path on this hub, else /",
              examples: ["/acme/bert"],
            }),
          ),
        }),
      },
    },
    async (request, reply) => {
      if (client === null || key === null) {
        throw notSetUp();
      }
      const state: OidcState = {
        issuer: client.settings.issuer,
        state: randomState(),
        nonce: randomNonce(),
        codeVerifier: randomPKCECodeVerifier(),
        next: safeNextPath(request.query.next),
        expiresAt: ctx.clock.now().getTime() + STATE_TTL_MS,
      };
      let url: URL;
      try {
        url = await client.authorizationUrl(redirectUri(request), state);
      } catch (err) {
        if (!(err instanceof HubError && err.code === "UNAVAILABLE")) {
          throw err;
        }
        // A browser follows this link from the sign-in page: it goes back there, told
        // why, rather than to a page of JSON. The log keeps the provider's own error.
        request.log.warn({ err }, "the OpenID provider could not be used to start a sign-in");
        return reply
          .header("Cache-Control", "no-store")
          .redirect(loginPage("oidc_unavailable"), 302);
      }
      return reply
        .header("Cache-Control", "no-store")
        .setCookie(
          STATE_COOKIE,
          sealOidcState(state, key),
          stateCookieOptions(ctx, STATE_TTL_MS / 1000),
        )
        .redirect(url.href, 302);
    },
  );

  app.get(
    CALLBACK_PATH,
    {
      config: { access: { signIn: "oidc" } },
      schema: {
        querystring: Type.Object({
          code: Type.Optional(Type.String()),
          state: Type.Optional(Type.String()),
          iss: Type.Optional(Type.String()),
          error: Type.Optional(Type.String({ examples: ["access_denied"] })),
          error_description: Type.Optional(Type.String()),
        }),
      },
    },
    async (request, reply) => {
      if (client === null || key === null) {
        throw notSetUp();
      }
      const sealed = request.cookies[STATE_COOKIE];
      // One use whatever happens: a retry starts again with fresh checks.
      void reply
        .header("Cache-Control", "no-store")
        .clearCookie(STATE_COOKIE, stateCookieOptions(ctx));
      const back = (error: LoginError | OidcRefusal, name?: string): FastifyReply =>
        reply.redirect(loginPage(error, name), 302);
      const { query } = request;
      if (query.error !== undefined) {
        request.log.info(
          { oidcError: query.error, description: query.error_description?.slice(0, 200) },
          "the OpenID provider sent a sign-in back with an error",
        );
        return back(query.error === "access_denied" ? "oidc_cancelled" : "oidc_failed");
      }
      const state = sealed === undefined ? null : openOidcState(sealed, key, ctx.clock.now());
      // Expired, from another browser, or for another provider: the checks it needs are gone.
      if (state?.issuer !== client.settings.issuer || query.state !== state.state) {
        return back("oidc_expired");
      }
      const callbackUrl = new URL(redirectUri(request));
      const queryAt = request.url.indexOf("?");
      callbackUrl.search = queryAt === -1 ? "" : request.url.slice(queryAt);
      let person: OidcPerson;
      try {
        person = await client.redeem(callbackUrl, state);
      } catch (err) {
        if (err instanceof HubError && err.code === "UNAVAILABLE") {
          request.log.warn({ err }, "the OpenID provider could not be reached to finish a sign-in");
          return back("oidc_unavailable");
        }
        request.log.warn({ err }, "the OpenID provider's answer to a sign-in was not accepted");
        return back("oidc_failed");
      }
      let signedIn: SignedIn;
      try {
        signedIn = await signInWithIdentity(ctx, person, originOf(request));
      } catch (err) {
        const details = err instanceof HubError ? err.details : undefined;
        if (typeof details?.signInError === "string") {
          request.log.info({ reason: details.signInError }, (err as Error).message);
          return back(
            details.signInError as OidcRefusal,
            typeof details.name === "string" ? details.name : undefined,
          );
        }
        request.log.error({ err }, "signing in a person the OpenID provider vouched for failed");
        return back("oidc_failed");
      }
      setSessionCookie(reply, ctx.config, signedIn);
      return reply.redirect(state.next, 302);
    },
  );

  app.put(
    "/api/users/:name/oidc-identity",
    {
      config: { access: { account: "admin" } },
      schema: {
        params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 96 }) }),
        body: Type.Object(
          {
            subject: Type.String({
              minLength: 1,
              maxLength: 255,
              description: "the person's `sub` claim at the provider",
              examples: ["248289761001"],
            }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) =>
      linkOidcIdentity(
        ctx,
        request.actor,
        { name: request.params.name, subject: request.body.subject },
        originOf(request),
      ),
  );
}
