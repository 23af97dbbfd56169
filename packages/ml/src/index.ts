export { createRng, shuffled, type Rng } from "./random/seeded.js";
export * from "./evidence/index.js";
