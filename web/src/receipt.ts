// The privacy receipt (extensions.privacy) in plain words, and the per-field decision a value
// on screen carries. The server decides; this only reads what it said.
import type { Privacy, Withheld } from "./client";
import { known, type Translate } from "./i18n";

export type Shown = "CLEAR" | "MASKED" | "DENIED";

/** The receipt's verdict for one path pattern, e.g. `customer.birthDate` or
 * `customerSearch.nodes.*.phone`; CLEAR when the receipt holds no line for it. */
export function shownAs(privacy: Privacy | undefined, path: string): Shown {
  const line = privacy?.withheld.find((w) => w.path === path);
  return line ? line.decision : "CLEAR";
}

export function fieldLabel(t: Translate, path: string): string {
  const parts = path.split(".").filter((p) => p !== "*" && p !== "nodes");
  const field = parts.at(-1) ?? path;
  const parent = parts.length > 2 ? parts.at(-2) : undefined;
  const fieldKey = `field${field}`;
  const label = known(fieldKey) ? t(fieldKey) : field;
  const parentKey = `parent${parent ?? ""}`;
  return parent && known(parentKey) ? t(parentKey) + label : label;
}

/** One sentence per receipt line: "生年月日は非表示: 目的 C には不要な項目です（3件）". */
export function explainLine(t: Translate, line: Withheld, purpose: string | null): string {
  const field = fieldLabel(t, line.path);
  const count = line.count > 1 ? t("receiptCount", { count: line.count }) : "";
  if (line.decision === "MASKED") {
    const maskKey = `mask${line.mask ?? ""}`;
    const mask = known(maskKey) ? t(maskKey) : (line.mask ?? "");
    return t("maskedLine", { field, mask }) + count;
  }
  const reasonKey = `reason${line.reason}`;
  const vars = { field, purpose: purpose ?? "—", reason: line.reason };
  return (known(reasonKey) ? t(reasonKey, vars) : t("reasonOther", vars)) + count;
}

export function explain(t: Translate, privacy: Privacy): string[] {
  return privacy.withheld.map((line) => explainLine(t, line, privacy.purpose));
}
