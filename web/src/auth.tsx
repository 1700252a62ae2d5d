// Logging in from a browser (README "Logging in"): password with client BROWSER (the session
// becomes an HttpOnly SameSite=Strict cookie), then the stage the server names: a TOTP or
// recovery code, a new password, TOTP enrolment (QR code, recovery codes shown once).
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { useMutation } from "urql";
import { errorCode } from "./client";
import { graphql, type ResultOf } from "./graphql";
import { useI18n, type MessageKey } from "./i18n";
import { Done, ErrorBox, Input, describeError } from "./ui";

export const MeQuery = graphql(`
  query Me {
    me {
      login role stage customerId agentId totpEnabled passwordChangeDue
      declarablePurposes { code }
    }
  }
`);
export type Me = ResultOf<typeof MeQuery>["me"];

const LoginMutation = graphql(`
  mutation Login($login: String!, $password: String!) {
    login(login: $login, password: $password, client: BROWSER) { stage expiresAt }
  }
`);
const VerifyTotpMutation = graphql(`
  mutation VerifyTotp($code: String, $recoveryCode: String) {
    verifyTotp(code: $code, recoveryCode: $recoveryCode) { stage }
  }
`);
const ChangePasswordMutation = graphql(`
  mutation ChangePassword($current: String!, $next: String!) {
    changePassword(currentPassword: $current, newPassword: $next) { stage }
  }
`);
const EnrolTotpMutation = graphql(`
  mutation EnrolTotp { enrolTotp { otpauthUri qrSvg } }
`);
const ConfirmTotpMutation = graphql(`
  mutation ConfirmTotp($code: String!) {
    confirmTotp(code: $code) { recoveryCodes login { stage } }
  }
`);
export const LogoutMutation = graphql(`
  mutation Logout { logout }
`);

function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [title]);
  return (
    <section className="auth" aria-labelledby="auth-title">
      <h1 id="auth-title" tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {children}
    </section>
  );
}

const ActivateMutation = graphql(`
  mutation ActivateAccount($login: String!, $code: String!, $password: String!) {
    activateAccount(login: $login, code: $code, newPassword: $password)
  }
`);

/** The login page, or the activation of a login bound to a customer or agent (the person's
 * step: the code sent to them, and a password of their own). */
export function LoginPage({ notice, onDone }: { notice?: MessageKey | undefined; onDone: () => void }) {
  const { t } = useI18n();
  const [activating, setActivating] = useState(false);
  const [activated, setActivated] = useState(false);
  if (activating) {
    return (
      <ActivateForm
        onDone={() => { setActivated(true); setActivating(false); }}
        onCancel={() => setActivating(false)} />
    );
  }
  return (
    <>
      <LoginForm notice={activated ? "activated" : notice} onDone={onDone} />
      <p className="auth">
        <button type="button" className="link" onClick={() => setActivating(true)}>{t("activateLink")}</button>
      </p>
    </>
  );
}

function ActivateForm({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [result, activate] = useMutation(ActivateMutation);
  const [login, setLogin] = useState("");
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [mismatch, setMismatch] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setMismatch(password !== again);
    if (password !== again) return;
    const answer = await activate({ login: login.trim(), code: code.trim(), password });
    if (answer.data?.activateAccount) onDone();
  }
  return (
    <AuthFrame title={t("activateTitle")}>
      <p>{t("activateHelp")}</p>
      <form onSubmit={submit}>
        <Input label={t("loginId")} name="login" autoComplete="username" required
          value={login} onChange={(e) => setLogin(e.target.value)} />
        <Input label={t("activationCode")} name="code" autoComplete="one-time-code" required
          value={code} onChange={(e) => setCode(e.target.value)} />
        <Input label={t("newPassword")} name="newPassword" type="password" required
          autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        <Input label={t("newPasswordAgain")} name="newPasswordAgain" type="password" required
          autoComplete="new-password" value={again}
          error={mismatch ? t("passwordMismatch") : undefined}
          onChange={(e) => setAgain(e.target.value)} />
        <ErrorBox error={result.error} />
        <button type="submit" disabled={result.fetching}>{t("activateButton")}</button>
        <button type="button" className="secondary" onClick={onCancel}>{t("backToLogin")}</button>
      </form>
    </AuthFrame>
  );
}

function LoginForm({ notice, onDone }: { notice?: MessageKey | undefined; onDone: () => void }) {
  const { t } = useI18n();
  const [result, login] = useMutation(LoginMutation);
  const [loginId, setLoginId] = useState("");
  const [password, setPassword] = useState("");
  async function submit(event: FormEvent) {
    event.preventDefault();
    const answer = await login({ login: loginId, password });
    if (answer.data) onDone();
  }
  return (
    <AuthFrame title={t("loginTitle")}>
      {notice && !result.error && <p className="notice" role="status">{t(notice)}</p>}
      <form onSubmit={submit}>
        <Input label={t("loginId")} name="login" autoComplete="username" required
          value={loginId} onChange={(e) => setLoginId(e.target.value)} />
        <Input label={t("password")} name="password" type="password" required
          autoComplete="current-password" value={password}
          onChange={(e) => setPassword(e.target.value)} />
        <ErrorBox error={result.error} />
        <button type="submit" disabled={result.fetching}>{t("loginButton")}</button>
      </form>
    </AuthFrame>
  );
}

export function TotpStep({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [result, verify] = useMutation(VerifyTotpMutation);
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState("");
  async function submit(event: FormEvent) {
    event.preventDefault();
    const answer = await verify(recovery ? { recoveryCode: code.trim() } : { code: code.trim() });
    if (answer.data) onDone();
  }
  return (
    <AuthFrame title={t("totpTitle")}>
      {!recovery && <p>{t("totpHelp")}</p>}
      <form onSubmit={submit}>
        {recovery ? (
          <Input key="recovery" label={t("recoveryCode")} name="recoveryCode" required
            autoComplete="off" value={code} onChange={(e) => setCode(e.target.value)} />
        ) : (
          <Input key="totp" label={t("totpCode")} name="code" required inputMode="numeric"
            pattern="[0-9]{6}" autoComplete="one-time-code" maxLength={6}
            value={code} onChange={(e) => setCode(e.target.value)} />
        )}
        <ErrorBox error={result.error} />
        <button type="submit" disabled={result.fetching}>{t("verify")}</button>
      </form>
      <button type="button" className="link" onClick={() => { setRecovery(!recovery); setCode(""); }}>
        {recovery ? t("useTotp") : t("useRecovery")}
      </button>
    </AuthFrame>
  );
}

export function PasswordStep({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [result, change] = useMutation(ChangePasswordMutation);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [mismatch, setMismatch] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setMismatch(next !== again);
    if (next !== again) return;
    const answer = await change({ current, next });
    if (answer.data) onDone();
  }
  const rejected = errorCode(result.error) === "PASSWORD_REJECTED" && result.error
    ? describeError(t, result.error) : undefined;
  return (
    <AuthFrame title={t("passwordTitle")}>
      <p>{t("passwordHelp")}</p>
      <form onSubmit={submit}>
        <Input label={t("currentPassword")} name="currentPassword" type="password" required
          autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
        <Input label={t("newPassword")} name="newPassword" type="password" required
          autoComplete="new-password" value={next} error={rejected}
          onChange={(e) => setNext(e.target.value)} />
        <Input label={t("newPasswordAgain")} name="newPasswordAgain" type="password" required
          autoComplete="new-password" value={again}
          error={mismatch ? t("passwordMismatch") : undefined}
          onChange={(e) => setAgain(e.target.value)} />
        {!rejected && <ErrorBox error={result.error} />}
        <button type="submit" disabled={result.fetching}>{t("changePassword")}</button>
      </form>
    </AuthFrame>
  );
}

/** The server's QR code, inserted as SVG nodes (not markup, not a data: URL, which CSP refuses),
 * after dropping anything that could run or load. */
function QrCode({ svg, label }: { svg: string; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const parsed = new DOMParser().parseFromString(svg, "image/svg+xml").documentElement;
    if (parsed.nodeName !== "svg" || !box.current) return;
    for (const bad of parsed.querySelectorAll("script, foreignObject, style, a, image, use")) bad.remove();
    for (const element of [parsed, ...parsed.querySelectorAll("*")]) {
      for (const attribute of [...element.attributes]) {
        if (/^on|href$/i.test(attribute.name) || attribute.name === "style") element.removeAttribute(attribute.name);
      }
    }
    parsed.setAttribute("aria-hidden", "true");
    box.current.replaceChildren(document.importNode(parsed, true));
  }, [svg]);
  return <div className="qr" role="img" aria-label={label} ref={box} />;
}

function secretOf(uri: string): string {
  const secret = new URL(uri).searchParams.get("secret") ?? "";
  return secret.replace(/(.{4})/g, "$1 ").trim();
}

export function EnrolStep({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [enrolment, enrol] = useMutation(EnrolTotpMutation);
  const [confirmation, confirm] = useMutation(ConfirmTotpMutation);
  const [code, setCode] = useState("");
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void enrol({});
  }, [enrol]);
  async function submit(event: FormEvent) {
    event.preventDefault();
    await confirm({ code: code.trim() });
  }
  const codes = confirmation.data?.confirmTotp.recoveryCodes;
  if (codes) {
    return (
      <AuthFrame title={t("recoveryTitle")}>
        <p>{t("recoveryHelp")}</p>
        <ol className="recovery-codes" data-testid="recovery-codes">
          {codes.map((c) => <li key={c}><code>{c}</code></li>)}
        </ol>
        <button type="button" onClick={onDone}>{t("recoverySaved")}</button>
      </AuthFrame>
    );
  }
  const data = enrolment.data?.enrolTotp;
  return (
    <AuthFrame title={t("enrolTitle")}>
      <p>{t("enrolHelp")}</p>
      <ErrorBox error={enrolment.error} />
      {data && (
        <>
          <QrCode svg={data.qrSvg} label={t("enrolQr")} />
          <p>
            {t("enrolKey")}: <code data-testid="totp-secret">{secretOf(data.otpauthUri)}</code>
          </p>
          <form onSubmit={submit}>
            <Input label={t("totpCode")} name="code" required inputMode="numeric"
              pattern="[0-9]{6}" autoComplete="one-time-code" maxLength={6}
              value={code} onChange={(e) => setCode(e.target.value)} />
            <ErrorBox error={confirmation.error} />
            <button type="submit" disabled={confirmation.fetching}>{t("enrolConfirm")}</button>
          </form>
        </>
      )}
      {!data && !enrolment.error && <Done>{t("loading")}</Done>}
    </AuthFrame>
  );
}
