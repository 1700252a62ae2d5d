// Which inputs the server refused: BAD_INPUT carries them in `extensions.fields` by their schema
// names, every one at once, never the values. Older servers named one column inside the English
// message ("Invalid value for postal_code."); that is still read as a fallback.
import type { CombinedError } from "@urql/core";
import { errorCode } from "../client";

export function invalidFields(error: CombinedError | undefined): string[] {
  if (errorCode(error) !== "BAD_INPUT") return [];
  const first = error?.graphQLErrors[0];
  const fields = first?.extensions?.["fields"];
  if (Array.isArray(fields)) return fields.filter((f): f is string => typeof f === "string");
  const match = /^Invalid value for (\w+)\.$/.exec(first?.message ?? "");
  const field = match?.[1]?.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
  return field ? [field] : [];
}

export function invalidField(error: CombinedError | undefined): string | undefined {
  return invalidFields(error)[0];
}

export function focusField(form: HTMLFormElement | null, name: string | undefined): void {
  const element = name ? form?.elements.namedItem(name) : null;
  if (element instanceof HTMLElement) element.focus();
}
