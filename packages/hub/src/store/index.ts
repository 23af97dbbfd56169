export { openStore, type Db, type Store } from "./open-store.js";
export type * from "./schema.js";
export { newId } from "./ids.js";
export { prepareQuery } from "./prepared-query.js";
export { BoundedMap } from "./bounded-map.js";
export { SizedLru, type SizedLruLimits } from "./sized-lru.js";
export { isUniqueViolation } from "./unique-violation.js";
