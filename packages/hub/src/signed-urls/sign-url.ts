import type { RequestOrigin } from "../audit/index.js";
import { parseDuration, type UserActor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { currentSigningKey } from "./signing-keys.js";
import { signClaims } from "./url-signature.js";

/** The published file a URL is signed for, as the caller was allowed to download it. */
export interface SignedFile {
  readonly namespace: string;
  readonly name: string;
  /** The version's commit id. */
  readonly commitId: string;
  readonly path: string;
}

/** A signed download URL: its path and query on the hub, and when it stops working. */
export interface SignedUrl {
  readonly pathAndQuery: string;
  readonly expiresAt: string;
}

const encodeSegments = (path: string): string => path.split("/").map(encodeURIComponent).join("/");

/**
 * Signs a download URL of `file` for `grantee`, who must already have been
 * allowed to download it. It lasts `expiresIn` (`90m`, `12h`, `7d`), no longer
 * than the hub's maximum and no longer than the grantee's token.
 *
 * @example await signDownloadUrl(ctx, actor, { namespace: "acme", name: "bert", commitId, path: "model.onnx" }, "1h", origin)
 */
export async function signDownloadUrl(
  ctx: HubContext,
  grantee: UserActor,
  file: SignedFile,
  expiresIn: string,
  origin: RequestOrigin,
): Promise<SignedUrl> {
  const lifetime = parseDuration(expiresIn);
  const max = ctx.config.signedUrlMaxExpiryMs;
  if (lifetime > max) {
    throw new HubError(
      "BAD_REQUEST",
      `expiresIn "${expiresIn}" is longer than this hub allows for signed URLs (${max / 3_600_000} h, GATEHOUSE_SIGNED_URL_MAX_EXPIRY)`,
    );
  }
  // Whole seconds, so that the URL states exactly the time its signature covers.
  const expires = Math.floor((ctx.clock.now().getTime() + lifetime) / 1000);
  const expiresAt = new Date(expires * 1000).toISOString();
  // A web session's end bounds nothing it makes, as with tokens (auth's boundedExpiry).
  const tokenEnds = grantee.token.session === true ? null : grantee.token.expiresAt;
  if (tokenEnds !== null && expiresAt > new Date(tokenEnds).toISOString()) {
    throw new HubError(
      "BAD_REQUEST",
      `a signed URL may not outlive the token asking for it, which expires at ${tokenEnds}; ask for a shorter expiresIn`,
    );
  }
  const key = await currentSigningKey(ctx, grantee, origin);
  const claims = {
    namespace: file.namespace,
    name: file.name,
    revision: file.commitId,
    path: file.path,
    expires,
    grantee: grantee.userId,
    keyId: key.id,
  };
  const query = new URLSearchParams({
    expires: String(expires),
    grantee: grantee.userId,
    key: key.id,
    sig: signClaims(key.secret, claims),
  });
  const repo = `${encodeURIComponent(file.namespace)}/${encodeURIComponent(file.name)}`;
  return {
    pathAndQuery: `/${repo}/resolve/${file.commitId}/${encodeSegments(file.path)}?${query.toString()}`,
    expiresAt,
  };
}
