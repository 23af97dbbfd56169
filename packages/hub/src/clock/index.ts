export { systemClock, type Clock } from "./clock.js";
export { runPeriodically } from "./run-periodically.js";
