import { HubClient } from "./hub-client.js";

/** A failure the user caused or the hub refused: exit 1 with `error: <message> (<code>)`. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "CliFailure";
  }
}

/** A malformed command line (bad NS/NAME, bad flag value): exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Where the settings of this run came from, resolved once in main.ts. */
export interface CliSettings {
  readonly hub: string;
  readonly token: string | undefined;
  /** Where the token came from; `login` only stores one given to it. */
  readonly tokenSource: "flag" | "env" | "stored" | "none";
  readonly json: boolean;
  /** The file `gatehouse login` writes. */
  readonly configFile: string;
}

/** What every command gets: its settings, a client for the hub, and output helpers. */
export interface CliContext {
  readonly settings: CliSettings;
  readonly client: HubClient;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  /** Prints `human` (lines) normally, or `json` as JSON with `--json`. */
  print(human: string | readonly string[], json: unknown): void;
  /** A note for people on stderr; silent with `--json`. */
  note(message: string): void;
}

/** Builds the context of one run. */
export function createContext(
  settings: CliSettings,
  stdout: NodeJS.WriteStream,
  stderr: NodeJS.WriteStream,
): CliContext {
  return {
    settings,
    client: new HubClient(settings.hub, settings.token),
    stdout,
    stderr,
    print(human, json) {
      if (settings.json) {
        stdout.write(`${JSON.stringify(json, null, 2)}\n`);
        return;
      }
      const lines = typeof human === "string" ? [human] : human;
      if (lines.length > 0) {
        stdout.write(`${lines.join("\n")}\n`);
      }
    },
    note(message) {
      if (!settings.json) {
        stderr.write(`${message}\n`);
      }
    },
  };
}

/** A model reference `namespace/name`, optionally with `@version`. */
export interface ModelRef {
  readonly namespace: string;
  readonly name: string;
  readonly version?: string;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Parses `NS/NAME` (or `NS/NAME@V` when `allowVersion`); a malformed one is a
 * usage error. The hub applies the full name rules; this only catches typos early.
 */
export function parseModelRef(text: string, allowVersion = false): ModelRef {
  let id = text;
  let version: string | undefined;
  const at = text.indexOf("@");
  if (at >= 0) {
    if (!allowVersion) {
      throw new UsageError(`"${text}" should be NAMESPACE/NAME without a version`);
    }
    id = text.slice(0, at);
    version = text.slice(at + 1);
    if (version === "") {
      throw new UsageError(
        `"${text}" has an empty version after '@'; write NAMESPACE/NAME@VERSION`,
      );
    }
  }
  const parts = id.split("/");
  const [namespace, name] = parts;
  if (
    parts.length !== 2 ||
    namespace === undefined ||
    name === undefined ||
    !SEGMENT.test(namespace) ||
    !SEGMENT.test(name)
  ) {
    throw new UsageError(
      `"${text}" is not a model name; write NAMESPACE/NAME${allowVersion ? "[@VERSION]" : ""}, e.g. acme/bert-small`,
    );
  }
  return version === undefined ? { namespace, name } : { namespace, name, version };
}

/** The API path of a model, each part encoded. */
export function modelPath(ref: ModelRef): string {
  return `/api/models/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(ref.name)}`;
}
