// Billing (E): correcting an issued invoice. The original never changes; the correction is a
// new invoice referencing it, with an ADJUST line, crediting what was already paid.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { PanelForm, Table } from "../blocks";
import { readPrivacy, withPurpose } from "../client";
import { graphql } from "../graphql";
import { useI18n } from "../i18n";
import { shownAs } from "../receipt";
import type { ScreenProps } from "../roles";
import { ErrorBox, Input, Loading, Screen, Value, Yen } from "../ui";
import { TextArea } from "./customer";
import { word } from "./rights";

const InvoiceQuery = graphql(`
  query InvoiceToCorrect($id: ID!) {
    invoice(id: $id) {
      id period issuedOn dueOn total credit balance correctsId billingName billingAddress
      lines { kind description amount }
      payments { amount receivedOn }
    }
  }
`);
const CorrectMutation = graphql(`
  mutation CorrectInvoice($id: ID!, $total: Int!, $reason: String!) {
    correctInvoice(invoiceId: $id, total: $total, reason: $reason) { id total credit balance correctsId }
  }
`);

export function Corrections({ purpose }: ScreenProps) {
  const { t } = useI18n();
  const [context] = useState(() => withPurpose(purpose));
  const [draft, setDraft] = useState("");
  const [id, setId] = useState<string>();
  const [result, reexecute] = useQuery({ query: InvoiceQuery, variables: { id: id ?? "" }, context, pause: !id });
  const privacy = readPrivacy(result.extensions);
  const invoice = id ? result.data?.invoice : undefined;
  const at = (field: string) => shownAs(privacy, `invoice.${field}`);
  return (
    <Screen title={t("correctionsTitle")} purpose={purpose} privacy={invoice ? privacy : undefined}>
      <p>{t("correctionsHelp")}</p>
      <form className="inline-form" role="search"
        onSubmit={(e) => { e.preventDefault(); setId(draft.trim() || undefined); }}>
        <Input label={t("invoiceNumber")} name="invoiceId" inputMode="numeric" required value={draft}
          onChange={(e) => setDraft(e.target.value)} />
        <button type="submit">{t("invoiceOpen")}</button>
      </form>
      {id && <ErrorBox error={result.error} />}
      {id && result.fetching && <Loading />}
      {id && result.data && !invoice && <p role="status">{t("errorNotFound")}</p>}
      {invoice && (
        <>
          <dl className="record-view" data-testid="invoice">
            <div><dt>#</dt><dd>{invoice.id}{invoice.correctsId && ` (${t("invoiceCorrects", { id: invoice.correctsId })})`}</dd></div>
            <div><dt>{t("invoicePeriod")}</dt><dd>{invoice.period.slice(0, 7)}</dd></div>
            <div><dt>{t("fieldbillingName")}</dt><dd><Value value={invoice.billingName} shown={at("billingName")} /></dd></div>
            <div><dt>{t("invoiceTotal")}</dt><dd><Yen amount={invoice.total} /></dd></div>
            <div><dt>{t("invoiceCredit")}</dt><dd><Yen amount={invoice.credit} /></dd></div>
            <div data-field="balance"><dt>{t("invoiceBalance")}</dt><dd><Yen amount={invoice.balance} /></dd></div>
          </dl>
          <Table rows={invoice.lines} rowKey={(_, i) => String(i)} columns={[
            { key: "kind", label: t("lineKind"), cell: (l) => word(t, "line", l.kind) },
            { key: "description", label: t("invoiceLines"), cell: (l) => <Value value={l.description} shown={at("lines.*.description")} /> },
            { key: "amount", label: t("paymentAmount"), cell: (l) => <Yen amount={l.amount} /> },
          ]} />
          <CorrectionForm key={invoice.id} id={invoice.id} total={invoice.total} purpose={purpose}
            onDone={(next) => { setDraft(next); setId(next); reexecute({ requestPolicy: "network-only" }); }} />
        </>
      )}
    </Screen>
  );
}

function CorrectionForm(props: { id: string; total: number; purpose: string | undefined; onDone: (id: string) => void }) {
  const { t } = useI18n();
  const [total, setTotal] = useState(String(props.total));
  const [reason, setReason] = useState("");
  const [state, correct] = useMutation(CorrectMutation);
  async function submit() {
    const answer = await correct({ id: props.id, total: Number(total), reason: reason.trim() }, withPurpose(props.purpose));
    if (answer.data) props.onDone(answer.data.correctInvoice.id);
  }
  return (
    <PanelForm title={t("correctionTitle", { id: props.id })} submitLabel={t("correctionSubmit")}
      onSubmit={submit} busy={state.fetching} disabled={!reason.trim()} error={state.error}>
      <Input label={t("correctionTotal")} hint={t("correctionTotalHint")} name="total" type="number" min={0}
        required value={total} onChange={(e) => setTotal(e.target.value)} />
      <TextArea label={t("correctionReason")} name="reason" value={reason} onChange={setReason} />
    </PanelForm>
  );
}
