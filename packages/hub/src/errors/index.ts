export { HubError, HF_ERROR_CODES, httpStatusOf, type ErrorCode } from "./hub-error.js";
