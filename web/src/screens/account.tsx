// The caller's own sign-ins: its sessions (end all others) and its API tokens (revoke one).
// Every role has this screen; nobody sees anyone else's.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { Table, When } from "../blocks";
import { graphql } from "../graphql";
import { useI18n } from "../i18n";
import { Done, ErrorBox, Loading, Screen } from "../ui";

const SessionsQuery = graphql(`
  query MySessions {
    mySessions { id createdAt lastSeenAt expiresAt browser current }
    myApiTokens { name role createdAt lastUsedAt expiresAt revoked }
  }
`);
const RevokeMutation = graphql(`
  mutation RevokeApiToken($name: String!) { revokeApiToken(name: $name) }
`);
const OthersOutMutation = graphql(`
  mutation LogoutOtherSessions { logoutOtherSessions }
`);

export function Sessions() {
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
