import type { FastifyReply, FastifyRequest } from "fastify";
import { HubError } from "../errors/index.js";
import { addressKey } from "../limits/index.js";
import { asciiLower } from "../names/index.js";
import { addressLimited, rateLimited, type AuthLimits } from "./auth-hook.js";

/**
 * Runs `attempt`, a check of a password typed for `username`, within the
 * limits on failed sign-ins. Unlike a token, a password can be guessed, so an
 * address or user name over its limit is refused 429 before the password is
 * even checked: a right guess must look no different from a wrong one while
 * the limit holds. A wrong password (INVALID_CREDENTIALS, WRONG_PASSWORD)
 * counts against the client address, shared with bad tokens, and against the
 * user name, lower-cased, whether or not such a user exists.
 */
export async function withPasswordLimits<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  limits: AuthLimits,
  username: string,
  attempt: () => Promise<T>,
): Promise<T> {
  const address = addressKey(request.ip);
  const name = asciiLower(username);
  const nameLimited = (wait: number): HubError =>
    rateLimited(
      reply,
      wait,
      `too many failed sign-ins for the user name "${username}"; try again in ${wait} s`,
    );
  const [addressWait, nameWait] = await Promise.all([
    limits.addresses.blockedFor(address),
    limits.usernames.blockedFor(name),
  ]);
  if (addressWait > 0) {
    throw addressLimited(reply, addressWait);
  }
  if (nameWait > 0) {
    await limits.addresses.recordFailure(address);
    throw nameLimited(nameWait);
  }
  try {
    return await attempt();
  } catch (err) {
    if (
      !(err instanceof HubError) ||
      (err.code !== "INVALID_CREDENTIALS" && err.code !== "WRONG_PASSWORD")
    ) {
      throw err;
    }
    const [addressAfter, nameAfter] = await Promise.all([
      limits.addresses.recordFailure(address),
      limits.usernames.recordFailure(name),
    ]);
    if (addressAfter > 0) {
      throw addressLimited(reply, addressAfter);
    }
    if (nameAfter > 0) {
      throw nameLimited(nameAfter);
    }
    throw err;
  }
}
