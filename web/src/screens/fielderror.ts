// The API names an invalid input field in its BAD_INPUT message ("Invalid value for postal_code.")
// and never echoes the value. Until it carries the field in `extensions` (web/API-GAPS.md), this
// reads the name from the message so the error can sit next to the right input.
import type { CombinedError } from "@urql/core";
import { errorCode } from "../client";

export function invalidField(error: CombinedError | undefined): string | undefined {
  if (errorCode(error) !== "BAD_INPUT") return undefined;
  const match = /^Invalid value for (\w+)\.$/.exec(error?.graphQLErrors[0]?.message ?? "");
  return match?.[1]?.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
}

export function focusField(form: HTMLFormElement | null, name: string | undefined): void {
  const element = name ? form?.elements.namedItem(name) : null;
  if (element instanceof HTMLElement) element.focus();
}
