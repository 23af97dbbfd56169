import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { validateEvidence } from "@gatehouse/ml";
import { gatehouse, tempHome } from "./run-cli.js";

const TEXT = [
  "Hello, mail ann.lee@example.org or call +44 20 7946 0958.",
  "Card 4111 1111 1111 1111; declined 4111 1111 1111 1112.",
  "DOB: 1985-03-12, last login from 203.0.113.42",
  "",
].join("\n");

// Six patients, worked by hand in packages/ml/test/privacy/kanon.test.ts: Mondrian
// with k = 2 over age and zip gives two classes of three.
const PATIENTS = [
  "name,age,zip,sex,dob,disease",
  "Ann,25,53711,M,1985-03-12,Flu",
  "Bo,25,53712,F,1990-01-02,Hepatitis",
  "Cy,26,53711,M,1979-12-31,Bronchitis",
  "Di,27,53710,M,1966-06-06,Broken Arm",
  "Ed,27,53712,F,1970-07-07,AIDS",
  "Fa,28,53711,M,1999-02-28,Hepatitis",
  "",
].join("\n");

const KEY = "a-very-secret-key-0123456789";

describe("gatehouse privacy scan, anonymize and kanon", () => {
  let home: { home: string; configDir: string };
  let dir: string;
  const file = (name: string): string => path.join(dir, name);
  before(async () => {
    home = await tempHome();
    dir = await mkdtemp(path.join(tmpdir(), "gatehouse-privacy-data-"));
    await writeFile(file("notes.txt"), TEXT);
    await writeFile(file("patients.csv"), PATIENTS);
    await writeFile(file("pii.key"), `${KEY}\n`);
    await writeFile(file("empty.csv"), "");
  });
  after(async () => {
    await rm(home.home, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  it("scans a text file: counts per type and masked locations, exit 0", async () => {
    const run = await gatehouse(
      ["privacy", "scan", file("notes.txt"), "--evidence", file("scan.json")],
      home,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /5 findings in 3 lines \(email 1, phone 1, payment_card 1, ipv4 1, date_of_birth 1\)/,
    );
    assert.match(run.stdout, /line 2, column 6: payment_card \*\*\*\* \*\*\*\* \*\*\*\* 1111/);
    assert.doesNotMatch(run.stdout, /ann\.lee/);
    const evidence = JSON.parse(await readFile(file("scan.json"), "utf8")) as {
      kind: string;
      assessment: string;
      subject: { path: string };
      passed: boolean | null;
      command: string;
      findings: number;
      counts: Record<string, number>;
      locations: { type: string; line: number; column: number }[];
    };
    assert.equal(validateEvidence(evidence).ok, true);
    assert.equal(evidence.kind, "privacy");
    assert.equal(evidence.assessment, "pii-scan");
    assert.equal(evidence.subject.path, "notes.txt");
    assert.equal(evidence.passed, false, "a scan that finds personal data does not pass");
    assert.equal(evidence.command, "privacy scan");
    assert.equal(evidence.findings, 5);
    assert.equal(evidence.counts.payment_card, 1);
    assert.deepEqual(evidence.locations[0], {
      type: "email",
      line: 1,
      column: 13,
      start: 12,
      end: 31,
    });
    // The report says where, never what.
    assert.doesNotMatch(JSON.stringify(evidence), /ann\.lee|4111|203\.0\.113/);
  });

  it("scans a CSV file by rows and columns, dates of birth by their column name", async () => {
    const run = await gatehouse(["--json", "privacy", "scan", file("patients.csv")], home);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as {
      rows: number;
      counts: Record<string, number>;
      locations: { row: number; column: string }[];
    };
    assert.equal(out.rows, 6);
    assert.equal(out.counts.date_of_birth, 6);
    assert.deepEqual([out.locations[0]?.row, out.locations[0]?.column], [1, "dob"]);
  });

  it("pseudonymises with the same tokens from --key-file and GATEHOUSE_PII_KEY", async () => {
    const a = await gatehouse(
      [
        "privacy",
        "anonymize",
        file("notes.txt"),
        "--out",
        file("a.txt"),
        "--strategy",
        "pseudonymize",
        "--key-file",
        file("pii.key"),
      ],
      home,
    );
    assert.equal(a.code, 0, a.stderr);
    const b = await gatehouse(
      [
        "privacy",
        "anonymize",
        file("notes.txt"),
        "--out",
        file("b.txt"),
        "--strategy",
        "pseudonymize",
      ],
      { ...home, env: { GATEHOUSE_PII_KEY: KEY } },
    );
    assert.equal(b.code, 0, b.stderr);
    const text = await readFile(file("a.txt"), "utf8");
    assert.equal(await readFile(file("b.txt"), "utf8"), text);
    assert.match(text, /^Hello, mail EMAIL_[0-9a-f]{8} or call PHONE_[0-9a-f]{8}\.\n/);
    // The card that fails the Luhn check is left as it was.
    assert.match(text, /declined 4111 1111 1111 1112\./);
  });

  it("refuses pseudonymisation without a key, and an output that is the input", async () => {
    const noKey = await gatehouse(
      [
        "privacy",
        "anonymize",
        file("notes.txt"),
        "--out",
        file("c.txt"),
        "--strategy",
        "pseudonymize",
      ],
      home,
    );
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /needs a key: give --key-file FILE or set GATEHOUSE_PII_KEY/);
    const same = await gatehouse(
      ["privacy", "anonymize", file("notes.txt"), "--out", file("notes.txt")],
      home,
    );
    assert.equal(same.code, 2);
    assert.equal(await readFile(file("notes.txt"), "utf8"), TEXT);
  });

  it("generalises CSV columns with rules and detected values with the strategy", async () => {
    const run = await gatehouse(
      [
        "privacy",
        "anonymize",
        file("patients.csv"),
        "--out",
        file("g.csv"),
        "--strategy",
        "generalize",
        "--generalize",
        "age=range:10",
        "--generalize",
        "zip=prefix:3",
      ],
      home,
    );
    assert.equal(run.code, 0, run.stderr);
    const lines = (await readFile(file("g.csv"), "utf8")).trim().split("\n");
    assert.equal(lines[0], "name,age,zip,sex,dob,disease");
    assert.equal(lines[1], "Ann,20-29,537**,M,1985,Flu");
  });

  it("checks k-anonymity and l-diversity, and writes a Mondrian-generalised table with --out", async () => {
    const run = await gatehouse(
      [
        "privacy",
        "kanon",
        file("patients.csv"),
        "--qi",
        "age,zip",
        "--k",
        "2",
        "--sensitive",
        "disease",
        "--l",
        "2",
        "--out",
        file("k.csv"),
        "--evidence",
        file("kanon.json"),
      ],
      home,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /k = 1 over age, zip \(6 classes/);
    assert.match(run.stdout, /2-anonymous: NO, 6 records in 6 classes smaller than 2/);
    assert.match(run.stdout, /NCP 0\.5417 \(age 0\.3333, zip 0\.7500\), discernibility 18/);
    const rows = (await readFile(file("k.csv"), "utf8")).trim().split("\n");
    assert.equal(rows[1], "Ann,25-26,53711-53712,M,1985-03-12,Flu");
    assert.equal(rows[6], "Fa,27-28,53710-53712,M,1999-02-28,Hepatitis");
    const evidence = JSON.parse(await readFile(file("kanon.json"), "utf8")) as {
      kind: string;
      assessment: string;
      subject: { path: string };
      passed: boolean | null;
      k: number;
      satisfiesK: boolean;
      l: number;
      before: { k: number; recordsAtRisk: number };
      anonymized: { informationLoss: { discernibility: number } };
    };
    assert.equal(validateEvidence(evidence).ok, true);
    assert.equal(evidence.kind, "privacy");
    assert.equal(evidence.assessment, "k-anonymity");
    // The report is about the table that would be released: the Mondrian output.
    assert.equal(evidence.subject.path, "k.csv");
    assert.equal(evidence.passed, true);
    assert.deepEqual([evidence.k, evidence.satisfiesK, evidence.l], [3, true, 3]);
    assert.deepEqual([evidence.before.k, evidence.before.recordsAtRisk], [1, 6]);
    assert.equal(evidence.anonymized.informationLoss.discernibility, 18);
  });

  it("names the columns for an unknown quasi-identifier, and refuses k above the row count and an empty file", async () => {
    const qi = await gatehouse(
      ["privacy", "kanon", file("patients.csv"), "--qi", "age,postcode", "--k", "2"],
      home,
    );
    assert.equal(qi.code, 1);
    assert.match(
      qi.stderr,
      /quasi-identifier "postcode" is not a column; the columns are name, age, zip, sex, dob, disease/,
    );
    const big = await gatehouse(
      ["privacy", "kanon", file("patients.csv"), "--qi", "age", "--k", "7"],
      home,
    );
    assert.equal(big.code, 1);
    assert.match(big.stderr, /k = 7 is larger than the table \(6 rows\)/);
    const empty = await gatehouse(
      ["privacy", "kanon", file("empty.csv"), "--qi", "age", "--k", "2"],
      home,
    );
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /empty\.csv is empty/);
  });
});
