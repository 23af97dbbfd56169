export { newRegistryCaches, type RegistryCaches } from "./caches.js";
export { MAX_CARD_DEPTH, MAX_CARD_VALUES } from "./card-yaml.js";
export {
  MAX_CARD_BYTES,
  MAX_FRONT_MATTER_BYTES,
  cardText,
  parseModelCard,
  type CardData,
} from "./model-card.js";
