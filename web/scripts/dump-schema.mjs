// Writes the API's SDL to web/schema.graphql, the one source of the front end's API types
// (gql.tada reads it; `npm run schema` then regenerates src/graphql-env.d.ts).
// The SDL comes from the Python schema build, so no server needs to run. PYTHON overrides the
// interpreter (default: the repository's .venv).
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = dirname(dirname(fileURLToPath(import.meta.url)));
const repo = dirname(web);
const venv = join(repo, ".venv", "bin", "python");
const python = process.env.PYTHON ?? (existsSync(venv) ? venv : "python3");
const sdl = execFileSync(
  python,
  ["-c", "from resolvers.app_schema import build_schema; print(build_schema())"],
  { cwd: repo, encoding: "utf8" },
);
writeFileSync(join(web, "schema.graphql"), sdl);
console.log(`schema.graphql: ${sdl.split("\n").length} lines from ${python}`);
