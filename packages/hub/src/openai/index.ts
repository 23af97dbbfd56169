export { registerOpenAiRoutes } from "./openai-routes.js";
