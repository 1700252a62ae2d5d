// One urql client for the app: same-origin POSTs with the session cookie and the CSRF header,
// no client cache (every screen asks the server, so what the policy decides now is what shows),
// and one place that notices a lost session.
import { Client, fetchExchange, mapExchange, type CombinedError } from "@urql/core";
import { apiHeaders } from "./csrf";

export type Privacy = {
  purpose: string | null;
  policyVersion: string;
  auditRef: string;
  personalFields: number;
  withheld: Withheld[];
};

// The receipt lives in `extensions`, which the SDL does not describe: this shape is the
// README's ("Calling the API"), checked at run time by `readPrivacy`.
export type Withheld = {
  path: string;
  decision: "MASKED" | "DENIED";
  reason: string;
  mask?: string;
  count: number;
};

export function readPrivacy(extensions: Record<string, unknown> | undefined): Privacy | undefined {
  const privacy = extensions?.["privacy"];
  if (typeof privacy !== "object" || privacy === null) return undefined;
  const p = privacy as Partial<Privacy>;
  if (!Array.isArray(p.withheld) || typeof p.auditRef !== "string") return undefined;
  return p as Privacy;
}

export function errorCode(error: CombinedError | undefined): string | undefined {
  const first = error?.graphQLErrors[0];
  const code = first?.extensions?.["code"];
  if (typeof code === "string") return code;
  if (error?.networkError) {
    const status = (error.response as Response | undefined)?.status;
    return status === 403 ? "CSRF" : "NETWORK";
  }
  return undefined;
}

export function makeClient(onUnauthenticated: () => void): Client {
  return new Client({
    url: "/graphql",
    preferGetMethod: false,
    requestPolicy: "network-only",
    fetchOptions: () => ({ credentials: "same-origin", headers: apiHeaders() }),
    exchanges: [
      mapExchange({
        onResult(result) {
          if (errorCode(result.error) === "UNAUTHENTICATED") onUnauthenticated();
          return result;
        },
      }),
      fetchExchange,
    ],
  });
}

/** Operation context that declares the purpose by header (staff choose it per task). */
export function withPurpose(purpose: string | undefined) {
  return {
    fetchOptions: () => ({ credentials: "same-origin" as const, headers: apiHeaders(purpose) }),
  };
}
