import { createReadStream } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse";
import { DataError, readCsv } from "../../data/index.js";
import { fileSha256 } from "../../evidence/index.js";
import type { FileDataset, Task } from "../../data/index.js";
import { MembershipAuditError } from "./membership-audit-error.js";

/** A file named by its content. */
export interface FileFingerprint {
  /** The file's base name. */
  readonly file: string;
  /** SHA-256 (hex) of its bytes. */
  readonly sha256: string;
}

/** Where {@link readAuditSplit} reads the two sets from. */
export interface ReadAuditSplitOptions {
  /** CSV file (with a header row) of rows the model was trained on. */
  readonly members: string;
  /** CSV file of rows it was not trained on, with the same columns. */
  readonly nonMembers: string;
  /** The label column. */
  readonly target: string;
  readonly task: Task;
  /** Feature columns in the model's order; default every column but the target, in the members file's order. */
  readonly features?: readonly string[] | undefined;
}

/** The two sets of an audit, read and fingerprinted. */
export interface AuditSplit {
  readonly members: FileDataset;
  readonly nonMembers: FileDataset;
  readonly membersFile: FileFingerprint;
  readonly nonMembersFile: FileFingerprint;
}

/** SHA-256 of a file's bytes, streamed. */
export async function fileFingerprint(file: string): Promise<FileFingerprint> {
  return { file: path.basename(file), sha256: await fileSha256(file) };
}

async function readHeader(file: string, role: string): Promise<string[]> {
  const input = createReadStream(file);
  const parser = input.pipe(parse({ bom: true, to_line: 1, skip_empty_lines: true }));
  input.on("error", (error) => parser.destroy(error));
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      input.destroy();
      return record.map((h) => h.trim());
    }
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") {
      throw new MembershipAuditError(`${role} file ${file}: no such file`);
    }
    throw new MembershipAuditError(
      `${role} file ${file} is not readable CSV: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  throw new MembershipAuditError(
    `${role} file ${file} is empty: expected a header row and data rows`,
  );
}

const listed = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(", ");

async function readSet(
  file: string,
  role: string,
  options: ReadAuditSplitOptions,
  features: readonly string[],
): Promise<FileDataset> {
  try {
    return await readCsv(file, { target: options.target, task: options.task, features });
  } catch (error) {
    if (error instanceof DataError) {
      throw new MembershipAuditError(`${role} file ${file}: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Reads the members and non-members CSV files of an audit. Before reading any row it
 * checks that both files have the same columns (naming those that differ), that the
 * label column is there, and that every feature the model reads is there; columns may
 * come in a different order in the two files.
 */
export async function readAuditSplit(options: ReadAuditSplitOptions): Promise<AuditSplit> {
  const membersHeader = await readHeader(options.members, "members");
  const nonMembersHeader = await readHeader(options.nonMembers, "non-members");
  const onlyMembers = membersHeader.filter((c) => !nonMembersHeader.includes(c));
  const onlyNonMembers = nonMembersHeader.filter((c) => !membersHeader.includes(c));
  if (onlyMembers.length > 0 || onlyNonMembers.length > 0) {
    const parts = [
      onlyMembers.length > 0
        ? `only in ${path.basename(options.members)}: ${listed(onlyMembers)}`
        : "",
      onlyNonMembers.length > 0
        ? `only in ${path.basename(options.nonMembers)}: ${listed(onlyNonMembers)}`
        : "",
    ].filter((p) => p !== "");
    throw new MembershipAuditError(
      `the members file and the non-members file have different columns (${parts.join("; ")}); both must have the model's features and the label column`,
    );
  }
  if (!membersHeader.includes(options.target)) {
    throw new MembershipAuditError(
      `no label column "${options.target}" in ${path.basename(options.members)} or ${path.basename(options.nonMembers)}; their columns are ${listed(membersHeader)}`,
    );
  }
  const features = options.features ?? membersHeader.filter((c) => c !== options.target);
  const missing = features.filter((c) => !membersHeader.includes(c));
  if (missing.length > 0) {
    throw new MembershipAuditError(
      `the model reads the columns ${listed(features)}; ${path.basename(options.members)} lacks ${listed(missing)}`,
    );
  }
  if (features.includes(options.target)) {
    throw new MembershipAuditError(
      `the label column "${options.target}" is one of the model's features; give the column the model predicts`,
    );
  }
  const members = await readSet(options.members, "members", options, features);
  const nonMembers = await readSet(options.nonMembers, "non-members", options, features);
  return {
    members,
    nonMembers,
    membersFile: await fileFingerprint(options.members),
    nonMembersFile: await fileFingerprint(options.nonMembers),
  };
}
