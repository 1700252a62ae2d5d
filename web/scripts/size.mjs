// Gzipped size of what each page loads up front (its scripts, the chunks they import
// statically, its styles), and of every script in dist/. Fails when the app page is over
// the budget (KB, default 250): `node scripts/size.mjs [budget]`.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const dist = join(dirname(dirname(fileURLToPath(import.meta.url))), "dist");
const budget = Number(process.argv[2] ?? 250);
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function upFront(page) {
  const html = readFileSync(join(dist, page), "utf8");
  const seen = new Set();
  const queue = [...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  while (queue.length > 0) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith(".js")) continue;
    const code = readFileSync(join(dist, file), "utf8");
    // Static imports only (`import ... from "./x.js"`), not import("./x.js").
    for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^"'()]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) {
      queue.push(`assets/${m[1]}`);
    }
  }
  const files = [...seen];
  const js = files.filter((f) => f.endsWith(".js")).reduce((sum, f) => sum + gz(f), 0);
  const css = files.filter((f) => f.endsWith(".css")).reduce((sum, f) => sum + gz(f), 0);
  return { js, css, files };
}

const app = upFront("index.html");
const ide = upFront("graphiql.html");
const all = readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".js"))
  .reduce((sum, f) => sum + gz(`assets/${f}`), 0);
console.log(`app (index.html): JS ${kb(app.js)} gzipped, CSS ${kb(app.css)} — ${app.files.join(", ")}`);
console.log(`GraphiQL (graphiql.html, staff only): JS ${kb(ide.js)} gzipped up front, CSS ${kb(ide.css)}`);
console.log(`all scripts in dist/: ${kb(all)} gzipped`);
if (app.js > budget * 1024) {
  console.error(`the app's JS is over its budget of ${budget} KB gzipped`);
  process.exit(1);
}
