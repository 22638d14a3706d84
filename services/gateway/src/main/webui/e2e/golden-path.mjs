// The web UI in a real browser against the real platform (run by cli's WebUiIT, which starts `strata up`, makes the
// users and data, and reads this script's TAP-like output). Each step asserts what a person would see; screenshots
// go to docs/ui/.
import { axe, base, browserFor, check, cspViolations, finish, need, shot, signIn, step, watch } from './browser.mjs';
import { pipelinePage } from './pipelinepage.mjs';

const ns = need('STRATA_NS');
const other = need('STRATA_OTHER_NS');

/** A call of the API from the signed-in page, as the app makes it (session cookie, CSRF token on writes). */
async function callApi(p, method, path, body, type = 'application/json') {
  return p.evaluate(async ([m, u, b, t]) => {
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('strata-csrf=') || c.startsWith('__Host-strata-csrf='))?.split('=')[1];
    const r = await fetch(u, { method: m, headers: { 'Content-Type': t, 'X-CSRF-Token': csrf ?? '' }, body: b });
    return { status: r.status, body: await r.text() };
  }, [method, path, body, type]);
}

const engineer = await browserFor('engineer');
const page = engineer.page;
watch(page);
const pipelineId = `orders-ui`;
let runUrl;

await step('sign in through the login page and land in the only namespace', async () => {
  await page.goto(`${base}/`);
  await signIn(page, need('STRATA_ENGINEER'), need('STRATA_ENGINEER_PASSWORD'));
  await page.waitForURL(new RegExp(`/ui/namespaces/${ns}$`));
  await page.getByRole('heading', { name: ns, exact: true }).waitFor();
  await page.getByText('Runs of the last 24 hours').waitFor();
});

await step('home: counts, accessible, screenshot', async () => {
  await page.locator('[data-testid=run-counts] .count').first().waitFor();
  await axe(page, 'home');
  await shot(page, 'home');
});

await step('catalog lists the namespace datasets and searches by name; the other namespace stays invisible', async () => {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Catalog' }).click();
  const table = page.locator('[data-testid=datasets]');
  await table.getByRole('link', { name: 'orders', exact: true }).waitFor();
  await table.getByRole('link', { name: 'customer_totals', exact: true }).waitFor();
  const options = await page.locator('[data-testid=namespace-switcher] option').allTextContents();
  check(!options.some((o) => o.startsWith(other)), `the switcher offers ${options}`);
  check(!(await page.content()).includes('secret_plans'), 'a dataset of the other namespace is shown');
  await page.getByRole('searchbox').fill('totals');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/q=totals/);
  await table.getByRole('link', { name: 'customer_totals', exact: true }).waitFor();
  await table.getByRole('link', { name: 'orders', exact: true }).waitFor({ state: 'detached' });
  await axe(page, 'catalog');
  await shot(page, 'catalog');
});

await step('the command palette (Ctrl-K) jumps to a dataset by name', async () => {
  await page.keyboard.press('Control+K');
  const dialog = page.getByRole('dialog', { name: 'Go to' });
  await dialog.waitFor();
  await dialog.getByRole('combobox').fill('totals');
  await dialog.getByRole('option', { name: /customer_totals/ }).waitFor();
  await axe(page, 'command palette');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/datasets\/customer_totals$/);
  await page.getByRole('heading', { name: 'customer_totals' }).waitFor();
});

await step('the pipeline editor underlines a typo at its line with the scheduler\'s message, before saving', async () => {
  await page.goto(`${base}/ui/namespaces/${ns}/pipelines/new`);
  const editor = page.locator('.cm-content');
  await editor.waitFor();
  const yaml = [
    `namespace: ${ns}`,
    `id: ${pipelineId}`,
    'description: land the orders, then count them',
    'tasks:',
    '  - id: land',
    '    type: sql',
    '    retrys: 2',
    '    inputs:',
    '      sql: >-',
    `        drop table if exists ${ns}__raw.orders;`,
    `        create table ${ns}__raw.orders as select * from (values`,
    "        (1, 'ada', 12.50, date '2026-11-20'), (2, 'bob', 7.25, date '2026-11-20'),",
    "        (3, 'ada', 30.00, date '2026-11-21'), (4, 'cyd', 5.00, date '2026-11-22'),",
    "        (5, 'bob', 2.75, date '2026-11-22')) as o(order_id, customer, amount, ordered_on)",
    '  - id: check',
    '    type: sql',
    '    depends_on: [land]',
    '    inputs:',
    `      sql: select count(*) from ${ns}__raw.orders`,
  ].join('\n');
  // emptied before the paste (on a loaded machine the first select-all can land before the editor has its text)
  for (let i = 0; i < 10 && (await editor.textContent()) !== ''; i++) {
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.waitForTimeout(200);
  }
  check((await editor.textContent()) === '', 'the editor could not be emptied');
  // pasted, as a person brings a pipeline from elsewhere
  await editor.evaluate((el, text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, yaml);
  const mark = page.locator('.cm-lintRange-error', { hasText: /^retrys$/ });
  await mark.waitFor({ timeout: 45_000 });
  check(await page.locator('.cm-lintRange-error').count() === 1, 'exactly one finding underlined');
  const line = await mark.evaluate((el) => {
    const row = el.closest('.cm-line');
    return [...row.parentElement.querySelectorAll(':scope > .cm-line')].indexOf(row) + 1;
  });
  check(line === 7, `underlined on line ${line}, not 7`);
  await shot(page, 'pipeline-editor');
  await axe(page, 'pipeline editor');
  // fix it: the underline goes away, then save
  await mark.dblclick();
  await page.keyboard.insertText('retries');
  await page.locator('.cm-lintRange-error').first().waitFor({ state: 'detached', timeout: 45_000 });
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(new RegExp(`/pipelines/${pipelineId}$`));
  await page.getByRole('heading', { name: pipelineId }).waitFor();
  await page.getByRole('button', { name: 'Trigger run' }).waitFor();
});

await step('trigger it and watch the run turn green live, without a reload', async () => {
  await page.evaluate(() => { window.__strataNoReload = true; });
  await page.getByRole('button', { name: 'Trigger run' }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  runUrl = page.url();
  await page.locator('[data-testid=graph] .react-flow__node').first().waitFor();
  await page.locator('h1 [data-state=succeeded]').waitFor({ timeout: 120_000 });
  check(await page.evaluate(() => window.__strataNoReload === true), 'the page was reloaded');
  const states = await page.locator('[data-testid=tasks] [data-state]').evaluateAll((els) => els.map((e) => e.dataset.state));
  check(states.length === 2 && states.every((s) => s === 'succeeded'), `task states ${states}`);
  await page.locator('.react-flow__node.state-succeeded').nth(1).waitFor();
  // what the stream does not carry (the end time, the durations) is read once the run ended, still without a reload
  await page.locator('dt:text-is("Finished") + dd').filter({ hasText: /\d/ }).waitFor({ timeout: 10_000 });
  await page.locator('dt:text-is("Duration") + dd').filter({ hasText: /\d/ }).waitFor({ timeout: 10_000 });
  await axe(page, 'run');
  await shot(page, 'run');
});

await step('run page: the trace id, each task\'s log after the end, the Gantt of attempts', async () => {
  const trace = await page.locator('[data-testid=trace-id]').textContent();
  check(/^[0-9a-f]{32}$/.test(trace ?? ''), `trace id ${trace}`);
  await page.locator('[data-testid=gantt] rect[data-task=land][data-attempt="1"][data-state=succeeded]').waitFor();
  await page.locator('[data-testid=gantt] rect[data-task=check][data-state=succeeded]').waitFor();
  await page.getByRole('link', { name: 'Log of land' }).click();
  await page.waitForURL(/[?&]task=land/);
  const log = page.locator('[data-testid=task-log]');
  await log.getByText('Log of land').waitFor();
  await log.locator('[data-testid=log-status]', { hasText: 'complete' }).waitFor();
  await log.getByText("sql: running as the namespace's role:").waitFor();
  await log.getByText(/^succeeded in \d+ ms/).waitFor();
});

await step('a 100,000-line task log streams while the task runs, is virtualized, stays put, follows the end, copies clean lines', async () => {
  // the task's script says 100,000 lines (one notice of 100,000 lines: a log line each), after a pause to open the page
  const yaml = `namespace: ${ns}\nid: long-log\ntasks:\n  - id: talk\n    type: sql\n    inputs:\n      sql: |\n`
    + '        select pg_sleep(3);\n'
    + "        do $$ begin raise notice '%', (select string_agg('line ' || g, E'\\n') from generate_series(1, 100000) g); end $$;\n";
  const saved = await callApi(page, 'POST', '/api/scheduler/v1/pipelines', yaml, 'application/yaml');
  check(saved.status === 201 || saved.status === 200, `saving long-log: ${saved.status} ${saved.body}`);
  await page.goto(`${base}/ui/namespaces/${ns}/pipelines/long-log`);
  await page.getByRole('button', { name: 'Trigger run' }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  const log = page.locator('[data-testid=task-log]');
  const body = log.getByRole('log');
  const follow = log.getByRole('checkbox', { name: 'Follow the end' });
  const shown = async () => Number(await log.getAttribute('data-lines'));
  await log.locator('[data-testid=log-status]', { hasText: 'streaming' }).waitFor();
  // the first lines arrive; scrolled up to the top while more arrive, the reader stays there
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=task-log]')?.dataset.lines) > 2000,
    null, { timeout: 90_000 });
  await body.evaluate((el) => { el.scrollTop = 0; el.dispatchEvent(new Event('scroll')); });
  check(!(await follow.isChecked()), 'still following after scrolling up');
  const before = await shown();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=task-log]')?.dataset.lines) > n + 5000,
    before, { timeout: 60_000 });
  check(await body.evaluate((el) => el.scrollTop) === 0, 'the log moved while the reader was at its top');
  await log.getByText("sql: running as the namespace's role:").waitFor();
  check(await log.locator('[data-testid=log-status]', { hasText: 'streaming' }).count() === 1, 'the stream ended too early to show staying put');
  // following again: the end of the log, all 100,000 lines
  await follow.check();
  await log.locator('[data-testid=log-status]', { hasText: 'complete' }).waitFor({ timeout: 180_000 });
  check(await follow.isChecked(), 'it stopped following while the lines arrived');
  await log.getByText('sql NOTICE: line 100000', { exact: true }).waitFor();
  await log.getByText(/^succeeded in \d+ ms/).waitFor();
  const lines = await shown();
  check(lines >= 100_003, `${lines} lines shown`);
  const inPage = await log.locator('.log-row').count();
  check(inPage < 120, `${inPage} of ${lines} rows are in the page: not virtualized`);
  // a selection of lines copies their text, one line each, without the attempt and time beside them
  const copiedSelection = await body.evaluate((el) => {
    const row = (text) => [...el.querySelectorAll('.log-row')].find((r) => r.querySelector('.log-text')?.textContent === text);
    const range = document.createRange();
    range.setStart(row('sql NOTICE: line 99996').querySelector('.log-text').firstChild, 3);
    range.setEnd(row('sql NOTICE: line 99999').querySelector('.log-text').firstChild, 5);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    const data = new DataTransfer();
    row('sql NOTICE: line 99996').dispatchEvent(new ClipboardEvent('copy', { clipboardData: data, bubbles: true, cancelable: true }));
    return data.getData('text/plain');
  });
  check(copiedSelection === ['99996', '99997', '99998', '99999'].map((n) => `sql NOTICE: line ${n}`).join('\n'),
    `the selection copied ${JSON.stringify(copiedSelection)}`);
  await log.getByRole('status').filter({ hasText: 'Copied 4 selected lines.' }).waitFor();
  // the whole log, with one click
  await engineer.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await log.getByRole('button', { name: 'Copy log' }).click();
  await log.getByRole('status').filter({ hasText: `Copied ${lines} lines.` }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  check(copied.split('\n').length === lines && copied.includes('\nsql NOTICE: line 50000\n'), `copied ${copied.length} characters`);
  await axe(page, 'run with log');
  await shot(page, 'run-log');
});

await step('retry a run from its page: a new run of the same pipeline, linked to the first', async () => {
  const first = page.url();
  await page.locator('h1 [data-state=succeeded]').waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Retry run' }).click();
  await page.waitForURL((u) => /\/runs\/[0-9a-f-]{36}$/.test(u.pathname) && !first.startsWith(u.href));
  await page.getByRole('link', { name: 'an earlier run' }).waitFor();
  await page.locator('h1 [data-state=succeeded]').waitFor({ timeout: 60_000 });
});

await step('pipeline page: a grid of recent runs by task', async () => {
  await page.goto(`${base}/ui/namespaces/${ns}/pipelines/${pipelineId}`);
  const grid = page.locator('[data-testid=run-grid]');
  await grid.locator('tr[data-task=land] [data-state=succeeded]').first().waitFor();
  await grid.locator('tr[data-task=check] [data-state=succeeded]').first().waitFor();
  await axe(page, 'pipeline with grid');
});

await pipelinePage(page, { ns, id: pipelineId, callApi });

await step('runs list: select runs, cancel them, retry them (bulk)', async () => {
  const slow = `namespace: ${ns}\nid: slow\nconcurrency: {limit: 5}\ntasks:\n  - id: wait\n    type: sql\n    inputs:\n      sql: select pg_sleep(30)\n`;
  const saved = await callApi(page, 'POST', '/api/scheduler/v1/pipelines', slow, 'application/yaml');
  check(saved.status === 201 || saved.status === 200, `saving slow: ${saved.status} ${saved.body}`);
  const ids = [];
  for (let i = 0; i < 2; i++) {
    const r = await callApi(page, 'POST', `/api/scheduler/v1/pipelines/${ns}/slow/runs`, '{"params":{}}');
    check(r.status === 202, `trigger: ${r.status} ${r.body}`);
    ids.push(JSON.parse(r.body).id);
  }
  await page.goto(`${base}/ui/namespaces/${ns}/runs?pipeline=slow`);
  const list = page.locator('[data-testid=runs]');
  for (const id of ids) await list.locator(`[data-run="${id}"]`).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Cancel 2 runs' }).click();
  await page.locator('[data-testid=bulk-outcome]', { hasText: 'Cancelled 2' }).waitFor();
  for (const id of ids) await list.locator(`[data-run="${id}"] [data-state=cancelled]`).waitFor();
  await list.getByRole('checkbox', { name: 'Select all runs shown' }).check();
  await page.getByRole('button', { name: 'Retry 2 runs' }).click();
  await page.locator('[data-testid=bulk-outcome]', { hasText: 'Retried 2' }).waitFor();
  await list.locator('[data-state=running], [data-state=queued]').nth(1).waitFor();
  await axe(page, 'runs with selection');
  // leave nothing running (the scheduler's sql threads are few)
  await list.getByRole('checkbox', { name: 'Select all runs shown' }).check();
  await page.getByRole('button', { name: /^Cancel [12] runs?$/ }).click();
  await page.locator('[data-testid=bulk-outcome]', { hasText: /Cancelled [12]/ }).waitFor();
});

await step('projects: a push with a compile error names the file and line; a good one lists its models, tests, builds', async () => {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Projects' }).click();
  await page.getByRole('heading', { name: 'Transform projects' }).waitFor();
  await page.setInputFiles('input[type=file]', need('STRATA_BROKEN_PROJECT_ZIP'));
  await page.getByRole('button', { name: 'Push' }).click();
  const problem = page.getByRole('alert').filter({ hasText: 'Pushing failed (422)' });
  await problem.waitFor({ timeout: 60_000 });
  await problem.locator('li', { hasText: 'models/gold/gold_daily_sales.sql' }).filter({ hasText: /line 3/ }).waitFor();
  await shot(page, 'project-push-error');
  await page.setInputFiles('input[type=file]', need('STRATA_PROJECT_ZIP'));
  await page.getByRole('button', { name: 'Push' }).click();
  await page.getByRole('status').filter({ hasText: /Pushed sales version 1: \d+ models/ }).waitFor({ timeout: 60_000 });
  await page.locator('[data-testid=projects]').getByRole('link', { name: 'sales' }).click();
  await page.getByRole('heading', { name: 'sales' }).waitFor();
  await page.locator('[data-testid=models] [data-model=gold_daily_sales]').waitFor();
  check(await page.locator('[data-testid=tests] tbody tr').count() > 0, 'no test listed');
  // a build of one model: its step with its time, its compiled SQL on the model
  const built = await callApi(page, 'POST', `/api/transform/v1/projects/${ns}/sales/builds`, '{"select":"brz_products"}');
  check(built.status === 202, `build: ${built.status} ${built.body}`);
  const buildId = JSON.parse(built.body).id;
  for (let i = 0; i < 120; i++) {
    const b = await callApi(page, 'GET', `/api/transform/v1/builds/${buildId}`);
    if (!['queued', 'running'].includes(JSON.parse(b.body).status)) break;
    await page.waitForTimeout(500);
  }
  await page.reload();
  const step = page.locator('[data-testid=build-steps] [data-node=brz_products]');
  await step.waitFor();
  check(/\d/.test(await step.locator('td').nth(4).textContent()), 'no time on the step');
  await page.locator('[data-testid=models] [data-model=brz_products] [data-state]').waitFor();
  await page.locator('[data-testid=models] [data-model=brz_products] summary').click();
  await page.getByLabel('Compiled SQL of brz_products').filter({ hasText: /select/i }).waitFor();
  await axe(page, 'project');
  await shot(page, 'project');
});

await step('notifications: a webhook channel with write-only secrets, a subscription, a dead letter resent', async () => {
  await page.goto(`${base}/ui/namespaces/${ns}`);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Notifications' }).click();
  await page.getByRole('heading', { name: 'Notifications' }).waitFor();
  const url = 'https://hooks.invalid/strata-ui-test';
  const signing = 'sig-' + Math.random().toString(36).slice(2);
  await page.getByLabel('Channel name').fill('ops-hook');
  await page.getByLabel('Webhook URL (write-only)').fill(url);
  await page.getByLabel('Signing secret (write-only)').fill(signing);
  await page.getByLabel('Attempts').fill('1');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  const channel = page.locator('[data-testid=channels] [data-channel=ops-hook]');
  await channel.getByText('ops-hook-url: set').waitFor();
  await page.getByLabel('Only pipeline (optional)').fill(pipelineId);
  await page.getByRole('checkbox', { name: 'run_succeeded' }).check();
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await page.locator('[data-testid=subscriptions] [data-channel=ops-hook]', { hasText: 'run_succeeded' }).waitFor();
  await page.reload();
  await channel.waitFor();
  const html = await page.content();
  check(!html.includes(signing) && !html.includes(url), 'a channel secret is shown');
  const r = await callApi(page, 'POST', `/api/scheduler/v1/pipelines/${ns}/${pipelineId}/runs`, '{"params":{}}');
  check(r.status === 202, `trigger: ${r.status}`);
  await page.getByRole('link', { name: 'Dead letters' }).click();
  await page.waitForURL(/status=dead_lettered/);
  const dead = page.locator('[data-testid=deliveries] tbody tr', { hasText: 'run_succeeded' }).first();
  await dead.waitFor({ timeout: 90_000 });
  check((await dead.locator('.error-text').textContent()).length > 0, 'no last error on the dead letter');
  await axe(page, 'notifications');
  await shot(page, 'notifications');
  await dead.getByRole('button', { name: 'Resend' }).click();
  await page.getByRole('status').filter({ hasText: 'Sent again' }).waitFor();
});

await step('notifications: an e-mail channel naming the namespace\'s smtp connection, and a test send', async () => {
  const put = await callApi(page, 'PUT', `/api/auth/v1/namespaces/${ns}/connections/ops-smtp`,
    JSON.stringify({ kind: 'smtp', host: 'smtp.invalid', port: 587, from: 'strata@example.com' }));
  check(put.status === 201, `smtp connection: ${put.status} ${put.body}`);
  await page.getByRole('combobox', { name: /^Type/ }).selectOption('email');
  await page.getByLabel('Channel name').fill('ops-mail');
  await page.getByRole('combobox', { name: /^Settings from/ }).selectOption('connection');
  await page.getByRole('combobox', { name: /^Connection/ }).locator('option', { hasText: 'ops-smtp' }).waitFor({ state: 'attached' });
  check(await page.getByLabel('SMTP host').count() === 0, 'the server is asked for beside a connection');
  await page.getByLabel('Recipients').fill('oncall@example.com, data@example.com');
  await page.getByRole('button', { name: 'Add e-mail channel' }).click();
  const mail = page.locator('[data-testid=channels] [data-channel=ops-mail]');
  await mail.getByText('email').waitFor();
  // smtp.invalid never resolves: the test send fails and the page says why, in the server's words
  await mail.getByRole('button', { name: 'Send test through ops-mail' }).click();
  const result = mail.getByRole('status');
  await result.filter({ hasText: 'Not delivered' }).waitFor({ timeout: 30_000 });
  check((await result.textContent()).includes('smtp.invalid'), `the test result does not name the server: ${await result.textContent()}`);
});

await step('access: not offered to an engineer, and its lists answer the server\'s 403', async () => {
  check(await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Access' }).count() === 0,
    'Access offered to an engineer');
  await page.goto(`${base}/ui/namespaces/${ns}/access?tab=users`);
  await page.getByRole('alert').filter({ hasText: 'Listing users failed (403)' }).waitFor();
});

await step('runs list shows the run', async () => {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Runs' }).click();
  await page.locator('[data-testid=runs]').getByRole('link', { name: pipelineId }).first().waitFor();
  await axe(page, 'runs');
  await shot(page, 'runs');
});

await step('lineage: from the gold table back to its raw source, then its preview', async () => {
  await page.goto(`${base}/ui/namespaces/${ns}/lineage?focus=customer_totals`);
  const graph = page.locator('[data-testid=graph]');
  await graph.locator('.react-flow__node', { hasText: 'customer_totals' }).waitFor();
  await shot(page, 'lineage');
  await axe(page, 'lineage');
  await graph.locator('.react-flow__node', { hasText: /^orders$/ }).click();
  await page.waitForURL(/focus=orders/);
  await page.getByRole('link', { name: 'Open orders' }).click();
  await page.getByRole('heading', { name: 'orders' }).waitFor();
  await page.locator('[data-testid=schema]').getByText('amount', { exact: true }).waitFor();
  await shot(page, 'dataset');
  await page.getByRole('tab', { name: 'Preview' }).click();
  const preview = page.locator('[data-testid=preview]');
  await preview.getByText('ada', { exact: true }).first().waitFor();
  check(await preview.locator('tbody tr').count() === 5, 'five orders in the preview');
  await axe(page, 'dataset preview');
});

await (await import('./pagegaps.mjs')).pagegaps({ page, ns, callApi });

await step('an ended session signs in again and returns to the same page', async () => {
  await engineer.context.clearCookies({ name: 'q_session' });
  await page.goto(runUrl);
  await signIn(page, need('STRATA_ENGINEER'), need('STRATA_ENGINEER_PASSWORD'));
  await page.waitForURL(runUrl);
  await page.locator('h1 [data-state=succeeded]').waitFor();
});

const viewer = await browserFor('viewer');
await step('a viewer sees no write controls, and a forged write is refused', async () => {
  const v = viewer.page;
  watch(v);
  await v.goto(`${base}/ui/namespaces/${ns}/pipelines`);
  await signIn(v, need('STRATA_VIEWER'), need('STRATA_VIEWER_PASSWORD'));
  await v.locator('[data-testid=pipelines]').getByRole('link', { name: pipelineId }).waitFor();
  check(await v.getByRole('link', { name: 'New pipeline' }).count() === 0, 'New pipeline offered to a viewer');
  await v.getByRole('link', { name: pipelineId }).click();
  await v.locator('.cm-content').waitFor();
  check(await v.getByRole('button', { name: 'Save' }).count() === 0, 'Save offered to a viewer');
  check(await v.getByRole('button', { name: 'Trigger run' }).count() === 0, 'Trigger offered to a viewer');
  check(await v.locator('.cm-content').getAttribute('contenteditable') === 'false', 'the editor is editable');
  const forged = await v.evaluate(async ([n, id]) => {
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('strata-csrf=') || c.startsWith('__Host-strata-csrf='))?.split('=')[1];
    const r = await fetch(`/api/scheduler/v1/pipelines/${n}/${id}/runs`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf ?? '' }, body: '{"params":{}}',
    });
    return r.status;
  }, [ns, pipelineId]);
  check(forged === 403, `a viewer's forged trigger answered ${forged}`);
  await v.goto(runUrl);
  await v.locator('h1 [data-state=succeeded]').waitFor();
  check(await v.getByRole('button', { name: /Retry run|Cancel run/ }).count() === 0, 'Retry or Cancel offered to a viewer');
  const runId = runUrl.split('/').pop();
  const forgedRetry = await callApi(v, 'POST', `/api/scheduler/v1/runs/${runId}/retry`, '');
  check(forgedRetry.status === 403, `a viewer's forged retry answered ${forgedRetry.status}`);
  await v.goto(`${base}/ui/namespaces/${ns}/runs`);
  await v.locator('[data-testid=runs]').getByRole('link', { name: pipelineId }).first().waitFor();
  check(await v.locator('[data-testid=runs] input[type=checkbox]').count() === 0, 'run selection offered to a viewer');
  check(await v.locator('[data-testid=bulk]').count() === 0, 'bulk actions offered to a viewer');
  await axe(v, 'pipeline (viewer)');
});

await step('a viewer\'s nav offers no SQL workspace or dashboards, and no page offers a write the server would refuse', async () => {
  const v = viewer.page;
  const nav = v.getByRole('navigation', { name: 'Sections' });
  await nav.getByRole('link', { name: 'Catalog' }).waitFor();
  const offered = await nav.getByRole('link').allTextContents();
  check(!offered.includes('SQL') && !offered.includes('Dashboards') && !offered.includes('Access'),
    `a viewer's nav offers ${offered.join(', ')}`);
  // an old link to the workspace says why instead of answering the server's 403
  await v.goto(`${base}/ui/namespaces/${ns}/sql`);
  await v.getByRole('alert').filter({ hasText: `Your role in ${ns} (viewer) cannot query its warehouse` }).waitFor();
  check(await v.locator('.cm-content').count() === 0, 'the SQL editor is shown to a viewer');
  const forged = await callApi(v, 'POST', `/api/registry/v1/namespaces/${ns}/sql/queries`, '{"sql":"select 1"}');
  check(forged.status === 403, `a viewer's forged query answered ${forged.status}`);
  // projects: no push; notifications: no new channel, no subscription, no resend
  await v.goto(`${base}/ui/namespaces/${ns}/projects`);
  await v.locator('[data-testid=projects]').getByRole('link', { name: 'sales' }).waitFor();
  check(await v.getByRole('button', { name: 'Push' }).count() === 0, 'Push offered to a viewer');
  check(await v.locator('input[type=file]').count() === 0, 'a file to push offered to a viewer');
  await v.goto(`${base}/ui/namespaces/${ns}/notifications`);
  await v.locator('[data-testid=channels] [data-channel=ops-hook]').waitFor();
  for (const name of [/^Add webhook$/, /^Subscribe$/, /^Resend$/, /^Remove/, /^Send test/]) {
    check(await v.getByRole('button', { name }).count() === 0, `${name} offered to a viewer`);
  }
  await axe(v, 'notifications (viewer)');
});

await step('a second namespace stays invisible, also by editing the URL', async () => {
  const v = viewer.page;
  await v.goto(`${base}/ui/namespaces/${other}/catalog`);
  await v.getByText(`Namespace “${other}” does not exist or is not yours to see.`).waitFor();
  check(!(await v.content()).includes('secret_plans'), 'the other namespace\'s dataset is shown');
  const status = await v.evaluate(async (o) => (await fetch(`/api/registry/v1/datasets/${o}/secret_plans`)).status, other);
  check(status === 403 || status === 404, `reading the other namespace answered ${status}`);
});

const admin = await browserFor('admin');
watch(admin.page);
await step('access (admin): role bindings added and removed, a token shown once, the audit log filtered', async () => {
  const a = admin.page;
  await a.goto(`${base}/ui/namespaces/${ns}`);
  await signIn(a, need('STRATA_ADMIN'), need('STRATA_ADMIN_PASSWORD'));
  await a.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Access' }).click();
  const bindings = a.locator('[data-testid=bindings]');
  await bindings.locator('[data-principal=ada]', { hasText: 'engineer' }).waitFor();
  await bindings.locator('[data-principal=vic]', { hasText: 'viewer' }).waitFor();
  await a.getByLabel('Principal').fill('ana');
  await a.getByLabel(`Role in ${ns}`).selectOption('analyst');
  await a.getByRole('button', { name: 'Grant' }).click();
  await bindings.locator('[data-principal=ana]', { hasText: 'analyst' }).waitFor();
  await axe(a, 'access');
  await shot(a, 'access');
  await a.getByRole('button', { name: 'Remove analyst of ana' }).click();
  await bindings.locator('[data-principal=ana]').waitFor({ state: 'detached' });
  await a.getByRole('tab', { name: 'Users' }).click();
  await a.locator('[data-testid=users]').getByText('vic@shop.test').waitFor();
  await a.getByRole('tab', { name: 'API tokens' }).click();
  await a.getByLabel('Token name').fill('ci-token');
  await a.getByRole('button', { name: 'Create token' }).click();
  const shown = await a.locator('[data-testid=new-token] code').textContent();
  check(shown && shown.length > 20, `the new token ${shown}`);
  await a.locator('[data-testid=tokens] [data-token=ci-token]').waitFor();
  await a.reload();
  await a.locator('[data-testid=tokens] [data-token=ci-token]').waitFor();
  check(!(await a.content()).includes(shown), 'the token is shown again after a reload');
  await a.getByRole('tab', { name: 'Audit log' }).click();
  await a.getByLabel('Actor').fill('ana');
  await a.waitForURL(/actor=ana/);
  const rows = a.locator('[data-testid=audit] tbody tr');
  await rows.first().waitFor();
  const actors = await rows.locator('td:nth-child(2)').allTextContents();
  check(actors.length > 0 && actors.every((x) => x === 'ana'), `actors ${actors}`);
  await axe(a, 'audit log');
});
await admin.context.close();

await step('no Content Security Policy violation on any page', async () => {
  check(cspViolations.length === 0, cspViolations.join('\n'));
});

await viewer.context.close();
await engineer.context.close();
finish();
