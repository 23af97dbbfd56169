import { BoundedMap } from "../store/index.js";
import type { VersionRecord } from "./versions.js";

/** Published versions kept in memory; at most this many. */
const VERSION_CACHE_SIZE = 1000;

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
}

export function newRegistryCaches(): RegistryCaches {
  return { versions: new BoundedMap(VERSION_CACHE_SIZE), versionInfo: new WeakMap() };
}
