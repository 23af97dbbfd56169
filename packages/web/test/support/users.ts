import type { Page } from "playwright-core";
import type { WebHub } from "./hub.js";

async function expectOk(response: Promise<Response>, what: string): Promise<Response> {
  const answered = await response;
  if (!answered.ok) {
    throw new Error(`${what}: ${answered.status} ${await answered.text()}`);
  }
  return answered;
}

/** Creates a user with a password (as an admin would) and returns an API token of theirs. */
export async function createUser(hub: WebHub, name: string, password: string): Promise<string> {
  await expectOk(hub.api("POST", "/api/users", { name }), `creating user ${name}`);
  await expectOk(
    hub.api("PUT", `/api/users/${name}/password`, { password }),
    `setting ${name}'s password`,
  );
  const created = await expectOk(
    hub.api("POST", "/api/tokens", { user: name, scopes: ["read", "write"], name: "tests" }),
    `creating a token for ${name}`,
  );
  return ((await created.json()) as { token: string }).token;
}

/** Signs in through the sign-in page, in whichever language the page shows. */
export async function signIn(
  page: Page,
  hub: WebHub,
  name: string,
  password: string,
): Promise<void> {
  await page.goto(`${hub.url}/login`);
  await page.locator("#username").fill(name);
  await page.locator("#password").fill(password);
  await page.locator("form button[type=submit]").click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/** Creates users who share `password`; the answer gives each one's API token by name. */
export async function createUsers(
  hub: WebHub,
  names: readonly string[],
  password: string,
): Promise<(name: string) => string> {
  const tokens = new Map<string, string>();
  for (const name of names) {
    tokens.set(name, await createUser(hub, name, password));
  }
  return (name) => {
    const token = tokens.get(name);
    if (token === undefined) {
      throw new Error(`no user ${name} was created`);
    }
    return token;
  };
}

/** Creates organisation `org`, owned by the holder of `ownerToken`, with `members` in their roles. */
export async function createOrg(
  hub: WebHub,
  org: string,
  ownerToken: string,
  members: readonly (readonly [user: string, role: string])[],
): Promise<void> {
  await expectOk(hub.api("POST", "/api/orgs", { name: org }, ownerToken), `creating ${org}`);
  for (const [user, role] of members) {
    await expectOk(
      hub.api("PUT", `/api/orgs/${org}/members/${user}`, { role }, ownerToken),
      `making ${user} a ${role} of ${org}`,
    );
  }
}
