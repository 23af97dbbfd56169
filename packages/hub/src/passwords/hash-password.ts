import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** scrypt's cost parameters: CPU/memory cost N (a power of two), block size r, parallelism p. */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * The cost of every new hash: N = 2^17, r = 8, p = 1, the first of OWASP's
 * Password Storage Cheat Sheet choices for scrypt. One hash takes 128 MiB
 * (128·N·r bytes) and about half a second of one core, which is what makes
 * guessing slow; a stored hash names its own parameters, so these may rise
 * later while older hashes keep verifying with theirs.
 */
export const SCRYPT_PARAMS: ScryptParams = Object.freeze({ N: 131_072, r: 8, p: 1 });

/** 128 random bits of salt make every hash unique, as RFC 7914 and NIST SP 800-132 ask. */
const SALT_BYTES = 16;
/** 256 bits of derived key. */
const KEY_BYTES = 32;

/** What a stored hash may ask for, so that a damaged or hostile row cannot make the hub allocate without bound. */
const LIMITS = { maxN: 2 ** 20, maxR: 32, maxP: 16, minSalt: 8, minKey: 16, maxKey: 64 };

const BASE64 = "[A-Za-z0-9+/]+={0,2}";
const STORED = new RegExp(
  `^scrypt\\$N=(\\d{1,8}),r=(\\d{1,3}),p=(\\d{1,3})\\$(${BASE64})\\$(${BASE64})$`,
);

/**
 * The memory scrypt needs for `params`, 128·r·(N + p + 2) bytes in OpenSSL's
 * count, and 1 MiB more: Node refuses anything above `maxmem`, whose default
 * (32 MiB) is too small for N = 2^17.
 */
function maxmemFor(params: ScryptParams): number {
  return 128 * params.r * (params.N + params.p + 2) + 1024 * 1024;
}

function derive(
  password: string,
  salt: Buffer,
  keyBytes: number,
  params: ScryptParams,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Normalised so that the same password typed on another system, composed differently, still matches.
    scrypt(
      password.normalize("NFC"),
      salt,
      keyBytes,
      { ...params, maxmem: maxmemFor(params) },
      (err, key) => {
        if (err === null) {
          resolve(key);
        } else {
          reject(err);
        }
      },
    );
  });
}

/**
 * A new hash of `password` with a fresh salt, as a string that names its
 * algorithm and parameters.
 *
 * @example await hashPassword("correct horse battery staple") // "scrypt$N=131072,r=8,p=1$<salt>$<key>"
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return `scrypt$N=${N},r=${r},p=${p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

interface StoredHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parseStored(stored: string): StoredHash | null {
  const match = STORED.exec(stored);
  if (match === null) {
    return null;
  }
  const [, n, r, p, salt, key] = match;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const saltBytes = Buffer.from(salt ?? "", "base64");
  const keyBytes = Buffer.from(key ?? "", "base64");
  const powerOfTwo = params.N > 1 && (params.N & (params.N - 1)) === 0;
  if (
    !powerOfTwo ||
    params.N > LIMITS.maxN ||
    params.r < 1 ||
    params.r > LIMITS.maxR ||
    params.p < 1 ||
    params.p > LIMITS.maxP ||
    saltBytes.length < LIMITS.minSalt ||
    keyBytes.length < LIMITS.minKey ||
    keyBytes.length > LIMITS.maxKey
  ) {
    return null;
  }
  return { params, salt: saltBytes, key: keyBytes };
}

/** Stands in for a missing hash: the work is the same, the answer always no. */
const NO_SALT = Buffer.alloc(SALT_BYTES);

/**
 * Whether `password` matches the stored hash. Without one (an unknown user, a
 * user with no password, a row that does not parse) it still derives a key
 * with the current parameters before answering false, so the time taken does
 * not tell whether the user exists.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parsed = stored === null ? null : parseStored(stored);
  if (parsed === null) {
    await derive(password, NO_SALT, KEY_BYTES, SCRYPT_PARAMS);
    return false;
  }
  const key = await derive(password, parsed.salt, parsed.key.length, parsed.params);
  return timingSafeEqual(key, parsed.key);
}

/** A new random password for the first administrator: 144 bits, 24 characters of base64url. */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}
