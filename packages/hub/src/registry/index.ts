export { registerRegistryRoutes } from "./routes.js";
export { registerHfRoutes } from "./hf-routes.js";
