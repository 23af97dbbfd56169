import { mkdir } from "node:fs/promises";
import { buildApp } from "./app.js";
import { bootstrapAdmin } from "./auth/index.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { PolicyLoadError } from "./release/index.js";

function firstStartMessage(
  config: Config,
  url: string,
  tokenFile: string | null,
  passwordFile: string | null,
): string {
  const token =
    tokenFile === null ? "the value of GATEHOUSE_ADMIN_TOKEN" : `the token in ${tokenFile}`;
  const read = tokenFile === null ? "$GATEHOUSE_ADMIN_TOKEN" : `"$(cat ${tokenFile})"`;
  const password =
    passwordFile === null
      ? "the value of GATEHOUSE_ADMIN_PASSWORD"
      : `the password in ${passwordFile}`;
  return [
    "",
    "First start: created the administrator 'admin'.",
    `Sign in to the web UI at ${url} as user 'admin' with ${password}.`,
    `Sign in with the CLI with ${token}:`,
    "",
    `  npx gatehouse login --hub ${url} --token ${read}`,
    "",
    `Data lives in ${config.dataDir}.`,
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  let config: Config;
  try {
    // The only place that reads the environment.
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`gatehouse: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  await mkdir(config.dataDir, { recursive: true });
  // Readable lines for a person at a terminal, JSON lines for whatever collects a pipe.
  const built = await buildApp({ config, logger: process.stdout.isTTY ? "pretty" : "json" });
  const first = await bootstrapAdmin(built.ctx);
  const address = await built.app.listen({ host: config.host, port: config.port });
  const url = config.publicUrl ?? address;
  process.stdout.write(`Gatehouse is listening on ${url}\n`);
  if (first.created) {
    process.stdout.write(firstStartMessage(config, url, first.tokenFile, first.passwordFile));
  }
  const stop = (): void => {
    built.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  if (err instanceof PolicyLoadError) {
    process.stderr.write(`gatehouse: policy error: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `gatehouse: could not start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
