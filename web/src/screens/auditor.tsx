// The auditor's screens: what personal fields exist (the catalog), who read what (the read
// audit, filtered), and the security events and access log. No values: auditors see none.
import { useState, type FormEvent } from "react";
import { useQuery } from "urql";
import { graphql, type VariablesOf } from "../graphql";
import { known, useI18n, type Translate } from "../i18n";
import { ErrorBox, Input, Loading, Pager, Screen, Select, usePager } from "../ui";

const CatalogQuery = graphql(`
  query PrivacyCatalog { privacyCatalog { typeName fieldName category purposes mask } }
`);

export function Catalog() {
  const { t } = useI18n();
  const [result] = useQuery({ query: CatalogQuery });
  const entries = result.data?.privacyCatalog;
  return (
    <Screen title={t("catalogTitle")}>
      <p>{t("catalogHelp")}</p>
      <ErrorBox error={result.error} />
      {result.fetching && !entries && <Loading />}
      {entries && (
        <table data-testid="catalog">
          <thead>
            <tr>
              <th scope="col">{t("catalogType")}</th>
              <th scope="col">{t("catalogField")}</th>
              <th scope="col">{t("catalogCategory")}</th>
              <th scope="col">{t("catalogPurposes")}</th>
              <th scope="col">{t("catalogMask")}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={`${e.typeName}.${e.fieldName}`}>
                <td>{e.typeName}</td>
                <td><code>{e.fieldName}</code></td>
                <td>{e.category}</td>
                <td>{e.purposes.join(" ")}</td>
                <td>{e.mask}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Screen>
  );
}

const AuditQuery = graphql(`
  query AuditEvents($filter: AuditFilter, $after: String) {
    auditEvents(filter: $filter, first: 50, after: $after) {
      nodes {
        id at requestId actor role purpose operationName clientAddress
        subjectType subjectId typeName subjectCount
        fields { field decision }
        uses { field use }
      }
      pageInfo { endCursor hasNextPage }
    }
  }
`);
type AuditFilter = NonNullable<VariablesOf<typeof AuditQuery>["filter"]>;
const PURPOSES = ["", "A", "B", "C", "D", "E", "F", "G", "H", "SELF"];
const SUBJECTS = ["", "Customer", "Agent", "Contact", "CampaignSendList"];

/** "phone: used to filter" — a personal value used rather than returned. */
function describeUse(t: Translate, field: string, use: string): string {
  const key = `use${use}`;
  return `${field}: ${known(key) ? t(key) : use}`;
}

function isoOrNull(local: string): string | null {
  return local ? new Date(local).toISOString() : null;
}

export function Audit() {
  const { t, lang } = useI18n();
  const [draft, setDraft] = useState({ subjectType: "", subjectId: "", actor: "", purpose: "", since: "", until: "" });
  const [filter, setFilter] = useState<AuditFilter | null>(null);
  const pager = usePager();
  const [result] = useQuery({ query: AuditQuery, variables: { filter, after: pager.after } });
  function submit(event: FormEvent) {
    event.preventDefault();
    pager.restart();
    setFilter({
      subjectType: draft.subjectType || null, subjectId: draft.subjectId.trim() || null,
      actor: draft.actor.trim() || null, purpose: draft.purpose || null,
      since: isoOrNull(draft.since), until: isoOrNull(draft.until),
    });
  }
  const events = result.data?.auditEvents;
  return (
    <Screen title={t("auditTitle")}>
      <p>{t("auditHelp")}</p>
      <form className="inline-form" onSubmit={submit} role="search">
        <Select label={t("auditSubjectType")} value={draft.subjectType}
          onChange={(v) => setDraft({ ...draft, subjectType: v })}
          options={SUBJECTS.map((s) => ({ value: s, label: s || "—" }))} />
        <Input label={t("auditSubjectId")} name="subjectId" inputMode="numeric" value={draft.subjectId}
          onChange={(e) => setDraft({ ...draft, subjectId: e.target.value })} />
        <Input label={t("auditActor")} name="actor" value={draft.actor}
          onChange={(e) => setDraft({ ...draft, actor: e.target.value })} />
        <Select label={t("purpose")} value={draft.purpose} onChange={(v) => setDraft({ ...draft, purpose: v })}
          options={PURPOSES.map((p) => ({ value: p, label: p || "—" }))} />
        <Input label={t("auditSince")} name="since" type="datetime-local" value={draft.since}
          onChange={(e) => setDraft({ ...draft, since: e.target.value })} />
        <Input label={t("auditUntil")} name="until" type="datetime-local" value={draft.until}
          onChange={(e) => setDraft({ ...draft, until: e.target.value })} />
        <button type="submit">{t("auditFilter")}</button>
      </form>
      <ErrorBox error={result.error} />
      {result.fetching && !events && <Loading />}
      {events && events.nodes.length === 0 && <p role="status">{t("auditNone")}</p>}
      {events && events.nodes.length > 0 && (
        <>
          <table data-testid="audit">
            <thead>
              <tr>
                <th scope="col">{t("auditAt")}</th>
                <th scope="col">{t("auditActor")}</th>
                <th scope="col">{t("purpose")}</th>
                <th scope="col">{t("auditSubject")}</th>
                <th scope="col">{t("auditFields")}</th>
                <th scope="col">{t("auditOperation")}</th>
                <th scope="col">{t("auditAddress")}</th>
              </tr>
            </thead>
            <tbody>
              {events.nodes.map((e) => (
                <tr key={e.id}>
                  <td>{new Date(e.at).toLocaleString(lang)}</td>
                  <td>{e.actor} ({e.role})</td>
                  <td>{e.purpose}</td>
                  <td>
                    {e.subjectType} #{e.subjectId}
                    {e.subjectCount > 1 && ` (${t("auditSubjectCount", { count: e.subjectCount })})`}
                  </td>
                  <td>
                    <ul className="plain decisions">
                      {e.fields.map((f) => (
                        <li key={f.field}>{f.field}: <span className={`decision ${f.decision}`}>{f.decision}</span></li>
                      ))}
                      {e.uses.map((u) => (
                        <li key={`${u.field}-${u.use}`}>{describeUse(t, u.field, u.use)}</li>
                      ))}
                    </ul>
                  </td>
                  <td>{e.operationName ?? t("empty")}</td>
                  <td>{e.clientAddress ?? t("empty")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager pageInfo={events.pageInfo} pager={pager} />
        </>
      )}
    </Screen>
  );
}

const SecurityQuery = graphql(`
  query SecurityLog($eventsAfter: String, $logAfter: String) {
    securityEvents(first: 50, after: $eventsAfter) {
      nodes { id at kind actor clientAddress detail }
      pageInfo { endCursor hasNextPage }
    }
    accessLog(first: 50, after: $logAfter) {
      nodes { id at hostName clientAddress browser os method path status durationMs }
      pageInfo { endCursor hasNextPage }
    }
  }
`);

export function Security() {
  const { t, lang } = useI18n();
  const eventsPager = usePager();
  const logPager = usePager();
  const [result] = useQuery({
    query: SecurityQuery, variables: { eventsAfter: eventsPager.after, logAfter: logPager.after },
  });
  const data = result.data;
  return (
    <Screen title={t("securityTitle")}>
      <ErrorBox error={result.error} />
      {result.fetching && !data && <Loading />}
      {data && (
        <>
          <h2>{t("securityEvents")}</h2>
          <table data-testid="security-events">
            <thead>
              <tr>
                <th scope="col">{t("auditAt")}</th>
                <th scope="col">{t("securityKind")}</th>
                <th scope="col">{t("auditActor")}</th>
                <th scope="col">{t("auditAddress")}</th>
                <th scope="col">{t("securityDetail")}</th>
              </tr>
            </thead>
            <tbody>
              {data.securityEvents.nodes.map((e) => (
                <tr key={e.id}>
                  <td>{new Date(e.at).toLocaleString(lang)}</td>
                  <td>{e.kind}</td>
                  <td>{e.actor}</td>
                  <td>{e.clientAddress ?? t("empty")}</td>
                  <td>{e.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager pageInfo={data.securityEvents.pageInfo} pager={eventsPager} />
          <h2>{t("accessLog")}</h2>
          <table data-testid="access-log">
            <thead>
              <tr>
                <th scope="col">{t("auditAt")}</th>
                <th scope="col">{t("auditAddress")}</th>
                <th scope="col">{t("accessPath")}</th>
                <th scope="col">{t("accessStatus")}</th>
                <th scope="col">{t("accessBrowser")}</th>
                <th scope="col">{t("accessDuration")}</th>
              </tr>
            </thead>
            <tbody>
              {data.accessLog.nodes.map((e) => (
                <tr key={e.id}>
                  <td>{new Date(e.at).toLocaleString(lang)}</td>
                  <td>{e.hostName ?? e.clientAddress ?? t("empty")}</td>
                  <td>{e.method} {e.path}</td>
                  <td>{e.status}</td>
                  <td>{e.browser} / {e.os}</td>
                  <td>{e.durationMs} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager pageInfo={data.accessLog.pageInfo} pager={logPager} />
        </>
      )}
    </Screen>
  );
}
