export { signDownloadUrl, type SignedFile, type SignedUrl } from "./sign-url.js";
export {
  hasSignedUrlParameters,
  verifySignedUrl,
  type SignedUrlQuery,
  type SignedUrlUse,
} from "./verify-url.js";
export { SIGNED_URL_PARAMETERS } from "./url-signature.js";
