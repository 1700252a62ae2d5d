// Small building blocks every screen uses: the screen frame (title that takes focus, the
// purpose it works under, the receipt in words), values with their policy decision, errors.
import type { CombinedError } from "@urql/core";
import { useEffect, useId, useRef, useState, type InputHTMLAttributes, type ReactNode } from "react";
import { errorCode, type Privacy } from "./client";
import { formatYen, known, useI18n, type MessageKey, type Translate } from "./i18n";
import { explain, type Shown } from "./receipt";

export function Screen(props: {
  title: string;
  purpose?: string | undefined;
  privacy?: Privacy | undefined;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="screen" aria-labelledby="screen-title">
      <h1 id="screen-title" tabIndex={-1} ref={heading}>
        {props.title}
      </h1>
      {props.purpose && (
        <p className="screen-purpose">
          {t("screenPurpose", { code: props.purpose, text: purposeText(t, props.purpose) })}
        </p>
      )}
      {props.children}
      {props.privacy && <Receipt privacy={props.privacy} />}
    </section>
  );
}

export function purposeText(t: Translate, code: string): string {
  const key = `purpose${code}`;
  return known(key) ? t(key) : code;
}

export function Receipt({ privacy }: { privacy: Privacy }) {
  const { t } = useI18n();
  const lines = explain(t, privacy);
  return (
    <aside className="receipt" aria-labelledby="receipt-title">
      <h2 id="receipt-title">{t("receiptTitle")}</h2>
      {lines.length === 0 ? (
        <p>{t("receiptNone")}</p>
      ) : (
        <ul data-testid="receipt-lines">
          {lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      <p className="receipt-ref">
        {t("receiptRef", { ref: privacy.auditRef, count: privacy.personalFields })}
      </p>
    </aside>
  );
}

/** A personal value as the policy let it through: clear, masked (badged) or withheld. */
export function Value(props: { value: string | null | undefined; shown: Shown; badgeClear?: boolean }) {
  const { value, shown } = props;
  const { t } = useI18n();
  if (shown === "DENIED" || (value === null && shown !== "CLEAR")) {
    return (
      <span className="value withheld" data-shown="DENIED">
        {t("withheldValue")}
        {props.badgeClear && <span className="badge withheld">{t("withheld")}</span>}
      </span>
    );
  }
  const text = value === null || value === undefined || value === "" ? t("empty") : value;
  return (
    <span className="value" data-shown={shown}>
      <span className="value-text">{text}</span>
      {shown === "MASKED" && <span className="badge masked">{t("masked")}</span>}
      {shown === "CLEAR" && props.badgeClear && <span className="badge clear">{t("clear")}</span>}
    </span>
  );
}

export function Yen({ amount }: { amount: number }) {
  const { t, lang } = useI18n();
  return <span className="yen">{t("yen", { amount: formatYen(lang, amount) })}</span>;
}

const CODE_MESSAGES: Partial<Record<string, MessageKey>> = {
  FORBIDDEN: "errorForbidden",
  NOT_FOUND: "errorNotFound",
  NETWORK: "errorNetwork",
  CSRF: "errorCsrf",
  AUDIT_UNAVAILABLE: "errorAudit",
  LOGIN_FAILED: "loginFailed",
  TOTP_INVALID: "totpInvalid",
};

export function describeError(t: Translate, error: CombinedError): string {
  const code = errorCode(error);
  const message = error.graphQLErrors[0]?.message ?? error.message;
  // A refusal's reason code (extensions.reason) in the reader's language, when we have it.
  const reason = error.graphQLErrors[0]?.extensions?.["reason"];
  const reasonKey = typeof reason === "string" ? `refused${reason}` : "";
  if (known(reasonKey)) {
    return code === "PASSWORD_REJECTED" ? t("passwordRejected", { reason: t(reasonKey) }) : t(reasonKey);
  }
  if (code === "BAD_INPUT") return t("errorBadInput", { message });
  if (code?.startsWith("PURPOSE_")) return t("errorPurpose", { code });
  if (code === "PASSWORD_REJECTED") return t("passwordRejected", { reason: message });
  if (code === "LOGIN_THROTTLED") {
    const seconds = error.graphQLErrors[0]?.extensions?.["retryAfter"];
    return typeof seconds === "number"
      ? t("loginThrottled", { seconds: Math.ceil(seconds) })
      : t("loginThrottledNoTime");
  }
  const key = code ? CODE_MESSAGES[code] : undefined;
  return key ? t(key) : t("error", { message });
}

export function ErrorBox({ error }: { error: CombinedError | undefined | null }) {
  const { t } = useI18n();
  if (!error || errorCode(error) === "UNAUTHENTICATED") return null;
  return (
    <p className="error" role="alert">
      {describeError(t, error)}
    </p>
  );
}

export function Done({ children }: { children: ReactNode }) {
  return (
    <p className="done" role="status">
      {children}
    </p>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      {t("loading")}
    </p>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id"> & {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
};

/** A labelled input; its error is tied to it (aria-invalid, aria-describedby). */
export function Input({ label, error, hint, ...rest }: InputProps) {
  const id = useId();
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ");
  return (
    <div className={error ? "input invalid" : "input"}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        {...rest}
      />
      {error && (
        <span className="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

export function Select(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  name?: string;
}) {
  const id = useId();
  return (
    <div className="input">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Today in Japan (YYYY-MM-DD): business dates are Japanese, as the server's checks are. */
export function today(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo" }).format(new Date());
}

/** Cursor paging: `after` for the current page, forward with the page's endCursor. */
export function usePager(): { after: string | null; page: number; next: (cursor: string) => void; restart: () => void } {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    after: cursors.at(-1) ?? null,
    page: cursors.length + 1,
    next: (cursor) => setCursors([...cursors, cursor]),
    restart: () => setCursors([]),
  };
}

export function Pager(props: {
  pageInfo: { endCursor: string | null; hasNextPage: boolean } | undefined;
  pager: ReturnType<typeof usePager>;
}) {
  const { t } = useI18n();
  const { pageInfo, pager } = props;
  if (!pageInfo?.hasNextPage && pager.page === 1) return null;
  return (
    <div className="pager">
      <button type="button" className="secondary" disabled={pager.page === 1} onClick={pager.restart}>
        {t("first")}
      </button>
      <button type="button" className="secondary" disabled={!pageInfo?.hasNextPage}
        onClick={() => pageInfo?.endCursor && pager.next(pageInfo.endCursor)}>
        {t("next")}
      </button>
    </div>
  );
}
