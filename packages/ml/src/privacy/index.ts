export * from "./mechanisms/index.js";
export * from "./accounting/index.js";
export * from "./pii/index.js";
export * from "./kanon/index.js";
export * from "./audit/index.js";
export * from "./dpsgd/index.js";
export * from "./ledger/index.js";
