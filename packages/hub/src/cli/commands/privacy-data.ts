import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import {
  ANONYMIZE_STRATEGIES,
  PII_TYPES,
  anonymizeCsv,
  anonymizeTextStream,
  checkKAnonymity,
  maskValue,
  mondrian,
  readCsvTable,
  scanCsv,
  scanTextStream,
  fileSha256,
  type AnonymizeStrategy,
  type ColumnRule,
  type DateGranularity,
  type HierarchyLines,
  type KAnonymityReport,
  type MondrianResult,
  type PiiType,
  type Table,
  writeCsv,
} from "@gatehouse/ml";
import { InvalidArgumentError, Option, type Command } from "commander";
import { printResult } from "../print-result.js";
import { writePrivacyEvidence } from "../privacy-evidence.js";
import { withToolkitErrors } from "../toolkit-failure.js";
import { CliFailure, UsageError } from "../context.js";
import { commaList, wholeNumberFlag } from "../flags.js";

/** Locations printed by `privacy scan` unless --max-locations says otherwise. */
const DEFAULT_LOCATIONS = 50;
/** Locations kept in a scan's evidence file; the counts always cover everything. */
const EVIDENCE_LOCATIONS = 10_000;

const isCsv = (file: string): boolean => path.extname(file).toLowerCase() === ".csv";

const wholeNumber = (min: number, what: string) =>
  wholeNumberFlag(min, `give ${what}, a whole number ≥ ${min}`);

function columnList(value: string): string[] {
  const names = commaList(value);
  if (names.length === 0) {
    throw new InvalidArgumentError("give column names separated by commas, e.g. age,zip,sex");
  }
  return names;
}

function typeList(value: string): PiiType[] {
  return columnList(value).map((t) => {
    if (!(PII_TYPES as readonly string[]).includes(t)) {
      throw new InvalidArgumentError(
        `"${t}" is not a PII type; choose from ${PII_TYPES.join(", ")}`,
      );
    }
    return t as PiiType;
  });
}

/** `age=range:10`, `zip=prefix:3`, `dob=date:decade`, accumulated over repeated flags. */
function columnRule(
  value: string,
  previous: Record<string, ColumnRule>,
): Record<string, ColumnRule> {
  const m = /^([^=]+)=(range|prefix|date):(.+)$/.exec(value.trim());
  const bad = (): never => {
    throw new InvalidArgumentError(
      `"${value}" is not a column rule; write COLUMN=range:WIDTH, COLUMN=prefix:N or COLUMN=date:year|decade`,
    );
  };
  if (m === null) {
    return bad();
  }
  const [, column = "", kind, arg = ""] = m;
  let rule: ColumnRule;
  if (kind === "date") {
    if (arg !== "year" && arg !== "decade") {
      return bad();
    }
    rule = { kind: "date", to: arg };
  } else {
    const n = Number(arg);
    if (
      !Number.isFinite(n) ||
      n < 0 ||
      (kind === "prefix" && !Number.isInteger(n)) ||
      (kind === "range" && n === 0)
    ) {
      return bad();
    }
    rule = kind === "range" ? { kind: "range", width: n } : { kind: "prefix", keep: n };
  }
  return { ...previous, [column.trim()]: rule };
}

/** `status=marital.txt`, accumulated over repeated flags. */
function hierarchyFlag(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf("=");
  if (at <= 0 || at === value.length - 1) {
    throw new InvalidArgumentError(`"${value}" is not COLUMN=FILE`);
  }
  return { ...previous, [value.slice(0, at).trim()]: value.slice(at + 1) };
}

/** Fails with a clear message for a missing or empty input file. */
async function checkInput(file: string): Promise<number> {
  const info = await stat(file).catch(() => undefined);
  if (info === undefined || !info.isFile()) {
    throw new CliFailure(`${file}: no such file`, "NOT_FOUND");
  }
  if (info.size === 0) {
    throw new CliFailure(`${file} is empty; give a file with text or a CSV header`, "EMPTY_FILE");
  }
  return info.size;
}

/**
 * Writes through a temporary file renamed into place, so that a failed run never
 * leaves a half-anonymised file where the finished one is expected.
 */
async function writeAtomically<T>(out: string, write: (tmp: string) => Promise<T>): Promise<T> {
  const tmp = path.join(
    path.dirname(out),
    `.${path.basename(out)}.${randomBytes(6).toString("hex")}.tmp`,
  );
  try {
    const result = await write(tmp);
    await rename(tmp, out);
    return result;
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

function sameFile(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}

async function readKey(keyFile: string | undefined, envKey: string | undefined): Promise<Buffer> {
  if (keyFile !== undefined) {
    const bytes = await readFile(keyFile).catch(() => {
      throw new CliFailure(`--key-file ${keyFile}: cannot read the file`, "NOT_FOUND");
    });
    // A trailing newline from `echo` or an editor is not part of the key.
    return Buffer.from(bytes.toString("utf8").replace(/\r?\n$/, ""), "utf8");
  }
  if (envKey !== undefined && envKey !== "") {
    return Buffer.from(envKey, "utf8");
  }
  throw new UsageError(
    "--strategy pseudonymize needs a key: give --key-file FILE or set GATEHOUSE_PII_KEY (e.g. openssl rand -hex 32 > pii.key)",
  );
}

async function readHierarchies(
  files: Record<string, string>,
): Promise<Record<string, HierarchyLines>> {
  const out: Record<string, HierarchyLines> = {};
  for (const [column, file] of Object.entries(files)) {
    const text = await readFile(file, "utf8").catch(() => {
      throw new CliFailure(`hierarchy of "${column}": cannot read ${file}`, "NOT_FOUND");
    });
    out[column] = text
      .split(/\r?\n/)
      .filter((line) => line.trim() !== "")
      .map((line) => line.split(";").map((s) => s.trim()));
  }
  return out;
}

function countsLine(counts: Record<PiiType, number>): string {
  const parts = PII_TYPES.filter((t) => counts[t] > 0).map((t) => `${t} ${counts[t]}`);
  return parts.length === 0 ? "none" : parts.join(", ");
}

function kLines(label: string, r: KAnonymityReport): string[] {
  const lines = [
    `${label}: k = ${r.k} over ${r.quasiIdentifiers.join(", ")} (${r.classes} classes, largest ${r.largestClass}, ${r.rows} rows)`,
  ];
  if (r.requestedK !== undefined) {
    lines.push(
      r.satisfiesK
        ? `  ${r.requestedK}-anonymous: yes`
        : `  ${r.requestedK}-anonymous: NO, ${r.recordsAtRisk} records in ${r.classesAtRisk} classes smaller than ${r.requestedK}`,
    );
  }
  if (r.l !== undefined) {
    lines.push(`  distinct l-diversity of "${r.sensitive ?? ""}": l = ${r.l}`);
    if (r.requestedL !== undefined) {
      lines.push(
        r.satisfiesL === true
          ? `  ${r.requestedL}-diverse: yes`
          : `  ${r.requestedL}-diverse: NO, ${r.recordsBelowL ?? 0} records in ${r.classesBelowL ?? 0} classes with fewer than ${r.requestedL} distinct values`,
      );
    }
  }
  return lines;
}

interface ScanFlags {
  readonly evidence?: string;
  readonly types?: PiiType[];
  readonly maxLocations: number;
}

interface AnonymizeFlags {
  readonly out: string;
  readonly strategy: AnonymizeStrategy;
  readonly keyFile?: string;
  readonly dates: DateGranularity;
  readonly generalize: Record<string, ColumnRule>;
  readonly types?: PiiType[];
  readonly evidence?: string;
}

interface KanonFlags {
  readonly qi: string[];
  readonly k: number;
  readonly sensitive?: string;
  readonly l?: number;
  readonly out?: string;
  readonly evidence?: string;
  readonly categorical?: string[];
  readonly hierarchy: Record<string, string>;
}

/**
 * `gatehouse privacy scan | anonymize | kanon`: personal data in text and CSV
 * files, and k-anonymity of tables. Added to the `privacy` command.
 */
export function registerPrivacyDataCommands(
  privacy: Command,
  env: { readonly GATEHOUSE_PII_KEY?: string | undefined },
): void {
  privacy
    .command("scan")
    .description(
      "find personal data (e-mail, phones, PRC IDs, cards, IBANs, IPs, SSNs, dates of birth) in a text or .csv file",
    )
    .argument("<file>", "a text file, or a CSV file (by its .csv extension) with a header row")
    .option(
      "--types <list>",
      `only these types, comma-separated (${PII_TYPES.join(", ")})`,
      typeList,
    )
    .option(
      "--max-locations <n>",
      "how many locations to print",
      wholeNumber(0, "a number of locations"),
      DEFAULT_LOCATIONS,
    )
    .option(
      "--evidence <file>",
      "also write a privacy evidence report to FILE (counts and locations, never the values)",
    )
    .action(async (file: string, options: ScanFlags, command: Command) => {
      const bytes = await checkInput(file);
      const scanOptions = options.types === undefined ? {} : { types: options.types };
      const csv = isCsv(file);
      const result = await withToolkitErrors(async () => {
        if (csv) {
          const r = await scanCsv(createReadStream(file), { ...scanOptions, name: file });
          return {
            format: "csv" as const,
            units: { rows: r.rows },
            counts: r.counts,
            locations: r.findings.map((f) => ({
              type: f.type,
              row: f.row,
              column: f.column,
              start: f.start,
              end: f.end,
              masked: maskValue(f.type, f.match),
            })),
          };
        }
        const r = await scanTextStream(createReadStream(file), scanOptions);
        return {
          format: "text" as const,
          units: { lines: r.lines },
          counts: r.counts,
          locations: r.findings.map((f) => ({
            type: f.type,
            line: f.line,
            column: f.column,
            start: f.start,
            end: f.end,
            masked: maskValue(f.type, f.match),
          })),
        };
      });
      const total = result.locations.length;
      if (options.evidence !== undefined) {
        await writePrivacyEvidence(
          options.evidence,
          {
            assessment: "pii-scan",
            subjectFile: file,
            summary: `${path.basename(file)}: ${total} personal-data findings (${countsLine(result.counts)}).`,
            passed: total === 0,
          },
          {
            command: "privacy scan",
            input: {
              file: path.basename(file),
              format: result.format,
              bytes,
              sha256: await fileSha256(file),
              ...result.units,
            },
            types: options.types ?? [...PII_TYPES],
            findings: total,
            counts: result.counts,
            // Where, never what: the report may travel further than the data.
            locations: result.locations
              .slice(0, EVIDENCE_LOCATIONS)
              .map(({ masked: _masked, ...where }) => where),
            locationsTruncated: total > EVIDENCE_LOCATIONS,
          },
        );
      }
      const shown = result.locations.slice(0, options.maxLocations);
      const human = [
        `${file}: ${total} findings in ${"rows" in result.units ? `${result.units.rows} rows` : `${result.units.lines} lines`} (${countsLine(result.counts)})`,
        ...shown.map((l) =>
          "row" in l
            ? `  row ${l.row}, column "${l.column}": ${l.type} ${l.masked}`
            : `  line ${l.line}, column ${l.column}: ${l.type} ${l.masked}`,
        ),
      ];
      if (total > shown.length) {
        human.push(`  … and ${total - shown.length} more (raise --max-locations to see them)`);
      }
      printResult(command, human, {
        file,
        format: result.format,
        ...result.units,
        findings: total,
        counts: result.counts,
        locations: shown,
      });
    });

  privacy
    .command("anonymize")
    .description(
      "write a copy of a text or .csv file with its personal data redacted, masked, pseudonymised or generalised",
    )
    .argument("<file>", "a text file, or a CSV file (by its .csv extension) with a header row")
    .requiredOption("--out <file>", "where to write the anonymised copy")
    .addOption(
      new Option("--strategy <strategy>", "what replaces each value")
        .choices([...ANONYMIZE_STRATEGIES])
        .default("redact"),
    )
    .option("--key-file <file>", "the secret key for --strategy pseudonymize (at least 16 bytes)")
    .addOption(
      new Option("--dates <granularity>", "dates of birth under --strategy generalize")
        .choices(["year", "decade"])
        .default("year"),
    )
    .option(
      "--generalize <rule>",
      "CSV column rule, repeatable: COLUMN=range:WIDTH (numbers), COLUMN=prefix:N (postcodes), COLUMN=date:year|decade",
      columnRule,
      {},
    )
    .option(
      "--types <list>",
      `only these types, comma-separated (${PII_TYPES.join(", ")})`,
      typeList,
    )
    .option("--evidence <file>", "also write a privacy evidence report to FILE")
    .addHelpText(
      "after",
      "\nThe pseudonymisation key is read from --key-file or the GATEHOUSE_PII_KEY environment variable.",
    )
    .action(async (file: string, options: AnonymizeFlags, command: Command) => {
      await checkInput(file);
      if (sameFile(file, options.out)) {
        throw new UsageError(
          "--out must be another file than the input; the input would be overwritten",
        );
      }
      const csv = isCsv(file);
      if (!csv && Object.keys(options.generalize).length > 0) {
        throw new UsageError("--generalize applies to CSV columns; the input is not a .csv file");
      }
      const key =
        options.strategy === "pseudonymize"
          ? await readKey(options.keyFile, env.GATEHOUSE_PII_KEY)
          : undefined;
      const anonymizeOptions = {
        strategy: options.strategy,
        dates: options.dates,
        ...(key === undefined ? {} : { key }),
        ...(options.types === undefined ? {} : { types: options.types }),
      };
      const result = await withToolkitErrors(() =>
        writeAtomically(options.out, async (tmp) => {
          const output = createWriteStream(tmp, { flags: "wx" });
          if (csv) {
            const r = await anonymizeCsv(createReadStream(file), output, {
              ...anonymizeOptions,
              columns: options.generalize,
              name: file,
            });
            return { counts: r.counts, rows: r.rows, generalizedCells: r.generalizedCells };
          }
          return {
            counts: await anonymizeTextStream(createReadStream(file), output, anonymizeOptions),
          };
        }),
      );
      const replaced = PII_TYPES.reduce((n, t) => n + result.counts[t], 0);
      const fields = {
        input: path.basename(file),
        output: path.basename(options.out),
        format: csv ? "csv" : "text",
        strategy: options.strategy,
        replaced,
        counts: result.counts,
        ...(result.rows === undefined ? {} : { rows: result.rows }),
        ...(result.generalizedCells === undefined
          ? {}
          : {
              generalizedColumns: Object.keys(options.generalize),
              generalizedCells: result.generalizedCells,
            }),
      };
      if (options.evidence !== undefined) {
        await writePrivacyEvidence(
          options.evidence,
          {
            assessment: "pii-anonymization",
            // The report vouches for the anonymised copy, so that is what it is about.
            subjectFile: options.out,
            summary: `${fields.output}: ${replaced} personal-data values in ${fields.input} replaced by ${options.strategy}.`,
            passed: null,
          },
          {
            command: "privacy anonymize",
            ...fields,
            inputSha256: await fileSha256(file),
            outputSha256: await fileSha256(options.out),
          },
        );
      }
      const human = [
        `${options.out}: ${replaced} values replaced by ${options.strategy} (${countsLine(result.counts)})`,
      ];
      if (result.generalizedCells !== undefined && result.generalizedCells > 0) {
        human.push(`  ${result.generalizedCells} cells generalised by column rules`);
      }
      printResult(command, human, fields);
    });

  privacy
    .command("kanon")
    .description(
      "check k-anonymity (and l-diversity) of a CSV table over quasi-identifiers; with --out, generalise it with Mondrian until k holds",
    )
    .argument("<file>", "a CSV file with a header row")
    .requiredOption(
      "--qi <columns>",
      "quasi-identifier columns, comma-separated, e.g. age,zip,sex",
      columnList,
    )
    .requiredOption(
      "--k <k>",
      "the k to reach: every record shares its quasi-identifiers with k-1 others",
      wholeNumber(1, "k"),
    )
    .option("--sensitive <column>", "a sensitive column to measure distinct l-diversity on")
    .option("--l <l>", "the l to check (needs --sensitive)", wholeNumber(1, "l"))
    .option("--out <file>", "write the Mondrian-generalised, k-anonymous table to FILE (CSV)")
    .option(
      "--categorical <columns>",
      "quasi-identifiers to treat as categories even if numeric (e.g. zip codes)",
      columnList,
    )
    .option(
      "--hierarchy <column=file>",
      "a generalisation hierarchy for a categorical QI, repeatable; one line per value: value;parent;...;root",
      hierarchyFlag,
      {},
    )
    .option("--evidence <file>", "also write a privacy evidence report to FILE")
    .action(async (file: string, options: KanonFlags, command: Command) => {
      if (options.l !== undefined && options.sensitive === undefined) {
        throw new UsageError(
          "--l needs --sensitive COLUMN, the column whose values must be diverse",
        );
      }
      if (options.out !== undefined && sameFile(file, options.out)) {
        throw new UsageError(
          "--out must be another file than the input; the input would be overwritten",
        );
      }
      await checkInput(file);
      const hierarchies = await readHierarchies(options.hierarchy);
      const checkOptions = {
        quasiIdentifiers: options.qi,
        k: options.k,
        ...(options.sensitive === undefined ? {} : { sensitive: options.sensitive }),
        ...(options.l === undefined ? {} : { l: options.l }),
      };
      interface Outcome {
        readonly table: Table;
        readonly before: KAnonymityReport;
        readonly generalized?: {
          readonly out: string;
          readonly result: MondrianResult;
          readonly after: KAnonymityReport;
        };
      }
      const outcome = await withToolkitErrors(async (): Promise<Outcome> => {
        const table: Table = await readCsvTable(createReadStream(file), file);
        const before = checkKAnonymity(table, checkOptions);
        const out = options.out;
        if (out === undefined) {
          return { table, before };
        }
        const result = mondrian(table, {
          quasiIdentifiers: options.qi,
          k: options.k,
          ...(options.categorical === undefined ? {} : { categorical: options.categorical }),
          hierarchies,
        });
        const after = checkKAnonymity(result.table, checkOptions);
        await writeAtomically(out, (tmp) =>
          writeCsv(result.table, createWriteStream(tmp, { flags: "wx" })),
        );
        return { table, before, generalized: { out, result, after } };
      });
      const g = outcome.generalized;
      const released = g?.after ?? outcome.before;
      const fields = {
        input: { file: path.basename(file), rows: outcome.table.rows.length },
        quasiIdentifiers: options.qi,
        ...(options.sensitive === undefined ? {} : { sensitive: options.sensitive }),
        requestedK: options.k,
        ...(options.l === undefined ? {} : { requestedL: options.l }),
        k: released.k,
        satisfiesK: released.satisfiesK,
        ...(released.l === undefined ? {} : { l: released.l, satisfiesL: released.satisfiesL }),
        before: outcome.before,
        ...(g === undefined
          ? {}
          : {
              anonymized: {
                output: path.basename(g.out),
                method: "mondrian-strict",
                kinds: g.result.kinds,
                classes: g.result.classes,
                informationLoss: g.result.informationLoss,
                after: g.after,
              },
            }),
      };
      if (options.evidence !== undefined) {
        const satisfied = released.satisfiesK && released.satisfiesL !== false;
        await writePrivacyEvidence(
          options.evidence,
          {
            assessment: "k-anonymity",
            // The table that would be released: the Mondrian output, or the input as it is.
            subjectFile: g?.out ?? file,
            summary: `${path.basename(g?.out ?? file)} is ${released.k}-anonymous over ${options.qi.join(", ")} (asked for ${options.k})${released.l === undefined ? "" : `, ${released.l}-diverse in ${options.sensitive ?? ""}`}.`,
            passed: satisfied,
          },
          {
            command: "privacy kanon",
            ...fields,
            input: { ...fields.input, sha256: await fileSha256(file) },
            ...(g === undefined ? {} : { outputSha256: await fileSha256(g.out) }),
          },
        );
      }
      const human = kLines(file, outcome.before);
      if (g !== undefined) {
        const loss = g.result.informationLoss;
        human.push(
          ...kLines(`${g.out} (Mondrian)`, g.after),
          `  information loss: NCP ${loss.ncp.toFixed(4)} (${Object.entries(
            loss.ncpByQuasiIdentifier,
          )
            .map(([q, v]) => `${q} ${v.toFixed(4)}`)
            .join(
              ", ",
            )}), discernibility ${loss.discernibility}, normalised average class size ${loss.normalizedAverageClassSize.toFixed(3)}`,
        );
      }
      printResult(command, human, fields);
    });
}
