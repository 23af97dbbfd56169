import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { safeNextPath } from "../../src/auth/next-path.js";
import { openOidcState, sealOidcState } from "../../src/auth/oidc-state.js";
import { userNameFromClaim } from "../../src/auth/oidc-user-name.js";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("the page a sign-in returns to", () => {
  it("keeps a path on the hub, with its query", () => {
    assert.equal(safeNextPath("/acme/bert?tab=files#card"), "/acme/bert?tab=files#card");
  });

  it("falls back to / for anything that could leave the hub", () => {
    for (const next of [
      undefined,
      "",
      "//evil.example",
      "/\\evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "evil",
      "/\t/evil.example",
      `/${"a".repeat(2048)}`,
    ]) {
      assert.equal(safeNextPath(next), "/", String(next));
    }
  });
});

describe("the user name a first OpenID sign-in creates", () => {
  it("follows the hub's name rules", () => {
    assert.equal(userNameFromClaim("alice"), "alice");
    assert.equal(userNameFromClaim("Alice Smith"), "Alice-Smith");
    assert.equal(userNameFromClaim("bob@example.com"), "bob");
    assert.equal(userNameFromClaim("José  Núñez"), "Jose-Nunez");
    assert.equal(userNameFromClaim("--a..b--"), "a.b");
    assert.equal(userNameFromClaim("x".repeat(200))?.length, 96);
  });

  it("gives nothing for a claim that leaves no usable name", () => {
    for (const claim of [undefined, 42, "", "李雷", "...", "api", "login"]) {
      assert.equal(userNameFromClaim(claim), null, String(claim));
    }
  });
});

describe("the sealed state cookie", () => {
  const key = Buffer.alloc(32, 7).toString("base64url");
  const state = {
    issuer: "https://sso.example.com",
    state: "s",
    nonce: "n",
    codeVerifier: "v",
    next: "/x",
    expiresAt: Date.parse("2026-01-01T00:10:00Z"),
  };
  const now = new Date("2026-01-01T00:00:00Z");

  it("opens under its key until it expires", () => {
    const sealed = sealOidcState(state, key);
    assert.deepEqual(openOidcState(sealed, key, now), state);
    assert.equal(openOidcState(sealed, key, new Date("2026-01-01T00:10:00Z")), null);
  });

  it("does not open under another key, changed, or cut short", () => {
    const sealed = sealOidcState(state, key);
    assert.equal(openOidcState(sealed, Buffer.alloc(32, 8).toString("base64url"), now), null);
    // A character in the middle: the last one may carry only padding bits.
    const flipped = sealed[30] === "A" ? "B" : "A";
    assert.equal(
      openOidcState(`${sealed.slice(0, 30)}${flipped}${sealed.slice(31)}`, key, now),
      null,
    );
    assert.equal(openOidcState(sealed.slice(0, 20), key, now), null);
  });
});

describe("OpenID Connect settings", () => {
  const base = { GATEHOUSE_DATA_DIR: "/tmp/gatehouse-config-test", GATEHOUSE_WEB_DIR: "/tmp/web" };
  const oidc = {
    GATEHOUSE_OIDC_ISSUER: "https://sso.example.com/realms/lab",
    GATEHOUSE_OIDC_CLIENT_ID: "gatehouse",
    GATEHOUSE_OIDC_CLIENT_SECRET: "secret",
  };
  const refused = (env: Record<string, string>, variable: string, message: RegExp): void => {
    assert.throws(
      () => loadConfig({ ...base, ...env }),
      (err: unknown) =>
        err instanceof ConfigError && err.variable === variable && message.test(err.message),
    );
  };

  it("is off without an issuer, and on with its defaults with one", () => {
    assert.equal(loadConfig(base).oidc, null);
    assert.deepEqual(loadConfig({ ...base, ...oidc }).oidc, {
      issuer: "https://sso.example.com/realms/lab",
      clientId: "gatehouse",
      clientSecret: "secret",
      name: "sso.example.com",
      scopes: "openid profile email",
      usernameClaim: "preferred_username",
      createUsers: false,
    });
  });

  it("names the missing or bad setting", () => {
    refused(
      { ...oidc, GATEHOUSE_OIDC_CLIENT_ID: "" },
      "GATEHOUSE_OIDC_CLIENT_ID",
      /is not set but GATEHOUSE_OIDC_ISSUER is/,
    );
    refused(
      { ...oidc, GATEHOUSE_OIDC_CLIENT_SECRET: "" },
      "GATEHOUSE_OIDC_CLIENT_SECRET",
      /is not set/,
    );
    refused({ GATEHOUSE_OIDC_CLIENT_ID: "x" }, "GATEHOUSE_OIDC_ISSUER", /is not set but/);
    refused(
      { ...oidc, GATEHOUSE_OIDC_ISSUER: "http://sso.example.com" },
      "GATEHOUSE_OIDC_ISSUER",
      /not an https URL/,
    );
    refused({ ...oidc, GATEHOUSE_OIDC_ISSUER: "sso" }, "GATEHOUSE_OIDC_ISSUER", /not an absolute/);
    refused({ ...oidc, GATEHOUSE_OIDC_SCOPES: "profile" }, "GATEHOUSE_OIDC_SCOPES", /lacks openid/);
    refused(
      { ...oidc, GATEHOUSE_OIDC_CREATE_USERS: "yes" },
      "GATEHOUSE_OIDC_CREATE_USERS",
      /not true or false/,
    );
  });

  it("allows http for a provider on the hub's own machine only", () => {
    const local = loadConfig({ ...base, ...oidc, GATEHOUSE_OIDC_ISSUER: "http://127.0.0.1:9000" });
    assert.equal(local.oidc?.issuer, "http://127.0.0.1:9000");
  });
});
