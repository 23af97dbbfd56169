export {
  SCRYPT_PARAMS,
  generatePassword,
  hashPassword,
  verifyPassword,
  type ScryptParams,
} from "./hash-password.js";
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from "./password-rules.js";
