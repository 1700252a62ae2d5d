// A reporter for node:test that ends the run with one plain line: "N passed, N failed".
/** @param {AsyncIterable<{type: string, data: any}>} source */
export default async function* summary(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type === "test:pass" && event.data.details?.type !== "suite") {
      if (event.data.skip || event.data.todo) skipped += 1;
      else passed += 1;
    }
    if (event.type === "test:fail" && event.data.details?.type !== "suite") failed += 1;
  }
  yield `\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`;
}
