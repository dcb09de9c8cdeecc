// Copies Swagger UI from the swagger-ui-dist package into the build (dist/api-docs/), so the API
// reference at /api/docs is served by the gateway with no CDN. Its init script comes from
// public/api-docs/init.js.
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const root = process.argv[2] ?? "dist";
const require = createRequire(import.meta.url);
const source = dirname(require.resolve("swagger-ui-dist/package.json"));
const target = join(root, "api-docs");
const FILES = ["swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-bundle.js.LICENSE.txt", "LICENSE"];

mkdirSync(target, { recursive: true });
for (const name of FILES) copyFileSync(join(source, name), join(target, name));
console.log(`copied Swagger UI into ${target}`);
