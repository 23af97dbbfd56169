import { oipModelName } from "../names/index.js";
import {
  BINARY_CONTENT_TYPE,
  HEADER_LENGTH_FIELD,
  OIP_TO_ORT,
  cutTensors,
  joinBody,
  jsonValues,
  splitBody,
  tensorDataOf,
  tensorFromBytes,
  tensorToBytes,
  type OipDatatype,
} from "../serve/index.js";
import type { HubClient } from "./hub-client.js";

/** An input or output tensor in the Open Inference Protocol's JSON tensor format. */
export interface OipTensor {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly data: readonly unknown[];
}

/** An OIP v2 inference request; `outputs` narrows what comes back. */
export interface OipRequest {
  readonly id?: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly inputs: readonly OipTensor[];
  readonly outputs?: readonly {
    readonly name: string;
    readonly parameters?: Readonly<Record<string, unknown>>;
  }[];
}

/** A request in the binary tensor extension's form, ready to send. */
export interface BinaryRequest {
  readonly body: Buffer;
  readonly headerLength: number;
}

/** An output of a binary answer, its values either in `data` or after the JSON. */
interface AnsweredTensor {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly data?: readonly unknown[];
}

function datatypeOf(tensor: { name: string; datatype: string }): OipDatatype {
  if (!(tensor.datatype in OIP_TO_ORT)) {
    throw new Error(
      `tensor "${tensor.name}" has datatype ${tensor.datatype}, which the Open Inference Protocol does not name; use one of ${Object.keys(OIP_TO_ORT).join(", ")}`,
    );
  }
  return tensor.datatype as OipDatatype;
}

/**
 * `request` with every input's values sent as binary data after the JSON
 * (FP16 too, given as numbers), and every output asked for as binary data.
 * Throws, naming the tensor, on a value its datatype cannot hold.
 */
export function binaryRequest(request: OipRequest): BinaryRequest {
  const parts: Uint8Array[] = [];
  const inputs = request.inputs.map((t) => {
    const bytes = tensorToBytes(tensorDataOf(t.name, datatypeOf(t), t.data));
    parts.push(bytes);
    return {
      name: t.name,
      shape: t.shape,
      datatype: t.datatype,
      parameters: { binary_data_size: bytes.length },
    };
  });
  return joinBody(
    { ...request, parameters: { ...request.parameters, binary_data_output: true }, inputs },
    parts,
  );
}

/**
 * An answer in the binary tensor extension's form as the JSON tensor format
 * gives it: each binary output's values read into `data`, its
 * `binary_data_size` dropped, so that both forms print alike.
 */
function readBinaryAnswer(body: Buffer, headerLength: string): OipResponse {
  const { header, tensorBytes } = splitBody(body, headerLength);
  const answer = header as Omit<OipResponse, "outputs"> & { outputs: readonly AnsweredTensor[] };
  const cut = cutTensors(answer.outputs, tensorBytes, "output");
  const outputs = answer.outputs.map((o, i): OipTensor => {
    const bytes = cut[i];
    if (bytes === undefined) {
      return { name: o.name, datatype: o.datatype, shape: o.shape, data: o.data ?? [] };
    }
    const datatype = datatypeOf(o);
    const values = tensorFromBytes(`output "${o.name}"`, datatype, o.shape, bytes);
    return { name: o.name, datatype, shape: o.shape, data: jsonValues(datatype, values) };
  });
  return { ...answer, outputs };
}

export interface OipResponse {
  readonly model_name: string;
  readonly model_version?: string;
  readonly id: string;
  readonly outputs: readonly OipTensor[];
}

type ModelTarget = { namespace: string; name: string; version?: string };

function inferPath(model: ModelTarget): string {
  const base = `/v2/models/${encodeURIComponent(oipModelName(model.namespace, model.name))}`;
  return model.version === undefined
    ? `${base}/infer`
    : `${base}/versions/${encodeURIComponent(model.version)}/infer`;
}

/**
 * A small client of the KServe Open Inference Protocol v2 over REST, written
 * from the specification (no npm client exists): `POST
 * /v2/models/{m}[/versions/{v}]/infer`, in JSON or with the binary tensor
 * data extension. A refusal's `{"error": "…"}` becomes
 * the HubClientError's message, so the tensor it names reaches the user.
 */
export class OipClient {
  constructor(private readonly client: HubClient) {}

  infer(model: ModelTarget, request: OipRequest): Promise<OipResponse> {
    return this.client.json<OipResponse>("POST", inferPath(model), request);
  }

  /**
   * The same call with the binary tensor extension (`binaryRequest`). The
   * answer is read back into the JSON tensor format, whichever form it came in.
   */
  async inferBinary(model: ModelTarget, request: BinaryRequest): Promise<OipResponse> {
    const response = await this.client.sendBody("POST", inferPath(model), request.body, {
      "content-type": BINARY_CONTENT_TYPE,
      [HEADER_LENGTH_FIELD]: String(request.headerLength),
    });
    const body = Buffer.from(await response.arrayBuffer());
    const headerLength = response.headers.get(HEADER_LENGTH_FIELD);
    return headerLength === null
      ? (JSON.parse(body.toString("utf8")) as OipResponse)
      : readBinaryAnswer(body, headerLength);
  }
}
