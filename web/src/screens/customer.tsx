// A customer's own screens (P7.1, P7.2): the record and its contacts need no purpose; invoices
// are read under E; a question is asked under C (applications) or D (the system).
import { useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { readPrivacy, withPurpose } from "../client";
import { graphql, type ResultOf, type VariablesOf } from "../graphql";
import { known, useI18n } from "../i18n";
import { shownAs } from "../receipt";
import { Done, ErrorBox, Input, Loading, Screen, Select, Value, Yen } from "../ui";
import { When } from "../blocks";
import { focusField, invalidField, invalidFields } from "./fielderror";

const MyRecordQuery = graphql(`
  query MyRecord {
    customers(first: 1) {
      nodes {
        id name nameKana birthDate postalCode address phone fax email
        bankName bankBranch accountType accountNumber accountHolder
        surveyOptOut marketingOptOut version
      }
    }
  }
`);
const UpdateMyRecordMutation = graphql(`
  mutation UpdateMyRecord($input: MyRecordInput!) {
    updateMyRecord(input: $input) { id version }
  }
`);

type CustomerRecord = ResultOf<typeof MyRecordQuery>["customers"]["nodes"][number];
type RecordInput = VariablesOf<typeof UpdateMyRecordMutation>["input"];
const TEXT_FIELDS = [
  "name", "nameKana", "birthDate", "postalCode", "address", "phone", "fax", "email",
  "bankName", "bankBranch", "accountNumber", "accountHolder",
] as const;
const FLAGS = ["surveyOptOut", "marketingOptOut"] as const;
const INPUT_TYPES: Partial<Record<(typeof TEXT_FIELDS)[number], string>> = {
  birthDate: "date", email: "email", phone: "tel", fax: "tel",
};
const AUTOCOMPLETE: Partial<Record<(typeof TEXT_FIELDS)[number], string>> = {
  name: "name", postalCode: "postal-code", address: "street-address", phone: "tel",
  email: "email", birthDate: "bday",
};

export function MyRecord() {
  const { t } = useI18n();
  const [result, reexecute] = useQuery({ query: MyRecordQuery });
  const [savedVersion, setSavedVersion] = useState<number>();
  const record = result.data?.customers.nodes[0];
  return (
    <Screen title={t("meTitle")} privacy={readPrivacy(result.extensions)}>
      <p>{t("meHelp")}</p>
      <ErrorBox error={result.error} />
      {result.fetching && !record && <Loading />}
      {savedVersion !== undefined && <Done>{t("meSaved", { version: savedVersion })}</Done>}
      {record && (
        <RecordForm key={record.version} record={record}
          onSaved={(version) => {
            setSavedVersion(version);
            reexecute({ requestPolicy: "network-only" });
          }} />
      )}
    </Screen>
  );
}

function RecordForm({ record, onSaved }: { record: CustomerRecord; onSaved: (version: number) => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<CustomerRecord>(record);
  const [state, update] = useMutation(UpdateMyRecordMutation);
  const [unchanged, setUnchanged] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const badFields = invalidFields(state.error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const input: RecordInput = {};
    for (const field of TEXT_FIELDS) {
      if ((draft[field] ?? "") !== (record[field] ?? "")) input[field] = draft[field] ?? "";
    }
    if (draft.accountType !== record.accountType) input.accountType = draft.accountType;
    for (const flag of FLAGS) if (draft[flag] !== record[flag]) input[flag] = draft[flag];
    setUnchanged(Object.keys(input).length === 0);
    if (Object.keys(input).length === 0) return;
    const answer = await update({ input });
    if (answer.data) {
      onSaved(answer.data.updateMyRecord.version);
    } else {
      focusField(form.current, invalidField(answer.error));
    }
  }
  const label = (field: string) => {
    const key = `field${field}`;
    return known(key) ? t(key) : field;
  };
  return (
    <form ref={form} onSubmit={submit} className="record" noValidate>
      <p className="version">{t("meVersion", { version: record.version })}</p>
      <div className="grid">
        {TEXT_FIELDS.map((field) => (
          <Input key={field} name={field} label={label(field)} value={draft[field] ?? ""}
            type={INPUT_TYPES[field] ?? "text"} autoComplete={AUTOCOMPLETE[field] ?? "off"}
            error={badFields.includes(field) ? t("invalidField", { field: label(field) }) : undefined}
            onChange={(e) => setDraft({ ...draft, [field]: e.target.value })} />
        ))}
        <Select label={label("accountType")} name="accountType" value={draft.accountType}
          onChange={(v) => setDraft({ ...draft, accountType: v })}
          options={["普通", "当座", "貯蓄"].map((v) => ({ value: v, label: v }))} />
      </div>
      {FLAGS.map((flag) => (
        <div className="check" key={flag}>
          <input type="checkbox" id={flag} name={flag} checked={draft[flag]}
            onChange={(e) => setDraft({ ...draft, [flag]: e.target.checked })} />
          <label htmlFor={flag}>{label(flag)}</label>
        </div>
      ))}
      {unchanged && <p className="notice" role="status">{t("nothingChanged")}</p>}
      {badFields.length === 0 && <ErrorBox error={state.error} />}
      <button type="submit" disabled={state.fetching}>{t("save")}</button>
    </form>
  );
}

const MyContactsQuery = graphql(`
  query MyContacts {
    customers(first: 1) { nodes { id contacts { id name department phone email version } } }
  }
`);
const AddContactMutation = graphql(`
  mutation AddContact($input: ContactInput!) { addContact(input: $input) { id version } }
`);
const UpdateContactMutation = graphql(`
  mutation UpdateContact($id: ID!, $input: ContactInput!) {
    updateContact(id: $id, input: $input) { id version }
  }
`);
type Contact = ResultOf<typeof MyContactsQuery>["customers"]["nodes"][number]["contacts"][number];
type ContactDraft = { name: string; department: string; phone: string; email: string };
const CONTACT_FIELDS = ["name", "department", "phone", "email"] as const;

export function Contacts() {
  const { t } = useI18n();
  const [result, reexecute] = useQuery({ query: MyContactsQuery });
  const [editing, setEditing] = useState<string>();
  const [added, setAdded] = useState(0);
  const contacts = result.data?.customers.nodes[0]?.contacts;
  const reload = () => reexecute({ requestPolicy: "network-only" });
  return (
    <Screen title={t("contactsTitle")} privacy={readPrivacy(result.extensions)}>
      <p>{t("contactsHelp")}</p>
      <ErrorBox error={result.error} />
      {result.fetching && !contacts && <Loading />}
      {contacts && contacts.length === 0 && <p>{t("contactsNone")}</p>}
      {contacts && contacts.length > 0 && (
        <table>
          <thead>
            <tr>
              {CONTACT_FIELDS.map((f) => <th key={f} scope="col">{t(`field${f}`)}</th>)}
              <th scope="col"><span className="visually-hidden">{t("edit")}</span></th>
            </tr>
          </thead>
          <tbody>
            {contacts.map((c) =>
              editing === c.id ? (
                <tr key={c.id}>
                  <td colSpan={5}>
                    <ContactForm contact={c} onDone={() => { setEditing(undefined); reload(); }}
                      onCancel={() => setEditing(undefined)} />
                  </td>
                </tr>
              ) : (
                <tr key={c.id}>
                  <td>{c.name}</td>
                  <td>{c.department}</td>
                  <td>{c.phone}</td>
                  <td>{c.email}</td>
                  <td>
                    <button type="button" className="small" onClick={() => setEditing(c.id)}
                      aria-label={`${t("edit")}: ${c.name ?? ""}`}>
                      {t("edit")}
                    </button>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
      <h2>{t("contactAdd")}</h2>
      {added > 0 && <Done>{t("contactAdded")}</Done>}
      <ContactForm key={added} onDone={() => { setAdded(added + 1); reload(); }} />
    </Screen>
  );
}

function ContactForm(props: { contact?: Contact; onDone: () => void; onCancel?: () => void }) {
  const { t } = useI18n();
  const initial: ContactDraft = {
    name: props.contact?.name ?? "", department: props.contact?.department ?? "",
    phone: props.contact?.phone ?? "", email: props.contact?.email ?? "",
  };
  const [draft, setDraft] = useState(initial);
  const [addState, add] = useMutation(AddContactMutation);
  const [updateState, update] = useMutation(UpdateContactMutation);
  const form = useRef<HTMLFormElement>(null);
  const error = props.contact ? updateState.error : addState.error;
  const badFields = invalidFields(error);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const input: ContactDraft = { ...draft };
    const answer = props.contact
      ? await update({ id: props.contact.id, input })
      : await add({ input });
    if (answer.data) props.onDone();
    else focusField(form.current, invalidField(answer.error));
  }
  return (
    <form ref={form} onSubmit={submit} className="inline-form" noValidate>
      {CONTACT_FIELDS.map((field) => (
        <Input key={field} name={field} label={t(`field${field}`)} value={draft[field]}
          type={field === "email" ? "email" : field === "phone" ? "tel" : "text"}
          error={badFields.includes(field) ? t("invalidField", { field: t(`field${field}`) }) : undefined}
          onChange={(e) => setDraft({ ...draft, [field]: e.target.value })} />
      ))}
      {badFields.length === 0 && <ErrorBox error={error} />}
      <button type="submit">{props.contact ? t("save") : t("add")}</button>
      {props.onCancel && <button type="button" className="secondary" onClick={props.onCancel}>{t("cancel")}</button>}
    </form>
  );
}

const MyInvoicesQuery = graphql(`
  query MyInvoices @purpose(code: E) {
    invoices(first: 100) {
      totalCount
      nodes {
        id period issuedOn dueOn total credit balance correctsId
        billingName billingPostalCode billingAddress
        lines { kind description amount }
        payments { amount receivedOn }
      }
    }
  }
`);

export function Invoices() {
  const { t } = useI18n();
  const [result] = useQuery({ query: MyInvoicesQuery });
  const privacy = readPrivacy(result.extensions);
  const invoices = result.data?.invoices;
  return (
    <Screen title={t("invoicesTitle")} purpose="E" privacy={privacy}>
      <ErrorBox error={result.error} />
      {result.fetching && !invoices && <Loading />}
      {invoices && (
        <>
          <p>{t("count", { count: invoices.totalCount })}</p>
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t("invoicePeriod")}</th>
                <th scope="col">{t("invoiceIssued")}</th>
                <th scope="col">{t("invoiceDue")}</th>
                <th scope="col">{t("invoiceTotal")}</th>
                <th scope="col">{t("invoiceBalance")}</th>
                <th scope="col">{t("fieldbillingName")}</th>
                <th scope="col">{t("invoiceLines")}</th>
              </tr>
            </thead>
            <tbody>
              {[...invoices.nodes].reverse().map((invoice) => (
                <tr key={invoice.id}>
                  <td>{invoice.id}</td>
                  <td>{invoice.period.slice(0, 7)}</td>
                  <td>{invoice.issuedOn}</td>
                  <td>{invoice.dueOn}</td>
                  <td><Yen amount={invoice.total} /></td>
                  <td>{invoice.balance === 0 ? t("invoicePaid") : <Yen amount={invoice.balance} />}</td>
                  <td>
                    <Value value={invoice.billingName}
                      shown={shownAs(privacy, "invoices.nodes.*.billingName")} />
                  </td>
                  <td>
                    <ul className="plain">
                      {invoice.lines.map((line, i) => (
                        <li key={i}>{line.description} <Yen amount={line.amount} /></li>
                      ))}
                      {invoice.correctsId && <li>{t("invoiceCorrects", { id: invoice.correctsId })}</li>}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Screen>
  );
}

const OpenInquiryMutation = graphql(`
  mutation OpenInquiry($kind: InquiryKind!, $subject: String!, $body: String!) {
    openInquiry(kind: $kind, subject: $subject, body: $body) { id status }
  }
`);
type Kind = VariablesOf<typeof OpenInquiryMutation>["kind"];
const MyInquiriesQuery = graphql(`
  query MyInquiries {
    inquiries(first: 50) {
      totalCount
      nodes { id kind subject status openedAt messages { author body at } }
    }
  }
`);

export function NewInquiry() {
  const { t } = useI18n();
  const [kind, setKind] = useState<Kind>("APPLICATION");
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const [state, open] = useMutation(OpenInquiryMutation);
  const [sent, setSent] = useState<{ id: string; status: string }>();
  const [mine, reexecute] = useQuery({ query: MyInquiriesQuery });
  const purpose = kind === "APPLICATION" ? "C" : "D";
  async function submit(event: FormEvent) {
    event.preventDefault();
    const answer = await open({ kind, subject, body }, withPurpose(purpose));
    if (answer.data) {
      setSent(answer.data.openInquiry);
      setSubject("");
      setBody("");
      reexecute({ requestPolicy: "network-only" });
    }
  }
  const inquiries = mine.data?.inquiries;
  return (
    <Screen title={t("inquiryTitle")} purpose={purpose} privacy={readPrivacy(mine.extensions)}>
      <p>{t("inquiryHelp")}</p>
      {sent && <Done>{t("inquirySent", { id: sent.id, status: sent.status })}</Done>}
      <form onSubmit={submit}>
        <fieldset>
          <legend>{t("inquiryKind")}</legend>
          {(["APPLICATION", "ADMINISTRATION"] as const).map((k) => (
            <div className="radio" key={k}>
              <input type="radio" id={`kind-${k}`} name="kind" checked={kind === k}
                onChange={() => setKind(k)} />
              <label htmlFor={`kind-${k}`}>
                {k === "APPLICATION" ? t("kindApplication") : t("kindAdministration")}
              </label>
            </div>
          ))}
        </fieldset>
        <Input label={t("inquirySubject")} name="subject" required maxLength={200}
          value={subject} onChange={(e) => setSubject(e.target.value)} />
        <TextArea label={t("inquiryBody")} name="body" value={body} onChange={setBody} />
        <ErrorBox error={state.error} />
        <button type="submit" disabled={state.fetching || !subject.trim() || !body.trim()}>
          {t("inquirySend")}
        </button>
      </form>
      <h2>{t("myInquiries")}</h2>
      <ErrorBox error={mine.error} />
      {inquiries && inquiries.nodes.length === 0 && <p>{t("myInquiriesNone")}</p>}
      {inquiries && inquiries.nodes.length > 0 && (
        <ol className="cards" data-testid="my-inquiries">
          {[...inquiries.nodes].reverse().map((inquiry) => (
            <li key={inquiry.id} className="card" data-inquiry={inquiry.id}>
              <h3>#{inquiry.id} {inquiry.subject}</h3>
              <p>
                {inquiry.kind === "APPLICATION" ? t("kindApplication") : t("kindAdministration")}
                {" · "}{t("inquiryStatus")}: {inquiry.status}
              </p>
              <ul className="messages">
                {inquiry.messages.map((m, i) => (
                  <li key={i}>
                    <strong>{m.author === "CUSTOMER" ? t("authorYou") : t("authorStaff")}</strong>
                    {" "}<When at={m.at} />: {m.body}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </Screen>
  );
}

export function TextArea(props: { label: string; name: string; value: string; onChange: (v: string) => void }) {
  return (
    <div className="input">
      <label htmlFor={`ta-${props.name}`}>{props.label}</label>
      <textarea id={`ta-${props.name}`} name={props.name} rows={5} required value={props.value}
        onChange={(e) => props.onChange(e.target.value)} />
    </div>
  );
}
