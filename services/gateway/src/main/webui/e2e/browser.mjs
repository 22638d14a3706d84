// What the browser walks share (golden-path.mjs, sql-workspace.mjs; run by cli's WebUiIT and SqlWorkspaceIT):
// playwright-core driving Debian's Chromium (nothing here downloads a browser), TAP-like steps that the IT reads,
// sign-in through the real login page, axe-core, screenshots and the CSP violations seen on any page.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = process.env;
export const need = (name) => env[name] ?? (() => { throw new Error(`${name} is not set`); })();
export const base = need('STRATA_URL');
const shots = env.STRATA_SCREENSHOTS;
const chromiumPath = env.STRATA_CHROMIUM ?? '/usr/bin/chromium';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run'];

let passed = 0;
let current;
let failed = 0;
export const cspViolations = [];

/** The page a failed step's screenshot is taken of. */
export function watch(page) {
  current = page;
}

export async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok - ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    if (shots) await current?.screenshot({ path: join(shots, `failed-${passed + failed}.png`) }).catch(() => {});
    console.log(`not ok - ${name}: ${String(e?.stack ?? e).split('\n').slice(0, 6).join('\n    ')}`);
  }
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

export async function browserFor(label) {
  // a fresh profile for each user (--user-data-dir): no cookie or cache carried over
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), `strata-ui-${label}-`)), {
    executablePath: chromiumPath, headless: true, args: FLAGS, viewport: { width: 1360, height: 860 },
  });
  context.setDefaultTimeout(20_000);
  const page = context.pages()[0] ?? await context.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply)/i.test(m.text())) cspViolations.push(`${label}: ${m.text()}`);
  });
  page.on('pageerror', (e) => console.log(`# ${label} page error: ${e.message}`));
  return { context, page };
}

/** The real login page of the auth service, reached through the gateway's code flow. */
export async function signIn(page, username, password) {
  await page.waitForSelector('#username');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(/\/ui\//), page.press('#password', 'Enter')]);
}

export async function axe(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  check(result.length === 0, `axe on ${name}: ${result.join('; ')}`);
}

export async function shot(page, name) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

/** The closing line the IT reads, and the exit code. */
export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
