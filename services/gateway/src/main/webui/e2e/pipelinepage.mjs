// The pipeline page beyond its editor (issue 17): the DAG drawn from the YAML, the next five fires in the pipeline's
// timezone, pause/resume, a backfill with its progress and Cancel. Called by golden-path.mjs once the walk's pipeline
// is saved and has run; the page is left on the pipeline.
import { axe, base, browserFor, check, need, shot, signIn, step } from './browser.mjs';

/**
 * @param page     the engineer's signed-in page
 * @param ns       the namespace
 * @param id       the walk's saved pipeline (two sql tasks: land → check)
 * @param callApi  golden-path's call of the API from the page (session cookie, CSRF token)
 */
export async function pipelinePage(page, { ns, id, callApi }) {
  await step('pipeline page: its DAG drawn from the YAML, the next five fires in its timezone', async () => {
    // a schedule (daily 06:00 in Paris) for next fires and backfills: a new version of the walk's pipeline
    const current = await callApi(page, 'GET', `/api/scheduler/v1/pipelines/${ns}/${id}`);
    check(current.status === 200, `reading ${id}: ${current.status} ${current.body}`);
    const yaml = JSON.parse(current.body).yaml
      .replace(/^description:.*$/m, (line) => `${line}\nschedule: {cron: "0 6 * * *", timezone: Europe/Paris}`);
    const saved = await callApi(page, 'POST', '/api/scheduler/v1/pipelines', yaml, 'application/yaml');
    check(saved.status === 201, `saving ${id} with a schedule: ${saved.status} ${saved.body}`);

    await page.goto(`${base}/ui/namespaces/${ns}/pipelines/${id}`);
    const dag = page.locator('[data-testid=pipeline-dag]');
    await dag.locator('.react-flow__node', { hasText: 'land' }).waitFor();
    await dag.locator('.react-flow__node', { hasText: 'check' }).waitFor();
    check(await dag.locator('.react-flow__node').count() === 2, 'the DAG has not exactly the two tasks');
    check(await dag.locator('.react-flow__edge').count() === 1, 'the DAG has not exactly one edge');
    const fires = page.locator('table[data-testid=next-fires]');
    await fires.getByRole('columnheader', { name: 'Europe/Paris' }).waitFor();
    const times = await fires.locator('tbody time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')));
    check(times.length === 5, `${times.length} next fires shown, not 5`);
    for (const t of times) {
      const paris = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' })
        .format(new Date(t));
      check(paris === '06:00', `a next fire at ${t} is ${paris} in Paris, not 06:00`);
    }
  });

  await step('pause shows Paused (by whom, since), resume clears it', async () => {
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const paused = page.locator('[data-testid=paused]');
    await paused.filter({ hasText: /^Paused by .+ since / }).waitFor();
    await page.locator('[data-testid=next-fires]', { hasText: 'Paused' }).waitFor();
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await paused.waitFor({ state: 'detached' });
    await page.locator('table[data-testid=next-fires] tbody time').first().waitFor();
    await page.getByRole('button', { name: 'Pause', exact: true }).waitFor();
  });

  await step('a backfill over two days, only missing dates, shows its run counts, and Cancel ends it', async () => {
    const form = page.getByRole('form', { name: 'Backfill' });
    const [start, end] = [form.locator('input[type=datetime-local]').nth(0), form.locator('input[type=datetime-local]').nth(1)];
    await start.fill('2026-11-20T00:00');
    await end.fill('2026-11-21T23:59');
    await form.getByLabel('At most running at once').fill('1');
    check(await form.getByLabel('Only dates without a succeeded run').isChecked(), 'only-missing is not the default');
    await form.getByRole('button', { name: 'Start backfill' }).click();
    const progress = page.locator('[data-testid=backfill-progress]');
    await progress.waitFor();
    const counts = async () => (await progress.locator('[data-testid=backfill-counts] tbody tr[data-state]')
      .evaluateAll((rows) => rows.map((r) => [r.dataset.state, Number(r.cells[1].textContent)])));
    const first = await counts();
    const total = first.reduce((n, [, c]) => n + c, 0);
    check(total >= 1 && total <= 3, `the backfill made ${total} runs (${JSON.stringify(first)}), not one per day`);
    const cancel = page.getByRole('button', { name: 'Cancel backfill' });
    if (await cancel.count() > 0 && await progress.getAttribute('data-state') === 'running') {
      await cancel.click().catch(() => undefined); // (it may have finished, and its button gone, in between)
    }
    await page.locator('[data-testid=backfill-progress]:not([data-state=running])').waitFor({ timeout: 60_000 });
    const state = await progress.getAttribute('data-state');
    const last = await counts();
    check(state === 'cancelled' || state === 'succeeded', `the backfill ended ${state} (${JSON.stringify(last)})`);
    check(last.every(([s]) => s !== 'running' && s !== 'queued'), `runs still active after it ended: ${JSON.stringify(last)}`);
    if (state === 'cancelled') check(last.some(([s]) => s === 'cancelled' || s === 'succeeded'), `cancelled with ${JSON.stringify(last)}`);
    await page.locator('[data-testid=backfill-progress] [role=status]', { hasText: state }).waitFor();
    await axe(page, 'pipeline');
    await shot(page, 'pipeline');
  });

  await step('a viewer sees the pipeline\'s DAG and next fires but no trigger, pause or backfill control', async () => {
    const viewer = await browserFor('pipeline-viewer');
    try {
      const v = viewer.page;
      await v.goto(`${base}/ui/namespaces/${ns}/pipelines/${id}`);
      await signIn(v, need('STRATA_VIEWER'), need('STRATA_VIEWER_PASSWORD'));
      await v.locator('[data-testid=pipeline-dag] .react-flow__node', { hasText: 'land' }).waitFor();
      await v.locator('table[data-testid=next-fires] tbody time').first().waitFor();
      for (const name of ['Trigger run', 'Parameters', 'Pause', 'Resume', 'Start backfill']) {
        check(await v.getByRole('button', { name, exact: true }).count() === 0, `${name} offered to a viewer`);
      }
      check(await v.locator('[data-testid=backfill]').count() === 0, 'the backfill form shown to a viewer');
    } finally {
      await viewer.context.close();
    }
  });
}
