// Operator staff's screens. Each works under the purpose chosen in the header (sent as
// X-Purpose), shows every personal value as the policy let it through (clear, partly shown,
// withheld) and turns the receipt into words.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { readPrivacy, withPurpose } from "../client";
import { graphql, type ResultOf, type VariablesOf } from "../graphql";
import { known, useI18n } from "../i18n";
import { shownAs } from "../receipt";
import type { Purpose, ScreenProps } from "../roles";
import { PanelForm, Table, When, personalColumns } from "../blocks";
import { Done, ErrorBox, Input, Loading, Pager, Screen, Select, Value, Yen, today, usePager } from "../ui";
import { TextArea } from "./customer";

const CustomerSearchQuery = graphql(`
  query CustomerSearch($where: CustomerSearch, $orderBy: CustomerOrder!, $after: String) {
    customerSearch(where: $where, orderBy: $orderBy, first: 50, after: $after) {
      totalCount
      nodes { id name nameKana birthDate address phone email }
      pageInfo { endCursor hasNextPage }
    }
  }
`);
type Order = VariablesOf<typeof CustomerSearchQuery>["orderBy"];
type Found = ResultOf<typeof CustomerSearchQuery>["customerSearch"]["nodes"][number];
type Where = { name?: string; phone?: string; email?: string };

export function CustomerSearch({ purpose }: ScreenProps) {
  const { t } = useI18n();
  const [draft, setDraft] = useState({ name: "", phone: "", email: "" });
  const [order, setOrder] = useState<Order>("ID");
  const [asked, setAsked] = useState<{ where: Where; orderBy: Order }>();
  const pager = usePager();
  const [result] = useQuery({
    query: CustomerSearchQuery,
    variables: { where: asked?.where ?? null, orderBy: asked?.orderBy ?? "ID", after: pager.after },
    context: usePurposeContext(purpose),
    pause: !asked,
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    const where: Where = {};
    for (const key of ["name", "phone", "email"] as const) {
      const value = draft[key].trim();
      if (value) where[key] = value;
    }
    pager.restart();
    setAsked({ where, orderBy: order });
  }
  const privacy = readPrivacy(result.extensions);
  const found = asked ? result.data?.customerSearch : undefined;
  return (
    <Screen title={t("searchTitle")} purpose={purpose} privacy={found ? privacy : undefined}>
      <p>{t("searchHelp")}</p>
      <form onSubmit={submit} className="inline-form" role="search">
        <Input label={t("fieldname")} name="name" value={draft.name}
          onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        <Input label={t("fieldphone")} name="phone" type="tel" value={draft.phone}
          onChange={(e) => setDraft({ ...draft, phone: e.target.value })} />
        <Input label={t("fieldemail")} name="email" type="email" value={draft.email}
          onChange={(e) => setDraft({ ...draft, email: e.target.value })} />
        <Select label={t("searchOrder")} value={order} onChange={(v) => setOrder(v as Order)}
          options={[
            { value: "ID", label: t("orderId") }, { value: "NAME", label: t("orderName") },
            { value: "NAME_KANA", label: t("orderKana") }, { value: "BIRTH_DATE", label: t("orderBirth") },
          ]} />
        <button type="submit">{t("search")}</button>
      </form>
      {asked && <ErrorBox error={result.error} />}
      {asked && result.fetching && <Loading />}
      {found && (
        <>
          <p role="status">{t("searchResults", { count: found.totalCount })}</p>
          <Table testId="search-results" rows={found.nodes} rowKey={(c) => c.id} columns={[
            { key: "id", label: t("customerId"), cell: (c) => <a href={`#/customer/${c.id}`}>{c.id}</a> },
            ...personalColumns<Found>(t, privacy, "customerSearch.nodes.*",
              ["name", "birthDate", "address", "phone", "email"]),
          ]} />
          <Pager pageInfo={found.pageInfo} pager={pager} />
        </>
      )}
    </Screen>
  );
}

function usePurposeContext(purpose: Purpose | undefined) {
  const [context] = useState(() => withPurpose(purpose));
  return context;
}

const CustomerViewQuery = graphql(`
  query CustomerView($id: ID!) {
    customer(id: $id) {
      id name nameKana birthDate postalCode address phone fax email
      bankName bankBranch accountType accountNumber accountHolder
      surveyOptOut marketingOptOut version
      agent { code name }
      contacts { id name department phone email }
    }
  }
`);
const PERSONAL = [
  "name", "nameKana", "birthDate", "postalCode", "address", "phone", "fax", "email",
  "bankName", "bankBranch", "accountNumber", "accountHolder",
] as const;
const PLAIN = ["accountType"] as const;

export function CustomerView({ purpose, params }: ScreenProps) {
  const { t } = useI18n();
  const id = params["id"] ?? "";
  const [result] = useQuery({
    query: CustomerViewQuery, variables: { id }, context: usePurposeContext(purpose),
  });
  const privacy = readPrivacy(result.extensions);
  const customer = result.data?.customer;
  return (
    <Screen title={t("customerTitle", { id })} purpose={purpose} privacy={privacy}>
      <ErrorBox error={result.error} />
      {result.fetching && !result.data && <Loading />}
      {result.data && !customer && <p role="status">{t("customerNotFound")}</p>}
      {customer && (
        <>
          <dl className="record-view" data-testid="customer-view">
            {PERSONAL.map((field) => (
              <div key={field} data-field={field}>
                <dt>{t(`field${field}`)}</dt>
                <dd><Value value={customer[field]} shown={shownAs(privacy, `customer.${field}`)} badgeClear /></dd>
              </div>
            ))}
            {PLAIN.map((field) => (
              <div key={field} data-field={field}>
                <dt>{t(`field${field}`)}</dt>
                <dd>{customer[field]}</dd>
              </div>
            ))}
            <div data-field="agent">
              <dt>{t("customerAgent")}</dt>
              <dd>
                {customer.agent ? (
                  <>
                    {customer.agent.code}{" "}
                    <Value value={customer.agent.name} shown={shownAs(privacy, "customer.agent.name")} />
                  </>
                ) : t("empty")}
              </dd>
            </div>
          </dl>
          {customer.contacts.length > 0 && (
            <>
              <h2>{t("customerContacts")}</h2>
              <ul className="plain">
                {customer.contacts.map((c) => (
                  <li key={c.id}>
                    <Value value={c.name} shown={shownAs(privacy, "customer.contacts.*.name")} />{" "}
                    <Value value={c.department} shown={shownAs(privacy, "customer.contacts.*.department")} />{" "}
                    <Value value={c.phone} shown={shownAs(privacy, "customer.contacts.*.phone")} />{" "}
                    <Value value={c.email} shown={shownAs(privacy, "customer.contacts.*.email")} />
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </Screen>
  );
}

const OpenInquiriesQuery = graphql(`
  query OpenInquiries($after: String) {
    openInquiries(first: 20, after: $after) {
      totalCount
      nodes {
        id kind subject status openedAt
        customer { id name phone email }
        messages { author body at }
      }
      pageInfo { endCursor hasNextPage }
    }
  }
`);
const AnswerInquiryMutation = graphql(`
  mutation AnswerInquiry($id: ID!, $body: String!, $close: Boolean!) {
    answerInquiry(inquiryId: $id, body: $body, close: $close) { id status }
  }
`);
type InquiryRow = ResultOf<typeof OpenInquiriesQuery>["openInquiries"]["nodes"][number];

export function Inquiries({ purpose }: ScreenProps) {
  const { t, lang } = useI18n();
  const pager = usePager();
  const context = usePurposeContext(purpose);
  const [result, reexecute] = useQuery({ query: OpenInquiriesQuery, variables: { after: pager.after }, context });
  const privacy = readPrivacy(result.extensions);
  const found = result.data?.openInquiries;
  const at = (path: string) => shownAs(privacy, `openInquiries.nodes.*.${path}`);
  return (
    <Screen title={t("inquiriesTitle")} purpose={purpose} privacy={privacy}>
      <ErrorBox error={result.error} />
      {result.fetching && !found && <Loading />}
      {found && (
        <>
          <p className="total">{t("inquiriesTotal", { count: found.totalCount })}</p>
          <ol className="cards" data-testid="inquiries">
            {found.nodes.map((inquiry) => (
              <li key={inquiry.id} className="card">
                <h2>
                  #{inquiry.id} <Value value={inquiry.subject} shown={at("subject")} />
                </h2>
                <p>
                  {t("inquiryFrom")}:{" "}
                  {inquiry.customer ? (
                    <a href={`#/customer/${inquiry.customer.id}`}>
                      <Value value={inquiry.customer.name} shown={at("customer.name")} />
                    </a>
                  ) : t("empty")}{" "}
                  · {t("inquiryOpened")}: {new Date(inquiry.openedAt).toLocaleString(lang)}
                  {" "}· {t("inquiryStatus")}: {inquiry.status}
                </p>
                <ul className="messages">
                  {inquiry.messages.map((m, i) => (
                    <li key={i}>
                      <strong>{m.author === "CUSTOMER" ? t("authorCustomer") : t("authorStaff")}</strong>:{" "}
                      <Value value={m.body} shown={at("messages.*.body")} />
                    </li>
                  ))}
                </ul>
                <AnswerForm inquiry={inquiry} purpose={purpose}
                  onDone={() => reexecute({ requestPolicy: "network-only" })} />
              </li>
            ))}
          </ol>
          <Pager pageInfo={found.pageInfo} pager={pager} />
        </>
      )}
    </Screen>
  );
}

function AnswerForm(props: { inquiry: InquiryRow; purpose: Purpose | undefined; onDone: () => void }) {
  const { t } = useI18n();
  const [body, setBody] = useState("");
  const [state, answer] = useMutation(AnswerInquiryMutation);
  const [done, setDone] = useState<{ id: string; status: string }>();
  async function send(close: boolean) {
    const reply = await answer({ id: props.inquiry.id, body, close }, withPurpose(props.purpose));
    if (reply.data) {
      setDone(reply.data.answerInquiry);
      setBody("");
    }
  }
  return (
    <form className="inline-form" onSubmit={(e) => { e.preventDefault(); void send(false); }}>
      <TextArea label={`${t("answer")} #${props.inquiry.id}`} name={`answer-${props.inquiry.id}`}
        value={body} onChange={setBody} />
      <ErrorBox error={state.error} />
      {done && <Done>{t("answered", { id: done.id, status: done.status })}</Done>}
      <button type="submit" disabled={state.fetching || !body.trim()}>{t("answer")}</button>
      <button type="button" className="secondary" disabled={state.fetching || !body.trim()}
        onClick={() => void send(true)}>
        {t("answerClose")}
      </button>
    </form>
  );
}

const OverdueQuery = graphql(`
  query Overdue($after: String) {
    overdueInvoices(first: 50, after: $after) {
      totalCount
      nodes {
        id period dueOn total credit balance billingName billingAddress
        customer { id name phone }
      }
      pageInfo { endCursor hasNextPage }
    }
  }
`);
const RecordPaymentMutation = graphql(`
  mutation RecordPayment($id: ID!, $amount: Int!, $receivedOn: Date!) {
    recordPayment(invoiceId: $id, amount: $amount, receivedOn: $receivedOn) { id balance }
  }
`);

export function Overdue({ purpose }: ScreenProps) {
  const { t } = useI18n();
  const pager = usePager();
  const context = usePurposeContext(purpose);
  const [result, reexecute] = useQuery({ query: OverdueQuery, variables: { after: pager.after }, context });
  const [paying, setPaying] = useState<{ id: string; balance: number }>();
  const [recorded, setRecorded] = useState<{ id: string; balance: number }>();
  const privacy = readPrivacy(result.extensions);
  const found = result.data?.overdueInvoices;
  const at = (path: string) => shownAs(privacy, `overdueInvoices.nodes.*.${path}`);
  return (
    <Screen title={t("overdueTitle")} purpose={purpose} privacy={privacy}>
      <ErrorBox error={result.error} />
      {recorded && <Done>{t("paymentRecorded", { id: recorded.id, balance: recorded.balance })}</Done>}
      {paying && (
        <PaymentForm invoice={paying} purpose={purpose} onCancel={() => setPaying(undefined)}
          onDone={(paid) => { setPaying(undefined); setRecorded(paid); reexecute({ requestPolicy: "network-only" }); }} />
      )}
      {result.fetching && !found && <Loading />}
      {found && (
        <>
          <p className="total" data-testid="total">{t("overdueTotal", { count: found.totalCount })}</p>
          <Table testId="overdue" rows={found.nodes} rowKey={(i) => i.id} columns={[
            { key: "id", label: "#", cell: (i) => i.id },
            { key: "period", label: t("invoicePeriod"), cell: (i) => i.period.slice(0, 7) },
            { key: "due", label: t("invoiceDue"), cell: (i) => i.dueOn },
            {
              key: "billingName", label: t("fieldbillingName"),
              cell: (i) => {
                const name = <Value value={i.billingName} shown={at("billingName")} />;
                return i.customer ? <a href={`#/customer/${i.customer.id}`}>{name}</a> : name;
              },
            },
            { key: "phone", label: t("fieldphone"), cell: (i) => <Value value={i.customer?.phone} shown={at("customer.phone")} /> },
            { key: "total", label: t("invoiceTotal"), cell: (i) => <Yen amount={i.total} /> },
            { key: "balance", label: t("invoiceBalance"), cell: (i) => <Yen amount={i.balance} /> },
            {
              key: "pay", label: t("recordPayment"), quiet: true,
              cell: (i) => (
                <button type="button" className="small" aria-label={`${t("recordPayment")}: #${i.id}`}
                  onClick={() => setPaying({ id: i.id, balance: i.balance })}>
                  {t("recordPayment")}
                </button>
              ),
            },
          ]} />
          <Pager pageInfo={found.pageInfo} pager={pager} />
        </>
      )}
    </Screen>
  );
}

function PaymentForm(props: {
  invoice: { id: string; balance: number };
  purpose: Purpose | undefined;
  onDone: (paid: { id: string; balance: number }) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [amount, setAmount] = useState(String(props.invoice.balance));
  const [receivedOn, setReceivedOn] = useState(today());
  const [state, record] = useMutation(RecordPaymentMutation);
  async function submit() {
    const answer = await record(
      { id: props.invoice.id, amount: Number(amount), receivedOn }, withPurpose(props.purpose),
    );
    if (answer.data) props.onDone(answer.data.recordPayment);
  }
  return (
    <PanelForm title={`${t("recordPayment")} #${props.invoice.id}`} submitLabel={t("recordPayment")}
      onSubmit={submit} busy={state.fetching} error={state.error} onCancel={props.onCancel}>
      <Input label={t("paymentAmount")} name="amount" type="number" min={1} required value={amount}
        onChange={(e) => setAmount(e.target.value)} />
      <Input label={t("paymentDate")} name="receivedOn" type="date" required max={today()} value={receivedOn}
        onChange={(e) => setReceivedOn(e.target.value)} />
    </PanelForm>
  );
}

const CampaignsQuery = graphql(`
  query Campaigns { campaigns(first: 100) { nodes { id title channel builtAt reach } } }
`);
const BuildSendListMutation = graphql(`
  mutation BuildSendList($id: ID!) { buildSendList(campaignId: $id) { id title reach builtAt } }
`);

export function Campaigns({ purpose }: ScreenProps) {
  const { t, lang } = useI18n();
  const context = usePurposeContext(purpose);
  const [result, reexecute] = useQuery({ query: CampaignsQuery, context });
  const [state, build] = useMutation(BuildSendListMutation);
  const campaigns = result.data?.campaigns.nodes;
  async function buildList(id: string) {
    const answer = await build({ id }, withPurpose(purpose));
    if (answer.data) reexecute({ requestPolicy: "network-only" });
  }
  const built = state.data?.buildSendList;
  return (
    <Screen title={t("campaignsTitle")} purpose={purpose} privacy={readPrivacy(result.extensions)}>
      <ErrorBox error={result.error ?? state.error} />
      {built && <Done>{t("listBuilt", { title: built.title, reach: built.reach })}</Done>}
      {result.fetching && !campaigns && <Loading />}
      {campaigns && (
        <Table testId="campaigns" rows={campaigns} rowKey={(c) => c.id} columns={[
          { key: "id", label: "#", cell: (c) => c.id },
          { key: "title", label: t("campaignsTitle"), cell: (c) => (c.builtAt ? <a href={`#/campaign/${c.id}`}>{c.title}</a> : c.title) },
          { key: "channel", label: t("campaignChannel"), cell: (c) => t(`channel${c.channel}`) },
          {
            key: "built", label: t("campaignBuilt"),
            cell: (c) => (c.builtAt ? new Date(c.builtAt).toLocaleDateString(lang) : t("campaignNotBuilt")),
          },
          { key: "reach", label: t("campaignReach"), testId: (c) => `reach-${c.id}`, cell: (c) => c.reach },
          {
            key: "build", label: t("buildList"), quiet: true,
            cell: (c) => !c.builtAt && (
              <button type="button" className="small" disabled={state.fetching}
                aria-label={`${t("buildList")}: ${c.title}`} onClick={() => void buildList(c.id)}>
                {t("buildList")}
              </button>
            ),
          },
        ]} />
      )}
    </Screen>
  );
}

const RecipientsQuery = graphql(`
  query CampaignRecipients($id: ID!, $after: String) {
    campaignRecipients(campaignId: $id, first: 50, after: $after) {
      totalCount
      nodes { channel name postalCode address email fax }
      pageInfo { endCursor hasNextPage }
    }
  }
`);
const RECIPIENT_FIELDS = ["name", "postalCode", "address", "email", "fax"] as const;
type Recipient = ResultOf<typeof RecipientsQuery>["campaignRecipients"]["nodes"][number];

export function CampaignRecipients({ purpose, params }: ScreenProps) {
  const { t } = useI18n();
  const id = params["id"] ?? "";
  const pager = usePager();
  const [result] = useQuery({
    query: RecipientsQuery, variables: { id, after: pager.after }, context: usePurposeContext(purpose),
  });
  const privacy = readPrivacy(result.extensions);
  const found = result.data?.campaignRecipients;
  return (
    <Screen title={t("recipientsTitle", { id })} purpose={purpose} privacy={privacy}>
      <p><a href="#/campaigns">{t("campaignsTitle")}</a></p>
      <ErrorBox error={result.error} />
      {result.fetching && !found && <Loading />}
      {found && (
        <>
          <p className="total" data-testid="total">{t("count", { count: found.totalCount })}</p>
          <Table testId="recipients" rows={found.nodes} rowKey={(_, i) => String(i)}
            columns={personalColumns<Recipient>(t, privacy, "campaignRecipients.nodes.*", RECIPIENT_FIELDS)} />
          <Pager pageInfo={found.pageInfo} pager={pager} />
        </>
      )}
    </Screen>
  );
}

const SurveysQuery = graphql(`
  query Surveys { surveys { id title questions opensOn closesOn responseCount } }
`);

export function Surveys({ purpose }: ScreenProps) {
  const { t } = useI18n();
  const [result] = useQuery({ query: SurveysQuery, context: usePurposeContext(purpose) });
  const surveys = result.data?.surveys;
  return (
    <Screen title={t("surveysTitle")} purpose={purpose}>
      <ErrorBox error={result.error} />
      {result.fetching && !surveys && <Loading />}
      {surveys && (
        <Table rows={surveys} rowKey={(v) => v.id} columns={[
          { key: "title", label: t("surveysTitle"), cell: (v) => v.title },
          { key: "questions", label: t("surveyQuestions"), cell: (v) => v.questions.join(" / ") },
          { key: "period", label: t("surveyPeriod"), cell: (v) => `${v.opensOn} – ${v.closesOn}` },
          { key: "responses", label: t("surveyResponses"), cell: (v) => v.responseCount },
        ]} />
      )}
    </Screen>
  );
}

const CreateAccountMutation = graphql(`
  mutation CreateAccount($login: String!, $role: Role!, $customerId: ID, $agentId: ID) {
    createAccount(login: $login, role: $role, customerId: $customerId, agentId: $agentId) {
      login initialPassword activation
    }
  }
`);
const DisableMutation = graphql(`
  mutation SetAccountDisabled($login: String!, $disabled: Boolean!) {
    setAccountDisabled(login: $login, disabled: $disabled)
  }
`);
const PendingBindingsQuery = graphql(`
  query PendingBindings {
    accountBindings(pending: true, first: 100) {
      nodes { login role subjectType subjectId activation requestedBy requestedAt approvedBy channel codeExpiresAt }
    }
    accounts(first: 100) {
      totalCount
      nodes { login role disabled activation totpEnabled passwordChangeRequired lastLoginAt }
    }
  }
`);
const ApproveBindingMutation = graphql(`
  mutation ApproveAccountBinding($login: String!) {
    approveAccountBinding(login: $login) { login activation channel }
  }
`);
const FlagMutation = graphql(`
  mutation FlagCompromised($login: String!) { flagCompromised(login: $login) }
`);
const RequestResetMutation = graphql(`
  mutation RequestCredentialReset($login: String!, $secondFactor: Boolean!) {
    requestCredentialReset(login: $login, secondFactor: $secondFactor) { login method temporaryPasswordPart }
  }
`);
const PendingResetsQuery = graphql(`
  query PendingResets {
    credentialResets(pending: true, first: 100) {
      nodes { login method secondFactor requestedBy requestedAt }
    }
  }
`);
const ApproveResetMutation = graphql(`
  mutation ApproveCredentialReset($login: String!) {
    approveCredentialReset(login: $login) { login method channel temporaryPasswordPart }
  }
`);
type NewRole = VariablesOf<typeof CreateAccountMutation>["role"];
const ROLES: NewRole[] = ["CUSTOMER", "AGENT", "SUPPORT", "BILLING", "MARKETING", "ANALYST", "ADMIN", "AUDITOR"];

export function Accounts() {
  const { t } = useI18n();
  const [login, setLogin] = useState("");
  const [role, setRole] = useState<NewRole>("SUPPORT");
  const [customerId, setCustomerId] = useState("");
  const [agentId, setAgentId] = useState("");
  const [created, create] = useMutation(CreateAccountMutation);
  const [target, setTarget] = useState("");
  const [disabled, disable] = useMutation(DisableMutation);
  const [flagged, flag] = useMutation(FlagMutation);
  const [resetAsked, askReset] = useMutation(RequestResetMutation);
  const [secondFactor, setSecondFactor] = useState(false);
  const [done, setDone] = useState<string>();
  async function submit(event: FormEvent) {
    event.preventDefault();
    await create({
      login: login.trim(), role,
      customerId: role === "CUSTOMER" && customerId ? customerId : null,
      agentId: role === "AGENT" && agentId ? agentId : null,
    });
  }
  async function act(action: "disable" | "enable" | "flag") {
    setDone(undefined);
    const answer = action === "flag"
      ? await flag({ login: target.trim() })
      : await disable({ login: target.trim(), disabled: action === "disable" });
    if (answer.data) setDone(target.trim());
  }
  const asked = resetAsked.data?.requestCredentialReset;
  const account = created.data?.createAccount;
  return (
    <Screen title={t("accountsTitle")}>
      <p>{t("accountsHelp")}</p>
      <h2>{t("accountCreate")}</h2>
      <form onSubmit={submit} className="inline-form">
        <Input label={t("loginId")} name="newLogin" required autoComplete="off" value={login}
          onChange={(e) => setLogin(e.target.value)} />
        <Select label={t("accountRole")} value={role} onChange={(v) => setRole(v as NewRole)}
          options={ROLES.map((r) => ({ value: r, label: `${t(`role${r}`)} (${r})` }))} />
        {role === "CUSTOMER" && (
          <Input label={t("accountCustomerId")} name="customerId" inputMode="numeric" value={customerId}
            onChange={(e) => setCustomerId(e.target.value)} />
        )}
        {role === "AGENT" && (
          <Input label={t("accountAgentId")} name="agentId" inputMode="numeric" value={agentId}
            onChange={(e) => setAgentId(e.target.value)} />
        )}
        <ErrorBox error={created.error} />
        <button type="submit" disabled={created.fetching}>{t("accountCreate")}</button>
      </form>
      {account && account.initialPassword && (
        <div className="done" role="status">
          <p>{t("accountCreated", { login: account.login })}</p>
          <p><code data-testid="initial-password">{account.initialPassword}</code></p>
        </div>
      )}
      {account && !account.initialPassword && (
        <Done>{t("accountRequested", { login: account.login })}</Done>
      )}
      <PendingBindings key={`bindings:${account?.login ?? ""}`} />
      <h2>{t("accountAction")}</h2>
      <form className="inline-form" onSubmit={(e) => e.preventDefault()}>
        <Input label={t("loginId")} name="target" autoComplete="off" value={target}
          onChange={(e) => setTarget(e.target.value)} />
        <ErrorBox error={disabled.error ?? flagged.error ?? resetAsked.error} />
        {done && <Done>{t("accountDone", { login: done })}</Done>}
        <button type="button" className="secondary" disabled={!target.trim()} onClick={() => void act("disable")}>
          {t("accountDisable")}
        </button>
        <button type="button" className="secondary" disabled={!target.trim()} onClick={() => void act("enable")}>
          {t("accountEnable")}
        </button>
        <button type="button" className="secondary" disabled={!target.trim()} onClick={() => void act("flag")}>
          {t("accountFlag")}
        </button>
        <label className="check">
          <input type="checkbox" name="resetSecondFactor" checked={secondFactor}
            onChange={(e) => setSecondFactor(e.target.checked)} />
          {t("resetSecondFactor")}
        </label>
        <button type="button" className="secondary" disabled={!target.trim() || resetAsked.fetching}
          onClick={() => void askReset({ login: target.trim(), secondFactor })}>
          {t("resetRequest")}
        </button>
      </form>
      {asked && (
        <div className="done" role="status">
          <p>{t("resetRequested", { login: asked.login })}</p>
          {asked.temporaryPasswordPart && (
            <p>{t("resetPartFirst")} <code data-testid="reset-part">{asked.temporaryPasswordPart}</code></p>
          )}
        </div>
      )}
      <PendingResets key={`resets:${asked?.login ?? ""}`} />
    </Screen>
  );
}

/** Logins bound to a customer or agent that wait for a second administrator or the person. */
function PendingBindings() {
  const { t, lang } = useI18n();
  const [result, reexecute] = useQuery({ query: PendingBindingsQuery });
  const [state, approve] = useMutation(ApproveBindingMutation);
  const pending = result.data?.accountBindings.nodes;
  async function approveOne(login: string) {
    const answer = await approve({ login });
    if (answer.data) reexecute({ requestPolicy: "network-only" });
  }
  const approved = state.data?.approveAccountBinding;
  const roleLabel = (role: string) => {
    const key = `role${role}`;
    return known(key) ? t(key) : role;
  };
  const accounts = result.data?.accounts;
  return (
    <>
      {accounts && (
        <>
          <h2>{t("accountsList")}</h2>
          <p data-testid="accounts-total">{t("count", { count: accounts.totalCount })}</p>
          <Table testId="accounts" rows={accounts.nodes} rowKey={(a) => a.login} columns={[
            { key: "login", label: t("loginId"), rowHeader: true, cell: (a) => a.login },
            { key: "role", label: t("accountRole"), cell: (a) => roleLabel(a.role) },
            {
              key: "state", label: t("bindingState"), testId: (a) => `account-${a.login}`,
              cell: (a) => [
                a.disabled ? t("accountIsDisabled") : t(`activation${a.activation}`),
                a.passwordChangeRequired ? t("accountMustChange") : "",
              ].filter(Boolean).join(" · "),
            },
            { key: "totp", label: t("accountTotp"), cell: (a) => t(a.totpEnabled ? "yes" : "no") },
            { key: "last", label: t("accountLastLogin"), cell: (a) => <When at={a.lastLoginAt} /> },
          ]} />
        </>
      )}
      <section aria-labelledby="bindings-title">
        <h2 id="bindings-title">{t("bindingsTitle")}</h2>
        <p>{t("bindingsHelp")}</p>
        <ErrorBox error={result.error ?? state.error} />
        {approved && <Done>{t("bindingApproved", { login: approved.login })}</Done>}
        {pending && pending.length === 0 && <p>{t("bindingsNone")}</p>}
        {pending && pending.length > 0 && (
          <Table testId="bindings" rows={pending} rowKey={(b) => b.login} columns={[
            { key: "login", label: t("loginId"), cell: (b) => b.login },
            { key: "role", label: t("accountRole"), cell: (b) => roleLabel(b.role) },
            { key: "subject", label: t("auditSubject"), cell: (b) => `${b.subjectType} #${b.subjectId}` },
            { key: "state", label: t("bindingState"), cell: (b) => t(`activation${b.activation}`) },
            {
              key: "requested", label: t("bindingRequested"),
              cell: (b) => `${b.requestedBy} · ${new Date(b.requestedAt).toLocaleString(lang)}`,
            },
            {
              key: "approve", label: t("bindingApprove"), quiet: true,
              cell: (b) => b.activation === "AWAITING_APPROVAL" && (
                <button type="button" className="small" disabled={state.fetching}
                  aria-label={`${t("bindingApprove")}: ${b.login}`} onClick={() => void approveOne(b.login)}>
                  {t("bindingApprove")}
                </button>
              ),
            },
          ]} />
        )}
      </section>
    </>
  );
}

/** Four-eyes resets of other accounts' credentials waiting for a second administrator. */
function PendingResets() {
  const { t, lang } = useI18n();
  const [result, reexecute] = useQuery({ query: PendingResetsQuery });
  const [state, approve] = useMutation(ApproveResetMutation);
  const pending = result.data?.credentialResets.nodes;
  async function approveOne(login: string) {
    const answer = await approve({ login });
    if (answer.data) reexecute({ requestPolicy: "network-only" });
  }
  const approved = state.data?.approveCredentialReset;
  return (
    <>
      <section aria-labelledby="resets-title">
        <h2 id="resets-title">{t("resetsTitle")}</h2>
        <p>{t("resetsHelp")}</p>
        <ErrorBox error={result.error ?? state.error} />
        {approved && (
          <div className="done" role="status">
            <p>{t("resetApproved", { login: approved.login })}</p>
            {approved.temporaryPasswordPart && (
              <p>{t("resetPartSecond")} <code data-testid="reset-part">{approved.temporaryPasswordPart}</code></p>
            )}
          </div>
        )}
        {pending && pending.length === 0 && <p>{t("resetsNone")}</p>}
        {pending && pending.length > 0 && (
          <Table testId="resets" rows={pending} rowKey={(r) => r.login} columns={[
            { key: "login", label: t("loginId"), rowHeader: true, cell: (r) => r.login },
            {
              key: "method", label: t("bindingState"),
              cell: (r) => `${t(`resetMethod${r.method}`)}${r.secondFactor ? ` · ${t("resetSecondFactor")}` : ""}`,
            },
            {
              key: "requested", label: t("bindingRequested"),
              cell: (r) => `${r.requestedBy} · ${new Date(r.requestedAt).toLocaleString(lang)}`,
            },
            {
              key: "approve", label: t("resetApprove"), quiet: true,
              cell: (r) => (
                <button type="button" className="small" disabled={state.fetching}
                  aria-label={`${t("resetApprove")}: ${r.login}`} onClick={() => void approveOne(r.login)}>
                  {t("resetApprove")}
                </button>
              ),
            },
          ]} />
        )}
      </section>
    </>
  );
}

const PartnerCustomersQuery = graphql(`
  query PartnerCustomers($after: String) {
    customers(first: 50, after: $after) {
      nodes { id name postalCode address phone email }
      pageInfo { endCursor hasNextPage }
    }
  }
`);
const PARTNER_FIELDS = ["name", "postalCode", "address", "phone", "email"] as const;
type PartnerRow = ResultOf<typeof PartnerCustomersQuery>["customers"]["nodes"][number];

/** An option provider's staff (P4.2, P8.1): the customers subscribed to its options under an
 * NDA in force, only the categories that NDA names; the server decides who and what. */
export function PartnerCustomers({ purpose }: ScreenProps) {
  const { t } = useI18n();
  const pager = usePager();
  const [result] = useQuery({
    query: PartnerCustomersQuery, variables: { after: pager.after }, context: usePurposeContext(purpose),
  });
  const privacy = readPrivacy(result.extensions);
  const found = result.data?.customers;
  return (
    <Screen title={t("partnerTitle")} purpose={purpose} privacy={privacy}>
      <p>{t("partnerHelp")}</p>
      <ErrorBox error={result.error} />
      {result.fetching && !found && <Loading />}
      {found && (
        <>
          <Table testId="partner-customers" rows={found.nodes} rowKey={(c) => c.id} columns={[
            { key: "id", label: t("customerId"), cell: (c) => c.id },
            ...personalColumns<PartnerRow>(t, privacy, "customers.nodes.*", PARTNER_FIELDS),
          ]} />
          <Pager pageInfo={found.pageInfo} pager={pager} />
        </>
      )}
    </Screen>
  );
}

const ResearchBudgetQuery = graphql(`
  query ResearchBudget { researchBudget { total spent remaining answers } }
`);
const ResearchAggregateQuery = graphql(`
  query ResearchAggregate($dimension: ResearchDimension!) {
    researchAggregate(dimension: $dimension) {
      dimension epsilon noiseScale
      groups { key count }
      budget { total spent remaining answers }
    }
  }
`);
type Dimension = VariablesOf<typeof ResearchAggregateQuery>["dimension"];
const DIMENSIONS: Dimension[] = ["PREFECTURE", "BIRTH_DECADE", "PLAN", "OPTION_COUNT"];

/** Aggregates with differential-privacy noise: each answer spends some of the analyst's
 * budget, so the screen asks only when told to (the budget itself is free to read). */
export function Research({ purpose }: ScreenProps) {
  const { t } = useI18n();
  const context = usePurposeContext(purpose);
  const [dimension, setDimension] = useState<Dimension>("PREFECTURE");
  const [asked, setAsked] = useState<Dimension>();
  const [budget] = useQuery({ query: ResearchBudgetQuery, context });
  const [result] = useQuery({
    query: ResearchAggregateQuery, variables: { dimension: asked ?? "PREFECTURE" }, context, pause: !asked,
  });
  const answer = asked ? result.data?.researchAggregate : undefined;
  const remaining = answer?.budget ?? budget.data?.researchBudget;
  return (
    <Screen title={t("researchTitle")} purpose={purpose} privacy={readPrivacy(result.extensions)}>
      <p>{t("researchHelp")}</p>
      {remaining && (
        <p data-testid="budget">
          {t("researchBudget", { remaining: remaining.remaining.toFixed(2), total: remaining.total.toFixed(2), answers: remaining.answers })}
        </p>
      )}
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); setAsked(dimension); }}>
        <Select label={t("researchDimension")} value={dimension} onChange={(v) => setDimension(v as Dimension)}
          options={DIMENSIONS.map((d) => ({ value: d, label: t(`dim${d}`) }))} />
        <button type="submit" disabled={result.fetching}>{t("researchAsk")}</button>
      </form>
      <ErrorBox error={budget.error ?? (asked ? result.error : undefined)} />
      {asked && result.fetching && <Loading />}
      {answer && (
        <>
          <p>{t("researchNoise", { epsilon: answer.epsilon, scale: answer.noiseScale.toFixed(2) })}</p>
          <Table testId="research" rows={answer.groups} rowKey={(g) => g.key} columns={[
            { key: "key", label: t("researchGroup"), cell: (g) => g.key },
            { key: "count", label: t("researchCount"), cell: (g) => g.count },
          ]} />
        </>
      )}
    </Screen>
  );
}

