import type { ServeConfig } from "../config.js";
import { prepareQuery, type Db } from "../store/index.js";
import type { BatchSettings } from "./worker-pool.js";
import type { ModelSignature } from "./tensor-types.js";

/** An OpenAI-compatible engine that runs a served version: its base URL and its name for the model. */
export interface Upstream {
  /** The base URL the engine's routes hang from, such as `http://10.0.0.5:8000/v1`. */
  readonly url: string;
  readonly model: string;
}

/** A served version as stored: what enabling fixed, and by whom. */
export interface ServedVersion {
  readonly versionId: string;
  readonly modelId: string;
  readonly versionName: string;
  /** `namespace/name` of the model. */
  readonly model: string;
  readonly namespace: string;
  readonly name: string;
  readonly workers: number;
  /** Rows one batched run may take; null: the hub's default. */
  readonly maxBatch: number | null;
  /** How long a partial batch may wait, in µs; null: the hub's default. */
  readonly maxDelayUs: number | null;
  /** The content of its `model.onnx`; null for a version an upstream engine runs. */
  readonly sha256: string | null;
  readonly signature: ModelSignature;
  /** The engine that runs it, when it is not the hub (enableServing's `upstream`). */
  readonly upstream: Upstream | null;
  /** The enabling user's name, or null once erased. */
  readonly enabledBy: string | null;
  readonly enabledAt: string;
}

const served = (db: Db) =>
  db
    .selectFrom("served_versions as s")
    .innerJoin("versions as v", "v.id", "s.version_id")
    .innerJoin("models as m", "m.id", "s.model_id")
    .innerJoin("namespaces as n", "n.id", "m.namespace_id")
    .leftJoin("version_files as f", (join) =>
      join.onRef("f.version_id", "=", "s.version_id").on("f.path", "=", "model.onnx"),
    )
    .leftJoin("namespaces as u", "u.id", "s.enabled_by")
    .select([
      "s.version_id",
      "s.model_id",
      "s.workers",
      "s.max_batch",
      "s.max_delay_us",
      "s.signature",
      "s.enabled_at",
      "s.upstream_url",
      "s.upstream_model",
      "f.sha256",
      "v.name as version_name",
      "m.name as model_name",
      "n.name as namespace_name",
      "u.name as enabled_by",
    ]);

type Row = Awaited<ReturnType<ReturnType<typeof served>["execute"]>>[number];

/**
 * Each kept row's ServedVersion, made once: kept reads answer the same frozen
 * row until the store changes, and parsing its signature on every call cost
 * more than the read. Entries go with their rows.
 */
const madeFrom = new WeakMap<Row, ServedVersion>();

function toServed(row: Row): ServedVersion {
  const made = madeFrom.get(row);
  if (made !== undefined) {
    return made;
  }
  const version = makeServed(row);
  madeFrom.set(row, version);
  return version;
}

function makeServed(row: Row): ServedVersion {
  return {
    versionId: row.version_id,
    modelId: row.model_id,
    versionName: row.version_name,
    model: `${row.namespace_name}/${row.model_name}`,
    namespace: row.namespace_name,
    name: row.model_name,
    workers: row.workers,
    maxBatch: row.max_batch,
    maxDelayUs: row.max_delay_us,
    sha256: row.sha256,
    signature: JSON.parse(row.signature) as ModelSignature,
    upstream:
      row.upstream_url === null || row.upstream_model === null
        ? null
        : { url: row.upstream_url, model: row.upstream_model },
    enabledBy: row.enabled_by,
    enabledAt: row.enabled_at,
  };
}

// Read on every call: prepared once, so a call pays for the database's work only.
const servedById = prepareQuery(["versionId"], (db, p) =>
  served(db).where("s.version_id", "=", p("versionId")),
);
const servedByModel = prepareQuery(["modelId"], (db, p) =>
  served(db)
    .where("s.model_id", "=", p("modelId"))
    .orderBy("v.published_at", "desc")
    .orderBy("v.id", "desc"),
);

/** The served version with this id, or undefined when it is not served. */
export async function findServed(db: Db, versionId: string): Promise<ServedVersion | undefined> {
  const [row] = await servedById(db, { versionId });
  return row === undefined ? undefined : toServed(row);
}

/** A model's served versions, newest published first. */
export async function servedOfModel(db: Db, modelId: string): Promise<ServedVersion[]> {
  return (await servedByModel(db, { modelId })).map(toServed);
}

/** Every served version of the hub, by model and version name. */
export async function allServed(db: Db): Promise<ServedVersion[]> {
  const rows = await served(db)
    .orderBy("n.name_key")
    .orderBy("m.name_key")
    .orderBy("v.name")
    .execute();
  return rows.map(toServed);
}

/** A served version's batching: its own settings, or the hub's defaults where it has none. */
export function batchingOf(config: ServeConfig, served: ServedVersion): BatchSettings {
  return {
    maxBatch: served.maxBatch ?? config.maxBatch,
    maxDelayUs: served.maxDelayUs ?? config.maxDelayUs,
  };
}
