import { readFile } from "node:fs/promises";
import { writeJsonAtomically } from "@gatehouse/ml";
import type { Command } from "commander";
import { parseModelRef, UsageError, type CliContext } from "../context.js";
import { binaryRequest, OipClient, type OipRequest, type OipTensor } from "../oip-client.js";

/** The request in FILE: an OIP v2 inference request, checked for its shape before it is sent. */
async function readRequest(file: string): Promise<OipRequest> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${(err as Error).message}`);
  }
  const inputs = (parsed as { inputs?: unknown } | null)?.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new UsageError(
      `${file} has no "inputs" list; write an Open Inference Protocol request such as {"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}`,
    );
  }
  return parsed as OipRequest;
}

/** The request as binary tensors; a value its datatype cannot hold is the file's fault. */
function encodeBinary(file: string, request: OipRequest) {
  try {
    return binaryRequest(request);
  } catch (err) {
    throw new UsageError(`${file}: ${(err as Error).message}`);
  }
}

const line = (t: OipTensor) =>
  `${t.name} ${t.datatype} [${t.shape.join(",")}]: ${JSON.stringify(t.data)}`;

/** `gatehouse infer NS/NAME[@V] --input FILE.json [--output FILE]`: one call to a served model. */
export function registerInferCommand(program: Command, contextOf: () => Promise<CliContext>): void {
  program
    .command("infer")
    .description(
      "call a served model through the Open Inference Protocol v2 with the request in a JSON file, and print its outputs",
    )
    .argument(
      "<ns/name[@version]>",
      "model, optionally with a version (default: the newest you may call)",
    )
    .requiredOption("--input <file>", 'an OIP v2 inference request in JSON: {"inputs": [...]}')
    .option("--output <file>", "write the whole response as JSON to this file")
    .option(
      "--binary",
      "send the inputs and ask the outputs as binary tensor data (the binary tensor extension; FP16 needs it)",
    )
    .action(async (id: string, options: { input: string; output?: string; binary?: boolean }) => {
      const ref = parseModelRef(id, true);
      const request = await readRequest(options.input);
      const ctx = await contextOf();
      const client = new OipClient(ctx.client);
      const response =
        options.binary === true
          ? await client.inferBinary(ref, encodeBinary(options.input, request))
          : await client.infer(ref, request);
      if (options.output !== undefined) {
        await writeJsonAtomically(options.output, response);
        ctx.note(`wrote the response to ${options.output}`);
      }
      ctx.print(response.outputs.map(line), response);
    });
}
