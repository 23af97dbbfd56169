import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { gatehouse, tempHome } from "./run-cli.js";

const CARD = "---\nlicense: mit\ntags: [demo]\n---\n# Tiny\n\nA model for tests.\n";

/** Every file under `dir` as relative path → content. */
async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (sub: string): Promise<void> => {
    for (const entry of await readdir(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub === "" ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) {
        await walk(rel);
      } else {
        out.set(rel, await readFile(path.join(dir, rel)));
      }
    }
  };
  await walk("");
  return out;
}

async function writeTree(dir: string, files: Record<string, Buffer | string>): Promise<void> {
  for (const [rel, body] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), body);
  }
}

for (const dialect of DIALECTS) {
  describe(`gatehouse push and pull (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    let work: string;
    let home: { home: string; configDir: string };
    const as = (token: string) => ({
      ...home,
      env: { GATEHOUSE_HUB: hub.url, GATEHOUSE_TOKEN: token },
    });

    before(async () => {
      hub = await startHub(dialect);
      alice = await hub.createUser("alice");
      work = await mkdtemp(path.join(tmpdir(), "gatehouse-cli-work-"));
      home = await tempHome();
      const created = await gatehouse(["model", "create", "alice/tiny"], as(alice));
      assert.equal(created.code, 0, created.stderr);
    });
    after(async () => {
      await hub.close();
      await rm(work, { recursive: true, force: true });
      await rm(home.home, { recursive: true, force: true });
    });

    it("pushes a folder with nested files and pulls it back byte-identical", async () => {
      const src = path.join(work, "src");
      await writeTree(src, {
        "README.md": CARD,
        "weights/model.bin": randomBytes(300_000),
        "weights/deep/er/shard 1.bin": randomBytes(70_000),
        ".hidden-config": "kept\n",
        "empty.txt": "",
        ".git/HEAD": "ref: refs/heads/main\n",
      });
      const push = await gatehouse(["push", src, "alice/tiny", "--version", "v1"], as(alice));
      assert.equal(push.code, 0, push.stderr);
      assert.match(push.stdout, /published alice\/tiny v1 \([0-9a-f]{40}\)/);
      // Not a terminal: one line per uploaded file, no bar.
      assert.match(push.stderr, /uploaded weights\/model\.bin/);

      const dest = path.join(work, "dest");
      const pull = await gatehouse(["pull", "alice/tiny", dest], as(alice));
      assert.equal(pull.code, 0, pull.stderr);
      const expected = await snapshot(src);
      expected.delete(".git/HEAD");
      assert.deepEqual(await snapshot(dest), expected);

      const pinned = path.join(work, "pinned");
      const pullV1 = await gatehouse(["--json", "pull", "alice/tiny@v1", pinned], as(alice));
      assert.equal(pullV1.code, 0, pullV1.stderr);
      assert.equal((JSON.parse(pullV1.stdout) as { files: number }).files, 5);
      assert.deepEqual(await snapshot(pinned), expected);

      const commit = /\(([0-9a-f]{40})\)/.exec(push.stdout)?.[1] ?? "";
      const byCommit = path.join(work, "by-commit");
      const pullSha = await gatehouse(["pull", `alice/tiny@${commit}`, byCommit], as(alice));
      assert.equal(pullSha.code, 0, pullSha.stderr);
      assert.deepEqual(await snapshot(byCommit), expected);
    });

    it("uploads nothing when a new version has content the hub already holds", async () => {
      const src = path.join(work, "src");
      const push = await gatehouse(
        ["--json", "push", src, "alice/tiny", "--version", "v2"],
        as(alice),
      );
      assert.equal(push.code, 0, push.stderr);
      const summary = JSON.parse(push.stdout) as {
        state: string;
        uploaded: { files: number; bytes: number };
        attached: number;
      };
      assert.equal(summary.state, "published");
      assert.deepEqual(summary.uploaded, { files: 0, bytes: 0 });
      assert.equal(summary.attached, 5);
      const tail = await hub.request("GET", "/api/audit?tail=20", { token: hub.adminToken });
      const events = (
        (await tail.json()) as { events: { action: string; details: { how?: string } }[] }
      ).events;
      const adds = events.filter((e) => e.action === "file.add").slice(-5);
      assert.ok(
        adds.every((e) => e.details.how === "attach"),
        JSON.stringify(adds),
      );
    });

    it("leaves a draft with --draft, continues it, and deletes files no longer in the folder", async () => {
      const src = path.join(work, "draft-src");
      await writeTree(src, { "README.md": CARD, "a.bin": randomBytes(1000), "b.bin": "b" });
      const first = await gatehouse(
        ["push", src, "alice/tiny", "--version", "v3", "--draft"],
        as(alice),
      );
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /^draft alice\/tiny v3/);
      const draft = await hub.request("GET", "/api/models/alice/tiny/versions/v3", {
        token: alice,
      });
      assert.equal(((await draft.json()) as { state: string }).state, "draft");

      await rm(path.join(src, "b.bin"));
      const second = await gatehouse(
        ["--json", "push", src, "alice/tiny", "--version", "v3"],
        as(alice),
      );
      assert.equal(second.code, 0, second.stderr);
      const summary = JSON.parse(second.stdout) as {
        state: string;
        removed: string[];
        uploaded: { files: number };
      };
      assert.equal(summary.state, "published");
      assert.deepEqual(summary.removed, ["b.bin"]);
      assert.equal(summary.uploaded.files, 0);
      const version = await hub.request("GET", "/api/models/alice/tiny/versions/v3", {
        token: alice,
      });
      const files = ((await version.json()) as { files: { path: string }[] }).files;
      assert.deepEqual(files.map((f) => f.path).sort(), ["README.md", "a.bin"]);
    });

    it("refuses to push to a published version and says to pick a new name", async () => {
      const push = await gatehouse(
        ["push", path.join(work, "src"), "alice/tiny", "--version", "v1"],
        as(alice),
      );
      assert.equal(push.code, 1);
      assert.match(
        push.stderr,
        /^error: version v1 of alice\/tiny is already published.*\(IMMUTABLE\)/m,
      );
      assert.match(push.stderr, /--version v2/);
    });

    it("fails a pull whose bytes do not match the sha256, naming the file and writing nothing", async () => {
      const src = path.join(work, "corrupt-src");
      const body = randomBytes(50_000);
      await writeTree(src, { "README.md": CARD, "w/victim.bin": body });
      const push = await gatehouse(["push", src, "alice/tiny", "--version", "v4"], as(alice));
      assert.equal(push.code, 0, push.stderr);
      const sha = createHash("sha256").update(body).digest("hex");
      const damaged = Buffer.from(body);
      damaged[100] = (damaged[100] ?? 0) ^ 0xff;
      await writeFile(path.join(hub.dataDir, "blobs", "sha256", sha.slice(0, 2), sha), damaged);

      const dest = path.join(work, "corrupt-dest");
      const pull = await gatehouse(["pull", "alice/tiny@v4", dest], as(alice));
      assert.equal(pull.code, 1);
      assert.match(pull.stderr, /error: w\/victim\.bin failed verification.*\(CHECKSUM_MISMATCH\)/);
      const left = await snapshot(dest);
      assert.equal(left.has("w/victim.bin"), false);
      assert.deepEqual(
        [...left.keys()].filter((k) => k.includes("gatehouse-part")),
        [],
        "no temporary file is left behind",
      );
    });

    it("exits 1 with the hub's message when pushing to a model the user cannot write", async () => {
      const bob = await hub.createUser("bob");
      const push = await gatehouse(
        ["push", path.join(work, "src"), "alice/tiny", "--version", "v9"],
        as(bob),
      );
      assert.equal(push.code, 1);
      // alice/tiny is private: to bob it does not exist, and the hub says so.
      assert.match(push.stderr, /^error: .*alice\/tiny.* \(REPO_NOT_FOUND\)/m);
      const versions = await hub.request("GET", "/api/models/alice/tiny/versions", {
        token: alice,
      });
      const names = ((await versions.json()) as { versions: { name: string }[] }).versions.map(
        (v) => v.name,
      );
      assert.equal(names.includes("v9"), false);
    });

    const filesOfVersion = async (version: string): Promise<string[]> => {
      const res = await hub.request("GET", `/api/models/alice/tiny/versions/${version}`, {
        token: alice,
      });
      assert.equal(res.status, 200, version);
      return ((await res.json()) as { files: { path: string }[] }).files.map((f) => f.path).sort();
    };

    it("skips .git folders and files at any depth and in any letter case", async () => {
      const src = path.join(work, "nested-git");
      await writeTree(src, {
        "README.md": CARD,
        "sub/model.bin": randomBytes(1000),
        ".git/HEAD": "ref: refs/heads/main\n",
        "sub/.git/config": "[core]\n\tfsmonitor = touch pwned\n",
        "sub/.git/hooks/post-checkout": "#!/bin/sh\ntouch pwned\n",
        "deep/er/.GIT/config": "[core]\n",
        "lib/.git": "gitdir: ../.git/modules/lib\n",
        "lib/kept.txt": "kept\n",
      });
      const push = await gatehouse(["push", src, "alice/tiny", "--version", "g1"], as(alice));
      assert.equal(push.code, 0, push.stderr);
      assert.deepEqual(await filesOfVersion("g1"), ["README.md", "lib/kept.txt", "sub/model.bin"]);
    });

    it("refuses, before creating the version, a folder whose paths differ only in letter case", async () => {
      const src = path.join(work, "case-clash");
      await writeTree(src, { "README.md": CARD, "Model.bin": "upper", "model.bin": "lower" });
      const push = await gatehouse(["push", src, "alice/tiny", "--version", "c1"], as(alice));
      assert.equal(push.code, 1);
      assert.match(
        push.stderr,
        /^error: .*case-clash holds a file path "model\.bin" that clashes with "Model\.bin": the two differ only in letter case.*nothing was pushed \(INVALID_PATH\)/m,
      );
      const version = await hub.request("GET", "/api/models/alice/tiny/versions/c1", {
        token: alice,
      });
      assert.equal(version.status, 404);
    });

    it("continues a draft whose file was renamed only in letter case", async () => {
      const src = path.join(work, "case-rename");
      await writeTree(src, { "README.md": CARD, "Model.bin": "weights" });
      const first = await gatehouse(
        ["push", src, "alice/tiny", "--version", "r1", "--draft"],
        as(alice),
      );
      assert.equal(first.code, 0, first.stderr);
      await rm(path.join(src, "Model.bin"));
      await writeTree(src, { "model.bin": "weights" });
      const second = await gatehouse(["push", src, "alice/tiny", "--version", "r1"], as(alice));
      assert.equal(second.code, 0, second.stderr);
      assert.deepEqual(await filesOfVersion("r1"), ["README.md", "model.bin"]);
    });

    it("exits 2 on usage errors without touching the hub", async () => {
      for (const args of [
        ["push", path.join(work, "src"), "not-a-model", "--version", "v1"],
        ["push", path.join(work, "src"), "alice/tiny"],
        ["pull", "alice/tiny@", path.join(work, "x")],
        ["model", "create", "alice/x", "--open", "--private"],
        ["org", "add-member", "acme", "bob", "--role", "emperor"],
        ["token", "create", "--scopes", "read,root"],
        ["audit", "tail", "-n", "zero"],
        ["no-such-command"],
        ["--no-such-flag", "whoami"],
      ]) {
        const result = await gatehouse(args, as(alice));
        assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
        assert.match(result.stderr, /error/, args.join(" "));
      }
    });
  });
}
