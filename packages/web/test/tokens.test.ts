import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  expectAccessible,
  launchBrowser,
  screenshot,
  type TestBrowser,
} from "./support/browser.js";
import { browserDialect, startWebHub, type WebHub } from "./support/hub.js";
import { createUser, signIn } from "./support/users.js";

const PASSWORD = "a long enough test password";

interface Listed {
  readonly name: string;
  readonly scopes: string[];
  readonly model: string | null;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

const dialect = browserDialect("postgres");

describe(`API tokens in a real browser (${dialect})`, () => {
  let hub: WebHub;
  let browser: TestBrowser;
  let tess: string;

  before(async () => {
    hub = await startWebHub(dialect);
    browser = await launchBrowser();
    tess = await createUser(hub, "tess", PASSWORD);
  });

  after(async () => {
    await browser.close();
    await hub.stop();
  });

  const listed = async (): Promise<Listed[]> => {
    const res = await hub.api("GET", "/api/tokens", undefined, tess);
    assert.equal(res.status, 200);
    return ((await res.json()) as { tokens: Listed[] }).tokens;
  };
  const whoami = (token: string) => hub.api("GET", "/api/whoami-v2", undefined, token);

  it("sends a visitor who is not signed in to sign in, and back to the page afterwards", async () => {
    const context = await browser.newContext("en");
    const page = await context.newPage();
    await page.goto(`${hub.url}/settings/tokens`);
    await page.waitForURL(/\/login\?next=%2Fsettings%2Ftokens$/);
    await page.locator("#username").fill("tess");
    await page.locator("#password").fill(PASSWORD);
    await page.locator("form button[type=submit]").click();
    await page.waitForURL(`${hub.url}/settings/tokens`);
    await page.getByRole("heading", { name: "Create a token" }).waitFor();
    await context.close();
  });

  it("creates a token shown once, lists it, and it works until it is revoked", async () => {
    const context = await browser.newContext("en");
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: hub.url });
    const page = await context.newPage();
    await signIn(page, hub, "tess", PASSWORD);
    await page.goto(`${hub.url}/settings/tokens`);
    await page.getByRole("heading", { name: "Create a token" }).waitFor();
    // Administration is offered to administrators only.
    await page.getByRole("radio", { name: "Read and write" }).waitFor();
    assert.equal(await page.getByRole("radio", { name: "Administration" }).count(), 0);
    await expectAccessible(page, "the tokens page");
    await screenshot(page, "tokens-en");

    // Checked before it is sent: a name is needed, and a model is written namespace/name.
    await page.getByLabel("Only for one model (optional)").fill("not-a-model");
    await page.getByRole("button", { name: "Create token" }).click();
    await page.getByRole("alert").filter({ hasText: "2 fields need your attention." }).waitFor();
    assert.equal(await page.getByLabel("Name").getAttribute("aria-invalid"), "true");
    assert.equal(await page.locator(":focus").getAttribute("id"), "token-name");
    assert.match(
      await page.locator("#token-model-error").innerText(),
      /Write the model as namespace\/name/,
    );
    await expectAccessible(page, "the token form with its errors");
    await screenshot(page, "tokens-errors-en");
    const before = await listed();

    // The hub's own refusal: a model that does not exist.
    await page.getByLabel("Name").fill("for a missing model");
    await page.getByLabel("Only for one model (optional)").fill("tess/nothing");
    await page.getByRole("button", { name: "Create token" }).click();
    await page
      .locator(".token-form .error[role=alert]")
      .filter({ hasText: 'model "tess/nothing" does not exist' })
      .waitFor();
    assert.equal((await listed()).length, before.length);

    await page.getByLabel("Only for one model (optional)").fill("");
    await page.getByLabel("Name").fill("laptop");
    await page.getByRole("radio", { name: "Read", exact: true }).check();
    await page.getByLabel("Expires").selectOption({ label: "Never" });
    await page.getByRole("button", { name: "Create token" }).click();
    await page.getByRole("heading", { name: "Your new token “laptop”" }).waitFor();
    const secret = await page.getByLabel("The new token").inputValue();
    assert.match(secret, /^hf_/);
    assert.match(await page.locator(".new-token").innerText(), /it will not be shown again/);
    await page.getByRole("button", { name: "Copy" }).click();
    await page.getByText("Copied to the clipboard.").waitFor();
    assert.equal(await page.evaluate("navigator.clipboard.readText()"), secret);
    await expectAccessible(page, "a new token shown once");
    await screenshot(page, "tokens-created-en");

    // What the hub stored, and the token at work as a Bearer token.
    const stored = (await listed()).find((t) => t.name === "laptop");
    assert.deepEqual(
      { scopes: stored?.scopes, model: stored?.model, expiresAt: stored?.expiresAt },
      { scopes: ["read"], model: null, expiresAt: null },
    );
    const me = await whoami(secret);
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { name: string }).name, "tess");

    // Listed, and never shown again.
    await page.getByRole("button", { name: "I have copied it" }).click();
    await page.getByRole("heading", { name: "Create a token" }).waitFor();
    const row = page
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: "laptop" }) });
    await row.waitFor();
    const rowText = await row.innerText();
    assert.match(rowText, /read/);
    assert.match(rowText, /Any/);
    assert.match(rowText, /Never/);
    assert.match(rowText, /Active/);
    await page.reload();
    await row.waitFor();
    assert.ok(!(await page.content()).includes(secret));

    // Revoked after a confirmation; cancelling keeps it.
    await row.getByRole("button", { name: "Revoke the token “laptop”" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke the token “laptop”?" });
    await dialog.waitFor();
    await expectAccessible(page, "the revoke confirmation");
    await screenshot(page, "tokens-revoke-en");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    assert.equal((await whoami(secret)).status, 200);
    await row.getByRole("button", { name: "Revoke the token “laptop”" }).click();
    await dialog.getByRole("button", { name: "Revoke" }).click();
    await page.getByText("The token “laptop” was revoked.").waitFor();
    await row.filter({ hasText: "Revoked" }).waitFor();
    assert.equal(await row.getByRole("button").count(), 0);
    assert.equal((await whoami(secret)).status, 401);
    assert.notEqual((await listed()).find((t) => t.name === "laptop")?.revokedAt, null);
    await context.close();
  });

  it("speaks Chinese, and restricts a token to one model and a lifetime", async () => {
    const created = await hub.api(
      "POST",
      "/api/models",
      { id: "tess/tiny", visibility: "open" },
      tess,
    );
    assert.equal(created.status, 201);
    const context = await browser.newContext("zh-CN");
    const page = await context.newPage();
    await signIn(page, hub, "tess", PASSWORD);
    await page.goto(`${hub.url}/settings/tokens`);
    await page.getByRole("heading", { name: "创建令牌" }).waitFor();
    await expectAccessible(page, "the tokens page in Chinese");
    await screenshot(page, "tokens-zh");
    await page.getByLabel("名称").fill("CI 任务");
    await page.getByRole("radio", { name: "读写" }).check();
    await page.getByLabel("有效期").selectOption({ label: "7 天后过期" });
    await page.getByLabel("仅限一个模型（可选）").fill("tess/tiny");
    await page.getByRole("button", { name: "创建令牌" }).click();
    await page.getByRole("heading", { name: "您的新令牌“CI 任务”" }).waitFor();
    await screenshot(page, "tokens-created-zh");
    const stored = (await listed()).find((t) => t.name === "CI 任务");
    assert.deepEqual(stored?.scopes, ["write"]);
    assert.equal(stored.model, "tess/tiny");
    const days = (Date.parse(stored.expiresAt ?? "") - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7, `expires in ${days} days`);
    await page.getByRole("button", { name: "我已复制" }).click();
    const row = page
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: "CI 任务" }) });
    await row.getByRole("link", { name: "tess/tiny" }).waitFor();
    assert.match(await row.innerText(), /写入/);
    await expectAccessible(page, "the token list in Chinese");
    await screenshot(page, "tokens-list-zh");
    await context.close();
  });
});
