export {
  WEBHOOK_EVENTS,
  WEBHOOK_EVENT_TYPES,
  isWebhookEventType,
  type AccessEventData,
  type ModelRef,
  type NewWebhookEvent,
  type VersionRef,
  type WebhookBody,
  type WebhookEventData,
  type WebhookEventType,
} from "./catalogue.js";
export { enqueueEvent } from "./enqueue-event.js";
export {
  runWebhookDeliveries,
  startWebhookDelivery,
  type DeliveryRun,
} from "./deliver-webhooks.js";
export {
  NodeWebhookClient,
  WebhookSendError,
  type WebhookAnswer,
  type WebhookClient,
  type WebhookRequest,
} from "./http-client.js";
export { internalAddressKind } from "./address-guard.js";
export { MAX_ATTEMPTS, retryDelaySeconds } from "./retry-schedule.js";
