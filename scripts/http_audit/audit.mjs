// GraphQL-over-HTTP conformance: graphql-http's auditServer against a running server.
// Usage: [CRM_TOKEN=...] node audit.mjs http://127.0.0.1:PORT/graphql
// → one JSON line per result, then the totals. The audit's documents use `__type`, which only
// staff and auditors may run: CRM_TOKEN (an auditor's bearer token) is sent with every request.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const token = process.env.CRM_TOKEN;
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};
const results = await auditServer({ url, fetchFn });
const summary = { MUST: [0, 0], SHOULD: [0, 0], MAY: [0, 0] };
for (const result of results) {
  const level = result.name.split(' ')[0];
  summary[level][1] += 1;
  if (result.status === 'ok') summary[level][0] += 1;
  console.log(JSON.stringify({ id: result.id, name: result.name, status: result.status,
    reason: result.status === 'ok' ? undefined : result.reason }));
}
console.log(JSON.stringify({ summary }));
