import { resolve } from "node:path";
import { defineConfig } from "vite";

// Two pages, one build: the app (index.html) and the offline GraphiQL (graphiql.html), sharing
// the React chunk. Output is committed (dist/) so the Python server needs no Node; it must be
// the same bytes on every build of the same sources (.ci/run builds and compares).
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    // CSP default-src 'self': no data: URLs for fonts or images, everything a file.
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      // graphiql's dependencies mark modules "use client" (a React Server Components hint that
      // means nothing in a client-only bundle).
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
      input: {
        app: resolve(import.meta.dirname, "index.html"),
        graphiql: resolve(import.meta.dirname, "graphiql.html"),
      },
    },
  },
});
