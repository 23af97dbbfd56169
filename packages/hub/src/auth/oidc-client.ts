import * as oidc from "openid-client";
import type { OidcConfig } from "../config.js";
import { HubError } from "../errors/index.js";

/** How long the provider has to answer each request, in seconds: a browser waits on every one. */
const PROVIDER_TIMEOUT_S = 10;

/** The checks that tie a provider's answer to the sign-in that asked for it. */
export interface OidcChecks {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/** Who the provider says signed in. */
export interface OidcPerson {
  readonly subject: string;
  /** The configured username claim, as the provider gave it (any JSON value, or undefined). */
  readonly username: unknown;
  readonly email: string | undefined;
  readonly fullname: string | undefined;
}

/** Whether a failure is the provider not answering (refused, timed out, unknown host), not a bad answer. */
function unreachable(err: unknown): boolean {
  return (
    err instanceof TypeError ||
    (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError"))
  );
}

function unavailable(issuer: string, err: unknown): HubError {
  const why = err instanceof Error ? err.message : String(err);
  return new HubError(
    "UNAVAILABLE",
    `the OpenID provider at ${issuer} could not be reached (${why}); try again later, or sign in with a password`,
  );
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value.slice(0, 256) : undefined;
}

/**
 * The hub's client at its OpenID provider (openid-client): authorization code
 * flow with PKCE (S256), state and nonce. The provider's metadata is fetched
 * on first use rather than at start-up, so a provider that is down never
 * stops the hub from starting; a failed discovery is tried again by the next
 * sign-in. One per app, kept in its routes.
 */
export class OidcClient {
  private discovered: Promise<oidc.Configuration> | undefined;

  constructor(readonly settings: OidcConfig) {}

  /** The provider's configuration; UNAVAILABLE when it cannot be fetched. */
  private configuration(): Promise<oidc.Configuration> {
    if (this.discovered === undefined) {
      const { issuer, clientId, clientSecret } = this.settings;
      const pending = oidc
        // client_secret_basic: the method OpenID Connect assumes when a client names none.
        .discovery(new URL(issuer), clientId, undefined, oidc.ClientSecretBasic(clientSecret), {
          timeout: PROVIDER_TIMEOUT_S,
          // The configuration allows http only for a provider on the hub's own machine;
          // openid-client marks the option deprecated only so that it stands out.
          // eslint-disable-next-line @typescript-eslint/no-deprecated
          ...(issuer.startsWith("http:") ? { execute: [oidc.allowInsecureRequests] } : {}),
        })
        .catch((err: unknown) => {
          if (this.discovered === pending) {
            this.discovered = undefined;
          }
          throw unreachable(err)
            ? unavailable(issuer, err)
            : new HubError(
                "UNAVAILABLE",
                `the OpenID provider at ${issuer} answered its discovery document wrongly (${err instanceof Error ? err.message : String(err)}); an administrator should check GATEHOUSE_OIDC_ISSUER`,
                undefined,
                502,
              );
        });
      this.discovered = pending;
    }
    return this.discovered;
  }

  /** Where to send the browser to sign in at the provider, coming back to `redirectUri`. */
  async authorizationUrl(redirectUri: string, checks: OidcChecks): Promise<URL> {
    const config = await this.configuration();
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.settings.scopes,
      response_type: "code",
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: "S256",
      state: checks.state,
      nonce: checks.nonce,
    });
  }

  /**
   * Redeems the provider's answer at `callbackUrl` (the redirect URI with the
   * query the provider sent): checks state, issuer and nonce, exchanges the
   * code with the PKCE verifier, validates the ID token, and reads the
   * username claim from it or, when the provider keeps it there, from the
   * UserInfo endpoint. UNAVAILABLE when the provider cannot be reached; any
   * other failure is thrown as openid-client raised it.
   */
  async redeem(callbackUrl: URL, checks: OidcChecks): Promise<OidcPerson> {
    const config = await this.configuration();
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (idClaims === undefined) {
        throw new Error("the token answer has no ID token");
      }
      const claim = this.settings.usernameClaim;
      // Many providers put profile claims in UserInfo only, unless asked for them in the ID token.
      const claims: Record<string, unknown> =
        idClaims[claim] === undefined
          ? {
              ...(await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub)),
              ...idClaims,
            }
          : idClaims;
      return {
        subject: idClaims.sub,
        username: claims[claim],
        email: text(claims.email),
        fullname: text(claims.name),
      };
    } catch (err) {
      throw unreachable(err) ? unavailable(this.settings.issuer, err) : err;
    }
  }
}
