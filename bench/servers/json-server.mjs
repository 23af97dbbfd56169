// Baseline for the API figure: a bare Fastify route answering the hub's JSON from memory.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

// The Fastify the hub itself runs on, not whichever one happens to be nearest.
const require = createRequire(new URL("../../packages/hub/package.json", import.meta.url));
const { default: Fastify } = await import(pathToFileURL(require.resolve("fastify")).href);

const body = JSON.parse(readFileSync(process.argv[2], "utf8"));
const app = Fastify({ logger: false });
app.get("/api/models/:namespace/:name", async () => body);

const address = await app.listen({ host: "127.0.0.1", port: 0 });
process.stdout.write(`listening on ${address}\n`);
process.once("SIGTERM", () => {
  app.close().then(() => process.exit(0));
});
