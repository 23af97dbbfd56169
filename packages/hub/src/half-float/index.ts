export { halfToNumber, numberToHalf } from "./half-float.js";
