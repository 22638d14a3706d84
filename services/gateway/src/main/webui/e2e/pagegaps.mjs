// The dataset page's upload with its progress bar, schema diffs, quality (freshness, tests, quarantined rows with
// their reasons) and lineage neighbourhood, the home page's data-quality lists, the lineage page's column edges and
// model, the catalog's owner filter and all-namespaces search, and the "g" shortcuts, walked in the
// browser (called from golden-path.mjs once the lineage step has run; the engineer is signed in on `page`).
import { axe, base, browserFor, check, need, shot, signIn, step, watch } from './browser.mjs';

/** A CSV of `rows` returns; `extra` adds a column; `bad` rows carry an amount that is no number. */
function csv(rows, { extra = false, bad = 0 } = {}) {
  const lines = [`return_id,order_id,amount${extra ? ',channel' : ''}`];
  for (let i = 1; i <= rows; i++) lines.push(`${i},${1000 + i},${(i % 97) + 0.5}${extra ? ',web' : ''}`);
  for (let i = 1; i <= bad; i++) lines.push(`${rows + i},${2000 + i},not-a-number${extra ? ',shop' : ''}`);
  return Buffer.from(lines.join('\n') + '\n');
}

export async function pagegaps({ page, ns, callApi }) {
  const dataset = `${base}/ui/namespaces/${ns}/datasets/returns`;
  const columns = [{ name: 'return_id', type: 'bigint' }, { name: 'order_id', type: 'bigint' }, { name: 'amount', type: 'numeric' }];
  const uploadAndLoad = async (name, buffer) => {
    const form = page.locator('[data-testid=upload]');
    await form.locator('input[type=file]').setInputFiles({ name, mimeType: 'text/csv', buffer });
    await form.getByRole('button', { name: 'Upload and load' }).click();
    // the bar follows this file's bytes out and ends full; then its load is followed to its end
    await form.getByRole('status').filter({ hasText: `${name}: 100% (` }).waitFor({ timeout: 60_000 });
    const bar = await form.locator('[data-testid=upload-progress]').evaluate((el) => [el.value, el.max]);
    check(bar[0] === 100 && bar[1] === 100, `the progress bar ends at ${bar}`);
    const status = form.locator('[data-testid=load-status]').filter({ hasText: `Load of ${name} ` });
    await status.locator('[data-state=succeeded], [data-state=failed]').waitFor({ timeout: 90_000 });
    return status.textContent();
  };

  await step('dataset page: upload a file with a progress bar, loaded with the dataset\'s settings', async () => {
    const made = await callApi(page, 'POST', '/api/registry/v1/datasets', JSON.stringify({
      namespace: ns, name: 'returns', layer: 'raw', owner: 'data-team', columns,
    }));
    check(made.status === 201, `registering returns answered ${made.status}: ${made.body}`);
    await page.goto(dataset);
    await page.getByRole('heading', { name: 'returns' }).waitFor();
    const first = await uploadAndLoad('returns.csv', csv(40_000));
    check(first.includes('succeeded') && first.includes('40000 rows loaded'), `the first load: ${first}`);
    await page.getByRole('tab', { name: 'Versions' }).click();
    await page.locator('[data-testid=versions] tbody tr').filter({ hasText: '40000' }).first().waitFor({ timeout: 30_000 });
  });

  await step('dataset page: a file with a new column makes a version whose schema diff names it', async () => {
    const second = await uploadAndLoad('returns-2.csv', csv(10, { extra: true }));
    check(second.includes('succeeded'), `the second load: ${second}`);
    const diff = page.locator('[data-testid=schema-diff]');
    await diff.locator('tr[data-change=added]', { hasText: 'channel' }).waitFor({ timeout: 30_000 });
    check((await diff.locator('tr[data-change=added]').textContent()).includes('text'), 'the added column\'s type');
    await axe(page, 'dataset versions');
    await shot(page, 'dataset-versions');
  });

  await step('dataset page: rows that do not fit are quarantined, shown with their file, line and reason', async () => {
    const put = await callApi(page, 'PUT', `/api/registry/v1/datasets/${ns}/returns`, JSON.stringify({
      namespace: ns, name: 'returns', layer: 'raw', owner: 'data-team', contract: 'quarantine',
      columns: [...columns, { name: 'channel', type: 'text' }],
    }));
    check(put.status === 200, `setting the quarantine contract answered ${put.status}: ${put.body}`);
    await page.reload();
    const third = await uploadAndLoad('returns-3.csv', csv(5, { extra: true, bad: 2 }));
    check(third.includes('succeeded') && third.includes('2 quarantined'), `the third load: ${third}`);
    await page.getByRole('tab', { name: 'Quality' }).click();
    const rows = page.locator('[data-testid=quarantine] tbody tr');
    await rows.first().waitFor({ timeout: 30_000 });
    check(await rows.count() === 2, `${await rows.count()} quarantined rows shown`);
    const text = await rows.first().textContent();
    check(text.includes('returns-3.csv') && text.includes('not-a-number') && text.includes('amount'), `a quarantined row: ${text}`);
    await page.locator('[data-testid=quarantine-total]', { hasText: '2 rows in' }).waitFor();
    await page.locator('[data-testid=loads] tbody tr').nth(2).waitFor();
    await page.locator('[data-testid=freshness]').getByText(/version \d+, /).waitFor();
    await page.locator('[data-testid=dataset-tests]').waitFor();
    await axe(page, 'dataset quality');
    await shot(page, 'dataset-quality');
  });

  await step('home: failing tests, late sources and quarantined rows, each linked', async () => {
    await page.goto(`${base}/ui/namespaces/${ns}`);
    const quarantined = page.locator('[data-testid=quarantined]');
    await quarantined.locator('[data-dataset=returns]', { hasText: '2 rows' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=failing-tests]').waitFor();
    await page.locator('[data-testid=stale-datasets]').waitFor();
    await page.locator('[data-testid=run-counts] .count').first().waitFor();
    await axe(page, 'home with quality');
    await shot(page, 'home');
    await quarantined.getByRole('link', { name: 'returns' }).click();
    await page.waitForURL(/\/datasets\/returns\?tab=quality$/);
    await page.locator('[data-testid=quarantine] tbody tr').first().waitFor();
  });

  await step('lineage: the focused dataset\'s column edges and the model that builds it', async () => {
    await page.goto(`${base}/ui/namespaces/${ns}/lineage?focus=customer_totals`);
    const edges = page.locator('[data-testid=column-lineage] tbody tr');
    await edges.filter({ hasText: 'orders.amount' }).filter({ hasText: 'customer_totals.amount' }).waitFor();
    await page.locator('[data-testid=built-by]').waitFor();
    await axe(page, 'lineage with columns');
  });

  await step('catalog: owner filter and every namespace of the caller, in the URL; keyboard shortcuts', async () => {
    await page.goto(`${base}/ui/namespaces/${ns}`);
    await page.getByRole('heading', { name: ns, exact: true }).waitFor();
    await page.keyboard.press('g');
    await page.keyboard.press('c');
    await page.waitForURL(new RegExp(`/namespaces/${ns}/catalog`));
    const table = page.locator('[data-testid=datasets]');
    await table.getByRole('link', { name: 'customer_totals', exact: true }).waitFor();
    await page.keyboard.press('/');
    check(await page.getByRole('searchbox').evaluate((el) => el === document.activeElement), '"/" does not focus the search');
    await page.getByLabel('Owner').fill('data-team');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/owner=data-team/);
    await table.getByRole('link', { name: 'returns', exact: true }).waitFor();
    await page.getByLabel('Owner').fill('nobody-owns-this');
    await page.getByRole('button', { name: 'Search' }).click();
    await table.getByText('No dataset').waitFor();
    await page.goto(`${base}/ui/namespaces/${ns}/catalog?all=1`);
    await table.getByRole('columnheader', { name: 'Namespace' }).waitFor();
    await table.getByRole('link', { name: 'customer_totals', exact: true }).waitFor();
    check(!(await page.content()).includes('secret_plans'), 'a dataset of the other namespace is listed');
    await axe(page, 'catalog, all namespaces');
  });

  await step('dataset page: its lineage neighbourhood, linked', async () => {
    await page.goto(`${base}/ui/namespaces/${ns}/datasets/customer_totals`);
    await page.locator('[data-testid=neighbours]').getByRole('link', { name: 'orders', exact: true }).click();
    await page.waitForURL(/\/datasets\/orders$/);
    await page.locator('[data-testid=neighbours]').getByRole('link', { name: 'customer_totals', exact: true }).waitFor();
  });

  const viewer = await browserFor('viewer-pagegaps');
  await step('a viewer sees the dataset\'s quality but no upload, and no quarantined values', async () => {
    const v = viewer.page;
    watch(v);
    await v.goto(`${dataset}?tab=quality`);
    await signIn(v, need('STRATA_VIEWER'), need('STRATA_VIEWER_PASSWORD'));
    await v.locator('[data-testid=loads] tbody tr').first().waitFor();
    check(await v.locator('[data-testid=upload]').count() === 0, 'the upload offered to a viewer');
    check(await v.locator('input[type=file]').count() === 0, 'a file input offered to a viewer');
    await v.getByText('Quarantined rows hold the data\'s values').waitFor();
    check(!(await v.content()).includes('not-a-number'), 'a quarantined value shown to a viewer');
    const forged = await callApi(v, 'GET', `/api/registry/v1/datasets/${ns}/returns/quarantine`);
    check(forged.status === 403, `a viewer reading the quarantine answered ${forged.status}`);
    const upload = await callApi(v, 'POST', `/api/registry/v1/datasets/${ns}/returns/uploads?filename=x.csv`, 'a\n1\n', 'text/csv');
    check(upload.status === 403, `a viewer's forged upload answered ${upload.status}`);
    await axe(v, 'dataset quality (viewer)');
  });
  await viewer.context.close();
  watch(page);
}
