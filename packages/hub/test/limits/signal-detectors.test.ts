import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SignalConfig } from "../../src/config.js";
import { usageEntry } from "./usage-support.js";
import {
  callInputs,
  inputSignature,
  SignalDetectors,
  SIGNAL_WINDOWS_MS,
  type SignalHit,
  type UsageEntry,
} from "../../src/limits/index.js";

const CONFIG: SignalConfig = {
  spikeFactor: 5,
  spikeMinCalls: 20,
  sharingAddresses: 3,
  sharingAgents: 3,
  probingFailures: 5,
  retryIgnored: 3,
  duplicateCalls: 10,
  duplicateSimilarity: 0.8,
  contentPolicyRefusals: 2,
  keys: 100,
  throttlePerMinute: 10,
};

/** The start of a spike window, so a test's calls fall in one window. */
const T0 =
  Math.ceil(Date.parse("2026-12-01T00:00:00Z") / SIGNAL_WINDOWS_MS.key_sharing) *
  SIGNAL_WINDOWS_MS.key_sharing;

const call = usageEntry;

/** Feeds the entries in order and answers every hit. */
function run(
  detectors: SignalDetectors,
  entries: readonly UsageEntry[],
  signature: (e: UsageEntry, i: number) => Uint32Array | null = () => null,
): SignalHit[] {
  return entries.flatMap((entry, i) =>
    detectors.observe({ entry, signature: signature(entry, i) }),
  );
}

describe("the abuse-signal detectors", () => {
  it("report a spike once the calls of five minutes pass the minimum and k times the baseline", () => {
    const d = new SignalDetectors(CONFIG);
    const w = SIGNAL_WINDOWS_MS.spike;
    // Three days of 10 calls per five minutes. The baseline's weights halve in a day (288
    // windows), so from nothing it reaches 10 × (1 − 2^−3) = 8.75 calls per window.
    const days = 3 * 288;
    const steady: UsageEntry[] = [];
    for (let window = 0; window < days; window += 1) {
      for (let i = 0; i < 10; i += 1) {
        steady.push(call(T0 + window * w + i * 1000));
      }
    }
    assert.deepEqual(run(d, steady), []);
    // 40 calls stay under 5 × 8.75.
    const busy = Array.from({ length: 40 }, (_, i) => call(T0 + days * w + i * 1000));
    assert.deepEqual(run(d, busy), []);
    // A new key has no baseline: the minimum alone decides, and it trips once per window.
    const fresh = Array.from({ length: 30 }, (_, i) => call(T0 + i * 1000, { tokenId: "t_new" }));
    const hits = run(new SignalDetectors(CONFIG), fresh);
    assert.deepEqual(
      hits.map((h) => [h.kind, h.subject, h.count, h.details.baseline]),
      [["spike", "t_new", 20, 0]],
    );
    // The busy window joins the baseline with the weight α = 1 − 2^(−1/288).
    const alpha = 1 - 2 ** (-1 / 288);
    const expected = alpha * 40 + (1 - alpha) * 10 * (1 - 2 ** -3);
    const flood = Array.from({ length: 200 }, (_, i) => call(T0 + (days + 1) * w + i * 100));
    const spike = run(d, flood);
    assert.deepEqual(
      spike.map((h) => [h.count, h.details.baseline]),
      [[Math.floor(5 * expected) + 1, Math.round(expected * 100) / 100]],
    );
  });

  it("hold a new token's or user's spike until its seed arrives, then decide on the calls counted meanwhile", () => {
    const asked: [string, string, number][] = [];
    const d = new SignalDetectors(CONFIG, (kind, subject, at) => {
      asked.push([kind, subject, at.getTime()]);
      return true;
    });
    const burst = Array.from({ length: 30 }, (_, i) => call(T0 + i * 1000));
    assert.deepEqual(run(d, burst), []);
    // Asked once, at the key's first call, though all 30 came before the answer.
    assert.deepEqual(asked, [["token", "t_a", T0]]);
    // Without history the minimum decides, on the 30 calls counted so far, naming the last.
    const hit = d.seeded({ subjectKind: "token", subject: "t_a" }, 0);
    assert.deepEqual(
      [hit?.kind, hit?.subject, hit?.count, hit?.details.baseline, hit?.entry.requestId],
      ["spike", "t_a", 30, 0, `r${T0 + 29_000}`],
    );
    // A web session's user is asked for as a user; an address has no history to ask for.
    const users = [call(T0, { tokenId: null, userId: "u_b" })];
    const anonymous = Array.from({ length: 20 }, (_, i) =>
      call(T0 + i, { tokenId: null, userId: null, address: "198.51.100.7" }),
    );
    assert.deepEqual(
      run(d, [...users, ...anonymous]).map((h) => [h.subjectKind, h.subject, h.count]),
      [["address", "198.51.100.7", 20]],
    );
    assert.deepEqual(asked.slice(1), [["user", "u_b", T0]]);
  });

  it("judge a seeded key against its history, decayed by the windows closed while it was read", () => {
    const d = new SignalDetectors(CONFIG, () => true);
    const w = SIGNAL_WINDOWS_MS.spike;
    const key = { subjectKind: "token" as const, subject: "t_a" };
    // 30 calls with a history of 10 a window are no spike: 30 ≤ 5 × 10.
    assert.deepEqual(
      run(
        d,
        Array.from({ length: 30 }, (_, i) => call(T0 + i)),
      ),
      [],
    );
    assert.equal(d.seeded(key, 10), null);
    // The 51st call of the window is.
    const more = run(
      d,
      Array.from({ length: 21 }, (_, i) => call(T0 + 100 + i)),
    );
    assert.deepEqual(
      more.map((h) => [h.count, h.details.baseline]),
      [[51, 10]],
    );
    // A seed arriving once a window has closed: that window's 5 calls join the baseline
    // learnt from nothing, α × 5, and the seed of 100 decays by one window, × (1 − α).
    const late = new SignalDetectors(CONFIG, () => true);
    const five = Array.from({ length: 5 }, (_, i) => call(T0 + i, { tokenId: "t_b" }));
    assert.deepEqual(run(late, [...five, call(T0 + w, { tokenId: "t_b" })]), []);
    const alpha = 1 - 2 ** (-1 / 288);
    const expected = alpha * 5 + 100 * (1 - alpha);
    assert.equal(late.seeded({ subjectKind: "token", subject: "t_b" }, 100), null);
    const flood = Array.from({ length: 600 }, (_, i) => call(T0 + w + 1 + i, { tokenId: "t_b" }));
    assert.deepEqual(
      run(late, flood).map((h) => [h.count, h.details.baseline]),
      [[Math.floor(5 * expected) + 1, Math.round(expected * 100) / 100]],
    );
  });

  it("decide at once for a key whose seed is refused, and ignore a seed for a key no longer kept", () => {
    const refused = new SignalDetectors(CONFIG, () => false);
    const burst = Array.from({ length: 20 }, (_, i) => call(T0 + i));
    assert.deepEqual(
      run(refused, burst).map((h) => [h.subject, h.count]),
      [["t_a", 20]],
    );
    assert.equal(refused.seeded({ subjectKind: "token", subject: "t_a" }, 0), null);
    const small = new SignalDetectors({ ...CONFIG, keys: 1 }, () => true);
    run(small, [...burst, call(T0 + 50, { tokenId: "t_b" })]);
    assert.equal(small.seeded({ subjectKind: "token", subject: "t_a" }, 0), null);
  });

  it("report a token used from more addresses or user agents than allowed in an hour", () => {
    const addresses = [1, 2, 3, 4].map((n, i) => call(T0 + i, { address: `192.0.2.${n}` }));
    const hits = run(new SignalDetectors(CONFIG), addresses);
    assert.deepEqual(
      hits.map((h) => [h.kind, h.subjectKind, h.subject, h.details.addresses]),
      [["key_sharing", "token", "t_a", 4]],
    );
    const agents = [1, 2, 3, 4].map((n, i) => call(T0 + i, { userAgent: `client/${n}` }));
    assert.equal(run(new SignalDetectors(CONFIG), agents)[0]?.details.userAgents, 4);
    // Three addresses in one hour and one in the next are no sharing.
    const spread = [1, 2, 3].map((n, i) => call(T0 + i, { address: `192.0.2.${n}` }));
    spread.push(call(T0 + SIGNAL_WINDOWS_MS.key_sharing, { address: "192.0.2.9" }));
    assert.deepEqual(run(new SignalDetectors(CONFIG), spread), []);
  });

  it("report probing by address when the answers are 401, 403 or 404", () => {
    const anonymous = { tokenId: null, userId: null, address: "198.51.100.7" };
    const entries = [401, 404, 403, 200, 400, 404, 401].map((status, i) =>
      call(T0 + i, { ...anonymous, status }),
    );
    const hits = run(new SignalDetectors(CONFIG), entries);
    assert.deepEqual(
      hits.map((h) => [h.kind, h.subjectKind, h.subject, h.count]),
      [["probing", "address", "198.51.100.7", 5]],
    );
  });

  it("report a key's use-check refusals once they reach the threshold in ten minutes, and only those", () => {
    const refused = { status: 400, errorCode: "CONTENT_POLICY", protocol: "openai" as const };
    const entries = [
      call(T0, refused),
      call(T0 + 1, { status: 400, errorCode: "BAD_REQUEST" }),
      call(T0 + 2, { ...refused, tokenId: "t_b" }),
      // A stream ended by a refusal answered 200 before it was stopped.
      call(T0 + 3, { ...refused, status: 200 }),
      call(T0 + 4, refused),
      // The next window counts afresh.
      call(T0 + SIGNAL_WINDOWS_MS.content_policy, refused),
    ];
    const hits = run(new SignalDetectors(CONFIG), entries);
    assert.deepEqual(
      hits.map((h) => [h.kind, h.subjectKind, h.subject, h.count, h.details.refusals]),
      [["content_policy", "token", "t_a", 2, 2]],
    );
  });

  it("report calls made before a 429's Retry-After passed, not those after", () => {
    const refused = { status: 429, retryAfterS: 10 };
    const patient = [call(T0, refused), call(T0 + 11_000), call(T0 + 12_000, refused)];
    patient.push(call(T0 + 23_000), call(T0 + 40_000));
    assert.deepEqual(run(new SignalDetectors(CONFIG), patient), []);
    const eager = [call(T0, refused), call(T0 + 1000, refused), call(T0 + 2000), call(T0 + 3000)];
    const hits = run(new SignalDetectors(CONFIG), eager);
    assert.deepEqual(
      hits.map((h) => [h.kind, h.subject, h.count]),
      [["ignored_retry_after", "t_a", 3]],
    );
  });

  it("report floods of near-duplicate inputs, not identical ones nor unrelated ones", () => {
    const tensor = (values: number[]) => [{ name: "x", shape: [1, values.length], data: values }];
    const base = Array.from({ length: 40 }, (_, i) => i + 1);
    // Each call moves one of 40 values: inputs share about 95% of their shingles.
    const near = Array.from({ length: 12 }, (_, i) => base.map((v, j) => (j === i ? v + 1000 : v)));
    const entries = near.map((_, i) => call(T0 + i, { inputHash: `h${i}` }));
    const hits = run(new SignalDetectors(CONFIG), entries, (_, i) =>
      inputSignature(tensor(near[i] ?? [])),
    );
    assert.deepEqual(
      hits.map((h) => [h.kind, h.count]),
      [["near_duplicates", 10]],
    );
    const same = Array.from({ length: 12 }, (_, i) => call(T0 + i, { inputHash: "same" }));
    assert.deepEqual(
      run(new SignalDetectors(CONFIG), same, () => inputSignature(tensor(base))),
      [],
    );
    const unrelated = Array.from({ length: 12 }, (_, i) => call(T0 + i, { inputHash: `u${i}` }));
    assert.deepEqual(
      run(new SignalDetectors(CONFIG), unrelated, (_, i) =>
        inputSignature(tensor(base.map((v) => v * (i + 2) * 7.3))),
      ),
      [],
    );
  });

  it("report floods of near-identical prompts, not the same prompt sent again", () => {
    const question = (i: number) =>
      `Summarise chapter ${i} of Moby Dick in three sentences, for a reader who has not read the book.`;
    const chat = (text: string) =>
      callInputs("chat", { model: "acme/lm", messages: [{ role: "user", content: text }] }, null);
    const near = Array.from({ length: 12 }, (_, i) => chat(question(i + 10)));
    const entries = near.map((c, i) =>
      call(T0 + i, { protocol: "openai", endpoint: "chat", inputHash: c.inputHash }),
    );
    assert.deepEqual(
      run(new SignalDetectors(CONFIG), entries, (_, i) => near[i]?.signature ?? null).map((h) => [
        h.kind,
        h.count,
      ]),
      [["near_duplicates", 10]],
    );
    const same = chat(question(10));
    const again = near.map((_, i) =>
      call(T0 + i, { protocol: "openai", endpoint: "chat", inputHash: same.inputHash }),
    );
    assert.deepEqual(
      run(new SignalDetectors(CONFIG), again, () => same.signature),
      [],
    );
  });

  it("keep at most the configured number of keys", () => {
    const d = new SignalDetectors({ ...CONFIG, keys: 2, probingFailures: 2 });
    const probe = (address: string, at: number) =>
      call(at, { tokenId: null, userId: null, address, status: 404 });
    // The first address is dropped for the two after it, so its second failure starts again.
    const hits = run(d, [
      probe("a", T0),
      probe("b", T0 + 1),
      probe("c", T0 + 2),
      probe("a", T0 + 3),
      probe("c", T0 + 4),
    ]);
    assert.deepEqual(
      hits.map((h) => h.subject),
      ["c"],
    );
  });
});
