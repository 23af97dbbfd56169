// PII scan throughput: the toolkit's scanner against one plain regular expression over the same text.
import { loadMl } from "./lib/load-ml.mjs";
import { median } from "./lib/report.mjs";

const SIZE = 100_000_000;
/** What one read of a file stream gives, as fs.createReadStream does by default. */
const READ = 64 * 1024;

// What a quick regex-only pass would look for: the same types, no checksums, no context.
const PLAIN =
  /[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\d[\d ().-]{7,}\d|\b\d{17}[\dXx]\b|\b(?:\d[ -]?){12,18}\d\b|\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b|\b(?:\d{1,3}\.){3}\d{1,3}\b|\b[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}|::[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6}|\b\d{3}-\d{2}-\d{4}\b/g;

/** The text cut as the CLI reads a file: reads of 64 KiB, re-cut at line breaks by the toolkit. */
async function pieces(lineAlignedChunks, text) {
  function* reads() {
    for (let at = 0; at < text.length; at += READ) {
      yield text.slice(at, at + READ);
    }
  }
  const out = [];
  for await (const piece of lineAlignedChunks(reads())) {
    out.push(piece);
  }
  return out;
}

function scanAll(scanText, parts) {
  let n = 0;
  for (const p of parts) {
    n += scanText(p).length;
  }
  return n;
}

function plainAll(parts) {
  let n = 0;
  for (const p of parts) {
    for (const match of p.matchAll(PLAIN)) {
      n += match.length > 0 ? 1 : 0;
    }
  }
  return n;
}

function timed(fn) {
  const started = process.hrtime.bigint();
  const result = fn();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, result };
}

/**
 * Generates ~100 MB of text with personal data and look-alikes (the seeded
 * corpus of the PII tests), then times `scanText` of the built @gatehouse/ml on
 * every piece against `matchAll` of one alternation of simple patterns. Runs
 * alternate which goes first; medians are compared.
 */
export async function benchPiiScan({ log, runs = 3, size = SIZE }) {
  const { generatePiiCorpus, lineAlignedChunks, scanText } = await loadMl();
  const started = Date.now();
  const corpus = generatePiiCorpus({ seed: 5, length: size });
  const bytes = Buffer.byteLength(corpus.text, "utf8");
  const planted = corpus.spans.length;
  const parts = await pieces(lineAlignedChunks, corpus.text);
  log(
    `pii-scan: generated ${(bytes / 1e6).toFixed(1)} MB with ${planted} planted values and ` +
      `${corpus.negatives.length} look-alikes in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const scanner = () => scanAll(scanText, parts);
  const plain = () => plainAll(parts);
  // One untimed pass of each on a slice, so both are measured with a warm JIT.
  scanAll(scanText, parts.slice(0, 2));
  plainAll(parts.slice(0, 2));
  const mine = [];
  const base = [];
  let found = 0;
  let matched = 0;
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? [true, false] : [false, true];
    for (const isScanner of order) {
      const t = timed(isScanner ? scanner : plain);
      if (isScanner) {
        mine.push(bytes / 1e6 / t.seconds);
        found = t.result;
      } else {
        base.push(bytes / 1e6 / t.seconds);
        matched = t.result;
      }
      log(
        `pii-scan run ${run + 1}: ${isScanner ? "scanner" : "plain regex"} ${t.seconds.toFixed(2)} s`,
      );
    }
  }
  const m = median(mine);
  const b = median(base);
  log(
    `pii-scan: scanner ${m.toFixed(1)} MB/s (${found} findings), plain regex ${b.toFixed(1)} MB/s (${matched} matches)`,
  );
  return {
    rows: [
      {
        figure: `PII scan of ${(bytes / 1e6).toFixed(0)} MB of text, throughput`,
        hub: m,
        baseline: b,
        unit: "MB/s",
        ratio: m / b,
        target: "report",
        pass: null,
      },
      {
        figure: `PII scan findings (${planted} planted), scanner vs plain regex matches`,
        hub: found,
        baseline: matched,
        unit: "",
        ratio: found / matched,
        target: "-",
        pass: null,
      },
    ],
  };
}
