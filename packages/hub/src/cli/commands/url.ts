import type { Command } from "commander";
import { parseModelRef, UsageError, modelPath, type CliContext } from "../context.js";

/** What the hub answers for a signed URL. */
interface SignedUrlAnswer {
  readonly url: string;
  readonly expiresAt: string;
  readonly revision: string;
  readonly version: string;
}

/** `gatehouse url NS/NAME[@V] PATH [--expires 1h]`: a download URL that needs no token. */
export function registerUrlCommand(program: Command, contextOf: () => Promise<CliContext>): void {
  program
    .command("url")
    .description(
      "print a signed URL that downloads one file of one version without a token, as you, until it expires",
    )
    .argument("<ns/name[@version]>", "model, optionally with a version name or commit id")
    .argument("<path>", "the file's path in the version")
    .option(
      "--expires <duration>",
      "lifetime such as 30m, 1h, 7d (at most the hub's maximum)",
      "1h",
    )
    .action(async (id: string, filePath: string, options: { expires: string }) => {
      const ref = parseModelRef(id, true);
      if (filePath.trim() === "") {
        throw new UsageError("give the path of a file in the version, e.g. model.onnx");
      }
      const ctx = await contextOf();
      const signed = await ctx.client.json<SignedUrlAnswer>(
        "POST",
        `${modelPath(ref)}/signed-urls`,
        { revision: ref.version ?? "main", path: filePath, expiresIn: options.expires },
      );
      // The URL alone on stdout, so `URL=$(gatehouse url …)` works.
      ctx.print(signed.url, signed);
      ctx.note(
        `${ref.namespace}/${ref.name}@${signed.version} ${filePath}, until ${signed.expiresAt}; anyone holding the URL downloads as you, so keep it as you would a token`,
      );
    });
}
