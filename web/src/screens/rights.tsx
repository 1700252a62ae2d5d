// Subject rights (P7, APPI arts. 32–35): a customer's consents as records, the history of its
// own values, who read or received its data; support takes and answers requests after checking
// identity in person (the kind of document only, never its number); billing records the fee.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { PanelForm, Table, When, fieldName } from "../blocks";
import { errorCode, readPrivacy, withPurpose } from "../client";
import { graphql, type ResultOf, type VariablesOf } from "../graphql";
import { known, useI18n, type Translate } from "../i18n";
import type { ScreenProps } from "../roles";
import { Done, ErrorBox, Input, Loading, Pager, Screen, Select, Yen, today, usePager } from "../ui";

/** An API enum value in words when the dictionary has it (`${prefix}${value}`). */
export function word(t: Translate, prefix: string, value: string | null | undefined): string {
  if (!value) return t("empty");
  const key = `${prefix}${value}`;
  return known(key) ? t(key) : value;
}

const ConsentsQuery = graphql(`
  query MyConsents {
    myConsents {
      use description noticeText state
      last { granted at channel }
    }
    myConsentRecords { use granted at channel policyVersion recordedRole }
  }
`);
const SetConsentMutation = graphql(`
  mutation SetMyConsent($use: String!, $granted: Boolean!) {
    setMyConsent(use: $use, granted: $granted) { use granted at }
  }
`);

/** The customer's consents (P5.G, P5.H and named uses outside A–H), each a record kept. */
export function Consents() {
  const { t } = useI18n();
  const [result, reexecute] = useQuery({ query: ConsentsQuery });
  const [state, set] = useMutation(SetConsentMutation);
  const data = result.data;
  async function decide(use: string, granted: boolean) {
    const answer = await set({ use, granted });
    if (answer.data) reexecute({ requestPolicy: "network-only" });
  }
  const done = state.data?.setMyConsent;
  return (
    <Screen title={t("consentsTitle")} privacy={readPrivacy(result.extensions)}>
      <p>{t("consentsHelp")}</p>
      <ErrorBox error={result.error ?? state.error} />
      {done && <Done>{t(done.granted ? "consentGranted" : "consentWithdrawn", { use: done.use })}</Done>}
      {result.fetching && !data && <Loading />}
      {data && (
        <>
          <ol className="cards" data-testid="consents">
            {data.myConsents.map((c) => (
              <li key={c.use} className="card" data-use={c.use}>
                <h2>{known(`use${c.use}`) ? word(t, "use", c.use) : c.description} <span className="badge">{c.use}</span></h2>
                {known(`use${c.use}`) && <p>{c.description}</p>}
                {c.noticeText !== c.description && <p className="notice-text">{c.noticeText}</p>}
                <p data-testid={`consent-state-${c.use}`}>
                  {t("consentState")}: <strong>{word(t, "consent", c.state)}</strong>
                  {c.last && <> ({word(t, "via", c.last.channel)}, <When at={c.last.at} />)</>}
                </p>
                {c.state === "IN_FORCE" ? (
                  <button type="button" className="secondary" disabled={state.fetching}
                    aria-label={`${t("consentWithdraw")}: ${c.use}`} onClick={() => void decide(c.use, false)}>
                    {t("consentWithdraw")}
                  </button>
                ) : (
                  <button type="button" disabled={state.fetching}
                    aria-label={`${t("consentGrant")}: ${c.use}`} onClick={() => void decide(c.use, true)}>
                    {t("consentGrant")}
                  </button>
                )}
              </li>
            ))}
          </ol>
          <h2>{t("consentRecords")}</h2>
          <Table testId="consent-records" rows={[...data.myConsentRecords].reverse()} rowKey={(_, i) => String(i)}
            columns={[
              { key: "at", label: t("when"), cell: (r) => <When at={r.at} /> },
              { key: "use", label: t("consentUse"), cell: (r) => r.use },
              { key: "granted", label: t("consentDecision"), cell: (r) => t(r.granted ? "consentYes" : "consentNo") },
              { key: "channel", label: t("consentChannel"), cell: (r) => word(t, "via", r.channel) },
              { key: "by", label: t("consentBy"), cell: (r) => word(t, "role", r.recordedRole) },
              { key: "policy", label: t("policyVersion"), cell: (r) => r.policyVersion },
            ]} />
        </>
      )}
    </Screen>
  );
}

const HistoryQuery = graphql(`
  query MyHistory {
    customers(first: 1) {
      nodes {
        id
        history {
          version beganAt changedFields
          changedBy { actor login contactId }
          name nameKana birthDate postalCode address phone fax email
          bankName bankBranch accountType accountNumber accountHolder surveyOptOut marketingOptOut
        }
      }
    }
  }
`);
type Version = ResultOf<typeof HistoryQuery>["customers"]["nodes"][number]["history"][number];

function shown(t: Translate, version: Version, field: string): string {
  const value = (version as Record<string, unknown>)[field];
  if (value === null || value === undefined || value === "") return t("empty");
  if (typeof value === "boolean") return t(value ? "yes" : "no");
  return String(value);
}

/** The own record's past values (P3.4, P7.1): each version, who began it, what it changed. */
export function History() {
  const { t } = useI18n();
  const [result] = useQuery({ query: HistoryQuery });
  const history = result.data?.customers.nodes[0]?.history;
  return (
    <Screen title={t("historyTitle")} privacy={readPrivacy(result.extensions)}>
      <p>{t("historyHelp")}</p>
      <ErrorBox error={result.error} />
      {result.fetching && !history && <Loading />}
      {history && (
        <ol className="cards" data-testid="history">
          {[...history].reverse().map((v) => (
            <li key={v.version} className="card">
              <h2>{t("historyVersion", { version: v.version })}</h2>
              <p>
                <When at={v.beganAt} /> · {word(t, "actor", v.changedBy?.actor)}
                {v.changedBy?.login && ` (${v.changedBy.login})`}
              </p>
              {v.changedFields.length === 0 ? (
                <p>{t("historyCreated")}</p>
              ) : (
                <dl className="record-view">
                  {v.changedFields.map((f) => (
                    <div key={f} data-field={f}>
                      <dt>{fieldName(t, f)}</dt>
                      <dd>{shown(t, v, f)}</dd>
                    </div>
                  ))}
                </dl>
              )}
            </li>
          ))}
        </ol>
      )}
    </Screen>
  );
}

const AccessQuery = graphql(`
  query MyAccessHistory($after: String) {
    myAccessHistory(first: 50, after: $after) {
      nodes {
        at kind role login purpose ground recipient typeName about
        fields { field decision }
        uses { field use }
      }
      pageInfo { endCursor hasNextPage }
    }
  }
`);

/** Who read or received the customer's data (APPI art. 33): from the audit, never values. */
export function AccessHistory() {
  const { t } = useI18n();
  const pager = usePager();
  const [result] = useQuery({ query: AccessQuery, variables: { after: pager.after } });
  const found = result.data?.myAccessHistory;
  return (
    <Screen title={t("accessTitle")} privacy={readPrivacy(result.extensions)}>
      <p>{t("accessHelp")}</p>
      <ErrorBox error={result.error} />
      {result.fetching && !found && <Loading />}
      {found && found.nodes.length === 0 && <p>{t("accessNone")}</p>}
      {found && found.nodes.length > 0 && (
        <>
          <Table testId="access" rows={found.nodes} rowKey={(_, i) => `${pager.page}-${i}`} columns={[
            { key: "at", label: t("when"), cell: (e) => <When at={e.at} /> },
            {
              key: "who", label: t("accessWho"),
              cell: (e) => e.recipient
                ? `${e.recipient}（${t("accessProvided")}）`
                : `${word(t, "role", e.role)}${e.login ? ` (${e.login})` : ""}`,
            },
            {
              key: "purpose", label: t("accessWhy"),
              cell: (e) => (e.ground ? word(t, "ground", e.ground) : word(t, "purpose", e.purpose)),
            },
            { key: "what", label: t("accessWhat"), cell: (e) => e.typeName },
            {
              key: "fields", label: t("accessFields"),
              cell: (e) => (
                <ul className="plain">
                  {e.fields.map((f) => (
                    <li key={f.field}>{fieldName(t, f.field)}: {word(t, "decision", f.decision)}</li>
                  ))}
                  {e.uses.map((u) => (
                    <li key={`use-${u.field}`}>{fieldName(t, u.field)}: {word(t, "use", u.use)}</li>
                  ))}
                </ul>
              ),
            },
          ]} />
          <Pager pageInfo={found.pageInfo} pager={pager} />
        </>
      )}
    </Screen>
  );
}

const MyRequestsQuery = graphql(`
  query MyRightsRequests {
    myRightsRequests { id kind document checkedAt receivedAt dueAt fee feeState answeredAt overdue }
    privacyContact { email phone }
  }
`);

/** A customer's own requests (P7.3): taken in person after an identity check, each with its
 * deadline, fee and whether it was answered. */
export function MyRequests() {
  const { t } = useI18n();
  const [result] = useQuery({ query: MyRequestsQuery });
  const data = result.data;
  return (
    <Screen title={t("myRequestsTitle")} privacy={readPrivacy(result.extensions)}>
      <ErrorBox error={result.error} />
      {result.fetching && !data && <Loading />}
      {data && (
        <>
          <p>{t("myRequestsHelp", { email: data.privacyContact.email, phone: data.privacyContact.phone })}</p>
          {data.myRightsRequests.length === 0 ? <p>{t("requestsNone")}</p> : (
            <Table testId="my-requests" rows={[...data.myRightsRequests].reverse()} rowKey={(r) => r.id} columns={[
              { key: "id", label: "#", cell: (r) => r.id },
              { key: "kind", label: t("requestKind"), cell: (r) => word(t, "request", r.kind) },
              { key: "received", label: t("requestReceived"), cell: (r) => <When at={r.receivedAt} /> },
              { key: "check", label: t("requestDocument"), cell: (r) => word(t, "document", r.document) },
              { key: "due", label: t("requestDue"), cell: (r) => <When at={r.dueAt} /> },
              {
                key: "state", label: t("requestState"), testId: (r) => `my-request-${r.id}`,
                cell: (r) => (r.answeredAt ? <>{t("requestAnswered")} · <When at={r.answeredAt} /></> : requestState(t, r)),
              },
              {
                key: "fee", label: t("requestFee"),
                cell: (r) => (r.fee === 0 ? t("feeFree") : <><Yen amount={r.fee} /> {word(t, "fee", r.feeState)}</>),
              },
            ]} />
          )}
        </>
      )}
    </Screen>
  );
}

const RequestsQuery = graphql(`
  query RightsRequests {
    rightsRequests(open: false) {
      id kind customerId document checkedBy checkedAt receivedAt dueAt
      fee feeState invoiceId answeredAt answeredBy overdue
    }
  }
`);
const TakeRequestMutation = graphql(`
  mutation TakeRightsRequest($input: RightsRequestInput!) @purpose(code: D) {
    takeRightsRequest(input: $input) { id kind fee dueAt }
  }
`);
const AnswerRequestMutation = graphql(`
  mutation AnswerRightsRequest($id: ID!) @purpose(code: D) {
    answerRightsRequest(id: $id) { id answeredAt }
  }
`);
const PayFeeMutation = graphql(`
  mutation PayRightsRequestFee($id: ID!, $receivedOn: Date!) @purpose(code: E) {
    payRightsRequestFee(id: $id, receivedOn: $receivedOn) { id feeState invoiceId }
  }
`);
type RequestInput = VariablesOf<typeof TakeRequestMutation>["input"];
type Kind = RequestInput["kind"];
type Document = RequestInput["document"];
const KINDS: Kind[] = ["DISCLOSURE", "STOP", "DELETE"];
const DOCUMENTS: Document[] = ["DRIVERS_LICENCE", "PASSPORT", "PHOTO_MEMBERSHIP_CARD"];

function requestState(t: Translate, r: { answeredAt: string | null; overdue: boolean }): string {
  if (r.answeredAt) return t("requestAnswered");
  return r.overdue ? t("requestOverdue") : t("requestOpen");
}

/** Support (D) takes and answers requests; billing (E) records a fee paid in cash. */
export function RightsRequests({ purpose }: ScreenProps) {
  const { t } = useI18n();
  const [context] = useState(() => withPurpose(purpose));
  const [result, reexecute] = useQuery({ query: RequestsQuery, context });
  const [taking, setTaking] = useState(false);
  const [answerState, answer] = useMutation(AnswerRequestMutation);
  const [payState, pay] = useMutation(PayFeeMutation);
  const [done, setDone] = useState<string>();
  const reload = () => reexecute({ requestPolicy: "network-only" });
  const requests = result.data?.rightsRequests;
  const support = purpose === "D";
  async function answerOne(id: string) {
    setDone(undefined);
    const reply = await answer({ id }, withPurpose(purpose));
    if (reply.data) { setDone(t("requestAnsweredDone", { id })); reload(); }
  }
  async function payOne(id: string) {
    setDone(undefined);
    const reply = await pay({ id, receivedOn: today() }, withPurpose(purpose));
    if (reply.data) { setDone(t("feePaidDone", { id, invoice: reply.data.payRightsRequestFee.invoiceId ?? "—" })); reload(); }
  }
  const actionError = answerState.error ?? payState.error;
  return (
    <Screen title={support ? t("requestsTitle") : t("navFees")} purpose={purpose} privacy={readPrivacy(result.extensions)}>
      <p>{support ? t("requestsHelp") : t("requestsFeeHelp")}</p>
      <ErrorBox error={result.error} />
      {actionError && errorCode(actionError) === "DELIVERY_UNAVAILABLE"
        ? <p className="error" role="alert">{t("deliveryUnavailable")}</p>
        : <ErrorBox error={actionError} />}
      {done && <Done>{done}</Done>}
      {support && !taking && (
        <button type="button" onClick={() => setTaking(true)}>{t("requestTake")}</button>
      )}
      {support && taking && (
        <TakeRequestForm purpose={purpose} onCancel={() => setTaking(false)}
          onDone={(id) => { setTaking(false); setDone(t("requestTaken", { id })); reload(); }} />
      )}
      {result.fetching && !requests && <Loading />}
      {requests && requests.length === 0 && <p>{t("requestsNone")}</p>}
      {requests && requests.length > 0 && (
        <Table testId="requests" rows={[...requests].reverse()} rowKey={(r) => r.id} columns={[
          { key: "id", label: "#", cell: (r) => r.id },
          { key: "kind", label: t("requestKind"), cell: (r) => word(t, "request", r.kind) },
          {
            key: "who", label: t("requestWho"),
            cell: (r) => (r.customerId ? t("customerNumber", { id: r.customerId }) : t("requestFormer")),
          },
          {
            key: "check", label: t("requestCheck"),
            cell: (r) => <>{word(t, "document", r.document)} · {r.checkedBy} · <When at={r.checkedAt} /></>,
          },
          { key: "due", label: t("requestDue"), cell: (r) => <When at={r.dueAt} /> },
          { key: "state", label: t("requestState"), testId: (r) => `request-state-${r.id}`, cell: (r) => requestState(t, r) },
          {
            key: "fee", label: t("requestFee"),
            cell: (r) => (r.fee === 0 ? t("feeFree") : <><Yen amount={r.fee} /> {word(t, "fee", r.feeState)}</>),
          },
          {
            key: "act", label: t("requestAction"), quiet: true,
            cell: (r) => support ? (
              !r.answeredAt && (
                <button type="button" className="small" disabled={answerState.fetching}
                  aria-label={`${t("requestAnswer")}: #${r.id}`} onClick={() => void answerOne(r.id)}>
                  {t("requestAnswer")}
                </button>
              )
            ) : (
              r.feeState === "DUE" && (
                <button type="button" className="small" disabled={payState.fetching}
                  aria-label={`${t("feePay")}: #${r.id}`} onClick={() => void payOne(r.id)}>
                  {t("feePay")}
                </button>
              )
            ),
          },
        ]} />
      )}
    </Screen>
  );
}

function localNow(): string {
  const now = new Date();
  now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
  return now.toISOString().slice(0, 16);
}

/** The identity check in person: which document was seen, by whom (the caller), when. The
 * document's number is never asked for, so it cannot be kept. */
function TakeRequestForm(props: { purpose: string | undefined; onDone: (id: string) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<Kind>("DISCLOSURE");
  const [customerId, setCustomerId] = useState("");
  const [replyTo, setReplyTo] = useState("");
  const [document, setDocument] = useState<Document>("DRIVERS_LICENCE");
  const [checkedAt, setCheckedAt] = useState(localNow);
  const [state, take] = useMutation(TakeRequestMutation);
  async function submit() {
    const input: RequestInput = {
      kind, document, checkedAt: new Date(checkedAt).toISOString(),
      customerId: customerId.trim() || null, replyTo: replyTo.trim() || null,
    };
    const answer = await take({ input }, withPurpose(props.purpose));
    if (answer.data) props.onDone(answer.data.takeRightsRequest.id);
  }
  return (
    <PanelForm title={t("requestTake")} submitLabel={t("requestRecord")} onSubmit={submit}
      busy={state.fetching} error={state.error} onCancel={props.onCancel}>
      <p>{t("requestTakeHelp")}</p>
      <Select label={t("requestKind")} value={kind} onChange={(v) => setKind(v as Kind)}
        options={KINDS.map((k) => ({ value: k, label: word(t, "request", k) }))} />
      <Input label={t("requestCustomerId")} hint={t("requestCustomerIdHint")} name="customerId"
        inputMode="numeric" value={customerId} onChange={(e) => setCustomerId(e.target.value)} />
      <Input label={t("requestReplyTo")} hint={t("requestReplyToHint")} name="replyTo" type="email"
        value={replyTo} onChange={(e) => setReplyTo(e.target.value)} />
      <Select label={t("requestDocument")} value={document} onChange={(v) => setDocument(v as Document)}
        options={DOCUMENTS.map((d) => ({ value: d, label: word(t, "document", d) }))} />
      <Input label={t("requestCheckedAt")} name="checkedAt" type="datetime-local" required
        max={localNow()} value={checkedAt} onChange={(e) => setCheckedAt(e.target.value)} />
    </PanelForm>
  );
}
