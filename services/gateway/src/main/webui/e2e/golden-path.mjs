// The web UI in a real browser against the real platform (run by cli's WebUiIT, which starts `strata up`, makes the
// users and data, and reads this script's TAP-like output). Each step asserts what a person would see; screenshots
// go to docs/ui/.
import { axe, base, browserFor, check, cspViolations, finish, need, shot, signIn, step, watch } from './browser.mjs';

const ns = need('STRATA_NS');
const other = need('STRATA_OTHER_NS');

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
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
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
  await axe(page, 'run');
  await shot(page, 'run');
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
  await axe(v, 'pipeline (viewer)');
});

await step('a second namespace stays invisible, also by editing the URL', async () => {
  const v = viewer.page;
  await v.goto(`${base}/ui/namespaces/${other}/catalog`);
  await v.getByText(`Namespace “${other}” does not exist or is not yours to see.`).waitFor();
  check(!(await v.content()).includes('secret_plans'), 'the other namespace\'s dataset is shown');
  const status = await v.evaluate(async (o) => (await fetch(`/api/registry/v1/datasets/${o}/secret_plans`)).status, other);
  check(status === 403 || status === 404, `reading the other namespace answered ${status}`);
});

await step('no Content Security Policy violation on any page', async () => {
  check(cspViolations.length === 0, cspViolations.join('\n'));
});

await viewer.context.close();
await engineer.context.close();
finish();
