// Baseline for the download figure: the least a Node server can do to send a file.
import { createReadStream, statSync } from "node:fs";
import http from "node:http";

const file = process.argv[2];
const size = statSync(file).size;

const server = http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": size });
  createReadStream(file).pipe(res);
});

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
