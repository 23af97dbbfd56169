import type { Stage } from "../stages/index.js";

/**
 * The catalogue of webhook events: every event a subscription can receive is
 * one of these, each with one meaning (docs/webhooks.md lists them with their
 * payloads). A new kind of event adds a line here and a payload type below.
 */
export const WEBHOOK_EVENTS = {
  "access.requested": "a user or organisation asked for access to a gated model or version",
  "access.granted": "access to a gated model or version was granted",
  "access.revoked": "a grant of access was revoked",
  "version.published": "a draft was published: its files and commit id are fixed",
  "release.transitioned": "a version moved to another stage (withdrawal included)",
  "release.pending_signoff": "a requested stage change waits for reviewers' sign-offs",
  "version.withdrawn": "a version was withdrawn: nobody downloads or calls it any more",
  "usage.signal":
    "an abuse signal opened, or escalated to a stronger action, about calls to a served version of the model",
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENTS;

/** Every event type, in the catalogue's order. */
export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENTS) as WebhookEventType[];

/** Whether `type` is an event type of the catalogue. */
export function isWebhookEventType(type: string): type is WebhookEventType {
  return Object.hasOwn(WEBHOOK_EVENTS, type);
}

/** A model as payloads name it: its id, and `namespace/name`. */
export interface ModelRef {
  readonly id: string;
  readonly name: string;
}

/** A published version as payloads name it. */
export interface VersionRef {
  readonly id: string;
  readonly name: string;
}

/**
 * The payload of every `access.*` event. People and organisations are named by
 * opaque ids only, as in the audit log, so the outbox holds nothing an erasure
 * request would need to blank.
 */
export interface AccessEventData {
  readonly model: ModelRef;
  /** The version the request or grant is for; null for the whole model. */
  readonly version: VersionRef | null;
  /** Who asked, or holds the grant. */
  readonly subject: { readonly kind: "user" | "org"; readonly id: string };
  /** The access request the event belongs to; null for a grant made before requests were kept. */
  readonly request: string | null;
  /** When the grant ends (asked for, granted, or held until revoked); null for no end. */
  readonly expiresAt: string | null;
}

/** The payload of each event type. */
export interface WebhookEventData {
  readonly "access.requested": AccessEventData;
  readonly "access.granted": AccessEventData;
  readonly "access.revoked": AccessEventData;
  readonly "version.published": {
    readonly model: ModelRef;
    readonly version: VersionRef & { readonly commit: string };
    /** The publisher's user id. */
    readonly publishedBy: string | null;
  };
  readonly "release.transitioned": {
    readonly model: ModelRef;
    readonly version: VersionRef;
    readonly transition: string;
    readonly from: Stage;
    readonly to: Stage;
    readonly reason: string;
    /** The user id of whoever made it happen (the requester, or the last reviewer to sign). */
    readonly actor: string | null;
    /** The hash of the release policy that decided it; null for a restricting move. */
    readonly policyHash: string | null;
  };
  readonly "release.pending_signoff": {
    readonly model: ModelRef;
    readonly version: VersionRef;
    readonly transition: string;
    readonly from: Stage;
    readonly to: Stage;
    readonly reason: string;
    readonly requestedBy: string | null;
    /** The policy rules waiting for sign-offs, with what each asks for. */
    readonly rules: readonly { readonly id: string; readonly message: string | null }[];
  };
  readonly "version.withdrawn": {
    readonly model: ModelRef;
    readonly version: VersionRef;
    readonly transition: string;
    /** The stage it was withdrawn from. */
    readonly from: Stage;
    readonly reason: string;
    readonly actor: string | null;
  };
  readonly "usage.signal": {
    readonly model: ModelRef;
    /** The version whose call opened or escalated the signal. */
    readonly version: VersionRef;
    readonly signal: {
      readonly id: string;
      readonly kind: string;
      /** Whose calls: a token or user by id; an address is personal data and left out (null). */
      readonly subject: { readonly kind: "token" | "user" | "address"; readonly id: string | null };
      readonly action: "notify" | "throttle" | "suspend";
      /** The policy's signal rules that asked for the action; empty for a plain notify. */
      readonly rules: readonly string[];
      readonly count: number;
      /** 1 when it opens; more when a later trip escalated it. */
      readonly trips: number;
      readonly firstSeen: string;
      readonly lastSeen: string;
      readonly details: Readonly<Record<string, unknown>>;
    };
  };
}

/**
 * An event to enqueue: its type with that type's payload, the namespace of the
 * model it concerns (whose namespace-wide subscriptions receive it too), and
 * when it happened.
 *
 * @example
 * { type: "access.granted", namespaceId: model.namespace.id, at: now,
 *   data: { model: { id: model.id, name: model.fullName }, version: null,
 *           subject: { kind: "user", id: userId }, request: requestId, expiresAt: null } }
 */
export type NewWebhookEvent = {
  readonly [T in WebhookEventType]: {
    readonly type: T;
    readonly data: WebhookEventData[T];
    readonly namespaceId: string;
    readonly at: Date;
  };
}[WebhookEventType];

/**
 * The JSON body every delivery of an event sends, in the shape the Standard
 * Webhooks convention recommends; the event id travels as `webhook-id`.
 */
export type WebhookBody = {
  readonly [T in WebhookEventType]: {
    readonly type: T;
    readonly timestamp: string;
    readonly data: WebhookEventData[T];
  };
}[WebhookEventType];
