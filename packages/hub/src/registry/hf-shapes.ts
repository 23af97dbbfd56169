import { createHash } from "node:crypto";
import type { ManifestEntry } from "./commit-id.js";
import { lfsPointerOid } from "./commit-id.js";
import type { CommitRecord } from "./list-commits.js";
import { PERMISSIONS, seenAs } from "../auth/index.js";
import type { Stage } from "../stages/index.js";
import type { RegistryCaches } from "./caches.js";
import { hubGatedValue, readGate } from "./gate-config.js";
import { LICENCE_TAG } from "./filter-models.js";
import type { ModelListing } from "./list-models.js";
import type { ModelRecord, VersionAccess } from "./load-model.js";
import type { CardData } from "./model-card.js";
import type { ModelAction } from "./model-permissions.js";
import type { ResolvedVersion, VersionRecord } from "./versions.js";

/** A file entry as the Hugging Face tree and paths-info endpoints give it; every file is LFS-style. */
export function treeFileJson(file: ManifestEntry) {
  const pointer = lfsPointerOid(file.sha256, file.size);
  return {
    type: "file" as const,
    oid: pointer.oid,
    size: file.size,
    path: file.path,
    lfs: { oid: file.sha256, size: file.size, pointerSize: pointer.pointerSize },
  };
}

/** A directory entry; with no git tree behind it, its oid digests the version and the path. */
export function treeDirectoryJson(dirPath: string, version: VersionRecord) {
  const oid = createHash("sha1").update(`${version.commitId}\0${dirPath}`).digest("hex");
  return { type: "directory" as const, oid, size: 0, path: dirPath };
}

function asStrings(value: unknown): string[] {
  if (typeof value === "string") {
    return [value];
  }
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function siblingJson(file: ManifestEntry) {
  const tree = treeFileJson(file);
  return {
    rfilename: file.path,
    size: file.size,
    blobId: tree.oid,
    lfs: { sha256: file.sha256, size: file.size, pointerSize: tree.lfs.pointerSize },
  };
}

/**
 * What the Hugging Face Hub derives from a card for model info and the model
 * list: its tags, with a `license:<id>` tag for each licence as the Hub adds
 * them, and its pipeline tag and library.
 */
function cardInfo(card: CardData) {
  const pipelineTag = typeof card.pipeline_tag === "string" ? card.pipeline_tag : undefined;
  const libraryName = typeof card.library_name === "string" ? card.library_name : undefined;
  return {
    tags: [...asStrings(card.tags), ...asStrings(card.license).map((l) => `${LICENCE_TAG}${l}`)],
    ...(pipelineTag === undefined ? {} : { pipeline_tag: pipelineTag }),
    ...(libraryName === undefined ? {} : { library_name: libraryName }),
  };
}

/** The licence a card declares, as written; several, as the Hub allows, joined by AND as they all apply. */
export function declaredLicence(card: CardData | null): string | null {
  const licences = asStrings(card?.license);
  return licences.length === 0 ? null : licences.join(" AND ");
}

/** What model info takes from a version: its card's fields and its files. */
function versionInfo(version: VersionRecord | null) {
  const card = version?.card ?? {};
  return {
    ...cardInfo(card),
    cardData: card,
    siblings: (version?.files ?? []).map(siblingJson),
    usedStorage: (version?.files ?? []).reduce((n, f) => n + f.size, 0),
  };
}

function versionInfoMembers(caches: RegistryCaches, version: VersionRecord | null): string {
  if (version === null) {
    return JSON.stringify(versionInfo(null)).slice(1, -1);
  }
  let members = caches.versionInfo.get(version);
  if (members === undefined) {
    members = JSON.stringify(versionInfo(version)).slice(1, -1);
    caches.versionInfo.set(version, members);
  }
  return members;
}

/** Whether anyone at all, signed in or not, sees a version at `stage`: the Hub's `private: false`. */
export function isPublicStage(stage: Stage, withdrawnFrom: Stage | null = null): boolean {
  return PERMISSIONS["version.see"].allow[seenAs(stage, withdrawnFrom)].includes("anonymous");
}

/**
 * A model's download figures in the Hugging Face shape: `downloads` over the
 * last 30 days, and `downloadsAllTime` when the caller asks for it with
 * `expand=downloadsAllTime` (huggingface_hub reads it into
 * `ModelInfo.downloads_all_time`).
 */
export interface DownloadFigures {
  readonly downloads: number;
  readonly downloadsAllTime?: number;
}

/** The figures of `counted` (none counted: zero) as the caller's `expand` asks for them. */
export function downloadFigures(
  counted: { recent: number; allTime: number } | undefined,
  expand: readonly string[] | undefined,
): DownloadFigures {
  return {
    downloads: counted?.recent ?? 0,
    ...(expand?.includes("downloadsAllTime") === true
      ? { downloadsAllTime: counted?.allTime ?? 0 }
      : {}),
  };
}

/**
 * `GET /api/models/{id}` in the Hugging Face shape, as JSON text, with
 * Gatehouse's own fields under `gatehouse`. `resolved` is the revision asked
 * for, or null for a model with no published version the caller sees;
 * `permissions`, what the caller may do to the model. The
 * version's part is serialised once and kept; the download figures change
 * with every download, so they are given afresh for each answer.
 */
export function modelInfoText(
  caches: RegistryCaches,
  model: ModelRecord,
  resolved: ResolvedVersion | null,
  figures: DownloadFigures,
  permissions: readonly ModelAction[],
): string {
  const version = resolved?.version ?? null;
  const stage = resolved?.access.stage ?? null;
  const head = JSON.stringify({
    _id: model.id,
    id: model.fullName,
    modelId: model.fullName,
    author: model.namespace.name,
    ...(version === null ? {} : { sha: version.commitId }),
    // Not models.updated_at: it also moves when a version the caller may not see is published.
    lastModified: version?.publishedAt ?? model.createdAt,
    createdAt: model.createdAt,
    private: !isPublicStage(stage ?? model.initialStage, resolved?.access.withdrawnFrom ?? null),
    gated: stage === "gated" && version !== null ? hubGatedValue(readGate(version.card)) : false,
    disabled: stage === "withdrawn",
    ...figures,
    likes: 0,
  });
  const gatehouse = JSON.stringify({
    stage,
    initialStage: model.initialStage,
    version: version?.name ?? null,
    permissions,
  });
  return `${head.slice(0, -1)},${versionInfoMembers(caches, version)},"gatehouse":${gatehouse}}`;
}

/**
 * A model as an entry of `GET /api/models`, in the Hugging Face shape
 * (huggingface_hub's ModelInfo and @huggingface/hub's listModels read it),
 * with what the version `main` means for the caller gives: its tags, pipeline
 * tag and library, its card with `cardData`, and under `gatehouse` its stage,
 * tier in force, licence, name and publication time.
 */
export function modelListJson(model: ModelListing, figures: DownloadFigures, withCard: boolean) {
  const version = model.version;
  const card = version?.card ?? {};
  const stage = version?.stage ?? null;
  const id = `${model.namespace}/${model.name}`;
  return {
    _id: model.id,
    id,
    modelId: id,
    author: model.namespace,
    private: !isPublicStage(stage ?? model.initialStage),
    gated: stage === "gated" ? hubGatedValue(readGate(card)) : false,
    ...figures,
    likes: 0,
    ...cardInfo(card),
    createdAt: model.createdAt,
    lastModified: version?.publishedAt ?? model.createdAt,
    ...(version === null ? {} : { sha: version.commitId }),
    ...(withCard ? { cardData: card } : {}),
    gatehouse: {
      stage,
      initialStage: model.initialStage,
      version: version?.name ?? null,
      riskTier: version?.riskTier ?? null,
      license: version === null ? null : declaredLicence(card),
      updatedAt: version?.publishedAt ?? null,
    },
  };
}

/** A version as Gatehouse's own API gives it; `access` null for a draft. */
export function versionJson(
  model: ModelRecord,
  version: VersionRecord,
  access: VersionAccess | null,
) {
  if (access?.stage === "withdrawn") {
    // A tombstone: what was withdrawn, when and why; nothing of its content.
    return {
      model: model.fullName,
      name: version.name,
      state: version.state,
      stage: access.stage,
      withdrawnAt: access.since,
      reason: access.reason,
    };
  }
  return {
    model: model.fullName,
    name: version.name,
    state: version.state,
    stage: access?.stage ?? null,
    sha: version.commitId,
    createdAt: version.createdAt,
    publishedAt: version.publishedAt,
    card: version.card,
    files: version.files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })),
  };
}

/** The title a version carries wherever a Hugging Face client expects a commit. */
export const commitTitle = (version: Pick<VersionRecord, "name">): string =>
  `Version ${version.name}`;

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

/**
 * A version as an entry of `GET /api/models/{id}/commits/{rev}`, in the shape
 * huggingface_hub's list_repo_commits reads into GitCommitInfo (hf_api.py:
 * `id`, `authors[].user`, `date`, `title`, `message`, and `formatted` when
 * asked for with `expand[]=formatted`). A version has no commit message of
 * its own, so `message` is empty; the Hub's `avatar` is left out, as
 * Gatehouse keeps none.
 */
export function commitJson(commit: CommitRecord, formatted: boolean) {
  const { version, publisher } = commit;
  const title = commitTitle(version);
  const message = "";
  return {
    id: version.commitId,
    title,
    message,
    authors: publisher === null ? [] : [{ user: publisher }],
    date: version.publishedAt ?? version.createdAt,
    ...(formatted ? { formatted: { title: escapeHtml(title), message: escapeHtml(message) } } : {}),
  };
}
