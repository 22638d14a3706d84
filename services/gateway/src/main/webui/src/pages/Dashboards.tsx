// Dashboards (issue 20): the namespace's dashboards and charts, and a dashboard as a grid of chart tiles placed where
// it was saved, refreshed every refreshSeconds; its URL is the one to share with the namespace's other analysts.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { ChartView } from '../charts/ChartView';
import { useChartData } from '../charts/data';
import { formatTime, usePrefs } from '../prefs';
import {
  exportYaml, NAME_RULE, readSaved, saveSaved, useSavedList, type ChartDef, type DashboardDef, type SavedQuery,
  type Tile,
} from '../sql';
import { Loading, ProblemView } from '../ui';

const REFRESH = [0, 30, 60, 300, 900, 3600];
const refreshLabel = (s: number) => (s === 0 ? 'off' : s < 60 ? `${s} s` : `${s / 60} min`);

export function DashboardsPage() {
  const { ns } = useParams({ from: '/namespaces/$ns/dashboards' });
  const navigate = useNavigate();
  const client = useQueryClient();
  const prefs = usePrefs();
  const dashboards = useSavedList<DashboardDef>(ns, 'dashboards');
  const charts = useSavedList<ChartDef>(ns, 'charts');
  const queries = useSavedList<SavedQuery>(ns, 'saved-queries');
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const create = useMutation({
    mutationFn: () => saveSaved<DashboardDef>(ns, 'dashboards', name, { title: title.trim() || name, refreshSeconds: 300, tiles: [] }),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['sql', 'dashboards', ns] });
      navigate({ to: '/namespaces/$ns/dashboards/$name', params: { ns, name } });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (NAME_RULE.test(name)) create.mutate();
  };

  return (
    <section>
      <h1>Dashboards</h1>
      <ProblemView error={dashboards.error} what="Listing dashboards" />
      {dashboards.isPending ? <Loading /> : (
        <table className="grid" data-testid="dashboards">
          <thead><tr><th>Dashboard</th><th>Title</th><th>Tiles</th><th>Version</th><th>Updated</th></tr></thead>
          <tbody>
            {(dashboards.data ?? []).map((d) => (
              <tr key={d.name}>
                <td><Link to="/namespaces/$ns/dashboards/$name" params={{ ns, name: d.name }}>{d.name}</Link></td>
                <td>{d.title}</td><td>{d.tiles?.length ?? '—'}</td><td>{d.version ?? '—'}</td>
                <td>{formatTime(d.updatedAt, prefs.tz)}</td>
              </tr>
            ))}
            {dashboards.data?.length === 0 && <tr><td colSpan={5} className="muted">No dashboard yet.</td></tr>}
          </tbody>
        </table>
      )}
      <form className="toolbar" onSubmit={submit} aria-label="New dashboard">
        <label className="field">
          <span>New dashboard name</span>
          <input value={name} onChange={(e) => setName(e.target.value.trim())} maxLength={60} placeholder="sales-overview"
            aria-invalid={name !== '' && !NAME_RULE.test(name)} />
        </label>
        <label className="field">
          <span>Title</span>
          <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} placeholder="Sales overview" />
        </label>
        <button type="submit" disabled={!NAME_RULE.test(name) || create.isPending}>Create dashboard</button>
        {name !== '' && !NAME_RULE.test(name) && <span className="error-text">Names are 1–60 lower-case letters, digits and “-”.</span>}
      </form>
      <ProblemView error={create.error} what="Creating the dashboard" />

      <h2>Charts</h2>
      <p><Link className="button" to="/namespaces/$ns/charts/$name" params={{ ns, name: 'new' }} search={{}}>New chart</Link></p>
      <ProblemView error={charts.error} what="Listing charts" />
      <table className="grid" data-testid="charts">
        <thead><tr><th>Chart</th><th>Title</th><th>Type</th><th>Query</th></tr></thead>
        <tbody>
          {(charts.data ?? []).map((c) => (
            <tr key={c.name}>
              <td><Link to="/namespaces/$ns/charts/$name" params={{ ns, name: c.name }} search={{}}>{c.name}</Link></td>
              <td>{c.title}</td><td>{c.type}</td>
              <td><Link to="/namespaces/$ns/sql" params={{ ns }} search={{ q: c.query }}>{c.query}</Link></td>
            </tr>
          ))}
          {charts.data?.length === 0 && <tr><td colSpan={4} className="muted">No chart yet: save a query in SQL, then make a chart of it.</td></tr>}
        </tbody>
      </table>

      <h2>Saved queries</h2>
      <ProblemView error={queries.error} what="Listing saved queries" />
      <ul className="plain">
        {(queries.data ?? []).map((q) => (
          <li key={q.name}><Link to="/namespaces/$ns/sql" params={{ ns }} search={{ q: q.name }}>{q.title || q.name}</Link> <code className="muted">{q.name}</code></li>
        ))}
        {queries.data?.length === 0 && <li className="muted">No saved query yet.</li>}
      </ul>
    </section>
  );
}

function ChartTile({ ns, tile, refreshSeconds, onRemove }: { ns: string; tile: Tile; refreshSeconds: number; onRemove?: () => void }) {
  const chart = useQuery({ queryKey: ['sql', 'charts', ns, tile.chart], queryFn: () => readSaved<ChartDef>(ns, 'charts', tile.chart) });
  const data = useChartData(ns, chart.data?.query, chart.data?.parameters, refreshSeconds);
  const style = { gridColumn: `${tile.x + 1} / span ${tile.w}`, gridRow: `${tile.y + 1} / span ${tile.h}` };
  const title = chart.data?.title ?? tile.chart;
  return (
    <article className="tile" style={style} aria-label={title} data-testid={`tile-${tile.chart}`}>
      <header>
        <h2><Link to="/namespaces/$ns/charts/$name" params={{ ns, name: tile.chart }} search={{}}>{title}</Link></h2>
        {data.isFetching && <span className="muted" aria-busy="true">refreshing…</span>}
        {onRemove && <button type="button" className="link" onClick={onRemove} aria-label={`Remove ${title}`}>×</button>}
      </header>
      <ProblemView error={chart.error} what={`Reading chart ${tile.chart}`} />
      <ProblemView error={data.error} what="Running its query" />
      {data.data && chart.data && <ChartView type={chart.data.type} mapping={chart.data.mapping} data={data.data} title={title} />}
      {!data.data && !data.error && !chart.error && <Loading />}
    </article>
  );
}

export function DashboardPage() {
  const { ns, name } = useParams({ from: '/namespaces/$ns/dashboards/$name' });
  const client = useQueryClient();
  const dashboard = useQuery({ queryKey: ['sql', 'dashboards', ns, name], queryFn: () => readSaved<DashboardDef>(ns, 'dashboards', name) });
  const charts = useSavedList<ChartDef>(ns, 'charts');
  const [adding, setAdding] = useState('');
  const [copied, setCopied] = useState(false);
  const [yamlError, setYamlError] = useState<unknown>();
  const d = dashboard.data;
  const save = useMutation({
    mutationFn: (next: DashboardDef) => saveSaved<DashboardDef>(ns, 'dashboards', name, next),
    onSuccess: () => client.invalidateQueries({ queryKey: ['sql', 'dashboards', ns] }),
  });
  const content = (change: Partial<DashboardDef>): DashboardDef => ({
    title: d!.title, refreshSeconds: d!.refreshSeconds ?? 0, tiles: (d!.tiles ?? []).map(({ chart, x, y, w, h }) => ({ chart, x, y, w, h })), ...change,
  });
  const add = (e: FormEvent) => {
    e.preventDefault();
    if (!d || !adding) return;
    const tiles = d.tiles ?? [];
    // the next free place: two tiles of half the width per row
    const taken = tiles.length;
    const next: Tile = { chart: adding, x: (taken % 2) * 6, y: Math.floor(taken / 2) * 4, w: 6, h: 4 };
    save.mutate(content({ tiles: [...content({}).tiles, next] }));
    setAdding('');
  };
  const share = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  const refresh = d?.refreshSeconds ?? 0;

  return (
    <section>
      <p className="crumbs"><Link to="/namespaces/$ns/dashboards" params={{ ns }}>Dashboards</Link> / {ns}</p>
      <h1>{d?.title ?? name}</h1>
      <ProblemView error={dashboard.error} what={`Reading dashboard ${name}`} />
      {dashboard.isPending && <Loading />}
      {d && (
        <>
          <div className="toolbar">
            <label className="field">
              <span>Auto-refresh</span>
              <select value={refresh} onChange={(e) => save.mutate(content({ refreshSeconds: Number(e.target.value) }))}>
                {[...new Set([...REFRESH, refresh])].sort((a, b) => a - b).map((s) => <option key={s} value={s}>{refreshLabel(s)}</option>)}
              </select>
            </label>
            <button type="button" onClick={() => client.invalidateQueries({ queryKey: ['sql', 'chart-data', ns] })}>Refresh now</button>
            <button type="button" onClick={share} title="Copy this page's address: the namespace's analysts open the same dashboard">Copy link</button>
            <button type="button" onClick={() => exportYaml(ns, 'dashboards', name).catch(setYamlError)}>Export YAML</button>
            <form className="inline" onSubmit={add} aria-label="Add a chart">
              <label className="field">
                <span>Add chart</span>
                <select value={adding} onChange={(e) => setAdding(e.target.value)}>
                  <option value="">choose…</option>
                  {(charts.data ?? []).map((c) => <option key={c.name} value={c.name}>{c.title || c.name} ({c.name})</option>)}
                </select>
              </label>
              <button type="submit" disabled={!adding || save.isPending}>Add</button>
            </form>
            {copied && <span role="status">Link copied.</span>}
            {d.version && <span className="muted">version {d.version}</span>}
          </div>
          <ProblemView error={save.error} what="Saving the dashboard" />
          <ProblemView error={yamlError} what="Exporting YAML" />
          {(d.tiles ?? []).length === 0
            ? <p className="graph-empty">No chart on this dashboard yet: add one above.</p>
            : (
              <div className="dashboard-grid" data-testid="dashboard-grid">
                {(d.tiles ?? []).map((t, i) => (
                  <ChartTile key={`${t.chart}-${i}`} ns={ns} tile={t} refreshSeconds={refresh}
                    onRemove={() => save.mutate(content({ tiles: content({}).tiles.filter((_, j) => j !== i) }))} />
                ))}
              </div>
            )}
        </>
      )}
    </section>
  );
}
