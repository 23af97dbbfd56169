import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Built into dist/, which the hub serves at `/`; the assets' names carry their hashes.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
});
