// The session itself is an HttpOnly cookie the page never sees. The CSRF token is readable on
// purpose (cookie crm_csrf, set by every login step): it goes back as X-CSRF-Token on each POST.
// Over TLS the server names it __Host-crm_csrf (ASVS 3.3.1); plain http keeps crm_csrf.
// Read at send time, so the token of the latest login step is always the one sent.
export const CSRF_COOKIE = "crm_csrf";
export const CSRF_COOKIES = [`__Host-${CSRF_COOKIE}`, CSRF_COOKIE];

export function csrfToken(cookies: string = document.cookie): string | undefined {
  const found = new Map<string, string>();
  for (const part of cookies.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name) found.set(name, decodeURIComponent(value.join("=")));
  }
  for (const name of CSRF_COOKIES) {
    const token = found.get(name);
    if (token) return token;
  }
  return undefined;
}

// application/json, not urql's default graphql-response+json: the screens read every error
// from the body, and a request that never ran (before login: UNAUTHENTICATED) then answers 200
// rather than a 4xx the browser reports as a failed resource. (Lower-case: it replaces urql's.)
export function apiHeaders(purpose?: string): Record<string, string> {
  const headers: Record<string, string> = { accept: "application/json" };
  const token = csrfToken();
  if (token) headers["X-CSRF-Token"] = token;
  if (purpose) headers["X-Purpose"] = purpose;
  return headers;
}
