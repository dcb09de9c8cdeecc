import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

// Two entry points, code-split: shoppers load only the storefront's chunks, /admin its own.
// `make web-dev` serves both with hot reload and proxies the API to the running gateway.
const gateway = process.env.BAZAAR_GATEWAY ?? "http://localhost:8000";

// In the dev server, /admin/<anything> is the back office's page (the gateway does this in
// production); Vite's own fallback would answer the storefront's.
const adminFallback: Plugin = {
  name: "bazaar-admin-fallback",
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      const path = req.url?.split("?")[0] ?? "";
      if ((path === "/admin" || path.startsWith("/admin/")) && !path.includes(".")) {
        req.url = "/admin/index.html";
      }
      next();
    });
  },
};

export default defineConfig({
  plugins: [react(), adminFallback],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    rollupOptions: {
      input: {
        storefront: resolve(import.meta.dirname, "index.html"),
        admin: resolve(import.meta.dirname, "admin/index.html"),
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      "/api": gateway,
      "/media": gateway,
      "/sitemap.xml": gateway,
      "/ws": { target: gateway.replace(/^http/, "ws"), ws: true },
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
