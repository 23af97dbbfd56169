export { ServingPools } from "./serving-pools.js";
