// GraphiQL from our own files (no CDN), for staff and auditors (the server decides who gets
// this page). Requests carry the session cookie and our CSRF header; the purpose goes in the
// document (@purpose) or in the headers tab as X-Purpose.
import { GraphiQL, type GraphiQLProps } from "graphiql";
import "graphiql/style.css";
import { createRoot } from "react-dom/client";
import { apiHeaders } from "../csrf";

const fetcher: GraphiQLProps["fetcher"] = async (params, options) => {
  const response = await fetch("/graphql", {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      ...options?.headers,
      ...apiHeaders(),
    },
    body: JSON.stringify(params),
  });
  if (response.status === 403) throw new Error("CSRF token missing or wrong: log in again at /.");
  return response.json();
};

const DEFAULT_QUERY = `# Declare the purpose of your operation (P5 A–H), e.g.:
query Example @purpose(code: C) {
  customers(first: 3) {
    nodes { name birthDate address phone }
  }
}
`;

// Documents may hold personal values typed as literals: keep GraphiQL's tabs and history in
// this page's memory, not in localStorage.
const memory = new Map<string, string>();
const storage: Storage = {
  get length() { return memory.size; },
  clear: () => memory.clear(),
  getItem: (key) => memory.get(key) ?? null,
  key: (index) => [...memory.keys()][index] ?? null,
  removeItem: (key) => void memory.delete(key),
  setItem: (key, value) => void memory.set(key, value),
};

const root = document.getElementById("graphiql");
if (root) {
  createRoot(root).render(
    <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} shouldPersistHeaders={false} storage={storage} />,
  );
}
