import { timeCommand } from "./child.mjs";

/** Uploads one file with curl, as a client without the CLI would; returns curl's wall time. */
export async function curlPut(hub, { model, version, filePath, file, sha256, token }) {
  const url = `${hub.url}/api/models/${model}/versions/${version}/files/${filePath}`;
  const { stdout, seconds } = await timeCommand(
    "curl",
    [
      "-sS",
      "--max-time",
      "600",
      "-H",
      `authorization: Bearer ${token ?? hub.adminToken}`,
      ...(sha256 === undefined ? [] : ["-H", `x-gatehouse-sha256: ${sha256}`]),
      "-H",
      "content-type: application/octet-stream",
      // -T streams the file; --data-binary would read all of it into curl's memory first.
      "-T",
      file,
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      url,
    ],
    { timeoutMs: 660_000 },
  );
  if (!/^2\d\d$/.test(stdout.trim())) {
    throw new Error(`PUT ${url} answered ${stdout.trim()}`);
  }
  return seconds;
}
