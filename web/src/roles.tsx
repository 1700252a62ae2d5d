// What each role works on: its screens (one GraphQL request each) and whether it chooses the
// purpose of its task first (operator staff and partners).
import type { ReactNode } from "react";
import type { introspection_types } from "./graphql-env.d.ts";
import type { MessageKey } from "./i18n";
import { Contacts, Invoices, MyRecord, NewInquiry } from "./screens/customer";
import { AgentContracts, AgentCustomers, Margins } from "./screens/agent";
import {
  Accounts, CampaignRecipients, Campaigns, CustomerSearch, PartnerCustomers, CustomerView, Inquiries, Overdue, Research, Surveys,
} from "./screens/staff";
import { Audit, Catalog, Security } from "./screens/auditor";
import { Sessions } from "./screens/account";
import { Corrections } from "./screens/billing";
import { AccessHistory, Consents, History, MyRequests, RightsRequests } from "./screens/rights";
import { Provisions, ThirdParties } from "./screens/thirdparties";

export type Role = introspection_types["Role"]["enumValues"];
export type Purpose = introspection_types["Purpose"]["enumValues"];

/** Roles that choose the purpose of their task first and keep it in the header; they are
 * offered the purposes the server says they may declare (`me { declarablePurposes }`, from
 * the same table the guard applies). Customers and agents work under each screen's own. */
export const CHOOSES_PURPOSE: readonly Role[] = ["SUPPORT", "BILLING", "MARKETING", "ADMIN", "ANALYST", "PARTNER"];

/** Roles the server lets open GraphiQL (directives/guard.py INTROSPECTION_ROLES). */
export const IDE_ROLES: readonly Role[] = ["SUPPORT", "BILLING", "MARKETING", "ANALYST", "ADMIN", "AUDITOR"];

export type ScreenProps = { purpose: Purpose | undefined; params: Record<string, string>; totp: boolean };

export type Page = {
  path: string; // "/customer/:id"
  label: MessageKey;
  inNav?: boolean;
  needs?: readonly Purpose[]; // purposes under which the screen can work
  render: (props: ScreenProps) => ReactNode;
};

const search: Page = { path: "/search", label: "navSearch", render: (p) => <CustomerSearch {...p} /> };
const sessions: Page = { path: "/sessions", label: "navSessions", render: (p) => <Sessions totp={p.totp} /> };
const customer: Page = {
  path: "/customer/:id", label: "navSearch", inNav: false, render: (p) => <CustomerView {...p} />,
};

export const PAGES: Record<Role, Page[]> = {
  CUSTOMER: [
    { path: "/me", label: "navMe", render: () => <MyRecord /> },
    { path: "/contacts", label: "navContacts", render: () => <Contacts /> },
    { path: "/invoices", label: "navInvoices", render: () => <Invoices /> },
    { path: "/inquiry", label: "navInquiry", render: () => <NewInquiry /> },
    { path: "/consents", label: "navConsents", render: () => <Consents /> },
    { path: "/history", label: "navHistory", render: () => <History /> },
    { path: "/access", label: "navAccess", render: () => <AccessHistory /> },
    { path: "/requests", label: "navMyRequests", render: () => <MyRequests /> },
    sessions,
  ],
  AGENT: [
    { path: "/customers", label: "navCustomers", render: () => <AgentCustomers /> },
    { path: "/contracts", label: "navContracts", render: () => <AgentContracts /> },
    { path: "/margins", label: "navMargins", render: () => <Margins /> },
    sessions,
  ],
  SUPPORT: [
    { path: "/inquiries", label: "navInquiries", needs: ["C", "D"], render: (p) => <Inquiries {...p} /> },
    { path: "/rights", label: "navRights", needs: ["D"], render: (p) => <RightsRequests {...p} /> },
    search,
    customer,
    sessions,
  ],
  BILLING: [
    { path: "/overdue", label: "navOverdue", needs: ["E"], render: (p) => <Overdue {...p} /> },
    { path: "/corrections", label: "navCorrections", needs: ["E"], render: (p) => <Corrections {...p} /> },
    { path: "/fees", label: "navFees", needs: ["E"], render: (p) => <RightsRequests {...p} /> },
    search,
    customer,
    sessions,
  ],
  MARKETING: [
    { path: "/campaigns", label: "navCampaigns", needs: ["H"], render: (p) => <Campaigns {...p} /> },
    {
      path: "/campaign/:id", label: "navCampaigns", inNav: false, needs: ["H"],
      render: (p) => <CampaignRecipients {...p} />,
    },
    { path: "/surveys", label: "navSurveys", needs: ["G"], render: (p) => <Surveys {...p} /> },
    search,
    customer,
    sessions,
  ],
  ADMIN: [
    { path: "/accounts", label: "navAccounts", render: () => <Accounts /> },
    { path: "/third", label: "navThird", render: () => <ThirdParties auditor={false} /> },
    search,
    customer,
    sessions,
  ],
  PARTNER: [
    { path: "/partner", label: "navPartner", needs: ["B"], render: (p) => <PartnerCustomers {...p} /> },
    sessions,
  ],
  ANALYST: [{ path: "/research", label: "navResearch", needs: ["F"], render: (p) => <Research {...p} /> }, sessions],
  AUDITOR: [
    { path: "/catalog", label: "navCatalog", render: () => <Catalog /> },
    { path: "/audit", label: "navAudit", render: () => <Audit /> },
    { path: "/security", label: "navSecurity", render: () => <Security /> },
    { path: "/provisions", label: "navProvisions", render: () => <Provisions /> },
    { path: "/third", label: "navThird", render: () => <ThirdParties auditor /> },
    sessions,
  ],
};

export function match(pages: Page[], path: string): { page: Page; params: Record<string, string> } | undefined {
  for (const page of pages) {
    const pattern = page.path.split("/");
    const actual = path.split("/");
    if (pattern.length !== actual.length) continue;
    const params: Record<string, string> = {};
    const fits = pattern.every((part, i) => {
      const value = actual[i] ?? "";
      if (part.startsWith(":")) {
        params[part.slice(1)] = decodeURIComponent(value);
        return value !== "";
      }
      return part === value;
    });
    if (fits) return { page, params };
  }
  return undefined;
}
