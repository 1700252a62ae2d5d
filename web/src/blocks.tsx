// The two shapes every screen repeats, written once: a table of rows (its personal columns
// each showing the policy's decision for that path) and a panel form (a titled form that takes
// focus, with its error, its submit and cancel buttons).
import type { CombinedError } from "@urql/core";
import { useId, type FormEvent, type ReactNode } from "react";
import type { Privacy } from "./client";
import { known, useI18n, type Translate } from "./i18n";
import { shownAs } from "./receipt";
import { Done, ErrorBox, Value } from "./ui";

export type Column<Row> = {
  key: string;
  label: string;
  /** The header is read by screen readers only (a column of buttons). */
  quiet?: boolean;
  /** The cell heads its row (`<th scope="row">`). */
  rowHeader?: boolean;
  testId?: (row: Row) => string;
  cell: (row: Row, index: number) => ReactNode;
};

export function Table<Row>(props: {
  rows: readonly Row[];
  columns: readonly (Column<Row> | false | undefined)[];
  rowKey: (row: Row, index: number) => string;
  testId?: string;
  caption?: string;
}) {
  const columns = props.columns.filter((c): c is Column<Row> => !!c);
  return (
    <table data-testid={props.testId}>
      {props.caption && <caption>{props.caption}</caption>}
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.key} scope="col">
              {c.quiet ? <span className="visually-hidden">{c.label}</span> : c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row, i) => (
          <tr key={props.rowKey(row, i)}>
            {columns.map((c) =>
              c.rowHeader ? (
                <th key={c.key} scope="row" data-testid={c.testId?.(row)}>{c.cell(row, i)}</th>
              ) : (
                <td key={c.key} data-testid={c.testId?.(row)}>{c.cell(row, i)}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function fieldName(t: Translate, field: string): string {
  const key = `field${field}`;
  return known(key) ? t(key) : field;
}

/** Columns of personal values at `${base}.${field}` in the receipt (e.g.
 * `customerSearch.nodes.*`), each shown clear, masked or withheld as the policy decided. */
export function personalColumns<Row extends object>(
  t: Translate,
  privacy: Privacy | undefined,
  base: string,
  fields: readonly (keyof Row & string)[],
): Column<Row>[] {
  return fields.map((field) => ({
    key: field,
    label: fieldName(t, field),
    cell: (row: Row) => (
      <Value value={row[field] as string | null | undefined} shown={shownAs(privacy, `${base}.${field}`)} />
    ),
  }));
}

/** A titled form in a panel: the title takes focus when it opens (keyboard and screen reader
 * users land in it), the answer's error under the inputs, then submit and cancel. */
export function PanelForm(props: {
  title: string;
  submitLabel: string;
  onSubmit: () => void | Promise<unknown>;
  busy: boolean;
  error?: CombinedError | undefined;
  done?: ReactNode;
  disabled?: boolean;
  onCancel?: () => void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const id = useId();
  async function submit(event: FormEvent) {
    event.preventDefault();
    await props.onSubmit();
  }
  return (
    <form className="panel" onSubmit={submit} aria-labelledby={id}>
      <h2 id={id} tabIndex={-1} ref={(h) => h?.focus()}>{props.title}</h2>
      {props.children}
      <ErrorBox error={props.error} />
      {props.done && <Done>{props.done}</Done>}
      <button type="submit" disabled={props.busy || props.disabled}>{props.submitLabel}</button>
      {props.onCancel && (
        <button type="button" className="secondary" onClick={props.onCancel}>{t("cancel")}</button>
      )}
    </form>
  );
}

/** A date-time as the reader's language writes it. */
export function When({ at }: { at: string | null | undefined }) {
  const { t, lang } = useI18n();
  if (!at) return <>{t("empty")}</>;
  return <time dateTime={at}>{new Date(at).toLocaleString(lang === "ja" ? "ja-JP" : "en-GB")}</time>;
}
