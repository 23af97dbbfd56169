import os from "node:os";
import { Command, CommanderError } from "commander";
import { configFilePath, readStoredLogin } from "./cli-config.js";
import { registerAccessCommands } from "./commands/access.js";
import { registerAdminCommands } from "./commands/admin.js";
import { registerAuditCommands } from "./commands/audit.js";
import { registerEvalCommand } from "./commands/eval.js";
import { registerEvidenceCommands } from "./commands/evidence.js";
import { registerInferCommand } from "./commands/infer.js";
import { registerLoginCommand } from "./commands/login.js";
import { registerModelCommands } from "./commands/model.js";
import { registerOrgCommands } from "./commands/org.js";
import { registerPolicyCommands } from "./commands/policy.js";
import { registerPrivacyCommands } from "./commands/privacy.js";
import { registerPrivacyAuditCommands } from "./commands/privacy-audit.js";
import { registerPrivacyDataCommands } from "./commands/privacy-data.js";
import { registerPullCommand } from "./commands/pull.js";
import { registerPushCommand } from "./commands/push.js";
import { registerReleaseCommands } from "./commands/release.js";
import { registerServeCommands } from "./commands/serve.js";
import { registerLimitsCommands } from "./commands/limits.js";
import { registerTokenCommands } from "./commands/token.js";
import { registerTrainCommand } from "./commands/train.js";
import { registerUsageCommands } from "./commands/usage.js";
import { registerUrlCommand } from "./commands/url.js";
import { registerUserCommands } from "./commands/user.js";
import { registerWebhookCommands } from "./commands/webhook.js";
import { registerWhoamiCommand } from "./commands/whoami.js";
import { CliFailure, UsageError, createContext, type CliContext } from "./context.js";
import { HubClientError } from "./hub-client.js";

/** The hub a fresh install listens on. */
export const DEFAULT_HUB = "http://127.0.0.1:8080";

/** The environment values the CLI reads; nothing else in the CLI looks at process.env. */
export interface CliEnv {
  readonly GATEHOUSE_HUB?: string | undefined;
  readonly GATEHOUSE_TOKEN?: string | undefined;
  readonly XDG_CONFIG_HOME?: string | undefined;
  readonly HOME?: string | undefined;
  /** The key of `privacy anonymize --strategy pseudonymize`; on the command line it would show in `ps`. */
  readonly GATEHOUSE_PII_KEY?: string | undefined;
}

interface GlobalOptions {
  hub?: string;
  token?: string;
  json?: boolean;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function checkHubUrl(hub: string, from: string): string {
  let url: URL;
  try {
    url = new URL(hub);
  } catch {
    throw new UsageError(`${from} "${hub}" is not a URL; give e.g. http://127.0.0.1:8080`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${from} "${hub}" must start with http:// or https://`);
  }
  return hub.replace(/\/+$/, "");
}

/**
 * Resolves hub and token: flag, then environment, then the stored login. The
 * stored token is only sent to the hub it was stored for, never to another.
 */
async function resolveContext(options: GlobalOptions, env: CliEnv): Promise<CliContext> {
  const configFile = configFilePath(nonEmpty(env.XDG_CONFIG_HOME), env.HOME ?? os.homedir());
  const stored = await readStoredLogin(configFile);
  const flagHub = nonEmpty(options.hub);
  const envHub = nonEmpty(env.GATEHOUSE_HUB);
  const hub =
    flagHub !== undefined
      ? checkHubUrl(flagHub, "--hub")
      : envHub !== undefined
        ? checkHubUrl(envHub, "GATEHOUSE_HUB")
        : (stored?.hub ?? DEFAULT_HUB);
  const flagToken = nonEmpty(options.token);
  const envToken = nonEmpty(env.GATEHOUSE_TOKEN);
  const storedToken = stored !== undefined && stored.hub === hub ? stored.token : undefined;
  const token = flagToken ?? envToken ?? storedToken;
  const tokenSource =
    flagToken !== undefined
      ? "flag"
      : envToken !== undefined
        ? "env"
        : storedToken !== undefined
          ? "stored"
          : "none";
  return createContext(
    { hub, token, tokenSource, json: options.json === true, configFile },
    process.stdout,
    process.stderr,
  );
}

/** A hint for the errors where one helps. */
function hintFor(err: HubClientError, ctx: CliContext | undefined): string | undefined {
  if (err.status === 0) {
    return `is the hub running? point the CLI at it with --hub URL or GATEHOUSE_HUB`;
  }
  if (err.status === 401) {
    return ctx?.settings.token === undefined
      ? "no token was sent; run gatehouse login (or pass --token / GATEHOUSE_TOKEN)"
      : "the token was refused; run gatehouse login with a valid token";
  }
  if (err.code === "INSUFFICIENT_SCOPE") {
    return "the token lacks the scope; create one with gatehouse token create --scopes read,write";
  }
  return undefined;
}

/**
 * Builds the `gatehouse` program. Settings are resolved when a command runs,
 * after parsing; `onContext` receives them so errors can be explained with them.
 */
export function buildProgram(env: CliEnv, onContext: (ctx: CliContext) => void): Command {
  const program = new Command("gatehouse");
  program
    .description(
      "Push, pull and manage models on a Gatehouse hub; train, evaluate and check their privacy",
    )
    .option(
      "--hub <url>",
      `hub URL (env GATEHOUSE_HUB; default: stored login, else ${DEFAULT_HUB})`,
    )
    .option("--token <token>", "API token (env GATEHOUSE_TOKEN; default: stored login)")
    .option("--json", "print JSON instead of text")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  const contextOf = async (): Promise<CliContext> => {
    const ctx = await resolveContext(program.opts<GlobalOptions>(), env);
    onContext(ctx);
    return ctx;
  };
  registerLoginCommand(program, contextOf);
  registerWhoamiCommand(program, contextOf);
  registerUserCommands(program, contextOf);
  registerTokenCommands(program, contextOf);
  registerOrgCommands(program, contextOf);
  registerModelCommands(program, contextOf);
  registerPushCommand(program, contextOf);
  registerPullCommand(program, contextOf);
  registerUrlCommand(program, contextOf);
  registerReleaseCommands(program, contextOf);
  registerServeCommands(program, contextOf);
  registerLimitsCommands(program, contextOf);
  registerInferCommand(program, contextOf);
  registerUsageCommands(program, contextOf);
  registerEvidenceCommands(program, contextOf);
  registerAccessCommands(program, contextOf);
  registerPolicyCommands(program, contextOf);
  registerAuditCommands(program, contextOf);
  registerWebhookCommands(program, contextOf);
  registerAdminCommands(program, contextOf);
  registerTrainCommand(program);
  registerEvalCommand(program);
  const privacy = registerPrivacyCommands(program);
  registerPrivacyDataCommands(privacy, env);
  registerPrivacyAuditCommands(privacy);
  // Subcommands inherit the exit override so their usage errors reach the handler below.
  const inherit = (command: Command): void => {
    for (const sub of command.commands) {
      sub.exitOverride();
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

/**
 * Runs the CLI over `argv` and returns the exit code: 0 ok, 1 refused or
 * failed, 2 usage.
 */
export async function runCli(argv: readonly string[], env: CliEnv): Promise<number> {
  let ctx: CliContext | undefined;
  const program = buildProgram(env, (c) => {
    ctx = c;
  });
  const stderr = process.stderr;
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed its message (or the help).
      return err.code === "commander.helpDisplayed" || err.code === "commander.version" ? 0 : 2;
    }
    if (err instanceof UsageError) {
      stderr.write(`error: ${err.message} (USAGE)\n`);
      return 2;
    }
    if (err instanceof HubClientError) {
      const hint = hintFor(err, ctx);
      const id = err.requestId === null ? "" : ` [request ${err.requestId}]`;
      stderr.write(`error: ${err.message} (${err.code})${id}\n`);
      if (hint !== undefined) {
        stderr.write(`hint: ${hint}\n`);
      }
      return 1;
    }
    if (err instanceof CliFailure) {
      stderr.write(`error: ${err.message} (${err.code})\n`);
      if (err.hint !== undefined) {
        stderr.write(`hint: ${err.hint}\n`);
      }
      return 1;
    }
    const errno = err as NodeJS.ErrnoException;
    if (typeof errno.code === "string" && typeof errno.message === "string") {
      stderr.write(`error: ${errno.message} (${errno.code})\n`);
      return 1;
    }
    stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

/** The entry point of bin/gatehouse.js: the one place the CLI reads process.env. */
export async function run(): Promise<void> {
  const { GATEHOUSE_HUB, GATEHOUSE_TOKEN, XDG_CONFIG_HOME, HOME, GATEHOUSE_PII_KEY } = process.env;
  process.exitCode = await runCli(process.argv, {
    GATEHOUSE_HUB,
    GATEHOUSE_TOKEN,
    XDG_CONFIG_HOME,
    HOME,
    GATEHOUSE_PII_KEY,
  });
}
