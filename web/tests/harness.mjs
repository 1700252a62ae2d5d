// @ts-check
// What the browser tests stand on: the real server (a fresh demo database on a free port in
// 8201–8209), Debian's Chromium driven by playwright-core (never a downloaded browser), TOTP
// codes from the demo secrets, axe-core, and a watch on every page for what must not happen:
// CSP refusals, script errors, requests leaving the server's origin.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as OTPAuth from "otpauth";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
export const WEB = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO = dirname(WEB);
export const RESULTS = join(WEB, "test-results");
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** @typedef {{login: string, password: string, token: string, totp_secret?: string}} Credential */

/**
 * Starts `server.py --demo` on a fresh data directory.
 * @returns {Promise<{url: string, credentials: Record<string, Credential>, stop: () => Promise<void>}>}
 */
export async function startServer() {
  const port = Number(process.env.CRM_TEST_PORT ?? 8207);
  const url = `http://127.0.0.1:${port}`;
  // Another server on the port would answer in ours' place, with other credentials.
  const taken = await fetch(`${url}/healthz`).then(() => true, () => false);
  if (taken) throw new Error(`port ${port} is already in use: stop that server or set CRM_TEST_PORT`);
  const dataDir = mkdtempSync(join(tmpdir(), "crm-web-"));
  const python = process.env.PYTHON ?? join(REPO, ".venv", "bin", "python");
  const server = spawn(
    python, ["server.py", "--demo", "--data-dir", dataDir, "--port", String(port)],
    // Browser sessions send only the built documents, as in production (README, "Trusted documents").
    { cwd: REPO, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CRM_TRUSTED_DOCUMENTS: "1" } },
  );
  let log = "";
  server.stdout.on("data", (chunk) => { log += chunk; });
  server.stderr.on("data", (chunk) => { log += chunk; });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`server exited (${server.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const credentials = JSON.parse(readFileSync(join(dataDir, "demo-credentials.json"), "utf8"));
  return {
    url,
    credentials,
    async stop() {
      server.kill("SIGTERM");
      await new Promise((resolve) => server.once("exit", resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`${executablePath} missing: apt-get install -y chromium`);
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/**
 * A page in its own browser context (its own cookies), watched for problems.
 * @param {import("playwright-core").Browser} browser
 * @param {string} base
 */
export async function openPage(browser, base) {
  const context = await browser.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(Number(process.env.CRM_TEST_TIMEOUT_MS ?? 10_000));
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  const origin = new URL(base).origin;
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const target = request.url();
    if (!target.startsWith(origin) && !target.startsWith("data:")) problems.push(`left the origin: ${target}`);
  });
  return { context, page, problems };
}

/** @param {string} secret */
export function totp(secret) {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret.replace(/\s/g, "")) }).generate();
}

/**
 * Logs in through the form, then the TOTP step when the account has one.
 * @param {import("playwright-core").Page} page
 * @param {string} base
 * @param {Credential} credential
 */
export async function logIn(page, base, credential) {
  await page.goto(`${base}/`);
  await page.getByLabel("ログインID").fill(credential.login);
  await page.getByLabel("パスワード", { exact: true }).fill(credential.password);
  await page.getByRole("button", { name: "ログイン" }).click();
  if (credential.totp_secret) {
    await page.getByRole("heading", { name: "確認コード" }).waitFor();
    await page.getByLabel("確認コード（6桁）").fill(totp(credential.totp_secret));
    await page.getByRole("button", { name: "確認" }).click();
  }
  await page.getByTestId("who").waitFor();
}

/**
 * axe-core in the page (evaluated, not a <script>: the page's CSP forbids inline scripts);
 * returns the serious and critical violations.
 * @param {import("playwright-core").Page} page
 */
export async function axeViolations(page) {
  await page.evaluate(AXE);
  /** @type {{id: string, impact: string, help: string, nodes: {target: string[]}[]}[]} */
  const violations = await page.evaluate(async () => {
    // @ts-ignore axe is what the line above defined
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((/** @type {any} */ v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((/** @type {any} */ n) => ({ target: n.target })),
    }));
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** @param {import("playwright-core").Page} page @param {string} name */
export async function screenshot(page, name) {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: false });
}

/**
 * The API with a demo bearer token, to know what the screens should (and must not) show.
 * @param {string} base @param {Credential} credential @param {string} query
 * @param {Record<string, unknown>} [variables] @param {string} [purpose]
 */
export async function api(base, credential, query, variables = {}, purpose) {
  /** @type {Record<string, string>} */
  const headers = { "Content-Type": "application/json", Authorization: `Bearer ${credential.token}` };
  if (purpose) headers["X-Purpose"] = purpose;
  const response = await fetch(`${base}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}
