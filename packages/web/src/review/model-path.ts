import { seg } from "../api/client.js";

/** `namespace/name` as a model's API path, each part escaped: `/api/models/acme/llm`. */
export function modelApiPath(fullName: string): string {
  const [namespace = "", name = ""] = fullName.split("/");
  return `/api/models/${seg(namespace)}/${seg(name)}`;
}

/** The escaped `namespace/name` that the model page's tabs call `apiBase`. */
export function modelApiBase(fullName: string): string {
  const [namespace = "", name = ""] = fullName.split("/");
  return `${seg(namespace)}/${seg(name)}`;
}

/** A model's page in the UI. */
export function modelPagePath(fullName: string): string {
  return `/${modelApiBase(fullName)}`;
}
