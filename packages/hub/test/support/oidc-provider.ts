import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

export const OIDC_CLIENT_ID = "gatehouse";
export const OIDC_CLIENT_SECRET = "a client secret long enough for HS256 signing";

/** A real OpenID provider (oidc-provider) on 127.0.0.1, with its development login form. */
export interface TestProvider {
  readonly issuer: string;
  /** The hub's settings for this provider. */
  readonly env: Record<string, string>;
  /**
   * Registers the one client, with `redirectUri` (known once the hub listens),
   * and starts answering. `accounts` gives each login's claims; any login is
   * accepted, its name the subject.
   */
  serve(redirectUri: string, accounts: Readonly<Record<string, Record<string, unknown>>>): void;
  close(): Promise<void>;
}

/**
 * Listens first, so that the issuer URL is known before the hub is configured
 * with it; the provider itself is made by `serve`, once the hub's callback URL
 * is known. The hub discovers the provider only when a sign-in starts.
 */
export async function startProvider(): Promise<TestProvider> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    env: {
      GATEHOUSE_OIDC_ISSUER: issuer,
      GATEHOUSE_OIDC_CLIENT_ID: OIDC_CLIENT_ID,
      GATEHOUSE_OIDC_CLIENT_SECRET: OIDC_CLIENT_SECRET,
      GATEHOUSE_OIDC_NAME: "Test SSO",
    },
    serve(redirectUri, accounts) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: OIDC_CLIENT_ID,
            client_secret: OIDC_CLIENT_SECRET,
            redirect_uris: [redirectUri],
            grant_types: ["authorization_code"],
            response_types: ["code"],
          },
        ],
        claims: {
          openid: ["sub"],
          profile: ["preferred_username", "name"],
          email: ["email"],
        },
        findAccount: (_ctx, sub) => ({
          accountId: sub,
          claims: () => ({ sub, ...(accounts[sub] ?? {}) }),
        }),
        cookies: { keys: ["a cookie key for the test provider"] },
        ttl: {
          AccessToken: 600,
          AuthorizationCode: 60,
          IdToken: 600,
          Interaction: 600,
          Session: 600,
          Grant: 600,
        },
      });
      const handle = provider.callback();
      server.on("request", (req, res) => {
        void handle(req, res);
      });
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
