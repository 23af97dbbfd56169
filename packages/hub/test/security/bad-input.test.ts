import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import {
  auditCount,
  createDraft,
  createModel,
  expectError,
  expectStatus,
  sha256,
  type ErrorBody,
} from "./support.js";

interface RawAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * A request through node:http, which sends the path exactly as given; fetch
 * would resolve `..` segments before they reach the hub.
 */
function rawRequest(
  hub: TestHub,
  method: string,
  urlPath: string,
  token: string,
  body: string,
): Promise<RawAnswer> {
  const url = new URL(hub.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: urlPath,
        method,
        headers: { authorization: `Bearer ${token}`, "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** The classic "billion laughs": nine levels of nine aliases each, 9^9 strings once expanded. */
const BILLION_LAUGHS = [
  "---",
  'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
  ..."bcdefghi".split("").map((n, i) => {
    const previous = `*${"abcdefghi".charAt(i)}`;
    return `${n}: &${n} [${Array(9).fill(previous).join(", ")}]`;
  }),
  "---",
  "",
].join("\n");

/** Everything a bad request could have changed. */
interface HubState {
  readonly versions: unknown;
  readonly models: number;
  readonly auditEvents: number;
  readonly blobs: string[];
  readonly staging: string[];
}

for (const dialect of DIALECTS) {
  describe(`bad input gets a clear 4xx and changes nothing (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    let blobDir: string;

    const state = async (): Promise<HubState> => {
      const versions = await expectStatus(
        hub.request("GET", "/api/models/alice/m/versions", { token: alice }),
        200,
      );
      const models = await hub.built.ctx.db
        .selectFrom("models")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      return {
        versions: await versions.json(),
        models: Number(models.n),
        auditEvents: await auditCount(hub),
        blobs: await filesUnder(path.join(blobDir, "sha256")),
        staging: await filesUnder(path.join(blobDir, "tmp")),
      };
    };

    /** Runs `bad`, then checks that the hub's state is as it was before. */
    const changesNothing = async (bad: () => Promise<void>): Promise<void> => {
      const before = await state();
      await bad();
      assert.deepEqual(await state(), before);
    };

    before(async () => {
      hub = await startHub(dialect);
      blobDir = hub.config.blobs.dir;
      alice = await hub.createUser("alice");
      await createModel(hub, alice, "alice/m", "private", {
        "weights.bin": "published weights",
        "README.md": "---\nlicense: mit\n---\n# m\n",
      });
      await createDraft(hub, alice, "alice/m", "d", { "keep.txt": "kept" });
    });
    after(() => hub.close());

    describe("invalid model names", () => {
      for (const [id, why] of [
        ["alice/-x", /may not start or end with '-' or '\.'/],
        ["alice/a--b", /may not contain '--' or '\.\.'/],
        ["alice/a..b", /may not contain '--' or '\.\.'/],
        [`alice/${"a".repeat(97)}`, /is 97 characters long; at most 96 are allowed/],
        ["alice/bad/name", /is not of the form namespace\/name/],
        ["alice/sp ace", /may hold only letters, digits, '-', '_' and '\.'/],
      ] as const) {
        it(`refuses to create a model named "${id.length > 30 ? `${id.slice(0, 20)}… (${id.length - 6} characters)` : id}"`, async () => {
          await changesNothing(async () => {
            const body = await expectError(
              hub.request("POST", "/api/models", { token: alice, json: { id } }),
              400,
              "INVALID_NAME",
            );
            assert.match(body.error, why);
          });
        });
      }
    });

    describe("invalid file paths", () => {
      // [as sent in the URL (percent-encoded), as the message shows it, the rule it names]
      const BAD_PATHS: readonly (readonly [string, string, RegExp])[] = [
        ["../x", "../x", /has a '\.\.' segment/],
        ["a/../b", "a/../b", /has a '\.\.' segment/],
        ["..%2Fx", "../x", /has a '\.\.' segment/],
        ["a%5Cb", "a\\b", /contains a backslash; use '\/' between folders/],
        ["a".repeat(2000), `${"a".repeat(80)}…`, /is 2000 bytes long; at most 1000 are allowed/],
        ["%2Fetc%2Fpasswd", "/etc/passwd", /is absolute/],
        ["a//b", "a//b", /has an empty or '\.' segment/],
        // git metadata, which runs commands where it is checked out
        [".git/config", ".git/config", /has a '\.git' segment/],
        [".git/hooks/post-checkout", ".git/hooks/post-checkout", /has a '\.git' segment/],
        [".GIT/config", ".GIT/config", /has a '\.git' segment/],
        ["sub/.Git/config", "sub/.Git/config", /has a '\.git' segment/],
        ["a/b/.git", "a/b/.git", /has a '\.git' segment/],
        [".g%E2%80%8Cit/config", ".g\\u200Cit/config", /has a '\.git' segment/],
        ["GIT~1/config", "GIT~1/config", /has a '\.git' segment/],
        // control characters, C0 and C1, shown escaped
        ["a%07b", "a\\u0007b", /contains the control character U\+0007/],
        ["a%0Ab", "a\\u000Ab", /contains the control character U\+000A/],
        ["a%7Fb", "a\\u007Fb", /contains the control character U\+007F/],
        ["a%C2%85b", "a\\u0085b", /contains the control character U\+0085/],
        ["a%C2%9Fb", "a\\u009Fb", /contains the control character U\+009F/],
        // bidirectional controls, which make a name display as another
        [
          "evil%E2%80%AEtxt.exe",
          "evil\\u202Etxt.exe",
          /contains the bidirectional control character U\+202E/,
        ],
        ["a%E2%80%AAb", "a\\u202Ab", /contains the bidirectional control character U\+202A/],
        ["a%E2%81%A6b", "a\\u2066b", /contains the bidirectional control character U\+2066/],
        ["a%E2%81%A9b", "a\\u2069b", /contains the bidirectional control character U\+2069/],
        // names Windows reserves for devices, in any case, with or without an extension
        ["CON", "CON", /a device name that Windows reserves/],
        ["nul.txt", "nul.txt", /segment named "NUL", a device name that Windows reserves/],
        ["sub/Com1.tar.gz", "sub/Com1.tar.gz", /segment named "COM1", a device name/],
        ["lpt9/x", "lpt9/x", /segment named "LPT9", a device name/],
        ["aux%20.json", "aux .json", /segment named "AUX", a device name/],
        ["prn", "prn", /segment named "PRN", a device name/],
        // characters and endings Windows does not keep
        ["a%3Ab", "a:b", /contains ':', which Windows does not allow in a file name/],
        ["C%3A%2Fx", "C:/x", /contains ':', which Windows does not allow in a file name/],
        ["a%3Cb%3E", "a<b>", /contains '<', which Windows does not allow in a file name/],
        ["weights.", "weights.", /has a segment ending in a dot or a space, which Windows drops/],
        ["dir%20/x", "dir /x", /has a segment ending in a dot or a space, which Windows drops/],
      ];
      const content = "published weights";

      for (const [sent, shown, why] of BAD_PATHS) {
        const label = sent.length > 40 ? `a ${sent.length}-byte path` : `"${sent}"`;
        it(`refuses an upload to ${label}, naming the path and the rule`, async () => {
          await changesNothing(async () => {
            const res = await rawRequest(
              hub,
              "PUT",
              `/api/models/alice/m/versions/d/files/${sent}`,
              alice,
              "content",
            );
            assert.equal(res.status, 400, res.body);
            const body = JSON.parse(res.body) as ErrorBody;
            assert.equal(body.code, "INVALID_PATH");
            assert.ok(body.error.includes(`file path "${shown}" `), body.error);
            assert.match(body.error, why);
          });
        });

        it(`refuses to attach stored content at ${label}, naming the path and the rule`, async () => {
          await changesNothing(async () => {
            const body = await expectError(
              hub.request("POST", "/api/models/alice/m/versions/d/files", {
                token: alice,
                json: {
                  files: [
                    { path: "fine.bin", sha256: sha256(content), size: content.length },
                    {
                      path: decodeURIComponent(sent),
                      sha256: sha256(content),
                      size: content.length,
                    },
                  ],
                },
              }),
              400,
              "INVALID_PATH",
            );
            assert.ok(body.error.includes(`file path "${shown}" `), body.error);
            assert.match(body.error, why);
            // The message shows no control or bidi character itself: it cannot be reordered.
            assert.doesNotMatch(
              body.error,
              // eslint-disable-next-line no-control-regex -- control characters are what must be absent
              /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/,
            );
          });
        });
      }

      // NUL and lone surrogates are refused for every text a request carries, paths included:
      // PostgreSQL cannot store NUL, and a lone surrogate has no UTF-8 form.
      it("refuses an upload to a path holding a NUL, naming the parameter", async () => {
        await changesNothing(async () => {
          const res = await rawRequest(
            hub,
            "PUT",
            "/api/models/alice/m/versions/d/files/a%00b",
            alice,
            "content",
          );
          assert.equal(res.status, 400, res.body);
          const body = JSON.parse(res.body) as ErrorBody;
          assert.equal(body.code, "BAD_REQUEST");
          assert.equal(
            body.error,
            "params/* holds a NUL character or a lone surrogate, which is not text; remove it",
          );
        });
      });

      for (const [what, bad] of [
        ["a NUL", "a\0b"],
        ["a lone surrogate", "a\ud800b"],
      ] as const) {
        it(`refuses to attach content at a path holding ${what}, naming the field`, async () => {
          await changesNothing(async () => {
            const body = await expectError(
              hub.request("POST", "/api/models/alice/m/versions/d/files", {
                token: alice,
                json: {
                  files: [
                    { path: "fine.bin", sha256: sha256(content), size: content.length },
                    { path: bad, sha256: sha256(content), size: content.length },
                  ],
                },
              }),
              400,
              "BAD_REQUEST",
            );
            assert.equal(
              body.error,
              "body/files/1/path holds a NUL character or a lone surrogate, which is not text; remove it",
            );
          });
        });
      }
    });

    describe("paths that differ only in letter case", () => {
      const upload = (version: string, filePath: string, body: string) =>
        hub.request("PUT", `/api/models/alice/m/versions/${version}/files/${filePath}`, {
          token: alice,
          body,
        });
      const attach = (version: string, paths: readonly string[]) =>
        hub.request("POST", `/api/models/alice/m/versions/${version}/files`, {
          token: alice,
          json: {
            files: paths.map((p) => ({
              path: p,
              sha256: sha256("published weights"),
              size: "published weights".length,
            })),
          },
        });
      const pathsOf = async (version: string): Promise<Record<string, string>> => {
        const res = await expectStatus(
          hub.request("GET", `/api/models/alice/m/versions/${version}`, { token: alice }),
          200,
        );
        const files = ((await res.json()) as { files: { path: string; sha256: string }[] }).files;
        return Object.fromEntries(files.map((f) => [f.path, f.sha256]));
      };

      before(async () => {
        await createDraft(hub, alice, "alice/m", "cases", {
          "Model.bin": "first",
          "A/x.bin": "x",
          weights: "a file",
        });
      });

      for (const [what, sent, held, rule] of [
        ["a file", "model.bin", "Model.bin", /: the two differ only in letter case/],
        ["a folder", "a/y.bin", "A/x.bin", /: "a" and "A" differ only in letter case/],
        ["an uppercase file", "MODEL.BIN", "Model.bin", /: the two differ only in letter case/],
        [
          "a folder where a file is",
          "weights/x",
          "weights",
          /"weights" would be both a file and a folder/,
        ],
        ["a file where a folder is", "A", "A/x.bin", /"A" would be both a file and a folder/],
      ] as const) {
        it(`refuses an upload that clashes with ${what} of the draft, naming both paths`, async () => {
          await changesNothing(async () => {
            const body = await expectError(upload("cases", sent, "second"), 400, "INVALID_PATH");
            assert.ok(
              body.error.startsWith(`file path "${sent}" clashes with "${held}"`),
              body.error,
            );
            assert.match(body.error, rule);
          });
        });
      }

      it("refuses to attach a path that clashes with a file of the draft", async () => {
        await changesNothing(async () => {
          const body = await expectError(
            attach("cases", ["fine.bin", "a/z.bin"]),
            400,
            "INVALID_PATH",
          );
          assert.match(
            body.error,
            /^file path "a\/z\.bin" clashes with "A\/x\.bin": "a" and "A" differ only in letter case/,
          );
        });
      });

      for (const [pair, rule] of [
        [["Weights.bin", "weights.bin"], /the two differ only in letter case/],
        [["B/one.bin", "b/two.bin"], /"b" and "B" differ only in letter case/],
        // Folded as uppercase then lowercase: lowercase alone keeps these apart, NTFS does not.
        [["S.bin", "\u017f.bin"], /the two differ only in letter case/],
        [["I.bin", "\u0131.bin"], /the two differ only in letter case/],
        [["STRASSE.bin", "stra\u00dfe.bin"], /the two differ only in letter case/],
      ] as const) {
        it(`refuses an attach of both "${pair[0]}" and "${pair[1]}", naming both`, async () => {
          await changesNothing(async () => {
            const body = await expectError(attach("cases", pair), 400, "INVALID_PATH");
            assert.ok(
              body.error.startsWith(`file path "${pair[1]}" clashes with "${pair[0]}"`),
              body.error,
            );
            assert.match(body.error, rule);
          });
        });
      }

      it("lets only one of concurrent uploads that differ in letter case in, and keeps only its bytes", async () => {
        await createDraft(hub, alice, "alice/m", "race");
        const names = ["race.bin", "RACE.bin", "Race.bin", "rAce.bin", "raCe.bin", "racE.bin"];
        const blobsBefore = await filesUnder(path.join(blobDir, "sha256"));
        const answers = await Promise.all(
          names.map((n, i) => upload("race", n, `${i}`.repeat(200_000))),
        );
        const statuses = answers.map((a) => a.status);
        assert.equal(statuses.filter((s) => s === 201).length, 1, statuses.join(", "));
        assert.equal(
          statuses.filter((s) => s === 400).length,
          names.length - 1,
          statuses.join(", "),
        );
        for (const answer of answers.filter((a) => a.status === 400)) {
          const body = (await answer.json()) as ErrorBody;
          assert.equal(body.code, "INVALID_PATH");
          assert.match(body.error, /differ only in letter case/);
        }
        const kept = await pathsOf("race");
        assert.equal(Object.keys(kept).length, 1);
        // The refused uploads' bytes were received and hashed, then dropped: only the winner's stay.
        const added = (await filesUnder(path.join(blobDir, "sha256"))).filter(
          (f) => !blobsBefore.includes(f),
        );
        assert.deepEqual(
          added.map((f) => path.basename(f)),
          Object.values(kept),
        );
        assert.deepEqual(await filesUnder(path.join(blobDir, "tmp")), []);
      });

      it("replaces a file uploaded again at the exact same path", async () => {
        await expectStatus(upload("cases", "Model.bin", "replaced"), 201);
        const files = await pathsOf("cases");
        assert.equal(files["Model.bin"], sha256("replaced"));
        assert.deepEqual(Object.keys(files).sort(), ["A/x.bin", "Model.bin", "weights"]);
        await expectStatus(attach("cases", ["Model.bin", "A/x.bin"]), 200);
        assert.equal((await pathsOf("cases"))["Model.bin"], sha256("published weights"));
      });
    });

    it("refuses content whose sha256 differs from the announced one and keeps no blob", async () => {
      const content = "these bytes are not the announced ones";
      await changesNothing(async () => {
        const body = await expectError(
          hub.request("PUT", "/api/models/alice/m/versions/d/files/mismatch.bin", {
            token: alice,
            body: content,
            headers: { "x-gatehouse-sha256": sha256("something else") },
          }),
          400,
          "CHECKSUM_MISMATCH",
        );
        assert.match(body.error, /nothing was stored/);
        assert.deepEqual(body.details, {
          expected: sha256("something else"),
          actual: sha256(content),
        });
      });
      assert.equal(
        (await filesUnder(path.join(blobDir, "sha256"))).some((f) => f.endsWith(sha256(content))),
        false,
      );
    });

    describe("truncated uploads", () => {
      /**
       * Announces 1,000,000 bytes, sends 1,000, waits until the hub is staging
       * them, then half-closes (`end`) or drops (`destroy`) the connection.
       */
      const truncatedUpload = (
        how: "end" | "destroy",
      ): Promise<{ answer: string; staged: boolean }> => {
        const url = new URL(hub.url);
        let staged = false;
        return new Promise((resolve, reject) => {
          const socket = net.connect(Number(url.port), url.hostname, () => {
            socket.write(
              [
                `PUT /api/models/alice/m/versions/d/files/truncated-${how}.bin HTTP/1.1`,
                `Host: ${url.host}`,
                `Authorization: Bearer ${alice}`,
                "Content-Length: 1000000",
                "",
                "",
              ].join("\r\n"),
            );
            socket.write("x".repeat(1000));
            void (async () => {
              // Bounded: the staging file appears as soon as the hub reads the body.
              for (let i = 0; i < 400 && !staged; i += 1) {
                staged = (await filesUnder(path.join(blobDir, "tmp"))).length > 0;
                if (!staged) {
                  await sleep(25);
                }
              }
              if (how === "end") {
                socket.end();
              } else {
                socket.destroy();
              }
            })();
          });
          let answer = "";
          socket.on("data", (chunk: Buffer) => {
            answer += chunk.toString("utf8");
          });
          socket.on("close", () => {
            resolve({ answer, staged });
          });
          socket.on("error", reject);
        });
      };

      const settle = async (): Promise<void> => {
        for (let i = 0; i < 400; i += 1) {
          if ((await filesUnder(path.join(blobDir, "tmp"))).length === 0) {
            return;
          }
          await sleep(25);
        }
      };

      it("answers an upload cut short by the client with 400 and keeps no partial file", async () => {
        await changesNothing(async () => {
          const { answer, staged } = await truncatedUpload("end");
          assert.ok(staged, "the hub began staging the upload");
          assert.match(answer, /^HTTP\/1\.1 400 /);
          await settle();
        });
      });

      it("keeps no partial file of an upload whose connection dropped", async () => {
        await changesNothing(async () => {
          const { staged } = await truncatedUpload("destroy");
          assert.ok(staged, "the hub began staging the upload");
          await settle();
        });
      });
    });

    describe("writes to a published version", () => {
      const attempts: [string, string, string, { body?: string; json?: unknown }][] = [
        [
          "uploads a file to",
          "PUT",
          "/api/models/alice/m/versions/v1/files/new.bin",
          { body: "x" },
        ],
        [
          "replaces a file of",
          "PUT",
          "/api/models/alice/m/versions/v1/files/weights.bin",
          { body: "x" },
        ],
        ["deletes a file of", "DELETE", "/api/models/alice/m/versions/v1/files/weights.bin", {}],
        [
          "attaches a file to",
          "POST",
          "/api/models/alice/m/versions/v1/files",
          {
            json: {
              files: [{ path: "n.bin", sha256: sha256("kept"), size: "kept".length }],
            },
          },
        ],
        ["publishes again", "POST", "/api/models/alice/m/versions/v1/publish", {}],
        ["recreates", "POST", "/api/models/alice/m/versions", { json: { name: "v1" } }],
      ];
      for (const [what, method, urlPath, init] of attempts) {
        it(`answers 409 IMMUTABLE when a client ${what} a published version`, async () => {
          await changesNothing(async () => {
            const body = await expectError(
              hub.request(method, urlPath, { token: alice, ...init }),
              409,
              "IMMUTABLE",
            );
            assert.match(body.error, /published/);
            assert.match(body.error, /new version/);
          });
        });
      }
    });

    describe("unknown revisions and files", () => {
      for (const [what, urlPath, hfCode] of [
        ["model info at", "/api/models/alice/m/revision/nope", "RevisionNotFound"],
        ["a download at", "/alice/m/resolve/nope/weights.bin", "RevisionNotFound"],
        ["the tree at", "/api/models/alice/m/tree/nope", "RevisionNotFound"],
        [
          "a commit id that is not one",
          `/alice/m/resolve/${"0".repeat(40)}/weights.bin`,
          "RevisionNotFound",
        ],
        ["a draft named as", "/alice/m/resolve/d/keep.txt", "RevisionNotFound"],
        ["a file missing from", "/alice/m/resolve/v1/missing.bin", "EntryNotFound"],
      ] as const) {
        it(`answers 404 ${hfCode} for ${what} an unknown revision`, async () => {
          await changesNothing(async () => {
            const res = await hub.request("GET", urlPath, { token: alice });
            assert.equal(res.status, 404);
            assert.equal(res.headers.get("x-error-code"), hfCode);
            const body = (await res.json()) as ErrorBody;
            assert.match(body.error, /alice\/m/);
          });
        });
      }

      it("answers 404 REVISION_NOT_FOUND for an upload to a version that does not exist", async () => {
        await changesNothing(async () => {
          const body = await expectError(
            hub.request("PUT", "/api/models/alice/m/versions/nope/files/a.bin", {
              token: alice,
              body: "x",
            }),
            404,
            "REVISION_NOT_FOUND",
          );
          assert.match(body.error, /create it first/);
        });
      });
    });

    describe("malformed model cards", () => {
      for (const [what, card, line, why] of [
        [
          "an unclosed list",
          "---\nlicense: mit\ntags: [a, b\nfoo: 1\n---\n# m\n",
          4,
          /invalid YAML/,
        ],
        [
          "a repeated key",
          "---\nlicense: mit\nlicense: apache-2.0\n---\n",
          3,
          /keys must be unique/,
        ],
        ["a bad indentation", "---\na: 1\n  b: 2\n---\n", 2, /invalid YAML/],
        ["no closing line", "---\nlicense: mit\n# m\n", 1, /no closing '---' line/],
        [
          "an unknown risk tier",
          "---\nlicense: mit\n\nrisk_tier: extreme\n---\n",
          4,
          /'risk_tier' must be one of minimal, limited, high, systemic/,
        ],
        [
          "tags that are a mapping",
          "---\ntags:\n  a: 1\n---\n",
          3,
          /'tags' must be a string or a list of strings/,
        ],
        ...(["__proto__", "hasOwnProperty", "valueOf", "constructor", "toString"] as const).map(
          (key) =>
            [
              `the key ${key}`,
              `---\nlicense: mit\n${key}: x\n---\n`,
              3,
              new RegExp(`the key '${key}' is a built-in name of JavaScript objects`),
            ] as const,
        ),
        [
          "a __proto__ key inside model-index",
          "---\nmodel-index:\n  - name: m\n    results:\n      - __proto__: {admin: true}\n---\n",
          5,
          /the key '__proto__' is a built-in name of JavaScript objects .*; rename it/,
        ],
        [
          "an alias bomb of 100 references",
          `---\nx: &x hi\ny: [${Array(100).fill("*x").join(", ")}]\n---\n`,
          2,
          /YAML anchors and aliases are not accepted in a model card \('&x' here\); write the value out in full/,
        ],
        [
          "a self-referencing list",
          "---\nlicense: mit\na: &a [*a]\n---\n",
          3,
          /YAML anchors and aliases are not accepted in a model card \('&a' here\)/,
        ],
        ["the billion laughs", BILLION_LAUGHS, 2, /YAML anchors and aliases are not accepted/],
        [
          "a 200 KB card nested 100,000 levels deep",
          `---\na: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n---\n`,
          2,
          /lists and mappings are nested more than 64 levels deep; .*flatten it/,
        ],
        [
          "a list nested 100,000 levels deep in block style",
          `---\nlicense: mit\na:\n${"- ".repeat(100_000)}x\n---\n`,
          4,
          /nested more than 64 levels deep/,
        ],
        [
          "a list of more than 65,536 values",
          `---\nlicense: mit\na: [${Array(70_000).fill("0").join(",")}]\n---\n`,
          3,
          /the front matter holds more than 65536 keys, values and list items; .*move bulk data into a file beside it/,
        ],
        [
          "a key that is a list",
          "---\n? [a, b]\n: 1\n---\n",
          2,
          /a key is a list; keys must be plain names/,
        ],
        [
          "a number key",
          "---\n1: x\n---\n",
          2,
          /the key '1' is read as a number, not a name; write it in quotes \("1"\)/,
        ],
        [
          "a null key",
          "---\nnull: y\n---\n",
          2,
          /the key 'null' is read as null, not a name; write it in quotes/,
        ],
        [
          "front matter that is a list",
          "---\n- a\n- b\n---\n",
          2,
          /the front matter must be a mapping of fields \(key: value\), not a list or a single value/,
        ],
        [
          "front matter that is a single value",
          "---\nhello\n---\n",
          2,
          /the front matter must be a mapping of fields/,
        ],
        [
          "a repeated key in a nested mapping",
          "---\na:\n  b: 1\n  b: 2\n---\n",
          4,
          /the key 'b' is repeated; keys must be unique in a mapping/,
        ],
        [
          "a tab used as indentation",
          "---\na:\n\tb: 1\n---\n",
          3,
          /invalid YAML: Tabs are not allowed as indentation/,
        ],
        [
          "an infinite number, which JSON cannot hold",
          "---\na: .inf\n---\n",
          2,
          /the value '\.inf' is not a finite number, .*write it in quotes/,
        ],
        [
          "an integer too large to store exactly",
          "---\nseed: 12345678901234567890\n---\n",
          2,
          /the number '12345678901234567890' is too large to store exactly/,
        ],
        [
          "a binary tag",
          "---\na: !!binary aGVsbG8=\n---\n",
          2,
          /YAML tags are not accepted in a model card \('!!binary' here\)/,
        ],
        [
          "a %YAML directive",
          "---\n%YAML 1.1\n---\n",
          2,
          /YAML directives are not accepted in a model card \('%YAML 1\.1' here\)/,
        ],
        [
          "a second document after '...'",
          "---\na: 1\n...\nb: 2\n---\n",
          4,
          /a second YAML document starts here; remove the '\.\.\.' line before it/,
        ],
        [
          "front matter over 256 KiB",
          `---\na: ${"x".repeat(256 * 1024)}\n---\n`,
          1,
          /the YAML front matter starting here is 262148 bytes; at most 262144 are allowed/,
        ],
        [
          "a single-line key over 1024 characters",
          `---\n${"k".repeat(2000)}: 1\n---\n`,
          2,
          /invalid YAML: The : indicator must be at most 1024 chars/,
        ],
        [
          "a byte-order mark, CRLF line ends and an unclosed list",
          "\uFEFF---\r\nlicense: mit\r\ntags: [a, b\r\nfoo: 1\r\n---\r\n",
          4,
          /invalid YAML/,
        ],
        [
          "bytes that are not UTF-8",
          Buffer.from("---\nname: ok\nlatin1: caf\xe9\n---\n", "latin1"),
          3,
          /this line is not valid UTF-8; save README\.md as UTF-8 text/,
        ],
      ] as const) {
        it(`refuses a README.md with ${what}, naming line ${line}`, async () => {
          await changesNothing(async () => {
            const body = await expectError(
              hub.request("PUT", "/api/models/alice/m/versions/d/files/README.md", {
                token: alice,
                body: card,
              }),
              400,
              "INVALID_CARD",
            );
            assert.ok(body.error.startsWith(`README.md line ${line}: `), body.error);
            assert.match(body.error, why);
            assert.deepEqual(body.details, { line });
          });
        });
      }

      it("stores a card with a BOM, CRLF, a tab, a quoted number key and unicode as written, and serves it back", async () => {
        const odd = [
          "\uFEFF---",
          "license: mit",
          'tags: [a, "b c"]',
          "note: tab\there",
          '"1": one',
          "unicode: 模型 🤗 é",
          "model-index:",
          "  - name: m",
          "    results: []",
          "---",
          "# Body",
          "",
        ].join("\r\n");
        const expected = {
          license: "mit",
          tags: ["a", "b c"],
          note: "tab\there",
          "1": "one",
          unicode: "模型 🤗 é",
          "model-index": [{ name: "m", results: [] }],
        };
        await createModel(hub, alice, "alice/cards", "private", { "README.md": odd });
        const info = await expectStatus(
          hub.request("GET", "/api/models/alice/cards", { token: alice }),
          200,
        );
        assert.deepEqual(((await info.json()) as { cardData: unknown }).cardData, expected);
        const listed = await expectStatus(
          hub.request("GET", "/api/models/alice/cards/versions", { token: alice }),
          200,
        );
        const { versions } = (await listed.json()) as { versions: { card: unknown }[] };
        assert.deepEqual(
          versions.map((v) => v.card),
          [expected],
        );
      });

      it("refuses to attach stored content as README.md when it is not a valid card", async () => {
        const deep = `---\na: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n---\n`;
        await createDraft(hub, alice, "alice/cards", "v2", { "deep.txt": deep });
        await changesNothing(async () => {
          const body = await expectError(
            hub.request("POST", "/api/models/alice/m/versions/d/files", {
              token: alice,
              json: { files: [{ path: "README.md", sha256: sha256(deep), size: deep.length }] },
            }),
            400,
            "INVALID_CARD",
          );
          assert.match(
            body.error,
            /^README\.md line 2: lists and mappings are nested more than 64/,
          );
          assert.deepEqual(body.details, { line: 2 });
        });
      });
    });

    describe("text that is not text, and numbers past what the store holds", () => {
      const NOT_TEXT = "holds a NUL character or a lone surrogate, which is not text; remove it";
      for (const [what, method, url, init, message] of [
        [
          "a revision",
          "GET",
          "/api/models/alice/m/revision/v%00",
          {},
          `params/revision ${NOT_TEXT}`,
        ],
        [
          "a version name",
          "GET",
          "/api/models/alice/m/versions/%00",
          {},
          `params/version ${NOT_TEXT}`,
        ],
        ["a token id", "DELETE", "/api/tokens/t%00", {}, `params/id ${NOT_TEXT}`],
        ["a search", "GET", "/api/models?search=a%00", {}, `querystring/search ${NOT_TEXT}`],
        [
          "a list in a body",
          "POST",
          "/api/models/alice/m/paths-info/v1",
          { json: { paths: ["weights.bin", "x\0"] } },
          `body/paths/1 ${NOT_TEXT}`,
        ],
        [
          "a key of a body",
          "POST",
          "/api/models/alice/m/paths-info/v1",
          { json: { paths: [], "e\0": 1 } },
          `body key ${NOT_TEXT}`,
        ],
        [
          "a token's name",
          "POST",
          "/api/tokens",
          { json: { scopes: ["read"], name: "laptop\0" } },
          `body/name ${NOT_TEXT}`,
        ],
        [
          "a version name in a body, as a lone surrogate",
          "POST",
          "/api/models/alice/m/versions",
          { json: { name: "v\udc00" } },
          `body/name ${NOT_TEXT}`,
        ],
      ] as const) {
        it(`answers 400 to a NUL or lone surrogate in ${what}, naming where`, async () => {
          await changesNothing(async () => {
            const body = await expectError(
              hub.request(method, url, { token: alice, ...init }),
              400,
              "BAD_REQUEST",
            );
            assert.equal(body.error, message);
          });
        });
      }

      it("answers 400 to an audit position past the largest whole number a double holds", async () => {
        const body = await expectError(
          hub.request("GET", "/api/audit?after=1e20", { token: hub.adminToken }),
          400,
          "BAD_REQUEST",
        );
        assert.equal(body.error, "querystring/after must be <= 9007199254740991");
      });
    });

    describe("JSON bodies", () => {
      it("answers 413 to a JSON body over 1 MiB", async () => {
        for (const urlPath of [
          "/api/models",
          "/api/models/alice/m/versions/d/files",
          "/api/tokens",
        ]) {
          await changesNothing(async () => {
            const body = await expectError(
              hub.request("POST", urlPath, {
                token: alice,
                body: JSON.stringify({ padding: "x".repeat(1024 * 1024) }),
                headers: { "content-type": "application/json" },
              }),
              413,
              "PAYLOAD_TOO_LARGE",
            );
            assert.match(body.error, /larger than 1 MiB/);
          });
        }
      });

      for (const [what, urlPath, json, why] of [
        [
          "an unknown field",
          "/api/models",
          { id: "alice/q", colour: "red" },
          /body has an unknown field "colour"; remove it/,
        ],
        [
          "an unknown field in a file entry",
          "/api/models/alice/m/versions/d/files",
          { files: [{ path: "a", sha256: sha256("a"), size: 1, mode: 7 }] },
          /body\/files\/0 has an unknown field "mode"/,
        ],
        [
          "an unknown visibility",
          "/api/models",
          { id: "alice/q", visibility: "secret" },
          /body\/visibility must be one of "private", "internal", "staged", "api", "gated", "open"/,
        ],
        [
          "an unknown scope",
          "/api/tokens",
          { scopes: ["root"] },
          /body\/scopes\/0 must be one of "read", "write", "admin"/,
        ],
        [
          "an object for a string",
          "/api/models/alice/m/versions",
          { name: { v: 1 } },
          /body\/name must be string/,
        ],
        [
          "an object for a list of files",
          "/api/models/alice/m/versions/d/files",
          { files: { path: "a.bin" } },
          /body\/files must be array/,
        ],
        [
          "a negative size",
          "/api/models/alice/m/versions/d/files",
          { files: [{ path: "a", sha256: sha256("a"), size: -1 }] },
          /body\/files\/0\/size must be >= 0/,
        ],
        [
          "a sha256 that is not hex",
          "/api/models/alice/m/versions/d/files",
          { files: [{ path: "a", sha256: "xyz", size: 1 }] },
          /body\/files\/0\/sha256 must match pattern/,
        ],
        [
          "a missing field",
          "/api/models/alice/m/versions",
          {},
          /body must have required property 'name'/,
        ],
        [
          "a date that is not one",
          "/api/tokens",
          { scopes: ["read"], expiresAt: "tomorrow" },
          /body\/expiresAt must match format "date-time"/,
        ],
      ] as const) {
        it(`answers 400 to a JSON body with ${what}, naming the field`, async () => {
          await changesNothing(async () => {
            const body = await expectError(
              hub.request("POST", urlPath, { token: alice, json }),
              400,
              "BAD_REQUEST",
            );
            assert.match(body.error, why);
          });
        });
      }

      it("answers 400 to a body that is not JSON at all", async () => {
        await changesNothing(async () => {
          await expectError(
            hub.request("POST", "/api/models", {
              token: alice,
              body: "{not json",
              headers: { "content-type": "application/json" },
            }),
            400,
            "BAD_REQUEST",
          );
        });
      });

      it("answers 400 to a number or a one-item list where a string is expected", async () => {
        for (const name of [42, ["v7"]]) {
          await changesNothing(async () => {
            await expectError(
              hub.request("POST", "/api/models/alice/m/versions", {
                token: alice,
                json: { name },
              }),
              400,
              "BAD_REQUEST",
            );
          });
        }
      });
    });

    it("still accepts a good upload after all the refusals, so they were refused for their input", async () => {
      const content = "good content";
      const put = await expectStatus(
        hub.request("PUT", "/api/models/alice/m/versions/d/files/good.bin", {
          token: alice,
          body: content,
          headers: { "x-gatehouse-sha256": sha256(content) },
        }),
        201,
      );
      assert.deepEqual(await put.json(), {
        path: "good.bin",
        sha256: sha256(content),
        size: content.length,
      });
      assert.deepEqual(await filesUnder(path.join(blobDir, "tmp")), []);
    });
  });
}
