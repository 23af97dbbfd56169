import { BoundedMap, SizedLru } from "../store/index.js";
import type { VersionRecord } from "./versions.js";

/** Published versions kept in memory; at most this many. */
const VERSION_CACHE_SIZE = 1000;

/**
 * Model cards' Markdown kept in memory: at most this many, and this many
 * UTF-16 code units in all (8 MiB), so a few cards near MAX_CARD_BYTES
 * cannot pin much memory.
 */
const CARD_CACHE = { maxEntries: 256, maxSize: 4 * 1024 * 1024 };

/**
 * What the registry keeps in memory, per app: only the immutable parts of
 * published versions. Stages and allow-lists change, from any hub process, so
 * they are read from the store on every request and never kept here.
 */
export interface RegistryCaches {
  /** Published versions' records (files, parsed card) by id. */
  readonly versions: BoundedMap<string, VersionRecord>;
  /**
   * A published version's part of model info, serialised once: each sibling
   * costs a sha1, and serialising the siblings costs more than the rest of the
   * most asked-for route. Weak, so it goes with its record.
   */
  readonly versionInfo: WeakMap<VersionRecord, string>;
  /**
   * The Markdown of a model card (its README.md without the front matter), by
   * the README blob's sha256: a blob never changes under its hash, so a new
   * README is a new key and is read at once.
   */
  readonly cards: SizedLru<string, string>;
}

export function newRegistryCaches(): RegistryCaches {
  return {
    versions: new BoundedMap(VERSION_CACHE_SIZE),
    versionInfo: new WeakMap(),
    cards: new SizedLru(CARD_CACHE, (markdown) => markdown.length),
  };
}
