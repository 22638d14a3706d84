// The pipeline page's parts beside its editor: the DAG drawn from the last valid YAML, the next fires, and for writers
// trigger with params, pause/resume and backfills.
import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { api, type Backfill, type NextFires, type Pipeline, type PipelineTask, type Run } from '../../api';
import { Graph } from '../../Graph';
import { taskEdges } from '../../layout';
import { formatTime, usePrefs } from '../../prefs';
import { ProblemView } from '../../ui';

/** What the page draws of a pipeline: from the validator's last valid answer, or the saved pipeline's. */
export interface Drawn {
  graph: PipelineTask[];
  layout?: Record<string, { x?: number; y?: number }> | null;
  nextFires?: NextFires;
  params?: Record<string, string>;
}

const pipelinePath = (ns: string, id: string) => `scheduler/v1/pipelines/${encodeURIComponent(ns)}/${encodeURIComponent(id)}`;

/** The task DAG of the last valid YAML; dimmed, with a note, while the text being typed is not valid. */
export function PipelineDag({ drawn, stale }: { drawn: Drawn | undefined; stale: boolean }) {
  const graph = drawn?.graph;
  const nodes = useMemo(() => (graph ?? []).map((t) => ({ id: t.id, label: `${t.id} · ${t.type}`, kind: t.type })), [graph]);
  const edges = useMemo(() => taskEdges((graph ?? []).map((t) => ({ taskId: t.id, dependsOn: t.dependsOn }))), [graph]);
  const layout = drawn?.layout;
  const laidOutBy = useMemo(() => (layout
    ? new Map(Object.entries(layout).map(([id, p]) => [id, { x: p.x ?? 0, y: p.y ?? 0 }]))
    : undefined), [layout]);
  if (!graph) return <p className="muted">The DAG is drawn once the YAML is valid.</p>;
  return (
    <div className={stale ? 'dag stale' : 'dag'} data-testid="pipeline-dag" data-stale={stale}>
      {stale && <p role="status" className="muted">The YAML has errors: this is the last valid DAG.</p>}
      <Graph label="Tasks of the pipeline" nodes={nodes} edges={edges} laidOutBy={laidOutBy} />
    </div>
  );
}

function zoned(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false, timeZone,
  }).format(new Date(iso));
}

/** The next five fire times in the pipeline's timezone, and in the user's when that differs. */
export function NextFireTimes({ fires }: { fires: NextFires | undefined }) {
  const prefs = usePrefs();
  if (!fires) return <p className="muted">Shown once the YAML is valid.</p>;
  if (!fires.timezone) return <p className="muted" data-testid="next-fires">No schedule: runs start by trigger only.</p>;
  if (fires.paused) return <p className="muted" data-testid="next-fires">Paused: no scheduled fire until it is resumed.</p>;
  const mine = prefs.tz === 'UTC' ? 'UTC' : Intl.DateTimeFormat().resolvedOptions().timeZone;
  const both = mine !== fires.timezone;
  return (
    <table className="grid" data-testid="next-fires">
      <thead><tr><th scope="col">{fires.timezone}</th>{both && <th scope="col">{mine} (yours)</th>}</tr></thead>
      <tbody>
        {(fires.at ?? []).map((at) => (
          <tr key={at}><td><time dateTime={at}>{zoned(at, fires.timezone!)}</time></td>{both && <td>{zoned(at, mine)}</td>}</tr>
        ))}
      </tbody>
    </table>
  );
}

type Row = { key: string; value: string };
const MAX_PARAMS = 50;

/** "Trigger run" starts a run at once; "Parameters" opens key/value rows, the declared params prefilled. */
export function TriggerControl({ ns, id, declared }: { ns: string; id: string; declared: Record<string, string> | undefined }) {
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [rows, setRows] = useState<Row[] | null>(null);
  const shown = rows ?? Object.entries(declared ?? {}).map(([key, value]) => ({ key, value }));
  const trigger = useMutation({
    mutationFn: () => api<Run>(`${pipelinePath(ns, id)}/runs`, {
      method: 'POST',
      json: { params: Object.fromEntries(shown.filter((r) => r.key.trim()).map((r) => [r.key.trim(), r.value])) },
    }),
    onSuccess: (run) => navigate({ to: '/namespaces/$ns/runs/$runId', params: { ns, runId: run.id } }),
  });
  const set = (i: number, change: Partial<Row>) => setRows(shown.map((r, j) => (i === j ? { ...r, ...change } : r)));
  return (
    <div className="control" data-testid="trigger">
      <div className="toolbar">
        <button type="button" disabled={trigger.isPending} onClick={() => trigger.mutate()}>Trigger run</button>
        <button type="button" className="secondary" aria-expanded={open} onClick={() => setOpen(!open)}>Parameters</button>
      </div>
      {open && (
        <fieldset className="trigger-params">
          <legend>Run parameters</legend>
          {shown.length === 0 && <p className="muted">No parameter: add one, or trigger without.</p>}
          {shown.map((r, i) => (
            <div className="toolbar" key={i}>
              <label className="field"><span>Name</span>
                <input value={r.key} maxLength={128} onChange={(e) => set(i, { key: e.target.value })} /></label>
              <label className="field"><span>Value</span>
                <input value={r.value} maxLength={4096} onChange={(e) => set(i, { value: e.target.value })} /></label>
              <button type="button" className="secondary" aria-label={`Remove parameter ${r.key || i + 1}`}
                onClick={() => setRows(shown.filter((_, j) => j !== i))}>Remove</button>
            </div>
          ))}
          {shown.length < MAX_PARAMS && (
            <button type="button" className="secondary" onClick={() => setRows([...shown, { key: '', value: '' }])}>Add parameter</button>
          )}
        </fieldset>
      )}
      <ProblemView error={trigger.error} what="Triggering" />
    </div>
  );
}

/** Pause / Resume, and who paused it since when. */
export function PauseControl({ ns, pipeline }: { ns: string; pipeline: Pipeline }) {
  const client = useQueryClient();
  const prefs = usePrefs();
  const toggle = useMutation({
    mutationFn: () => api<Pipeline>(`${pipelinePath(ns, pipeline.id)}/${pipeline.paused ? 'resume' : 'pause'}`, { method: 'POST' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['pipeline', ns, pipeline.id] }),
  });
  return (
    <div className="control" data-testid="pause">
      <div className="toolbar">
        {pipeline.paused
          ? <span role="status" className="badge state-cancelled" data-testid="paused">Paused by {pipeline.pausedBy ?? 'someone'} since {formatTime(pipeline.pausedAt, prefs.tz)}</span>
          : <span role="status" className="muted">Active: schedule and triggers start runs.</span>}
        <button type="button" disabled={toggle.isPending} onClick={() => toggle.mutate()}>{pipeline.paused ? 'Resume' : 'Pause'}</button>
      </div>
      <ProblemView error={toggle.error} what={pipeline.paused ? 'Resuming' : 'Pausing'} />
    </div>
  );
}

/** A datetime-local value read in the user's zone (their own or UTC), as an ISO instant. */
function instant(value: string, tz: 'local' | 'UTC'): string | undefined {
  if (!value) return undefined;
  const date = new Date(tz === 'UTC' ? `${value}Z` : value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Start a backfill (range, concurrency cap, only-missing), then its run counts by state, refreshed, and Cancel. */
export function BackfillControl({ ns, id, scheduled }: { ns: string; id: string; scheduled: boolean }) {
  const prefs = usePrefs();
  const client = useQueryClient();
  const [form, setForm] = useState({ start: '', end: '', concurrency: '1', onlyMissing: true });
  const [backfillId, setBackfillId] = useState<string>();
  const start = useMutation({
    mutationFn: () => api<Backfill>(`${pipelinePath(ns, id)}/backfills`, {
      method: 'POST',
      json: {
        start: instant(form.start, prefs.tz), end: instant(form.end, prefs.tz),
        concurrency: Number(form.concurrency), onlyMissing: form.onlyMissing,
      },
    }),
    onSuccess: (b) => {
      client.setQueryData(['backfill', b.id], b);
      setBackfillId(b.id);
    },
  });
  const backfill = useQuery({
    queryKey: ['backfill', backfillId],
    queryFn: () => api<Backfill>(`scheduler/v1/backfills/${encodeURIComponent(backfillId!)}`),
    enabled: !!backfillId,
    refetchInterval: (q) => (q.state.data?.state === 'running' ? 2000 : false),
  });
  const cancel = useMutation({
    mutationFn: () => api<Backfill>(`scheduler/v1/backfills/${encodeURIComponent(backfillId!)}/cancel`, { method: 'POST' }),
    onSuccess: (b) => client.setQueryData(['backfill', b.id], b),
  });
  const zone = prefs.tz === 'UTC' ? 'UTC' : 'your time';
  const b = backfill.data;
  return (
    <div className="control" data-testid="backfill">
      <h2>Backfill</h2>
      {!scheduled && <p className="muted">A backfill runs the schedule's fires in a range: this pipeline has no schedule.</p>}
      <form className="toolbar" aria-label="Backfill" onSubmit={(e) => { e.preventDefault(); start.mutate(); }}>
        <label className="field"><span>Start ({zone})</span>
          <input type="datetime-local" required value={form.start} onChange={(e) => setForm({ ...form, start: e.target.value })} /></label>
        <label className="field"><span>End ({zone})</span>
          <input type="datetime-local" required value={form.end} onChange={(e) => setForm({ ...form, end: e.target.value })} /></label>
        <label className="field"><span>At most running at once</span>
          <input type="number" min={1} max={100} required value={form.concurrency}
            onChange={(e) => setForm({ ...form, concurrency: e.target.value })} /></label>
        <label className="check"><input type="checkbox" checked={form.onlyMissing}
          onChange={(e) => setForm({ ...form, onlyMissing: e.target.checked })} /> Only dates without a succeeded run</label>
        <button type="submit" disabled={start.isPending || !scheduled}>Start backfill</button>
      </form>
      <ProblemView error={start.error} what="Starting the backfill" />
      {b && (
        <div data-testid="backfill-progress" data-state={b.state}>
          <p role="status">Backfill {formatTime(b.start, prefs.tz)} → {formatTime(b.end, prefs.tz)}: <strong>{b.state}</strong></p>
          <table className="grid" data-testid="backfill-counts">
            <caption>Runs by state</caption>
            <thead><tr><th scope="col">State</th><th scope="col">Runs</th></tr></thead>
            <tbody>
              {Object.entries(b.runs ?? {}).map(([state, n]) => (
                <tr key={state} data-state={state}><td>{state}</td><td>{n}</td></tr>
              ))}
              {Object.keys(b.runs ?? {}).length === 0 && <tr><td colSpan={2} className="muted">No run: every date already succeeded.</td></tr>}
            </tbody>
          </table>
          {b.state === 'running' && (
            <button type="button" disabled={cancel.isPending} onClick={() => cancel.mutate()}>Cancel backfill</button>
          )}
          <ProblemView error={cancel.error} what="Cancelling the backfill" />
          <ProblemView error={backfill.error} what="Reading the backfill" />
        </div>
      )}
    </div>
  );
}
