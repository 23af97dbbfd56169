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
