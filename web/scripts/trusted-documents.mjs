// Writes dist/trusted-documents.json: every operation the front end sends, keyed by the sha256
// of the exact text urql puts in the request body, with the purpose the document declares
// (@purpose(code:), or null when the screen names it by X-Purpose header). In production the
// server accepts from browser sessions only these documents (README, "Trusted documents").
//
// The documents are found with the TypeScript parser (every `graphql(\`...\`)` call in src/),
// then built by gql.tada's own runtime and printed by urql's own stringifyDocument, so the text
// hashed here is the text the browser sends. A call this script cannot read exactly (a template
// with ${...}, fragments passed in) stops the build rather than leave a screen out.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequest, stringifyDocument } from "@urql/core";
import { initGraphQLTada } from "gql.tada";
import ts from "typescript";

const WEB = dirname(dirname(fileURLToPath(import.meta.url)));
const SRC = join(WEB, "src");
const OUT = join(WEB, "dist", "trusted-documents.json");
const graphql = initGraphQLTada();

/** @param {string} dir @returns {string[]} */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sources(path);
      return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
    })
    .sort();
}

/** @param {string} file @returns {{ text: string, where: string }[]} */
function graphqlCalls(file) {
  const code = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true);
  /** @type {{ text: string, where: string }[]} */
  const found = [];
  /** @param {ts.Node} node */
  const visit = (node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "graphql") {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      const where = `${relative(WEB, file)}:${line + 1}`;
      const [first, ...rest] = node.arguments;
      if (!first || !ts.isNoSubstitutionTemplateLiteral(first) || rest.length > 0) {
        throw new Error(`${where}: graphql() with anything but one plain template literal`);
      }
      found.push({ text: first.text, where });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** @param {import("graphql").OperationDefinitionNode} operation */
function declaredPurpose(operation) {
  const directive = operation.directives?.find((d) => d.name.value === "purpose");
  const code = directive?.arguments?.find((a) => a.name.value === "code")?.value;
  if (directive && code?.kind !== "EnumValue") throw new Error("@purpose without a literal code");
  return code?.kind === "EnumValue" ? code.value : null;
}

/** @type {Record<string, { document: string, operationName: string | null, purpose: string | null, source: string }>} */
const manifest = {};
for (const file of sources(SRC)) {
  for (const { text, where } of graphqlCalls(file)) {
    const document = graphql(text);
    const operations = document.definitions.filter((d) => d.kind === "OperationDefinition");
    if (operations.length === 0) continue; // a fragment: sent only inside an operation
    if (operations.length > 1) throw new Error(`${where}: one operation per document`);
    const operation = /** @type {import("graphql").OperationDefinitionNode} */ (operations[0]);
    const sent = stringifyDocument(createRequest(document, {}).query);
    const hash = createHash("sha256").update(sent, "utf8").digest("hex");
    manifest[hash] = {
      document: sent,
      operationName: operation.name?.value ?? null,
      purpose: declaredPurpose(operation),
      source: where.replace(/:\d+$/, ""),
    };
  }
}
const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(OUT, `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`trusted-documents.json: ${Object.keys(sorted).length} operations`);
