import { useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useVirtualizer } from '@tanstack/react-virtual';
import { api, type Run } from '../api';
import { formatDuration, formatTime, usePrefs } from '../prefs';
import { Loading, ProblemView, StateBadge } from '../ui';
import { useRole } from '../Shell';
import { BulkBar } from './run/BulkBar';

const WINDOWS: Record<string, number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
const STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'];

export function useRuns(ns: string, filter: { state?: string; pipeline?: string; since?: string }) {
  const params = new URLSearchParams({ namespace: ns, limit: '1000' });
  if (filter.state) params.set('state', filter.state);
  if (filter.pipeline) params.set('pipeline', filter.pipeline);
  return useQuery({
    queryKey: ['runs', ns, filter.state, filter.pipeline],
    queryFn: () => api<Run[]>(`scheduler/v1/runs?${params}`),
    refetchInterval: 10_000,
    select: (runs) => {
      const from = Date.now() - (WINDOWS[filter.since ?? '24h'] ?? WINDOWS['24h']);
      return runs.filter((r) => new Date(r.createdAt).getTime() >= from);
    },
  });
}

export function RunsPage() {
  const { ns } = useParams({ from: '/namespaces/$ns/runs' });
  const raw = useSearch({ from: '/namespaces/$ns/runs' });
  const search = { ...raw, since: raw.since ?? '24h' };
  const navigate = useNavigate({ from: '/namespaces/$ns/runs' });
  const prefs = usePrefs();
  const runs = useRuns(ns, search);
  const scroller = useRef<HTMLDivElement>(null);
  const rows = runs.data ?? [];
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => 36, overscan: 10 });
  const { writer } = useRole(ns);
  const client = useQueryClient();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = (id: string) => setSelected((old) => {
    const next = new Set(old);
    if (next.has(id)) next.delete(id); else next.add(id);
    return next;
  });
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const rowClass = writer ? 'list-row selectable' : 'list-row';

  return (
    <section>
      <h1>Runs</h1>
      <div className="toolbar">
        <label className="field">
          <span>State</span>
          <select value={search.state ?? ''} onChange={(e) => navigate({ search: { ...search, state: e.target.value || undefined } })}>
            <option value="">any</option>
            {STATES.map((s) => <option key={s}>{s}</option>)}
          </select>
        </label>
        <label className="field">
          <span>Pipeline</span>
          <input value={search.pipeline ?? ''} maxLength={100}
            onChange={(e) => navigate({ search: { ...search, pipeline: e.target.value || undefined } })} />
        </label>
        <label className="field">
          <span>Since</span>
          <select value={search.since} onChange={(e) => navigate({ search: { ...search, since: e.target.value } })}>
            {Object.keys(WINDOWS).map((w) => <option key={w} value={w}>last {w}</option>)}
          </select>
        </label>
      </div>
      <ProblemView error={runs.error} what="Listing runs" />
      {writer && <BulkBar runs={rows.filter((r) => selected.has(r.id))}
        onDone={() => { setSelected(new Set()); client.invalidateQueries({ queryKey: ['runs', ns] }); }} />}
      {runs.isPending ? <Loading /> : (
        <div className="list" role="table" aria-label="Runs" data-testid="runs">
          <div role="row" className={`${rowClass} head`}>
            {writer && <span role="columnheader"><input type="checkbox" aria-label="Select all runs shown" checked={allSelected}
              onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((r) => r.id)))} /></span>}
            <span role="columnheader">Pipeline</span><span role="columnheader">State</span>
            <span role="columnheader">Trigger</span><span role="columnheader">Created</span>
            <span role="columnheader">Duration</span>
          </div>
          <div ref={scroller} className="list-body">
            <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
              {virtual.getVirtualItems().map((item) => {
                const r = rows[item.index];
                return (
                  <div role="row" key={r.id} className={rowClass} data-run={r.id} style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}>
                    {writer && <span role="cell"><input type="checkbox" checked={selected.has(r.id)} onChange={() => toggle(r.id)}
                      aria-label={`Select run ${r.id} of ${r.pipelineId}`} /></span>}
                    <span role="cell"><Link to="/namespaces/$ns/runs/$runId" params={{ ns, runId: r.id }}>{r.pipelineId}</Link></span>
                    <span role="cell"><StateBadge state={r.state} /></span>
                    <span role="cell">{r.trigger}</span>
                    <span role="cell">{formatTime(r.createdAt, prefs.tz)}</span>
                    <span role="cell">{formatDuration(r.durationMs)}</span>
                  </div>
                );
              })}
            </div>
          </div>
          {rows.length === 0 && <p className="muted">No run in the last {search.since}.</p>}
        </div>
      )}
    </section>
  );
}

