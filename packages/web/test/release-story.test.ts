import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  expectAccessible,
  launchBrowser,
  screenshot,
  type TestBrowser,
} from "./support/browser.js";
import { browserDialect, startWebHub, type WebHub } from "./support/hub.js";
import { card, pushModel } from "./support/models.js";
import { ethicsReview, policyDir } from "./support/release-policy.js";
import { signedInWindows, type SignedInWindows } from "./support/signed-in-windows.js";
import { createOrg, createUsers } from "./support/users.js";

/*
 * The whole of one release, as the people who make it would go through it:
 * each step below starts from where the one before left the hub, so they run
 * in order and share one hub per database.
 */

const MODEL = "acme/llama-lite";
const PASSWORD = "a long enough test password";
const AGREE = "I agree to use this model for research only";
const WEIGHTS = "the weights of Llama Lite, version 1\n";
const FILES = {
  "README.md": card(
    `license: llama3
extra_gated_heading: Ask for access to Llama Lite
extra_gated_fields:
  Affiliation: text
  Country: country
  ${AGREE}: checkbox`,
    "# Llama Lite\n\nA small language model for approved researchers.\n",
  ),
  LICENSE: "Llama Lite Community Licence.\n\nUse it for research only.\n",
  "weights.bin": WEIGHTS,
};

/** Gated needs nothing more; opening the weights to everyone needs an ethics review and two reviewers. */
const POLICY = `policy: open-after-review
rules:
  - id: ethics-review-attached
    description: The weights are opened to everyone only with a passing ethics review.
    when: transition.to == 'open'
    require: evidence.exists(e, e.kind == 'ethics-review' && e.passed != false && !e.stale)
    message: attach a passing ethics-review report
  - id: two-reviewers
    description: Two different reviewers approve before the weights are opened to everyone.
    when: transition.to == 'open'
    require: >-
      signoffs.exists(a, a.verdict == 'approve' && 'reviewer' in a.roles &&
        signoffs.exists(b, b.verdict == 'approve' && 'reviewer' in b.roles && b.user != a.user))
    message: two different reviewers must approve
    awaits: signoffs
`;

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

const dialect = browserDialect("postgres");

describe(`a model's release from push to open, in a real browser (${dialect})`, () => {
  let hub: WebHub;
  let browser: TestBrowser;
  let policy: string;
  /** The token olive makes on the tokens page and gives the CLI. */
  let cliToken = "";
  let windows: SignedInWindows;
  const as = (name: string, urlPath: string, language: "en" | "zh-CN") =>
    windows.open(name, urlPath, language);

  before(async () => {
    policy = await policyDir(POLICY);
    hub = await startWebHub(dialect, { GATEHOUSE_POLICY_DIR: policy });
    browser = await launchBrowser();
    windows = signedInWindows(browser, hub, PASSWORD);
    const set = await hub.api("PUT", "/api/users/admin/password", { password: PASSWORD });
    assert.equal(set.status, 200, await set.text());
    const token = await createUsers(hub, ["olive", "mei", "rita", "rob"], PASSWORD);
    await createOrg(hub, "acme", token("olive"), [
      ["rita", "reviewer"],
      ["rob", "reviewer"],
    ]);
  });

  after(async () => {
    await windows.close();
    await browser.close();
    await hub.stop();
    await rm(policy, { recursive: true, force: true });
  });

  const stage = async (): Promise<unknown> => {
    const answer = await hub.api("GET", `/api/models/${MODEL}/versions/v1`);
    return ((await answer.json()) as { stage: unknown }).stage;
  };
  const download = (token?: string) =>
    fetch(`${hub.url}/${MODEL}/resolve/v1/weights.bin`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });

  it("the owner signs in and makes a token on the tokens page for the CLI", async () => {
    const olive = await as("olive", "/settings/tokens", "en");
    await olive.getByLabel("Name").fill("laptop");
    await olive.getByRole("radio", { name: "Read and write" }).check();
    await olive.getByRole("button", { name: "Create token" }).click();
    await olive.getByRole("heading", { name: "Your new token “laptop”" }).waitFor();
    cliToken = await olive.getByLabel("The new token").inputValue();
    assert.equal(
      await hub.cli(["whoami"], cliToken).then((out) => out.split("\n")[0]?.trim()),
      "olive",
    );
    await olive.close();
  });

  it("the owner pushes the model with the CLI and gates it; the model list shows it gated", async () => {
    await pushModel(hub, MODEL, FILES, { stage: "private", token: cliToken });
    await hub.cli(
      ["release", `${MODEL}@v1`, "--to", "gated", "--reason", "ready for researchers"],
      cliToken,
    );
    assert.equal(await stage(), "gated");

    const olive = await as("olive", "/", "en");
    await olive.getByRole("link", { name: MODEL }).waitFor();
    const row = olive.locator("li.model-row", { hasText: MODEL });
    await row.getByText("Gated").waitFor();
    assert.match(await row.innerText(), /llama3/);
    await screenshot(olive, "story-models-en");
    await olive.close();
    assert.equal((await download()).status, 401, "an anonymous download is refused");
  });

  it("a second user asks for access through the form in Chinese", async () => {
    const mei = await as("mei", `/${MODEL}`, "zh-CN");
    await mei.getByRole("link", { name: "申请访问" }).click();
    await mei.getByRole("heading", { name: "Ask for access to Llama Lite" }).waitFor();
    assert.equal(
      (await mei.request.get(`${hub.url}/${MODEL}/resolve/v1/weights.bin`)).status(),
      403,
    );
    await mei.getByLabel("Affiliation", { exact: true }).fill("Institute of Small Models");
    await mei.getByLabel("Country", { exact: true }).selectOption({ label: "新加坡" });
    await mei.getByLabel(AGREE, { exact: true }).check();
    await mei.getByLabel("我已阅读并接受上述许可协议（llama3）。").check();
    await mei.getByRole("button", { name: "申请访问" }).click();
    await mei.getByText("等待审批", { exact: true }).waitFor();
    await expectAccessible(mei, "the story's pending request, in Chinese");
    await screenshot(mei, "story-request-zh");
    await mei.close();
  });

  it("the owner approves the request in English from the inbox", async () => {
    const olive = await as("olive", "/settings/inbox", "en");
    const request = olive.getByRole("article", { name: `mei asks for access to ${MODEL}` });
    const answers = await request.locator("dl.answers").innerText();
    assert.match(answers, /Affiliation\s+Institute of Small Models/);
    assert.match(answers, /Country\s+SG/);
    await request.getByRole("button", { name: "Approve mei" }).click();
    await olive.getByText(`Approved: mei may now download ${MODEL}.`).waitFor();
    await olive.getByText("No access request waits for you.").waitFor();
    await screenshot(olive, "story-approved-en");
    await olive.close();
  });

  it("the second user downloads the weights from the files tab, as the sha256 shown", async () => {
    const mei = await as("mei", `/${MODEL}/request-access`, "zh-CN");
    await mei.getByText("已获访问权限", { exact: true }).waitFor();
    await mei.getByRole("link", { name: "前往文件" }).click();
    const row = mei.getByRole("row", { name: /weights\.bin/ });
    assert.match(await row.innerText(), new RegExp(sha256(WEIGHTS)));
    const [saved] = await Promise.all([
      mei.waitForEvent("download"),
      row.getByRole("link", { name: "weights.bin" }).click(),
    ]);
    assert.equal(saved.suggestedFilename(), "weights.bin");
    assert.equal(sha256(await readFile(await saved.path(), "utf8")), sha256(WEIGHTS));
    await screenshot(mei, "story-files-zh");
    await mei.close();
  });

  it("the release panel refuses to open the model with its failed rules, then opens it once a second reviewer signs off", async () => {
    const olive = await as("olive", `/${MODEL}/release`, "en");
    const requestOpen = async () => {
      await olive.getByLabel("Move to").selectOption("open");
      await olive.getByLabel("Reason (kept in the audit log)").fill("the review is done");
      await olive.getByRole("button", { name: "Request the change" }).click();
    };
    await requestOpen();
    const refusal = olive.getByRole("alert");
    await refusal
      .getByText("The release policy refused the move to Open. Nothing changed.")
      .waitFor();
    assert.match(
      await refusal.locator("tr[data-rule='ethics-review-attached']").innerText(),
      /Failed\s+attach a passing ethics-review report/,
    );
    assert.match(
      await refusal.locator("tr[data-rule='two-reviewers']").innerText(),
      /Waiting for sign-offs\s+two different reviewers must approve/,
    );
    await expectAccessible(olive, "the story's refusal");
    await screenshot(olive, "story-refused-en");
    assert.equal(await stage(), "gated");

    // The owner attaches the ethics board's review with the CLI, and asks again.
    const report = path.join(hub.workDir, "ethics-review.json");
    await writeFile(
      report,
      JSON.stringify(ethicsReview({ path: "weights.bin", content: WEIGHTS })),
    );
    await hub.cli(["evidence", "add", `${MODEL}@v1`, report], cliToken);
    await olive.reload();
    await requestOpen();
    await olive
      .getByText("Requested: the move to Open is pending until its sign-offs are given.")
      .waitFor();
    await olive.locator(".pending-change").getByText("2 more approvals needed.").waitFor();

    const rita = await as("rita", "/settings/inbox", "en");
    const ritasItem = rita.getByRole("article", { name: `${MODEL}@v1: Gated → Open` });
    await ritasItem.getByRole("button", { name: `Approve ${MODEL}@v1` }).click();
    await rita
      .getByText(`Your approval of ${MODEL}@v1 is recorded; the change still waits.`)
      .waitFor();
    await rita.close();
    assert.equal(await stage(), "gated", "one approval is not enough");

    const rob = await as("rob", "/settings/inbox", "en");
    const robsItem = rob.getByRole("article", { name: `${MODEL}@v1: Gated → Open` });
    await robsItem.getByText("1 more approval needed.").waitFor();
    await robsItem.getByRole("button", { name: `Approve ${MODEL}@v1` }).click();
    await rob.getByText(`Your approval completed the change: ${MODEL}@v1 is now Open.`).waitFor();
    await rob.close();

    await olive.reload();
    await olive.getByText("No change is pending for this version.").waitFor();
    assert.match(await olive.locator("table.release-versions").innerText(), /v1\s+Open/);
    await screenshot(olive, "story-open-en");
    await olive.close();
    assert.equal(await stage(), "open");
    assert.equal(await (await download()).text(), WEIGHTS, "anyone may now download");
  });

  it("the audit page shows the release's steps and verifies the chain", async () => {
    const admin = await as("admin", "/settings/audit", "en");
    await admin.getByLabel("Resource").fill(MODEL);
    await admin.getByRole("button", { name: "Apply filters" }).click();
    await admin.waitForURL(/[?&]resource=acme%2Fllama-lite/);
    await admin
      .locator("table.audit-events .id", { hasText: "transition.signoff" })
      .first()
      .waitFor();
    const actions = await admin
      .locator("table.audit-events tbody td:nth-child(4) .id")
      .allInnerTexts();
    for (const step of [
      "model.create",
      "version.publish",
      "access.request",
      "access.decide",
      "evidence.add",
      "transition.request",
      "transition.signoff",
      "version.stage",
    ]) {
      assert.ok(
        actions.some((a) => a.trim() === step),
        `${step} is among ${actions.join(", ")}`,
      );
    }
    await admin.getByRole("button", { name: "Verify chain" }).click();
    await admin
      .getByRole("status")
      .filter({ hasText: /The chain is intact: \d+ events verified\./ })
      .waitFor();
    await expectAccessible(admin, "the story's audit log");
    await screenshot(admin, "story-audit-en");
    await admin.close();
  });
});
