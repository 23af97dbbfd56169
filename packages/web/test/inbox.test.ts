import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import {
  expectAccessible,
  launchBrowser,
  screenshot,
  type TestBrowser,
} from "./support/browser.js";
import { browserDialect, startWebHub, type WebHub } from "./support/hub.js";
import { card } from "./support/models.js";
import { publishModel } from "./support/release-policy.js";
import { signedInWindows, type SignedInWindows } from "./support/signed-in-windows.js";
import { createOrg, createUsers } from "./support/users.js";

const PASSWORD = "correct horse battery staple";
const AGREE = "I agree to use this model for research only";
const GATED_CARD = card(
  `license: apache-2.0
extra_gated_fields:
  Affiliation: text
  Country: country
  ${AGREE}: checkbox`,
  "# A gated model\n",
);

interface Mine {
  readonly grants: readonly { model: string; status: string }[];
  readonly requests: readonly { status: string; rejectionReason: string | null }[];
}

const dialect = browserDialect("sqlite");

describe(`the reviewer's inbox and the access records in a real browser (${dialect})`, () => {
  let hub: WebHub;
  let browser: TestBrowser;
  let windows: SignedInWindows;
  let token: (name: string) => string;

  before(async () => {
    hub = await startWebHub(dialect);
    browser = await launchBrowser();
    windows = signedInWindows(browser, hub, PASSWORD);
    token = await createUsers(hub, ["alice", "rita", "carl", "bob", "dora", "olga"], PASSWORD);
    await createOrg(hub, "acme", token("alice"), [
      ["rita", "reviewer"],
      ["carl", "member"],
    ]);
    await publishModel(
      hub,
      "acme/llm",
      { "README.md": GATED_CARD, "weights.bin": "gated weights\n" },
      "gated",
      token("alice"),
    );
    await publishModel(
      hub,
      "acme/secret",
      { "README.md": card("license: apache-2.0", "# Secret\n") },
      "private",
      token("alice"),
    );
    for (const [who, affiliation] of [
      ["bob", '=HYPERLINK("http://evil.example","x")'],
      ["dora", "Analytical Engines Ltd"],
    ] as const) {
      const asked = await hub.api(
        "POST",
        "/api/models/acme/llm/access/requests",
        {
          answers: { Affiliation: affiliation, Country: "GB", [AGREE]: true },
          acceptLicence: true,
        },
        token(who),
      );
      assert.equal(asked.status, 202, await asked.text());
    }
  });

  after(async () => {
    await windows.close();
    await browser.close();
    await hub.stop();
  });

  const as: SignedInWindows["open"] = (name, path, language) => windows.open(name, path, language);

  const mine = async (name: string): Promise<Mine> => {
    const answer = await hub.api("GET", "/api/access/mine", undefined, token(name));
    return (await answer.json()) as Mine;
  };

  it("lists the pending requests of the models a reviewer manages, in Chinese too", async () => {
    const rita = await as("rita", "/settings/inbox", "zh-CN");
    await rita.getByRole("heading", { name: "访问申请（2）" }).waitFor();
    await rita.getByRole("article", { name: "bob 申请访问 acme/llm" }).waitFor();
    await rita.getByText("等待您签核的阶段变更（0）").waitFor();
    await expectAccessible(rita, "the inbox in Chinese");
    await screenshot(rita, "inbox-requests-zh");
    await rita.close();
  });

  it("approves one request and rejects another with a reason, and the requesters' status follows", async () => {
    const alice = await as("alice", "/settings/inbox");
    await alice.getByRole("heading", { name: "Access requests (2)" }).waitFor();
    const bob = alice.getByRole("article", { name: "bob asks for access to acme/llm" });
    assert.match(await bob.locator("dl.answers").innerText(), /Country\s+GB/);
    await expectAccessible(alice, "the inbox with access requests");
    await screenshot(alice, "inbox-requests-en");

    await bob.getByRole("button", { name: "Approve bob" }).click();
    await alice.getByText("Approved: bob may now download acme/llm.").waitFor();
    await alice.getByRole("heading", { name: "Access requests (1)" }).waitFor();
    assert.deepEqual(
      (await mine("bob")).grants.map((g) => [g.model, g.status]),
      [["acme/llm", "live"]],
    );

    const dora = alice.getByRole("article", { name: "dora asks for access to acme/llm" });
    await dora.getByRole("button", { name: "Reject dora" }).click();
    await dora.getByText("Give the requester a reason for the rejection.").waitFor();
    assert.equal((await mine("dora")).requests[0]?.status, "pending", "nothing was sent");
    await dora.getByLabel("Reason for rejecting").fill("the affiliation could not be checked");
    await dora.getByRole("button", { name: "Reject dora" }).click();
    await alice.getByText("Rejected the request of dora for acme/llm.").waitFor();
    await alice.getByText("No access request waits for you.").waitFor();
    const rejected = (await mine("dora")).requests[0];
    assert.equal(rejected?.status, "rejected");
    assert.equal(rejected.rejectionReason, "the affiliation could not be checked");
    await alice.close();
  });

  it("grants access directly, checking the duration first", async () => {
    const alice = await as("alice", "/settings/inbox");
    await alice.getByRole("heading", { name: "Grant access directly" }).waitFor();
    assert.equal(await alice.getByLabel("Model").inputValue(), "acme/llm");
    await alice.getByLabel("User or organisation").fill("carl");
    await alice.getByLabel("Expires after (optional)").fill("soon");
    await alice.getByRole("button", { name: "Grant access" }).click();
    await alice
      .getByText("Write the duration as a number and m, h, d or w, such as 30d.")
      .waitFor();
    assert.deepEqual((await mine("carl")).grants, []);
    await alice.getByLabel("Expires after (optional)").fill("30d");
    await alice.getByRole("button", { name: "Grant access" }).click();
    await alice.getByText("Granted carl access to acme/llm.").waitFor();
    assert.deepEqual(
      (await mine("carl")).grants.map((g) => [g.model, g.status]),
      [["acme/llm", "live"]],
    );
    await alice.getByLabel("User or organisation").fill("nobody-here");
    await alice.getByRole("button", { name: "Grant access" }).click();
    await alice.getByText('there is no user or organisation named "nobody-here"').waitFor();
    await alice.close();
  });

  it("shows the licence acceptances and downloads them as the hub's CSV", async () => {
    const alice = await as("alice", "/acme/llm");
    await alice.getByRole("link", { name: "Access records" }).click();
    const table = alice.locator("table.records");
    await table.getByRole("rowheader", { name: /bob/ }).waitFor();
    assert.match(await table.innerText(), /dora/);
    await expectAccessible(alice, "the access records");
    await screenshot(alice, "access-records-en");
    const [download] = await Promise.all([
      alice.waitForEvent("download"),
      alice.getByRole("link", { name: "Export CSV" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), "acme-llm-licence-acceptances.csv");
    const csv = await readFile(await download.path(), "utf8");
    const lines = csv.split("\r\n");
    assert.equal(
      lines[0],
      "id,user,fullname,email,version,licence,licence_sha256,accepted_at,answers",
    );
    assert.equal(lines.length, 4, csv);
    assert.match(lines[1] ?? "", /^la_[^,]+,bob,,,v1,Apache-2\.0,[0-9a-f]{64},/);
    assert.match(lines[2] ?? "", /^la_[^,]+,dora,,,v1,Apache-2\.0,/);
    // The JSON answers cell starts with {, so bob's formula is text in any spreadsheet.
    assert.match(lines[1] ?? "", /,"\{""Affiliation"":""=HYPERLINK/);
    await alice.close();

    const zh = await as("alice", "/acme/llm/access-records", "zh-CN");
    await zh.getByRole("link", { name: "导出 CSV" }).waitFor();
    await zh.locator("table.records").getByRole("rowheader", { name: /bob/ }).waitFor();
    await expectAccessible(zh, "the access records in Chinese");
    await screenshot(zh, "access-records-zh");
    await zh.close();
  });

  it("shows nothing of models a user may not manage, and answers their data as not found", async () => {
    const olga = await as("olga", "/settings/inbox");
    await olga.getByText("No access request waits for you.").waitFor();
    await olga.getByText("No stage change waits for your sign-off.").waitFor();
    await olga.goto(`${hub.url}/acme/secret/access-records`);
    await olga.getByRole("heading", { name: "Not found" }).waitFor();
    await olga.close();
    const hidden = await hub.api(
      "GET",
      "/api/models/acme/secret/access/acceptances?format=csv",
      undefined,
      token("olga"),
    );
    assert.equal(hidden.status, 404);
    assert.equal(((await hidden.json()) as { code: string }).code, "REPO_NOT_FOUND");

    const carl = await as("carl", "/acme/llm");
    await carl.getByRole("link", { name: "Versions" }).waitFor();
    assert.equal(await carl.getByRole("link", { name: "Access records" }).count(), 0);
    await carl.goto(`${hub.url}/acme/llm/access-records`);
    await carl.getByRole("heading", { name: "Not found" }).waitFor();
    await carl.close();
    const member = await hub.api(
      "GET",
      "/api/models/acme/llm/access/acceptances",
      undefined,
      token("carl"),
    );
    assert.equal(member.status, 403);
  });

  it("sends a visitor who is not signed in to sign in first", async () => {
    const context = await browser.newContext("en");
    const page = await context.newPage();
    await page.goto(`${hub.url}/settings/inbox`);
    await page.waitForURL(/\/login\?next=%2Fsettings%2Finbox/);
    await context.close();
  });
});
