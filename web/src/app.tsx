// The whole app: who is logged in (asked of the server, never stored), the login step the
// server names, then the role's screens under a header that always shows the purpose.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { Provider, useMutation, type Client } from "urql";
import { EnrolStep, LoginPage, LogoutMutation, MeQuery, PasswordStep, TotpStep, type Me } from "./auth";
import { makeClient } from "./client";
import { I18nProvider, useI18n, type Lang, type MessageKey } from "./i18n";
import { CHOOSES_PURPOSE, IDE_ROLES, PAGES, match, type Purpose } from "./roles";
import { Loading, purposeText } from "./ui";

type Session =
  | { kind: "loading" }
  | { kind: "out"; notice?: MessageKey | undefined }
  | { kind: "in"; me: Me };

const PURPOSE_KEY = "crm.purpose"; // the task's purpose survives a reload, not a logout

export function App() {
  return (
    <I18nProvider>
      <Root />
    </I18nProvider>
  );
}

function Root() {
  const [session, setSession] = useState<Session>({ kind: "loading" });
  const expired = useCallback(() => {
    sessionStorage.removeItem(PURPOSE_KEY);
    setSession((s) => (s.kind === "in" ? { kind: "out", notice: "sessionExpired" } : s));
  }, []);
  const client = useMemo<Client>(() => makeClient(expired), [expired]);
  const refresh = useCallback(async () => {
    const result = await client.query(MeQuery, {}).toPromise();
    if (result.data) setSession({ kind: "in", me: result.data.me });
    else setSession({ kind: "out", notice: result.error?.networkError ? "errorNetwork" : undefined });
  }, [client]);
  useEffect(() => void refresh(), [refresh]);
  const loggedOut = useCallback(() => {
    sessionStorage.removeItem(PURPOSE_KEY);
    setSession({ kind: "out", notice: "loggedOut" });
  }, []);

  return (
    <Provider value={client}>
      <PurposeProvider key={session.kind === "in" ? session.me.login : session.kind}>
        <Frame session={session} onLogout={loggedOut}>
          {session.kind === "loading" && <Loading />}
          {session.kind === "out" && <LoginPage notice={session.notice} onDone={refresh} />}
          {session.kind === "in" && <Stage me={session.me} refresh={refresh} />}
        </Frame>
      </PurposeProvider>
    </Provider>
  );
}

function Stage({ me, refresh }: { me: Me; refresh: () => Promise<void> }) {
  switch (me.stage) {
    case "PENDING_TOTP":
      return <TotpStep onDone={refresh} />;
    case "PASSWORD_CHANGE":
      return <PasswordStep onDone={refresh} />;
    case "TOTP_ENROLMENT":
      return <EnrolStep onDone={refresh} />;
    case "FULL":
      return <Work me={me} />;
  }
}

function useHashPath(): string {
  const read = () => decodeURI(location.hash.replace(/^#/, "")) || "/";
  const [path, setPath] = useState(read);
  useEffect(() => {
    const changed = () => setPath(read());
    addEventListener("hashchange", changed);
    changed(); // the hash may have moved before this listener existed
    return () => removeEventListener("hashchange", changed);
  }, []);
  return path;
}

type PurposeState = { purpose: string | undefined; choose: (p: Purpose | undefined) => void };
const PurposeContext = createContext<PurposeState>({ purpose: undefined, choose: () => {} });

function PurposeProvider({ children }: { children: ReactNode }) {
  const [purpose, setPurpose] = useState(() => sessionStorage.getItem(PURPOSE_KEY) ?? undefined);
  const choose = useCallback((p: Purpose | undefined) => {
    if (p) sessionStorage.setItem(PURPOSE_KEY, p);
    else sessionStorage.removeItem(PURPOSE_KEY);
    setPurpose(p);
  }, []);
  const value = useMemo(() => ({ purpose, choose }), [purpose, choose]);
  return <PurposeContext.Provider value={value}>{children}</PurposeContext.Provider>;
}

/** The purposes this person chooses among for a task (none: each screen declares its own). */
function choices(me: Me): readonly Purpose[] | undefined {
  if (!CHOOSES_PURPOSE.includes(me.role)) return undefined;
  return me.declarablePurposes.map((p) => p.code).sort();
}

/** The purpose chosen for this task, if the person may declare it. */
function usePurpose(me: Me): [Purpose | undefined, (p: Purpose | undefined) => void] {
  const { purpose, choose } = useContext(PurposeContext);
  return [choices(me)?.find((p) => p === purpose), choose];
}

function Work({ me }: { me: Me }) {
  const { t } = useI18n();
  const path = useHashPath();
  const [purpose, choose] = usePurpose(me);
  const pages = PAGES[me.role];
  const allowed = choices(me);
  const found = match(pages, path);
  const home = pages[0]?.path;
  useEffect(() => {
    if (!found && home) location.replace(`#${home}`);
  }, [found, home]);
  if (!found && home) return <Loading />;
  if (allowed && !purpose) return <PurposeChooser allowed={allowed} onChoose={choose} />;
  if (!found) return <h1>{t("notFoundTitle")}</h1>;
  const { page, params } = found;
  if (page.needs && (!purpose || !page.needs.includes(purpose))) {
    return (
      <section className="screen" aria-labelledby="screen-title">
        <h1 id="screen-title">{t(page.label)}</h1>
        <p className="notice" role="status">{t("purposeNeeded", { codes: page.needs.join(" / ") })}</p>
      </section>
    );
  }
  // A new purpose or a new record is a new screen: remount so it asks the server again.
  return <div key={`${purpose ?? ""}${path}`}>{page.render({ purpose, params, totp: me.totpEnabled })}</div>;
}

function PurposeChooser({ allowed, onChoose }: { allowed: readonly Purpose[]; onChoose: (p: Purpose) => void }) {
  const { t } = useI18n();
  const [picked, setPicked] = useState<Purpose | undefined>(allowed.length === 1 ? allowed[0] : undefined);
  return (
    <section className="screen" aria-labelledby="screen-title">
      <h1 id="screen-title" tabIndex={-1} ref={(h) => h?.focus()}>{t("purposeChooseTitle")}</h1>
      <p>{t("purposeChooseHelp")}</p>
      <form onSubmit={(e) => { e.preventDefault(); if (picked) onChoose(picked); }}>
        <fieldset>
          <legend>{t("purpose")}</legend>
          {allowed.map((code) => (
            <div className="radio" key={code}>
              <input type="radio" id={`purpose-${code}`} name="purpose" value={code}
                checked={picked === code} onChange={() => setPicked(code)} />
              <label htmlFor={`purpose-${code}`}>
                <strong>{code}</strong> {purposeText(t, code)}
              </label>
            </div>
          ))}
        </fieldset>
        <button type="submit" disabled={!picked}>{t("purposeStart")}</button>
      </form>
    </section>
  );
}

function Frame({ session, onLogout, children }: { session: Session; onLogout: () => void; children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const me = session.kind === "in" ? session.me : undefined;
  const full = me?.stage === "FULL" ? me : undefined;
  return (
    <>
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>
        {t("skip")}
      </a>
      <header className="top">
        <div className="brand">{t("appName")}</div>
        {full && <Nav me={full} />}
        <div className="tools">
          {full && choices(full) && <PurposeBadge me={full} />}
          <label className="lang">
            <span>{t("language")}</span>
            <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
              <option value="ja">日本語</option>
              <option value="en">English</option>
            </select>
          </label>
          {me && (
            <span className="who" data-testid="who">
              {t("signedInAs", { login: me.login, role: t(`role${me.role}`) })}
            </span>
          )}
          {full && IDE_ROLES.includes(full.role) && (
            <a href="/graphql" className="ide">{t("graphiql")}</a>
          )}
          {me && <LogoutButton onLogout={onLogout} />}
        </div>
      </header>
      <main id="main" tabIndex={-1}>{children}</main>
    </>
  );
}

function PurposeBadge({ me }: { me: Me }) {
  const { t } = useI18n();
  const [purpose, choose] = usePurpose(me);
  const allowed = choices(me) ?? [];
  return (
    <div className="purpose" data-testid="purpose">
      <span className="purpose-label">{t("purpose")}:</span>{" "}
      {purpose ? (
        <span className="purpose-code" title={purposeText(t, purpose)}>
          <strong>{purpose}</strong> {purposeText(t, purpose)}
        </span>
      ) : (
        <span>{t("purposeNone")}</span>
      )}
      {purpose && allowed.length > 1 && (
        <button type="button" className="small" onClick={() => choose(undefined)}>
          {t("purposeChange")}
        </button>
      )}
    </div>
  );
}

function LogoutButton({ onLogout }: { onLogout: () => void }) {
  const { t } = useI18n();
  const [state, logout] = useMutation(LogoutMutation);
  return (
    <button type="button" className="small" disabled={state.fetching}
      onClick={async () => { await logout({}); onLogout(); }}>
      {t("logout")}
    </button>
  );
}

function Nav({ me }: { me: Me }) {
  const { t } = useI18n();
  const path = useHashPath();
  const pages = PAGES[me.role].filter((p) => p.inNav !== false);
  return (
    <nav aria-label={t("appName")}>
      <ul>
        {pages.map((page) => (
          <li key={page.path}>
            <a href={`#${page.path}`} aria-current={path === page.path ? "page" : undefined}>
              {t(page.label)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
