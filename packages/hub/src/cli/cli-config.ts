import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** What `gatehouse login` keeps: the hub and the token that was verified against it. */
export interface StoredLogin {
  readonly hub: string;
  readonly token: string;
}

/**
 * The config file: `$XDG_CONFIG_HOME/gatehouse/config.json`, else
 * `~/.config/gatehouse/config.json`. The caller passes the environment values.
 */
export function configFilePath(xdgConfigHome: string | undefined, home: string): string {
  const base =
    xdgConfigHome !== undefined && path.isAbsolute(xdgConfigHome)
      ? xdgConfigHome
      : path.join(home, ".config");
  return path.join(base, "gatehouse", "config.json");
}

/** The stored login, or undefined when there is none (or the file is not one this CLI wrote). */
export async function readStoredLogin(file: string): Promise<StoredLogin | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      return undefined;
    }
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<StoredLogin>;
    if (typeof parsed.hub === "string" && typeof parsed.token === "string") {
      return { hub: parsed.hub, token: parsed.token };
    }
  } catch {
    // A damaged file is treated as no login; `gatehouse login` rewrites it.
  }
  return undefined;
}

/**
 * Writes the login with mode 0600 (the token is a secret), through a temporary
 * file and a rename so a crash never leaves half a file.
 */
export async function writeStoredLogin(file: string, login: StoredLogin): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    // The umask may have narrowed the mode further but never widened it; set it exactly.
    await chmod(temp, 0o600);
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
