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

const OLD_PASSWORD = "the first long password";
const NEW_PASSWORD = "a second, even longer password";

const dialect = browserDialect("sqlite");

describe(`changing one's password in a real browser (${dialect})`, () => {
  let hub: WebHub;
  let browser: TestBrowser;

  before(async () => {
    hub = await startWebHub(dialect);
    browser = await launchBrowser();
    await createUser(hub, "pat", OLD_PASSWORD);
  });

  after(async () => {
    await browser.close();
    await hub.stop();
  });

  const signInStatus = async (password: string): Promise<number> => {
    const res = await fetch(`${hub.url}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "pat", password }),
    });
    return res.status;
  };

  it("sends a visitor who is not signed in to sign in first", async () => {
    const context = await browser.newContext("en");
    const page = await context.newPage();
    await page.goto(`${hub.url}/settings/password`);
    await page.waitForURL(/\/login\?next=%2Fsettings%2Fpassword$/);
    await context.close();
  });

  it("checks the new password, shows the hub's refusal of a wrong current one, then changes it", async () => {
    const context = await browser.newContext("en");
    const page = await context.newPage();
    await signIn(page, hub, "pat", OLD_PASSWORD);
    await page.goto(`${hub.url}/settings/password`);
    await page.getByRole("heading", { name: "Change your password" }).waitFor();
    assert.match(await page.locator("#password-rules").innerText(), /at least 12 characters/);
    await expectAccessible(page, "the password page");
    await screenshot(page, "password-en");

    // Checked before it is sent: too short, and typed differently twice.
    await page.getByLabel("Current password").fill(OLD_PASSWORD);
    await page.getByLabel("New password", { exact: true }).fill("short");
    await page.getByLabel("New password again").fill("shorter");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByRole("alert").filter({ hasText: "2 fields need your attention." }).waitFor();
    assert.equal(
      await page.locator("#password-new-error").innerText(),
      "Use at least 12 characters.",
    );
    assert.match(await page.locator("#password-repeat-error").innerText(), /differ/);
    assert.equal(
      await page.getByLabel("New password", { exact: true }).getAttribute("aria-invalid"),
      "true",
    );
    await expectAccessible(page, "the password form with its errors");
    await screenshot(page, "password-errors-en");
    assert.equal(await signInStatus(OLD_PASSWORD), 200);

    // The hub refuses a wrong current password, in its own words.
    await page.getByLabel("Current password").fill("not my password at all");
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("New password again").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    const refusal = page.locator(".password-form .error[role=alert]");
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /password/i);
    assert.equal(await signInStatus(OLD_PASSWORD), 200);

    await page.getByLabel("Current password").fill(OLD_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("Your password was changed.").waitFor();
    assert.equal(await page.getByLabel("Current password").inputValue(), "");
    await screenshot(page, "password-changed-en");

    // The old password stops working, the new one works, and this page stays signed in.
    assert.equal(await signInStatus(OLD_PASSWORD), 401);
    assert.equal(await signInStatus(NEW_PASSWORD), 200);
    await page.reload();
    await page.getByRole("heading", { name: "Change your password" }).waitFor();
    assert.equal(await page.locator(".user-name").innerText(), "pat");
    await context.close();
  });

  it("speaks Chinese", async () => {
    const context = await browser.newContext("zh-CN");
    const page = await context.newPage();
    await signIn(page, hub, "pat", NEW_PASSWORD);
    await page.goto(`${hub.url}/settings/password`);
    await page.getByRole("heading", { name: "修改密码" }).waitFor();
    await page.getByRole("button", { name: "修改密码" }).click();
    await page.getByRole("alert").filter({ hasText: "有 2 个字段需要处理。" }).waitFor();
    await expectAccessible(page, "the password page in Chinese");
    await screenshot(page, "password-zh");
    await context.close();
  });
});
