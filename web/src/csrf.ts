// The session itself is an HttpOnly cookie the page never sees. The CSRF token is readable on
// purpose (cookie crm_csrf, set by every login step): it goes back as X-CSRF-Token on each POST.
// Read at send time, so the token of the latest login step is always the one sent.
export const CSRF_COOKIE = "crm_csrf";

export function csrfToken(cookies: string = document.cookie): string | undefined {
  for (const part of cookies.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

export function apiHeaders(purpose?: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const token = csrfToken();
  if (token) headers["X-CSRF-Token"] = token;
  if (purpose) headers["X-Purpose"] = purpose;
  return headers;
}
