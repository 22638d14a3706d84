import { useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams, useSearch } from '@tanstack/react-router';
import { api, type Build, type NodeRun, type ProjectVersion } from '../api';
import { useRole } from '../Shell';
import { formatDuration, formatTime, usePrefs } from '../prefs';
import { Loading, ProblemView, StateBadge } from '../ui';

// The transform service's projects (GET/POST /api/transform/v1/projects...) and builds (/api/transform/v1/builds).


const path = (...parts: string[]) => parts.map(encodeURIComponent).join('/');

/** The namespace's projects (newest version of each) and the push of a new version as a zip or tar.gz. */
export function ProjectsPage() {
  const { ns } = useParams({ from: '/namespaces/$ns/projects' });
  const { writer } = useRole(ns);
  const prefs = usePrefs();
  const projects = useQuery({ queryKey: ['projects'], queryFn: () => api<ProjectVersion[]>('transform/v1/projects') });
  const mine = (projects.data ?? []).filter((p) => p.namespace === ns);
  return (
    <section>
      <h1>Transform projects</h1>
      {writer && <PushForm ns={ns} />}
      <ProblemView error={projects.error} what="Listing projects" />
      {projects.isPending ? <Loading /> : (
        <table className="grid" data-testid="projects">
          <thead><tr><th>Project</th><th>Newest version</th><th>Models</th><th>Tests</th><th>Pushed</th></tr></thead>
          <tbody>
            {mine.map((p) => (
              <tr key={p.id}>
                <td><Link to="/namespaces/$ns/projects/$project" params={{ ns, project: p.project }} search={{}}>{p.project}</Link></td>
                <td>{p.version}</td><td>{p.models}</td><td>{p.tests}</td>
                <td>{formatTime(p.uploadedAt, prefs.tz)} by {p.uploadedBy}</td>
              </tr>
            ))}
            {mine.length === 0 && <tr><td colSpan={5} className="muted">No project pushed to {ns} yet.</td></tr>}
          </tbody>
        </table>
      )}
    </section>
  );
}

function PushForm({ ns }: { ns: string }) {
  const input = useRef<HTMLInputElement>(null);
  const client = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const push = useMutation({
    mutationFn: (f: File) => api<ProjectVersion>(`transform/v1/projects/${encodeURIComponent(ns)}`, {
      method: 'POST', body: f,
      headers: { 'Content-Type': /\.zip$/i.test(f.name) ? 'application/zip' : 'application/gzip' },
    }),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['projects'] });
      client.invalidateQueries({ queryKey: ['project'] });
    },
  });
  return (
    <form className="toolbar" onSubmit={(e) => { e.preventDefault(); if (file) push.mutate(file); }}>
      <label className="field">
        <span>New version (zip or tar.gz of the project)</span>
        <input ref={input} type="file" accept=".zip,.tar.gz,.tgz" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </label>
      <button type="submit" disabled={!file || push.isPending}>{push.isPending ? 'Pushing…' : 'Push'}</button>
      {push.isSuccess && <span role="status">Pushed {push.data.project} version {push.data.version}: {push.data.models} models, {push.data.tests} tests.</span>}
      <div style={{ flexBasis: '100%' }}><ProblemView error={push.error} what="Pushing" /></div>
    </form>
  );
}

/**
 * One project: its versions, the models and tests of a version with what the newest build of each did (its compiled
 * SQL, rows, time, result), and the project's builds with per-model timings.
 */
export function ProjectPage() {
  const { ns, project } = useParams({ from: '/namespaces/$ns/projects/$project' });
  const { version: chosen, build: openBuild } = useSearch({ from: '/namespaces/$ns/projects/$project' });
  const prefs = usePrefs();
  const versions = useQuery({
    queryKey: ['project', ns, project],
    queryFn: () => api<ProjectVersion[]>(`transform/v1/projects/${path(ns, project)}`),
  });
  const newest = Math.max(0, ...(versions.data ?? []).map((v) => v.version));
  const number = chosen ?? newest;
  const version = useQuery({
    queryKey: ['project', ns, project, number],
    queryFn: () => api<ProjectVersion>(`transform/v1/projects/${path(ns, project)}/versions/${number}`),
    enabled: number > 0,
  });
  const builds = useQuery({
    queryKey: ['builds'],
    queryFn: () => api<Build[]>('transform/v1/builds?limit=200'),
    refetchInterval: 10_000,
  });
  const mine = (builds.data ?? []).filter((b) => b.namespace === ns && b.project === project);
  const shown = mine.find((b) => b.id === openBuild) ?? mine[0];
  const detail = useQuery({
    queryKey: ['build', shown?.id],
    queryFn: () => api<Build>(`transform/v1/builds/${encodeURIComponent(shown!.id)}`),
    enabled: !!shown,
  });
  // the newest step of each node over the project's builds (newest first): its last result
  const last = new Map<string, NodeRun>();
  for (const b of [detail.data, ...mine]) for (const n of b?.nodes ?? []) if (!last.has(n.node)) last.set(n.node, n);
  const m = version.data?.manifest;

  return (
    <section>
      <p className="crumbs"><Link to="/namespaces/$ns/projects" params={{ ns }}>Projects</Link> / {ns}</p>
      <h1>{project}</h1>
      <ProblemView error={versions.error} what="Reading the project" />
      <h2>Versions</h2>
      <table className="grid" data-testid="versions">
        <thead><tr><th>Version</th><th>Models</th><th>Tests</th><th>Pushed</th><th>SHA-256</th></tr></thead>
        <tbody>
          {(versions.data ?? []).map((v) => (
            <tr key={v.id} aria-selected={v.version === number}>
              <td><Link to="/namespaces/$ns/projects/$project" params={{ ns, project }} search={{ version: v.version }}>{v.version}</Link></td>
              <td>{v.models}</td><td>{v.tests}</td><td>{formatTime(v.uploadedAt, prefs.tz)} by {v.uploadedBy}</td>
              <td><code>{v.sha256.slice(0, 12)}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
      <ProblemView error={version.error} what="Reading the version" />
      {m && (
        <>
          <h2>Models of version {number}</h2>
          <table className="grid" data-testid="models">
            <thead><tr><th>Model</th><th>Materialized</th><th>Relation</th><th>File</th><th>Last result</th><th>Rows</th><th>Time</th></tr></thead>
            <tbody>
              {(m.models ?? []).map((model) => {
                const run = last.get(model.name);
                return (
                  <tr key={model.name} data-model={model.name}>
                    <td>
                      {run?.compiledSql ? (
                        <details>
                          <summary>{model.name}</summary>
                          <pre className="sql" aria-label={`Compiled SQL of ${model.name}`}>{run.compiledSql}</pre>
                        </details>
                      ) : model.name}
                    </td>
                    <td>{model.materialized}</td><td><code>{model.relation}</code></td><td><code>{model.file}</code></td>
                    <td>{run ? <StateBadge state={run.status} /> : '—'}{run?.error && <div className="error-text">{run.error}</div>}</td>
                    <td>{run?.rows ?? '—'}</td><td>{run ? formatDuration(run.durationMs) : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <h2>Tests</h2>
          <table className="grid" data-testid="tests">
            <thead><tr><th>Test</th><th>On</th><th>Severity</th><th>Last result</th><th>Failing rows</th></tr></thead>
            <tbody>
              {(m.tests ?? []).map((t) => {
                const run = last.get(t.name);
                return (
                  <tr key={t.name} data-test={t.name}>
                    <td>{t.test}</td><td>{t.on}</td><td>{t.severity}</td>
                    <td>{run ? <StateBadge state={run.status} /> : '—'}{run?.error && <div className="error-text">{run.error}</div>}</td>
                    <td>{run?.rows ?? '—'}</td>
                  </tr>
                );
              })}
              {(m.tests ?? []).length === 0 && <tr><td colSpan={5} className="muted">No test in this version.</td></tr>}
            </tbody>
          </table>
        </>
      )}
      <h2>Builds</h2>
      <ProblemView error={builds.error} what="Listing builds" />
      <table className="grid" data-testid="builds">
        <thead><tr><th>Build</th><th>Status</th><th>Selection</th><th>Created</th><th>By</th></tr></thead>
        <tbody>
          {mine.map((b) => (
            <tr key={b.id} aria-selected={b.id === shown?.id}>
              <td><Link to="/namespaces/$ns/projects/$project" params={{ ns, project }} search={{ version: chosen, build: b.id }}>{b.id.slice(0, 8)}</Link></td>
              <td><StateBadge state={b.status} /></td><td>{b.selector ?? 'all'}</td>
              <td>{formatTime(b.createdAt, prefs.tz)}</td><td>{b.requestedBy ?? '—'}</td>
            </tr>
          ))}
          {mine.length === 0 && <tr><td colSpan={5} className="muted">No build yet.</td></tr>}
        </tbody>
      </table>
      {detail.data && <BuildTimings build={detail.data} />}
    </section>
  );
}

/** Each step of a build on one time axis: where the build's time went. */
function BuildTimings({ build }: { build: Build }) {
  const nodes = build.nodes ?? [];
  if (nodes.length === 0) return <p className="muted">No step recorded yet.</p>;
  const starts = nodes.map((n) => (n.startedAt ? new Date(n.startedAt).getTime() : 0));
  const t0 = Math.min(...starts.filter((s) => s > 0), Date.now());
  const t1 = Math.max(...nodes.map((n, i) => (starts[i] || t0) + n.durationMs), t0 + 1);
  return (
    <>
      <h3>Steps of build {build.id.slice(0, 8)}</h3>
      <table className="grid" data-testid="build-steps">
        <thead><tr><th>Step</th><th>Kind</th><th>Status</th><th>Rows</th><th>Time</th><th className="gantt">Timeline</th></tr></thead>
        <tbody>
          {nodes.map((n, i) => {
            const left = (((starts[i] || t0) - t0) / (t1 - t0)) * 100;
            const width = Math.max((n.durationMs / (t1 - t0)) * 100, 0.5);
            return (
              <tr key={`${n.node}-${i}`} data-node={n.node}>
                <td>{n.node}</td><td>{n.kind}</td><td><StateBadge state={n.status} /></td><td>{n.rows ?? '—'}</td>
                <td>{formatDuration(n.durationMs)}</td>
                <td className="gantt"><svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                  <rect x={left} y={1} width={width} height={8} className={`bar state-${n.status}`} />
                </svg></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
