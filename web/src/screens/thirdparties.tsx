// Third parties (P8, APPI arts. 27–30) for auditors and administrators: what was provided to
// whom and on which ground (field names, never values), the NDAs, exceptional disclosures with
// who requested and who decided them, business transfers and the incident register. An
// administrator decides a disclosure another person requested (four eyes; the server refuses
// the requester).
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { Table, When, fieldName } from "../blocks";
import { readPrivacy } from "../client";
import { graphql, type VariablesOf } from "../graphql";
import { useI18n } from "../i18n";
import { Done, ErrorBox, Input, Loading, Pager, Screen, Select, usePager } from "../ui";
import { word } from "./rights";

const RegisterQuery = graphql(`
  query ThirdPartyRegister {
    providers {
      id name kind
      ndas { reference categories optionCodes validFrom validUntil status inForce }
    }
    disclosures(first: 100) {
      nodes {
      id ground requestingParty partyReference customerIds fields consentSought
      requestedBy requestedAt status decidedBy decidedAt refusalReason
      }
    }
    businessTransfers {
      id transferee extent plannedOn status lastNoticeAt noticesSent earliestEffectiveOn effectiveAt
    }
    incidents(first: 100) {
      nodes {
      id kind foundAt actor windowFrom windowUntil affectedFields affectedCount
      sensitive financialHarm wrongfulIntent reportable preliminaryDue finalDue noticesSent
      }
    }
  }
`);
const DecideMutation = graphql(`
  mutation DecideDisclosure($id: ID!, $approve: Boolean!, $reason: RefusalReason) {
    decideDisclosure(id: $id, approve: $approve, refusalReason: $reason) { id status decidedBy }
  }
`);
type Reason = NonNullable<VariablesOf<typeof DecideMutation>["reason"]>;
const REASONS: Reason[] = ["GROUND_NOT_MET", "NOT_NECESSARY", "IMPROPER_PROCEDURE", "CONSENT_REFUSED"];

export function ThirdParties({ auditor }: { auditor: boolean }) {
  const { t } = useI18n();
  const [result, reexecute] = useQuery({ query: RegisterQuery });
  const [decision, decide] = useMutation(DecideMutation);
  const [reason, setReason] = useState<Reason>("GROUND_NOT_MET");
  const data = result.data;
  async function decideOne(id: string, approve: boolean) {
    const answer = await decide({ id, approve, reason: approve ? null : reason });
    if (answer.data) reexecute({ requestPolicy: "network-only" });
  }
  const decided = decision.data?.decideDisclosure;
  const yesNo = (b: boolean) => t(b ? "yes" : "no");
  return (
    <Screen title={t("thirdTitle")} privacy={readPrivacy(result.extensions)}>
      <p>{t("thirdHelp")}</p>
      <ErrorBox error={result.error} />
      {result.fetching && !data && <Loading />}
      {data && (
        <>
          <section aria-labelledby="ndas-title">
            <h2 id="ndas-title">{t("ndasTitle")}</h2>
            <Table testId="ndas" rows={data.providers.flatMap((p) => p.ndas.map((n) => ({ ...n, provider: p })))}
              rowKey={(n) => n.reference} columns={[
                { key: "provider", label: t("provider"), cell: (n) => `${n.provider.name}（${word(t, "provider", n.provider.kind)}）` },
                { key: "ref", label: t("ndaReference"), cell: (n) => n.reference },
                { key: "categories", label: t("ndaCategories"), cell: (n) => n.categories.join(", ") },
                { key: "options", label: t("ndaOptions"), cell: (n) => n.optionCodes.join(", ") },
                { key: "valid", label: t("ndaValid"), cell: (n) => `${n.validFrom} – ${n.validUntil}` },
                { key: "inForce", label: t("ndaInForce"), testId: (n) => `nda-${n.reference}`, cell: (n) => yesNo(n.inForce) },
              ]} />
          </section>
          <section aria-labelledby="disclosures-title">
            <h2 id="disclosures-title">{t("disclosuresTitle")}</h2>
            {!auditor && <p>{t("secondAdminNote")}</p>}
            {decided && <Done>{t("disclosureDecided", { id: decided.id, status: word(t, "disclosure", decided.status) })}</Done>}
            <ErrorBox error={decision.error} />
            {!auditor && data.disclosures.nodes.some((d) => d.status === "REQUESTED") && (
              <Select label={t("refusalReason")} value={reason} onChange={(v) => setReason(v as Reason)}
                options={REASONS.map((r) => ({ value: r, label: word(t, "refusal", r) }))} />
            )}
            <Table testId="disclosures" rows={data.disclosures.nodes} rowKey={(d) => d.id} columns={[
              { key: "id", label: "#", cell: (d) => d.id },
              { key: "party", label: t("disclosureParty"), cell: (d) => `${d.requestingParty}（${d.partyReference}）` },
              { key: "ground", label: t("provisionGround"), cell: (d) => word(t, "ground", d.ground) },
              { key: "scope", label: t("disclosureScope"), cell: (d) => t("disclosureScopeText", { count: d.customerIds.length, fields: d.fields.map((f) => fieldName(t, f)).join("、") }) },
              { key: "requested", label: t("disclosureRequested"), cell: (d) => <>{d.requestedBy} · <When at={d.requestedAt} /></> },
              {
                key: "status", label: t("disclosureStatus"), testId: (d) => `disclosure-${d.id}`,
                cell: (d) => (
                  <>
                    {word(t, "disclosure", d.status)}
                    {d.decidedBy && <> · {d.decidedBy} · <When at={d.decidedAt} /></>}
                    {d.refusalReason && <> · {word(t, "refusal", d.refusalReason)}</>}
                  </>
                ),
              },
              !auditor && {
                key: "decide", label: t("disclosureDecide"), quiet: true,
                cell: (d) => d.status === "REQUESTED" && (
                  <>
                    <button type="button" className="small" disabled={decision.fetching}
                      aria-label={`${t("disclosureApprove")}: #${d.id}`} onClick={() => void decideOne(d.id, true)}>
                      {t("disclosureApprove")}
                    </button>{" "}
                    <button type="button" className="small secondary" disabled={decision.fetching}
                      aria-label={`${t("disclosureRefuse")}: #${d.id}`} onClick={() => void decideOne(d.id, false)}>
                      {t("disclosureRefuse")}
                    </button>
                  </>
                ),
              },
            ]} />
          </section>
          <section aria-labelledby="transfers-title">
            <h2 id="transfers-title">{t("transfersTitle")}</h2>
            <Table testId="transfers" rows={data.businessTransfers} rowKey={(b) => b.id} columns={[
              { key: "to", label: t("transferee"), cell: (b) => `${b.transferee}（${word(t, "extent", b.extent)}）` },
              { key: "planned", label: t("transferPlanned"), cell: (b) => b.plannedOn },
              { key: "notices", label: t("transferNotices"), cell: (b) => <>{b.noticesSent} · <When at={b.lastNoticeAt} /></> },
              { key: "earliest", label: t("transferEarliest"), cell: (b) => b.earliestEffectiveOn ?? t("empty") },
              {
                key: "status", label: t("disclosureStatus"), testId: (b) => `transfer-${b.id}`,
                cell: (b) => <>{word(t, "transfer", b.status)}{b.effectiveAt && <> · <When at={b.effectiveAt} /></>}</>,
              },
            ]} />
          </section>
          <section aria-labelledby="incidents-title">
            <h2 id="incidents-title">{t("incidentsTitle")}</h2>
            {data.incidents.nodes.length === 0 ? <p>{t("incidentsNone")}</p> : (
              <Table testId="incidents" rows={data.incidents.nodes} rowKey={(i) => i.id} columns={[
                { key: "id", label: "#", cell: (i) => i.id },
                { key: "kind", label: t("incidentKind"), cell: (i) => word(t, "incident", i.kind) },
                { key: "found", label: t("incidentFound"), cell: (i) => <When at={i.foundAt} /> },
                { key: "actor", label: t("incidentActor"), cell: (i) => i.actor },
                { key: "affected", label: t("incidentAffected"), cell: (i) => t("disclosureScopeText", { count: i.affectedCount, fields: i.affectedFields.map((f) => fieldName(t, f)).join("、") }) },
                {
                  key: "report", label: t("incidentReport"),
                  cell: (i) => i.reportable ? t("incidentReportable", { first: i.preliminaryDue, last: i.finalDue }) : t("incidentNotReportable"),
                },
                { key: "notices", label: t("incidentNotices"), cell: (i) => i.noticesSent },
              ]} />
            )}
          </section>
        </>
      )}
    </Screen>
  );
}

const ProvisionsQuery = graphql(`
  query ProvisionRecords($customerId: ID, $after: String) {
    provisionRecords(customerId: $customerId, first: 50, after: $after) {
      nodes { id at recipient customerId items ground source keepUntil }
      pageInfo { endCursor hasNextPage }
    }
  }
`);

/** Records of provision (APPI art. 29), in the order written, optionally of one person. */
export function Provisions() {
  const { t } = useI18n();
  const pager = usePager();
  const [draft, setDraft] = useState("");
  const [customerId, setCustomerId] = useState<string | null>(null);
  const [result] = useQuery({ query: ProvisionsQuery, variables: { customerId, after: pager.after } });
  const found = result.data?.provisionRecords;
  return (
    <Screen title={t("provisionsTitle")} privacy={readPrivacy(result.extensions)}>
      <p>{t("provisionsHelp")}</p>
      <form className="inline-form" role="search"
        onSubmit={(e) => { e.preventDefault(); pager.restart(); setCustomerId(draft.trim() || null); }}>
        <Input label={t("customerId")} name="customerId" inputMode="numeric" value={draft}
          onChange={(e) => setDraft(e.target.value)} />
        <button type="submit">{t("auditFilter")}</button>
      </form>
      <ErrorBox error={result.error} />
      {result.fetching && !found && <Loading />}
      {found && found.nodes.length === 0 && <p>{t("provisionsNone")}</p>}
      {found && found.nodes.length > 0 && (
        <>
          <Table testId="provisions" rows={found.nodes} rowKey={(p) => p.id} columns={[
            { key: "at", label: t("when"), cell: (p) => <When at={p.at} /> },
            { key: "to", label: t("provisionRecipient"), cell: (p) => p.recipient },
            { key: "who", label: t("customerId"), cell: (p) => p.customerId },
            { key: "items", label: t("provisionItems"), cell: (p) => p.items.map((i) => fieldName(t, i)).join("、") },
            { key: "ground", label: t("provisionGround"), cell: (p) => word(t, "ground", p.ground) },
            { key: "source", label: t("provisionSource"), cell: (p) => p.source },
            { key: "keep", label: t("provisionKeepUntil"), cell: (p) => p.keepUntil },
          ]} />
          <Pager pageInfo={found.pageInfo} pager={pager} />
        </>
      )}
    </Screen>
  );
}
