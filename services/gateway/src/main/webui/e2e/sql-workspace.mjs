// The SQL workspace (issue 20) in a real browser against the real platform (run by cli's SqlWorkspaceIT, which starts
// `strata up`, loads shop's gold table daily_sales and makes the users): an analyst writes a query with completion,
// sees Postgres's syntax error marked, runs it and exports it, saves it, makes a chart of it and puts it on a
// dashboard; another analyst of the namespace opens the dashboard's URL; an analyst of another namespace is told it
// is not there. axe on each page, light and dark; screenshots to STRATA_SCREENSHOTS.
import { readFileSync } from 'node:fs';
import { axe, base, browserFor, check, cspViolations, finish, need, shot, signIn, step, watch } from './browser.mjs';

const ns = need('STRATA_NS');
const other = need('STRATA_OTHER_NS');
const query = 'sales-by-day';
const chart = 'sales-chart';
const dashboard = 'sales-overview';
const dashboardUrl = `${base}/ui/namespaces/${ns}/dashboards/${dashboard}`;

const analyst = await browserFor('analyst');
const page = analyst.page;
watch(page);
const editor = page.locator('[data-testid=sql-editor] .cm-content');

async function clearEditor() {
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
}

await step('an analyst signs in and opens SQL from the namespace\'s sections', async () => {
  await page.goto(`${base}/ui/namespaces/${ns}`);
  await signIn(page, need('STRATA_ANALYST'), need('STRATA_ANALYST_PASSWORD'));
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'SQL' }).click();
  await page.waitForURL(new RegExp(`/ui/namespaces/${ns}/sql`));
  await editor.waitFor();
});

await step('a syntax error is marked in the editor with Postgres\'s message', async () => {
  await clearEditor();
  await page.keyboard.type('select region,');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Enter');
  await page.keyboard.type('sum(revenue) form daily_sales');
  await page.getByRole('button', { name: 'Run' }).click();
  const problem = page.locator('[data-testid=query-problem]');
  await problem.waitFor();
  const text = await problem.innerText();
  check(/syntax/i.test(text), `the problem says ${text}`);
  check(/line 2/.test(text), `the problem names line 2: ${text}`);
  const mark = page.locator('.cm-lintRange-error');
  await mark.first().waitFor();
  const line = await mark.first().evaluate((el) => {
    const row = el.closest('.cm-line');
    return [...row.parentElement.querySelectorAll(':scope > .cm-line')].indexOf(row) + 1;
  });
  check(line === 2, `marked on line ${line}, not 2`);
  await shot(page, 'sql-syntax-error');
});

await step('completion offers the namespace\'s table; the rows stream into the grid', async () => {
  await clearEditor();
  await page.keyboard.type('select day, region, revenue from daily_s');
  const option = page.getByRole('option', { name: /daily_sales/ });
  await option.first().waitFor();
  await option.first().click();
  await page.keyboard.type(' where region like :pattern order by day, region');
  check((await editor.innerText()).includes('from daily_sales where'), `the editor holds ${await editor.innerText()}`);
  // :pattern is found in the SQL and asked for
  await page.getByLabel(':pattern', { exact: true }).fill('%');
  await editor.click();
  await page.keyboard.press('Control+Enter');
  const status = page.locator('[data-testid=result-status]');
  await status.getByText(/^6 rows in /).waitFor();
  const grid = page.locator('[data-testid=result]');
  await grid.getByRole('cell', { name: 'eu', exact: true }).first().waitFor();
  check(await grid.getByRole('columnheader', { name: /revenue/ }).count() === 1, 'a revenue column');
  // the column's table is a catalog dataset: its page and lineage are one click away
  await grid.getByRole('link', { name: 'daily_sales' }).first().waitFor();
  await axe(page, 'sql editor');
  await shot(page, 'sql-editor');
});

await step('the full result exports as CSV', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  check(/\.csv$/.test(download.suggestedFilename()), `file ${download.suggestedFilename()}`);
  const csv = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
  check(/day.*region.*revenue/.test(csv[0]), `header ${csv[0]}`);
  check(csv.length === 7, `${csv.length - 1} rows in the CSV`);
});

await step('saved as a saved query, with its parameter, and opened again by its URL', async () => {
  const form = page.getByRole('form', { name: 'Save as a saved query' });
  await form.getByLabel('Name').fill(query);
  await form.getByLabel('Title').fill('Sales by day');
  await form.getByRole('button', { name: 'Save query' }).click();
  await page.waitForURL(new RegExp(`q=${query}`));
  await page.getByRole('status').getByText(/Saved/).waitFor();
  await page.goto(`${base}/ui/namespaces/${ns}/sql?q=${query}`);
  await page.getByRole('heading', { name: /Sales by day/ }).waitFor();
  await editor.getByText(/like :pattern/).waitFor();
});

await step('a chart of the saved query: type, fields, preview, save', async () => {
  await page.getByRole('link', { name: 'Make a chart' }).click();
  await page.waitForURL(/\/charts\/new\?query=/);
  const form = page.getByRole('form', { name: 'Chart' });
  await form.getByLabel('Name').fill(chart);
  await form.getByLabel('Title').fill('Revenue by day and region');
  await form.getByLabel('Chart type').selectOption('bar');
  await page.locator('[data-testid=mapping]').waitFor();
  await form.getByLabel('X axis').selectOption('day');
  await form.getByRole('checkbox', { name: 'revenue' }).check();
  await form.getByLabel('Series (split by)').selectOption('region');
  await page.getByRole('button', { name: 'Preview' }).click();
  const svg = page.locator('[data-testid=chart-preview] [data-testid=chart-svg]');
  await svg.waitFor();
  check(await svg.locator('rect.mark').count() === 6, `${await svg.locator('rect.mark').count()} bars, not 6`);
  await page.getByRole('button', { name: 'Save chart' }).click();
  await page.waitForURL(new RegExp(`/charts/${chart}$`));
  await page.getByRole('heading', { name: 'Revenue by day and region' }).waitFor();
  await axe(page, 'chart builder');
  await shot(page, 'chart-builder');
});

await step('a dashboard with the chart as a tile, its YAML exported', async () => {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Dashboards' }).click();
  const form = page.getByRole('form', { name: 'New dashboard' });
  await form.getByLabel('New dashboard name').fill(dashboard);
  await form.getByLabel('Title').fill('Sales overview');
  await form.getByRole('button', { name: 'Create dashboard' }).click();
  await page.waitForURL(dashboardUrl);
  await page.getByLabel('Add chart').selectOption(chart);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.locator(`[data-testid=tile-${chart}] [data-testid=chart-svg]`).waitFor();
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/sql/dashboards/${dashboard}`) && r.request().method() === 'PUT' && r.ok()),
    page.getByLabel('Auto-refresh').selectOption('60'),
  ]);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export YAML' }).click()]);
  const yaml = readFileSync(await download.path(), 'utf8');
  check(yaml.includes(chart) && /refreshSeconds: *60/.test(yaml), `the YAML:\n${yaml}`);
  await axe(page, 'dashboard');
  await shot(page, 'dashboard');
  await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
  await axe(page, 'dashboard (other theme)');
  await shot(page, 'dashboard-other-theme');
  await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
  await page.goto(`${base}/ui/namespaces/${ns}/dashboards`);
  await page.locator('[data-testid=dashboards]').getByRole('link', { name: dashboard }).waitFor();
  await axe(page, 'dashboards');
});

const colleague = await browserFor('colleague');
await step('another analyst of the namespace opens the shared dashboard URL', async () => {
  const p = colleague.page;
  watch(p);
  await p.goto(dashboardUrl);
  await signIn(p, need('STRATA_ANALYST2'), need('STRATA_ANALYST2_PASSWORD'));
  await p.waitForURL(dashboardUrl);
  await p.getByRole('heading', { name: 'Sales overview' }).waitFor();
  const svg = p.locator(`[data-testid=tile-${chart}] [data-testid=chart-svg]`);
  await svg.waitFor();
  check(await svg.locator('rect.mark').count() === 6, 'the colleague sees the six bars');
  check(await p.getByLabel('Auto-refresh').inputValue() === '60', 'refresh every 60 s');
});

const outsider = await browserFor('outsider');
await step('an analyst of another namespace is told the dashboard is not there', async () => {
  const p = outsider.page;
  watch(p);
  await p.goto(dashboardUrl);
  await signIn(p, need('STRATA_OUTSIDER'), need('STRATA_OUTSIDER_PASSWORD'));
  await p.getByText(`Namespace “${ns}” does not exist or is not yours to see.`).waitFor();
  check(!(await p.content()).includes('Sales overview'), 'the dashboard\'s title is shown');
  const status = await p.evaluate(async ([n, d]) => (await fetch(`/api/registry/v1/namespaces/${n}/sql/dashboards/${d}`)).status, [ns, dashboard]);
  check(status === 404, `reading the dashboard from ${other} answered ${status}`);
});

await step('no Content Security Policy violation on any page', async () => {
  check(cspViolations.length === 0, cspViolations.join('\n'));
});

await outsider.context.close();
await colleague.context.close();
await analyst.context.close();
finish();
