// An agent's screens: its own customers (A) with a total, their contracts (A) with option
// applications (B), and its margin statements (E) with totals per month. Scope is the server's:
// other agents' customers never come back, so none can show.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { readPrivacy } from "../client";
import { graphql, type ResultOf, type VariablesOf } from "../graphql";
import { formatYen, useI18n } from "../i18n";
import { shownAs } from "../receipt";
import { PanelForm, Table, personalColumns } from "../blocks";
import { Done, ErrorBox, Input, Loading, Pager, Screen, Select, Value, Yen, today, usePager } from "../ui";

const AgentCustomersQuery = graphql(`
  query AgentCustomers($after: String) @purpose(code: A) {
    customerSearch(first: 50, after: $after, orderBy: ID) {
      totalCount
      nodes { id name nameKana birthDate phone email address }
      pageInfo { endCursor hasNextPage }
    }
  }
`);
const ApplyForServiceMutation = graphql(`
  mutation ApplyForService($customerId: ID!, $plan: Plan!, $startsOn: Date!) @purpose(code: A) {
    applyForService(customerId: $customerId, plan: $plan, startsOn: $startsOn) { id plan monthlyFee }
  }
`);
type Row = ResultOf<typeof AgentCustomersQuery>["customerSearch"]["nodes"][number];
type Plan = VariablesOf<typeof ApplyForServiceMutation>["plan"];
const PLANS: Plan[] = ["LIGHT", "STANDARD", "PREMIUM"];

export function AgentCustomers() {
  const { t } = useI18n();
  const pager = usePager();
  const [result] = useQuery({ query: AgentCustomersQuery, variables: { after: pager.after } });
  const [applying, setApplying] = useState<{ id: string; name: string }>();
  const privacy = readPrivacy(result.extensions);
  const found = result.data?.customerSearch;
  return (
    <Screen title={t("agentCustomersTitle")} purpose="A" privacy={privacy}>
      <ErrorBox error={result.error} />
      {result.fetching && !found && <Loading />}
      {found && (
        <>
          <p className="total" data-testid="total">{t("agentCustomersTotal", { count: found.totalCount })}</p>
          {applying && <ApplyForm customer={applying} onClose={() => setApplying(undefined)} />}
          <Table testId="customers" rows={found.nodes} rowKey={(c) => c.id} columns={[
            { key: "id", label: t("customerId"), cell: (c) => c.id },
            ...personalColumns<Row>(t, privacy, "customerSearch.nodes.*", ["name", "birthDate", "phone", "email"]),
            {
              key: "apply", label: t("applyService"), quiet: true,
              cell: (c) => (
                <button type="button" className="small"
                  aria-label={`${t("applyService")}: ${c.name ?? c.id}`}
                  onClick={() => setApplying({ id: c.id, name: c.name ?? c.id })}>
                  {t("applyService")}
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

function ApplyForm({ customer, onClose }: { customer: { id: string; name: string }; onClose: () => void }) {
  const { t } = useI18n();
  const [plan, setPlan] = useState<Plan>("STANDARD");
  const [startsOn, setStartsOn] = useState(today());
  const [state, apply] = useMutation(ApplyForServiceMutation);
  const contract = state.data?.applyForService;
  return (
    <PanelForm title={t("applyFor", { name: customer.name })} submitLabel={t("applyService")}
      onSubmit={() => apply({ customerId: customer.id, plan, startsOn })}
      busy={state.fetching} disabled={!!contract} error={state.error} onCancel={onClose}
      done={contract && t("applied", { id: contract.id, plan: contract.plan, fee: contract.monthlyFee })}>
      <Select label={t("plan")} value={plan} onChange={(v) => setPlan(v as Plan)}
        options={PLANS.map((p) => ({ value: p, label: p }))} />
      <Input label={t("startsOn")} type="date" required value={startsOn}
        onChange={(e) => setStartsOn(e.target.value)} />
    </PanelForm>
  );
}

const AgentContractsQuery = graphql(`
  query AgentContracts($after: String) @purpose(code: A) {
    contracts(first: 50, after: $after) {
      nodes {
        id plan monthlyFee startedOn cancelledOn
        customer { id name }
        options { id startedOn cancelledOn option { code title monthlyFee } }
      }
      pageInfo { endCursor hasNextPage }
    }
    optionServices { code title monthlyFee provider }
  }
`);
const SubscribeOptionMutation = graphql(`
  mutation SubscribeOption($contractId: ID!, $optionCode: String!, $startsOn: Date!) @purpose(code: B) {
    subscribeOption(contractId: $contractId, optionCode: $optionCode, startsOn: $startsOn) {
      id options { id option { code } }
    }
  }
`);
type ContractRow = ResultOf<typeof AgentContractsQuery>["contracts"]["nodes"][number];
type OptionRow = ResultOf<typeof AgentContractsQuery>["optionServices"][number];

export function AgentContracts() {
  const { t } = useI18n();
  const pager = usePager();
  const [result, reexecute] = useQuery({ query: AgentContractsQuery, variables: { after: pager.after } });
  const privacy = readPrivacy(result.extensions);
  const data = result.data;
  return (
    <Screen title={t("contractsTitle")} purpose="A" privacy={privacy}>
      <ErrorBox error={result.error} />
      {result.fetching && !data && <Loading />}
      {data && (
        <>
          <Table testId="contracts" rows={data.contracts.nodes} rowKey={(c) => c.id} columns={[
            { key: "id", label: "#", cell: (c) => c.id },
            {
              key: "customer", label: t("contractCustomer"),
              cell: (c) => <Value value={c.customer?.name} shown={shownAs(privacy, "contracts.nodes.*.customer.name")} />,
            },
            { key: "plan", label: t("plan"), cell: (c) => c.plan },
            { key: "fee", label: t("contractFee"), cell: (c) => <Yen amount={c.monthlyFee} /> },
            { key: "started", label: t("contractStarted"), cell: (c) => `${c.startedOn}${c.cancelledOn ? ` – ${c.cancelledOn}` : ""}` },
            {
              key: "options", label: t("contractOptions"),
              cell: (c) => (
                <>
                  <ul className="plain">
                    {c.options.filter((o) => !o.cancelledOn).map((o) => <li key={o.id}>{o.option?.title}</li>)}
                  </ul>
                  {!c.cancelledOn && (
                    <OptionForm contract={c} catalogue={data.optionServices}
                      onDone={() => reexecute({ requestPolicy: "network-only" })} />
                  )}
                </>
              ),
            },
          ]} />
          <Pager pageInfo={data.contracts.pageInfo} pager={pager} />
        </>
      )}
    </Screen>
  );
}

function OptionForm(props: { contract: ContractRow; catalogue: readonly OptionRow[]; onDone: () => void }) {
  const { t, lang } = useI18n();
  const active = new Set(props.contract.options.filter((o) => !o.cancelledOn).map((o) => o.option?.code));
  const choices = props.catalogue.filter((o) => !active.has(o.code));
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState(choices[0]?.code ?? "");
  const [startsOn, setStartsOn] = useState(today());
  const [state, subscribe] = useMutation(SubscribeOptionMutation);
  if (choices.length === 0) return null;
  if (!open) {
    return (
      <button type="button" className="small" onClick={() => setOpen(true)}
        aria-label={`${t("optionAdd")}: #${props.contract.id}`}>
        {t("optionAdd")}
      </button>
    );
  }
  async function submit(event: FormEvent) {
    event.preventDefault();
    const answer = await subscribe({ contractId: props.contract.id, optionCode: code, startsOn });
    if (answer.data) props.onDone();
  }
  return (
    <form className="inline-form" onSubmit={submit}>
      <Select label={t("option")} value={code} onChange={setCode}
        options={choices.map((o) => ({ value: o.code, label: `${o.title} (${t("yen", { amount: formatYen(lang, o.monthlyFee) })})` }))} />
      <Input label={t("startsOn")} type="date" required value={startsOn}
        onChange={(e) => setStartsOn(e.target.value)} />
      <ErrorBox error={state.error} />
      {state.data && <Done>{t("optionAdded", { id: props.contract.id })}</Done>}
      <button type="submit" disabled={state.fetching}>{t("optionAdd")}</button>
      <button type="button" className="secondary" onClick={() => setOpen(false)}>{t("cancel")}</button>
    </form>
  );
}

const MarginsQuery = graphql(`
  query MyMargins @purpose(code: E) {
    marginStatements(first: 200) {
      nodes {
        id period issuedOn total correctsId
        lines { amount contractId customer { name } }
        payouts { amount paidOn bankName bankBranch accountNumber accountHolder }
      }
    }
  }
`);
type Statement = ResultOf<typeof MarginsQuery>["marginStatements"]["nodes"][number];

/** Per month: statements, and the total of those not superseded by a correction. */
export function monthTotals(statements: readonly Statement[]) {
  const superseded = new Set(statements.map((s) => s.correctsId).filter(Boolean));
  const months = new Map<string, { statements: Statement[]; total: number; paid: number }>();
  for (const s of statements) {
    const month = s.period.slice(0, 7);
    const entry = months.get(month) ?? { statements: [], total: 0, paid: 0 };
    entry.statements.push(s);
    if (!superseded.has(s.id)) entry.total += s.total;
    entry.paid += s.payouts.reduce((sum, p) => sum + p.amount, 0);
    months.set(month, entry);
  }
  return [...months.entries()].sort(([a], [b]) => b.localeCompare(a));
}

export function Margins() {
  const { t } = useI18n();
  const [result] = useQuery({ query: MarginsQuery });
  const privacy = readPrivacy(result.extensions);
  const statements = result.data?.marginStatements.nodes;
  const superseded = new Set(statements?.map((s) => s.correctsId).filter(Boolean));
  return (
    <Screen title={t("marginsTitle")} purpose="E" privacy={privacy}>
      <ErrorBox error={result.error} />
      {result.fetching && !statements && <Loading />}
      {statements && (
        <Table testId="margins" rows={monthTotals(statements)} rowKey={([month]) => month} columns={[
          { key: "month", label: t("marginMonth"), rowHeader: true, cell: ([month]) => month },
          {
            key: "total", label: t("marginTotal"), testId: ([month]) => `margin-total-${month}`,
            cell: ([, entry]) => <Yen amount={entry.total} />,
          },
          { key: "paid", label: t("marginPaid"), cell: ([, entry]) => <Yen amount={entry.paid} /> },
          {
            key: "lines", label: t("marginLines"),
            cell: ([, entry]) => entry.statements.map((s) => (
              <details key={s.id}>
                <summary>
                  #{s.id} {t("invoiceIssued")} {s.issuedOn} — <Yen amount={s.total} />
                  {superseded.has(s.id) && ` (${t("marginSuperseded")})`}
                </summary>
                <ul className="plain">
                  {s.lines.map((line, i) => (
                    <li key={i}>
                      #{line.contractId}{" "}
                      <Value value={line.customer?.name}
                        shown={shownAs(privacy, "marginStatements.nodes.*.lines.*.customer.name")} />{" "}
                      <Yen amount={line.amount} />
                    </li>
                  ))}
                </ul>
                {s.payouts.map((p, i) => (
                  <p key={i}>
                    {t("payoutTo")}: {p.paidOn}{" "}
                    <Value value={p.bankName} shown={shownAs(privacy, "marginStatements.nodes.*.payouts.*.bankName")} />{" "}
                    <Value value={p.bankBranch} shown={shownAs(privacy, "marginStatements.nodes.*.payouts.*.bankBranch")} />{" "}
                    <Value value={p.accountNumber} shown={shownAs(privacy, "marginStatements.nodes.*.payouts.*.accountNumber")} />{" "}
                    <Yen amount={p.amount} />
                  </p>
                ))}
              </details>
            )),
          },
        ]} />
      )}
    </Screen>
  );
}
