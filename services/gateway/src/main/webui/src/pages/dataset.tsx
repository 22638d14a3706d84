// The dataset page's views beyond schema and preview: schema diffs between versions, the dataset's quality (freshness,
// data tests, quarantined rows) and the upload of a new file with a progress bar.
import { useEffect, useRef, useState } from 'react';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, ApiError, upload, type Build, type Dataset, type DatasetVersion, type LineageGraph, type NodeRun, type ProjectVersion, type Sent } from '../api';
import { formatDuration, formatTime, usePrefs } from '../prefs';
import { Loading, ProblemView, StateBadge } from '../ui';

const q = encodeURIComponent;
const datasetPath = (ns: string, name: string) => `registry/v1/datasets/${q(ns)}/${q(name)}`;

type SchemaDiff = Omit<Sent<'registry.SchemaDiff', 'from' | 'to'>, 'added' | 'removed' | 'typeChanged'> & {
  added?: { name: string; type: string }[]; removed?: { name: string; type: string }[];
  typeChanged?: { name: string; from: string; to: string }[];
};

/** What changed in the columns between two versions (default: the newest and the one before). */
export function SchemaDiffView({ ns, name, versions }: { ns: string; name: string; versions: DatasetVersion[] }) {
  const numbers = versions.map((v) => v.number);
  const [to, setTo] = useState<number | undefined>(undefined);
  const [from, setFrom] = useState<number | undefined>(undefined);
  const newest = numbers[0];
  const toN = to ?? newest;
  const fromN = from ?? numbers.find((n) => n < (toN ?? 0));
  const diff = useQuery({
    queryKey: ['schema-diff', ns, name, fromN, toN],
    queryFn: () => api<SchemaDiff>(`${datasetPath(ns, name)}/schema-diff?from=${fromN}&to=${toN}`),
    enabled: fromN != null && toN != null,
  });
  if (numbers.length < 2) return <p className="muted">One version so far: nothing to compare yet.</p>;
  const d = diff.data;
  const changes = d ? (d.added?.length ?? 0) + (d.removed?.length ?? 0) + (d.typeChanged?.length ?? 0) : 0;
  return (
    <section aria-labelledby="diff-title">
      <h2 id="diff-title">Schema changes</h2>
      <div className="toolbar">
        <label className="field"><span>From version</span>
          <select value={fromN ?? ''} onChange={(e) => setFrom(Number(e.target.value))}>
            {numbers.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
        <label className="field"><span>To version</span>
          <select value={toN ?? ''} onChange={(e) => setTo(Number(e.target.value))}>
            {numbers.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
      </div>
      <ProblemView error={diff.error} what="Comparing the versions" />
      {diff.isFetching && !d && <Loading />}
      {d && (
        <table className="grid" data-testid="schema-diff">
          <thead><tr><th>Change</th><th>Column</th><th>Type</th></tr></thead>
          <tbody>
            {(d.added ?? []).map((c) => <tr key={`a-${c.name}`} data-change="added"><td>added</td><td>{c.name}</td><td><code>{c.type}</code></td></tr>)}
            {(d.removed ?? []).map((c) => <tr key={`r-${c.name}`} data-change="removed"><td>removed</td><td>{c.name}</td><td><code>{c.type}</code></td></tr>)}
            {(d.typeChanged ?? []).map((c) => (
              <tr key={`t-${c.name}`} data-change="type"><td>type changed</td><td>{c.name}</td>
                <td><code>{c.from}</code> → <code>{c.to}</code></td></tr>
            ))}
            {changes === 0 && <tr><td colSpan={3} className="muted">Same columns in versions {d.from} and {d.to}.</td></tr>}
          </tbody>
        </table>
      )}
    </section>
  );
}

export type LoadRun = Sent<'ingest.LoadRun', 'id' | 'status'>;
type Uploaded = { bucket: string; key: string; bytes: number; sha256: string; source: Record<string, unknown> };
const FORMATS: Record<string, string> = { csv: 'csv', tsv: 'tsv', json: 'json', ndjson: 'ndjson', jsonl: 'ndjson' };
const MAX_UPLOAD = 5 * 1024 * 1024 * 1024;

/** The format a file's name says (`orders.tsv.gz` → tsv), when the dataset names none. */
function formatOf(file: string): string | undefined {
  const parts = file.toLowerCase().replace(/\.(gz|gzip)$/, '').split('.');
  return parts.length > 1 ? FORMATS[parts[parts.length - 1]] : undefined;
}

/**
 * Upload a file for the dataset (the registry stores it in the namespace's lake prefix, with a progress bar while it
 * goes), then load it with the dataset's own load settings (ingest), following the load to its end.
 */
export function UploadPanel({ ns, dataset }: { ns: string; dataset: Dataset }) {
  const client = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<{ file: string; sent: number; total: number } | null>(null);
  const [loadId, setLoadId] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const send = useMutation({
    mutationFn: async (f: File) => {
      if (f.size > MAX_UPLOAD) throw new Error(`${f.name} is larger than 5 GiB`);
      abort.current = new AbortController();
      setProgress({ file: f.name, sent: 0, total: f.size });
      setLoadId(null);
      const stored = await upload<Uploaded>(`${datasetPath(ns, dataset.name)}/uploads?filename=${q(f.name)}`, f,
        (sent, total) => setProgress({ file: f.name, sent, total }), abort.current.signal);
      setProgress({ file: f.name, sent: f.size, total: f.size }); // all of it is stored
      const format = dataset.format ?? (formatOf(f.name) ? { type: formatOf(f.name) } : undefined);
      const spec = {
        namespace: ns, name: dataset.name, source: stored.source, format, loadMode: dataset.loadMode,
        mergeKey: dataset.mergeKey, contract: dataset.contract, columns: dataset.columns,
      };
      return api<LoadRun>('ingest/v1/loads', { method: 'POST', json: spec });
    },
    onSuccess: (run) => setLoadId(run.id),
  });
  const load = useQuery({
    queryKey: ['load', loadId],
    queryFn: () => api<LoadRun>(`ingest/v1/loads/${q(loadId!)}`),
    enabled: !!loadId,
    refetchInterval: (query) => (query.state.data && !['queued', 'running'].includes(query.state.data.status) ? false : 1000),
  });
  const done = load.data && !['queued', 'running'].includes(load.data.status);
  useEffect(() => {
    if (!done) return;
    // the registry records the new version from ingest's event, a moment after the load ends: read again until then
    const refresh = () => {
      for (const key of ['dataset', 'versions', 'preview', 'quarantine', 'loads', 'datasets']) client.invalidateQueries({ queryKey: [key, ns] });
    };
    refresh();
    const timers = [1500, 4000, 9000].map((ms) => setTimeout(refresh, ms));
    return () => timers.forEach(clearTimeout);
  }, [done, client, ns]);

  const percent = progress && progress.total > 0 ? Math.round((progress.sent / progress.total) * 100) : 0;
  return (
    <form className="toolbar" aria-label="Upload a file" data-testid="upload"
      onSubmit={(e) => { e.preventDefault(); if (file) send.mutate(file); }}>
      <label className="field">
        <span>New file for {dataset.name} (csv, tsv, json, ndjson; gzip too)</span>
        <input type="file" accept=".csv,.tsv,.json,.ndjson,.jsonl,.gz" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </label>
      <button type="submit" disabled={!file || send.isPending}>{send.isPending ? 'Uploading…' : 'Upload and load'}</button>
      {send.isPending && <button type="button" onClick={() => abort.current?.abort()}>Cancel</button>}
      {progress && (
        <span className="upload-progress">
          <progress max={100} value={percent} aria-label="Upload progress" data-testid="upload-progress" />
          <span role="status">{progress.file}: {percent}% ({progress.sent.toLocaleString()} of {progress.total.toLocaleString()} bytes)</span>
        </span>
      )}
      {load.data && (
        <span role="status" data-testid="load-status" data-status={load.data.status}>
          Load of {progress?.file ?? 'the file'} <StateBadge state={load.data.status} />
          {done && load.data.status === 'succeeded' && ` ${load.data.rows ?? 0} rows loaded`}
          {!!load.data.quarantined && `, ${load.data.quarantined} quarantined`}
          {!!load.data.discarded && `, ${load.data.discarded} discarded`}
          {load.data.durationMs != null && ` in ${formatDuration(load.data.durationMs)}`}
          {load.data.error && <span className="error-text"> {load.data.error}</span>}
        </span>
      )}
      <div style={{ flexBasis: '100%' }}>
        <ProblemView error={send.error} what="Uploading" />
        <ProblemView error={load.error} what="Following the load" />
      </div>
    </form>
  );
}


/** The newest version of each transform project of the namespace, with its manifest (models, tests). */
export function useProjectManifests(ns: string) {
  const projects = useQuery({ queryKey: ['projects'], queryFn: () => api<ProjectVersion[]>('transform/v1/projects') });
  const mine = (projects.data ?? []).filter((p) => p.namespace === ns);
  const manifests = useQueries({
    queries: mine.map((p) => ({
      queryKey: ['project', ns, p.project, p.version],
      queryFn: () => api<ProjectVersion>(`transform/v1/projects/${q(ns)}/${q(p.project)}/versions/${p.version}`),
    })),
  });
  return {
    projects: mine.map((p, i) => ({ project: p.project, manifest: manifests[i]?.data?.manifest })),
    pending: projects.isPending,
    error: projects.error ?? manifests.find((m) => m.error)?.error,
  };
}
type Quarantined = Omit<Sent<'registry.Quarantine', 'dataset' | 'table' | 'total' | 'limit'>, 'rows'>
  & { rows: Sent<'registry.QuarantinedRow', 'loadId' | 'file' | 'line' | 'reason' | 'quarantinedAt'>[] };
const BUILDS_READ = 8;
const ACTIVE_BUILD = new Set(['queued', 'running']);

/**
 * The last result of the namespace's transform steps, newest build first: `freshness` steps by the table they
 * checked, `test` steps by name. Reads the newest builds' details (their steps), a few at a time.
 */
export function useLastSteps(ns: string) {
  const builds = useQuery({
    queryKey: ['builds'],
    queryFn: () => api<Build[]>('transform/v1/builds?limit=200'),
  });
  const mine = (builds.data ?? []).filter((b) => b.namespace === ns && !ACTIVE_BUILD.has(b.status)).slice(0, BUILDS_READ);
  const details = useQueries({
    queries: mine.map((b) => ({ queryKey: ['build', b.id], queryFn: () => api<Build>(`transform/v1/builds/${q(b.id)}`), staleTime: 60_000 })),
  });
  const last = new Map<string, NodeRun & { build: string; project: string; at: string }>();
  details.forEach((d, i) => {
    for (const n of d.data?.nodes ?? []) {
      const key = n.kind === 'freshness' ? `freshness:${(n.relation ?? '').replaceAll('"', '')}` : `${n.kind}:${mine[i].project}:${n.node}`;
      if (!last.has(key)) last.set(key, { ...n, build: mine[i].id, project: mine[i].project, at: mine[i].createdAt });
    }
  });
  return { last, error: builds.error ?? details.find((d) => d.error)?.error, pending: builds.isPending };
}

/** Freshness, data tests and quarantined rows of one dataset. */
export function QualityView({ ns, dataset, versions, analyst }: { ns: string; dataset: Dataset; versions: DatasetVersion[]; analyst: boolean }) {
  const prefs = usePrefs();
  const name = dataset.name;
  const projects = useProjectManifests(ns);
  const steps = useLastSteps(ns);
  const quarantine = useQuery({
    queryKey: ['quarantine', ns, name],
    queryFn: () => api<Quarantined>(`${datasetPath(ns, name)}/quarantine?limit=200`),
    enabled: analyst,
  });
  const loads = useQuery({
    queryKey: ['loads', ns, name],
    queryFn: () => api<LoadRun[]>(`ingest/v1/loads?namespace=${q(ns)}&dataset=${q(name)}&limit=20`),
  });
  const tests = projects.projects.flatMap((p) => (p.manifest?.tests ?? [])
    .filter((t) => t.on === name).map((t) => ({ ...t, project: p.project })));
  const table = dataset.warehouseTable ?? '';
  const fresh = steps.last.get(`freshness:${table}`);
  const newest = versions[0];
  const age = newest?.committedAt ? Date.now() - new Date(newest.committedAt).getTime() : undefined;

  return (
    <>
      <h2>Freshness</h2>
      <dl className="facts" data-testid="freshness">
        <dt>Newest data</dt>
        <dd>{newest ? <>version {newest.number}, {formatTime(newest.committedAt, prefs.tz)} ({formatDuration(age)} ago)</> : 'never loaded'}</dd>
        <dt>Freshness check</dt>
        <dd>{fresh
          ? <><StateBadge state={fresh.status} /> {fresh.error ?? `last loaded ${formatTime(fresh.materialized, prefs.tz)}, limit ${fresh.rows ?? '?'} s`}
            {' '}(build <Link to="/namespaces/$ns/projects/$project" params={{ ns, project: fresh.project }} search={{ build: fresh.build }}>{fresh.build.slice(0, 8)}</Link>)</>
          : 'no transform source checks this table'}</dd>
      </dl>
      <h2>Data tests</h2>
      <ProblemView error={projects.error ?? steps.error} what="Reading the tests" />
      <table className="grid" data-testid="dataset-tests">
        <thead><tr><th>Test</th><th>Project</th><th>Severity</th><th>Last result</th><th>Failing rows</th><th>When</th></tr></thead>
        <tbody>
          {tests.map((t) => {
            const run = steps.last.get(`test:${t.project}:${t.name}`);
            return (
              <tr key={`${t.project}:${t.name}`} data-test={t.name}>
                <td>{t.test}</td>
                <td><Link to="/namespaces/$ns/projects/$project" params={{ ns, project: t.project }} search={{}}>{t.project}</Link></td>
                <td>{t.severity}</td>
                <td>{run ? <StateBadge state={run.status} /> : 'not run yet'}{run?.error && <div className="error-text">{run.error}</div>}</td>
                <td>{run?.rows ?? '—'}</td><td>{run ? formatTime(run.at, prefs.tz) : '—'}</td>
              </tr>
            );
          })}
          {tests.length === 0 && <tr><td colSpan={6} className="muted">{projects.pending ? 'Reading…' : 'No data test is about this dataset.'}</td></tr>}
        </tbody>
      </table>
      <h2>Quarantined rows</h2>
      {!analyst && <p className="muted">Quarantined rows hold the data's values: analysts, engineers and admins of {ns} see them.</p>}
      <ProblemView error={quarantine.error} what="Reading the quarantined rows" />
      {quarantine.data && (
        <>
          <p className="muted" data-testid="quarantine-total">{quarantine.data.total} rows in <code>{quarantine.data.table}</code>
            {quarantine.data.total > quarantine.data.rows.length && `, the newest ${quarantine.data.rows.length} shown`}.</p>
          {quarantine.data.rows.length > 0 && (
            <div className="scroll-x">
              <table className="grid" data-testid="quarantine">
                <thead><tr><th>File</th><th>Line</th><th>Column</th><th>Value</th><th>Reason</th><th>Row</th><th>When</th></tr></thead>
                <tbody>
                  {quarantine.data.rows.map((r, i) => (
                    <tr key={`${r.loadId}-${r.file}-${r.line}-${i}`}>
                      <td><code>{r.file}</code></td><td>{r.line}</td><td>{r.column ?? '—'}</td>
                      <td>{r.value == null ? <em>null</em> : <code>{r.value}</code>}</td><td>{r.reason}</td>
                      <td>{r.record ? <code>{r.record}</code> : '—'}</td><td>{formatTime(r.quarantinedAt, prefs.tz)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      <h2>Loads</h2>
      <ProblemView error={loads.error} what="Listing the loads" />
      <table className="grid" data-testid="loads">
        <thead><tr><th>Load</th><th>Status</th><th>Rows</th><th>Quarantined</th><th>Discarded</th><th>Time</th><th>Started</th></tr></thead>
        <tbody>
          {(loads.data ?? []).map((l) => (
            <tr key={l.id} data-load={l.id}>
              <td><code>{l.id.slice(0, 8)}</code></td>
              <td><StateBadge state={l.status} />{l.error && <div className="error-text">{l.error}</div>}</td>
              <td>{l.rows ?? '—'}</td><td>{l.quarantined ?? 0}</td><td>{l.discarded ?? 0}</td>
              <td>{formatDuration(l.durationMs)}</td><td>{formatTime(l.createdAt, prefs.tz)}</td>
            </tr>
          ))}
          {loads.data?.length === 0 && <tr><td colSpan={7} className="muted">No load of this dataset yet.</td></tr>}
        </tbody>
      </table>
    </>
  );
}

/** The datasets one step upstream and downstream of this one (its lineage neighbourhood), each linked. */
export function Neighbours({ ns, name }: { ns: string; name: string }) {
  const graph = useQuery({
    queryKey: ['lineage', ns, name, 1],
    queryFn: () => api<LineageGraph>(`registry/v1/lineage/${q(ns)}/${q(name)}?direction=both&depth=1`),
  });
  const id = `${ns}.${name}`;
  const link = (other: string) => {
    const [otherNs, ...rest] = other.split('.');
    return otherNs === ns
      ? <Link key={other} to="/namespaces/$ns/datasets/$name" params={{ ns, name: rest.join('.') }} search={{}}>{rest.join('.')}</Link>
      : <code key={other}>{other}</code>;
  };
  const join = (ids: string[]) => (ids.length === 0 ? '—' : ids.map((o, i) => <span key={o}>{i > 0 && ', '}{link(o)}</span>));
  const edges = graph.data?.edges ?? [];
  return (
    <>
      {/* a dataset read through a share has no lineage to show (404): say nothing then */}
      <ProblemView error={graph.error instanceof ApiError && graph.error.problem.status === 404 ? null : graph.error}
        what="Reading the lineage" />
      {graph.data && (
        <dl className="facts" data-testid="neighbours">
          <dt>Upstream</dt><dd>{join([...new Set(edges.filter((e) => e.downstream === id).map((e) => e.upstream))])}</dd>
          <dt>Downstream</dt><dd>{join([...new Set(edges.filter((e) => e.upstream === id).map((e) => e.downstream))])}</dd>
        </dl>
      )}
    </>
  );
}
