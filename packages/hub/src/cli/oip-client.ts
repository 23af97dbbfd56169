import { oipModelName } from "../names/index.js";
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
  readonly inputs: readonly OipTensor[];
  readonly outputs?: readonly { readonly name: string }[];
}

export interface OipResponse {
  readonly model_name: string;
  readonly model_version?: string;
  readonly id: string;
  readonly outputs: readonly OipTensor[];
}

/**
 * A small client of the KServe Open Inference Protocol v2 over REST, written
 * from the specification (no npm client exists): `POST
 * /v2/models/{m}[/versions/{v}]/infer`. A refusal's `{"error": "…"}` becomes
 * the HubClientError's message, so the tensor it names reaches the user.
 */
export class OipClient {
  constructor(private readonly client: HubClient) {}

  infer(
    model: { namespace: string; name: string; version?: string },
    request: OipRequest,
  ): Promise<OipResponse> {
    const base = `/v2/models/${encodeURIComponent(oipModelName(model.namespace, model.name))}`;
    const path =
      model.version === undefined
        ? `${base}/infer`
        : `${base}/versions/${encodeURIComponent(model.version)}/infer`;
    return this.client.json<OipResponse>("POST", path, request);
  }
}
