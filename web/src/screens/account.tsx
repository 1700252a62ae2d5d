// The caller's own sign-ins: its sessions (end all others) and its API tokens (revoke one).
// Every role has this screen; nobody sees anyone else's.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { PanelForm, Table, When } from "../blocks";
import { graphql } from "../graphql";
import { useI18n } from "../i18n";
import { Done, ErrorBox, Input, Loading, Screen } from "../ui";

const SessionsQuery = graphql(`
  query MySessions {
    mySessions { id createdAt lastSeenAt expiresAt browser current }
    myApiTokens { name role createdAt lastUsedAt expiresAt revoked }
  }
`);
const RevokeMutation = graphql(`
  mutation RevokeApiToken($name: String!) { revokeApiToken(name: $name) }
`);
const CreateTokenMutation = graphql(`
  mutation CreateApiToken($name: String!, $password: String!, $code: String, $days: Int!) {
    createApiToken(name: $name, password: $password, code: $code, days: $days) { name token }
  }
`);
const OthersOutMutation = graphql(`
  mutation LogoutOtherSessions { logoutOtherSessions }
`);

export function Sessions({ totp }: { totp: boolean }) {
  const { t } = useI18n();
  const [result, reexecute] = useQuery({ query: SessionsQuery });
  const [revoking, revoke] = useMutation(RevokeMutation);
  const [ending, endOthers] = useMutation(OthersOutMutation);
  const [done, setDone] = useState<string>();
  const reload = () => reexecute({ requestPolicy: "network-only" });
  const data = result.data;
  async function revokeOne(name: string) {
    setDone(undefined);
    const answer = await revoke({ name });
    if (answer.data) { setDone(t("tokenRevoked", { name })); reload(); }
  }
  async function others() {
    setDone(undefined);
    const answer = await endOthers({});
    if (answer.data) { setDone(t("sessionsEnded", { count: answer.data.logoutOtherSessions })); reload(); }
  }
  return (
    <Screen title={t("sessionsTitle")}>
      <p>{t("sessionsHelp")}</p>
      <ErrorBox error={result.error ?? revoking.error ?? ending.error} />
      {done && <Done>{done}</Done>}
      {result.fetching && !data && <Loading />}
      {data && (
        <>
          <h2>{t("sessionsList")}</h2>
          <Table testId="sessions" rows={data.mySessions} rowKey={(s) => s.id} columns={[
            { key: "kind", label: t("sessionKind"), cell: (s) => `${t(s.browser ? "sessionBrowser" : "sessionToken")}${s.current ? ` — ${t("sessionCurrent")}` : ""}` },
            { key: "created", label: t("sessionCreated"), cell: (s) => <When at={s.createdAt} /> },
            { key: "seen", label: t("sessionSeen"), cell: (s) => <When at={s.lastSeenAt} /> },
            { key: "expires", label: t("sessionExpires"), cell: (s) => <When at={s.expiresAt} /> },
          ]} />
          <button type="button" className="secondary" disabled={ending.fetching || data.mySessions.length < 2}
            onClick={() => void others()}>
            {t("sessionsEndOthers")}
          </button>
          <h2>{t("tokensList")}</h2>
          <NewToken totp={totp} onDone={reload} />
          {data.myApiTokens.length === 0 ? <p>{t("tokensNone")}</p> : (
            <Table testId="tokens" rows={data.myApiTokens} rowKey={(k) => k.name} columns={[
              { key: "name", label: t("tokenName"), rowHeader: true, cell: (k) => k.name },
              { key: "created", label: t("sessionCreated"), cell: (k) => <When at={k.createdAt} /> },
              { key: "used", label: t("tokenUsed"), cell: (k) => <When at={k.lastUsedAt} /> },
              { key: "expires", label: t("sessionExpires"), cell: (k) => <When at={k.expiresAt} /> },
              { key: "state", label: t("tokenState"), testId: (k) => `token-${k.name}`, cell: (k) => t(k.revoked ? "tokenIsRevoked" : "tokenActive") },
              {
                key: "revoke", label: t("tokenRevoke"), quiet: true,
                cell: (k) => !k.revoked && (
                  <button type="button" className="small secondary" disabled={revoking.fetching}
                    aria-label={`${t("tokenRevoke")}: ${k.name}`} onClick={() => void revokeOne(k.name)}>
                    {t("tokenRevoke")}
                  </button>
                ),
              },
            ]} />
          )}
        </>
      )}
    </Screen>
  );
}

/** A token for an integration: the password again (and a code when TOTP is on); the token is
 * shown once, here, and never stored by the page. */
function NewToken({ totp, onDone }: { totp: boolean; onDone: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [days, setDays] = useState("90");
  const [state, create] = useMutation(CreateTokenMutation);
  const made = state.data?.createApiToken;
  if (!open) {
    return (
      <>
        {made && (
          <div className="done" role="status">
            <p>{t("tokenCreated", { name: made.name })}</p>
            <p><code data-testid="new-token">{made.token}</code></p>
          </div>
        )}
        <button type="button" onClick={() => setOpen(true)}>{t("tokenCreate")}</button>
      </>
    );
  }
  async function submit() {
    const answer = await create({ name: name.trim(), password, code: totp ? code.trim() : null, days: Number(days) });
    if (answer.data) { setOpen(false); setPassword(""); setCode(""); onDone(); }
  }
  return (
    <PanelForm title={t("tokenCreate")} submitLabel={t("tokenCreate")} onSubmit={submit}
      busy={state.fetching} disabled={!name.trim() || !password} error={state.error} onCancel={() => setOpen(false)}>
      <Input label={t("tokenName")} name="tokenName" required autoComplete="off" value={name}
        onChange={(e) => setName(e.target.value)} />
      <Input label={t("password")} name="password" type="password" required autoComplete="current-password"
        value={password} onChange={(e) => setPassword(e.target.value)} />
      {totp && (
        <Input label={t("totpCode")} name="code" inputMode="numeric" autoComplete="one-time-code" value={code}
          onChange={(e) => setCode(e.target.value)} />
      )}
      <Input label={t("tokenDays")} name="days" type="number" min={1} max={365} required value={days}
        onChange={(e) => setDays(e.target.value)} />
    </PanelForm>
  );
}
