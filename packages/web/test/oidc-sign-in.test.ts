import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startProvider, type TestProvider } from "../../hub/test/support/oidc-provider.js";
import {
  expectAccessible,
  launchBrowser,
  screenshot,
  type TestBrowser,
} from "./support/browser.js";
import { browserDialect, startWebHub, type WebHub } from "./support/hub.js";

const dialect = browserDialect("sqlite");

describe(`signing in through an OpenID provider in a real browser (${dialect})`, () => {
  let provider: TestProvider;
  let hub: WebHub;
  let browser: TestBrowser;

  before(async () => {
    provider = await startProvider();
    hub = await startWebHub(dialect, { ...provider.env, GATEHOUSE_OIDC_CREATE_USERS: "true" });
    provider.serve(`${hub.url}/api/session/oidc/callback`, {
      "pat-sub": { preferred_username: "pat" },
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser.close();
    await hub.stop();
    await provider.close();
  });

  it("signs in with the provider's button and lands back, signed in, on the page it started from", async () => {
    const context = await browser.newContext("en");
    const page = await context.newPage();
    await page.goto(`${hub.url}/settings/password`);
    await page.waitForURL(/\/login\?next=%2Fsettings%2Fpassword$/);
    const button = page.getByRole("link", { name: "Sign in with Test SSO" });
    await button.waitFor();
    await expectAccessible(page, "the sign-in page with its provider button");
    if (dialect === "sqlite") {
      await screenshot(page, "oidc-sign-in-en");
    }
    await button.click();
    // The provider's own development forms: any login, then consent.
    await page.waitForURL((url) => url.href.startsWith(provider.issuer));
    await page.locator('input[name="login"]').fill("pat-sub");
    await page.locator('input[name="password"]').fill("any password");
    await page.locator('button[type="submit"]').click();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(`${hub.url}/settings/password`);
    await page.getByRole("heading", { name: "Change your password" }).waitFor();
    const me = await page.evaluate(async () => {
      const res = await fetch("/api/session");
      return (await res.json()) as { user: { name: string } };
    });
    assert.equal(me.user.name, "pat");
    await context.close();
  });

  it("shows, in Chinese, why a sign-in came back unfinished, beside the button", async () => {
    const context = await browser.newContext("zh-CN");
    const page = await context.newPage();
    await page.goto(`${hub.url}/login?error=oidc_no_account&name=kim`);
    await page.getByRole("link", { name: "使用 Test SSO 登录" }).waitFor();
    assert.match(await page.getByRole("alert").innerText(), /“kim”.*Gatehouse 管理员/);
    await expectAccessible(page, "the sign-in page with an OpenID error");
    if (dialect === "sqlite") {
      await screenshot(page, "oidc-sign-in-zh-CN");
    }
    await context.close();
  });
});
