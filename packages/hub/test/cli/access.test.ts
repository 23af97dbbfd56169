import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { GOOD_ANSWERS, askAccess, gatedCard, publishGated } from "../access/gate-support.js";
import { createDraft, expectStatus } from "../security/support.js";
import { startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { gatehouse, tempHome } from "./run-cli.js";

const USERS = "Monthly active users of your products and services";
const CHECKBOX = "I agree to use this model for non-commercial use ONLY";

/** RFC 4180 read back: quoted cells may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charAt(i);
    if (quoted) {
      if (ch === '"' && text.charAt(i + 1) === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text.charAt(i + 1) === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i += 1;
    } else {
      cell += ch;
    }
  }
  assert.equal(cell, "", "the document ends with CRLF");
  return rows;
}

/** The rows of a CSV document as objects keyed by its header. */
function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  assert.ok(header !== undefined);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}

describe("gatehouse access", () => {
  const clock = new ManualClock("2026-06-01T09:00:00.000Z");
  let hub: TestHub;
  let home: { home: string; configDir: string };
  let alice: string;
  let rita: string;
  let bob: string;
  const as = (token: string) => ({
    ...home,
    env: { GATEHOUSE_HUB: hub.url, GATEHOUSE_TOKEN: token },
  });
  const download = (token: string) =>
    hub.request("GET", "/acme/llm/resolve/main/weights.bin", { token });
  const answerFlags = (answers: Record<string, string>): string[] =>
    Object.entries(answers).flatMap(([label, value]) => ["--answer", `${label}=${value}`]);
  const bobsAnswers = {
    Name: 'Bob "the builder" Jones',
    Affiliation: "Example, Inc.",
    "Date of birth": "1990-01-31",
    Country: "de",
    "Intended use": "Commercial product",
    [USERS]: "500",
  };

  before(async () => {
    hub = await startHub("sqlite", {}, { clock });
    home = await tempHome();
    alice = await hub.createUser("alice");
    rita = await hub.createUser("rita");
    bob = await hub.createUser("bob");
    await expectStatus(
      hub.request("POST", "/api/orgs", { token: alice, json: { name: "acme" } }),
      201,
    );
    await expectStatus(
      hub.request("PUT", "/api/orgs/acme/members/rita", {
        token: alice,
        json: { role: "reviewer" },
      }),
      200,
    );
    await publishGated(hub, alice, "acme/llm", "v1", {
      "README.md": gatedCard({ max_monthly_active_users: 1000 }),
      "weights.bin": "gated weights",
    });
    await expectStatus(
      hub.request("POST", "/api/models", {
        token: alice,
        json: { id: "acme/free", visibility: "open" },
      }),
      201,
    );
    await createDraft(hub, alice, "acme/free", "v1", { "weights.bin": "open weights" });
    await expectStatus(
      hub.request("POST", "/api/models/acme/free/versions/v1/publish", { token: alice }),
      200,
    );
  });
  after(async () => {
    await hub.close();
    await rm(home.home, { recursive: true, force: true });
  });

  it("asks, lists, approves, exports and revokes through the CLI", async () => {
    // Without a terminal, a missing answer goes to the hub, which names the field.
    const missing = await gatehouse(
      ["access", "request", "acme/llm", ...answerFlags(bobsAnswers), "--accept-licence"],
      as(bob),
    );
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      new RegExp(`^error: ${CHECKBOX}: this box must be checked .*\\(BAD_REQUEST\\)`, "m"),
    );

    const asked = await gatehouse(
      [
        "access",
        "request",
        "acme/llm",
        ...answerFlags({ ...bobsAnswers, [CHECKBOX]: "yes" }),
        "--accept-licence",
      ],
      as(bob),
    );
    assert.equal(asked.code, 0, asked.stderr);
    assert.match(asked.stdout, /^request ar_\S+ for acme\/llm@v1: pending$/m);
    assert.match(
      asked.stdout,
      /the owners of acme\/llm decide it; follow it with: gatehouse access mine/,
    );
    assert.match(asked.stderr, /accepting licence llama3 \(sha256 [0-9a-f]{64}\)/);

    const listed = await gatehouse(["access", "list", "acme/llm"], as(rita));
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^bob\tuser\tpending\t2026-06-01T09:00:00\.000Z\tv1$/m);
    assert.match(
      listed.stdout,
      /Country=DE; Intended use=commercial; .*Monthly active users of your products and services=500/,
    );

    clock.advance(3 * 3600);
    const approved = await gatehouse(["access", "approve", "acme/llm", "bob"], as(rita));
    assert.equal(approved.code, 0, approved.stderr);
    assert.equal(approved.stdout, "accepted the request of bob for acme/llm\n");
    const got = await expectStatus(download(bob), 200);
    assert.equal(await got.text(), "gated weights");
    const status = await gatehouse(["access", "status", "acme/llm"], as(bob));
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^acme\/llm@v1: you may download it$/m);
    assert.match(status.stdout, /^request: accepted, asked 2026-06-01T09:00:00\.000Z$/m);
    assert.match(status.stdout, /^grant: live, every gated version, until revoked$/m);
    assert.match(status.stdout, /^licence: llama3 \(sha256 [0-9a-f]{64}\), accepted$/m);

    const acceptances = await gatehouse(["access", "acceptances", "acme/llm", "--csv"], as(alice));
    assert.equal(acceptances.code, 0, acceptances.stderr);
    const [row, ...more] = csvObjects(acceptances.stdout);
    assert.equal(more.length, 0);
    assert.ok(row !== undefined);
    assert.equal(row["user"], "bob");
    assert.equal(row["version"], "v1");
    assert.equal(row["licence"], "llama3");
    assert.match(row["licence_sha256"] ?? "", /^[0-9a-f]{64}$/);
    assert.equal(row["accepted_at"], "2026-06-01T09:00:00.000Z");
    assert.deepEqual(JSON.parse(row["answers"] ?? ""), {
      ...bobsAnswers,
      Country: "DE",
      "Intended use": "commercial",
      [CHECKBOX]: true,
      [USERS]: 500,
    });

    clock.advance(3600);
    const revoked = await gatehouse(
      ["access", "revoke", "acme/llm", "bob", "--reason", "shared the weights"],
      as(alice),
    );
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(revoked.stdout, "revoked 1 grant of bob to acme/llm\n");
    assert.equal((await download(bob)).status, 403);

    const mine = await gatehouse(["--json", "access", "mine"], as(bob));
    assert.equal(mine.code, 0, mine.stderr);
    const body = JSON.parse(mine.stdout) as {
      grants: { model: string; status: string }[];
      requests: { status: string }[];
    };
    assert.deepEqual(
      body.grants.map((g) => [g.model, g.status]),
      [["acme/llm", "revoked"]],
    );
    assert.deepEqual(
      body.requests.map((r) => r.status),
      ["rejected"],
    );

    const report = await gatehouse(["access", "report", "acme/llm", "--csv"], as(alice));
    assert.equal(report.code, 0, report.stderr);
    assert.deepEqual(
      csvObjects(report.stdout).map((r) => ({ ...r, id: r["id"]?.startsWith("ar_") === true })),
      [
        {
          id: true,
          grantee: "bob",
          kind: "user",
          status: "revoked",
          country: "DE",
          created: "2026-06-01T09:00:00.000Z",
          decided: "2026-06-01T12:00:00.000Z",
          hours_to_decision: "3.00",
        },
      ],
    );
  });

  it("prints the hub's refusals and exits 1: one's own request, an unknown user, a model that is not gated", async () => {
    await expectStatus(
      askAccess(hub, rita, "acme/llm", {
        answers: { ...GOOD_ANSWERS, [USERS]: 10 },
        acceptLicence: true,
      }),
      202,
    );
    const own = await gatehouse(["access", "approve", "acme/llm", "rita"], as(rita));
    assert.equal(own.code, 1);
    assert.match(own.stderr, /^error: you asked for this access yourself; .* \(FORBIDDEN\)/m);

    const unknown = await gatehouse(["access", "approve", "acme/llm", "nobody"], as(alice));
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr,
      /^error: there is no user or organisation named "nobody" \(NOT_FOUND\)/m,
    );

    const free = await gatehouse(["access", "request", "acme/free", "--accept-licence"], as(bob));
    assert.equal(free.code, 1);
    assert.match(free.stderr, /^error: acme\/free is not gated: .* \(BAD_REQUEST\)/m);

    const reason = await gatehouse(["access", "revoke", "acme/llm", "bob"], as(alice));
    assert.equal(reason.code, 2);
    assert.match(reason.stderr, /access revoke needs --reason TEXT/);
  });
});
