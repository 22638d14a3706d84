import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { api, type Dataset, type LineageGraph } from '../api';
import { useProjectManifests } from './dataset';
import { Graph } from '../Graph';
import { Loading, ProblemView } from '../ui';

export function LineagePage() {
  const { ns } = useParams({ from: '/namespaces/$ns/lineage' });
  const { focus, depth = 3 } = useSearch({ from: '/namespaces/$ns/lineage' });
  const navigate = useNavigate({ from: '/namespaces/$ns/lineage' });
  const datasets = useQuery({
    queryKey: ['datasets', ns, undefined, undefined],
    queryFn: () => api<Dataset[]>(`registry/v1/datasets?namespace=${encodeURIComponent(ns)}&limit=500`),
  });
  const chosen = focus ?? datasets.data?.find((d) => d.layer === 'gold')?.name ?? datasets.data?.[0]?.name;
  const graph = useQuery({
    queryKey: ['lineage', ns, chosen, depth],
    queryFn: () => api<LineageGraph>(
      `registry/v1/lineage/${encodeURIComponent(ns)}/${encodeURIComponent(chosen!)}?direction=both&depth=${depth}`),
    enabled: !!chosen,
  });
  const focusId = `${ns}.${chosen}`;
  const builtBy = useBuiltBy(ns, datasets.data?.find((d) => d.name === chosen)?.warehouseTable);
  const columnEdges = (graph.data?.edges ?? []).filter((e) => e.upstream === focusId || e.downstream === focusId)
    .flatMap((e) => (e.columns ?? []).map((c) => ({ ...c, upstream: e.upstream, downstream: e.downstream })));
  const short = (id: string) => (id.startsWith(ns + '.') ? id.slice(ns.length + 1) : id);
  const open = (id: string) => {
    const [nodeNs, ...rest] = id.split('.');
    if (nodeNs === ns) navigate({ search: { focus: rest.join('.'), depth } });
  };

  return (
    <section>
      <h1>Lineage</h1>
      <div className="toolbar">
        <label className="field">
          <span>Focus on</span>
          <select value={chosen ?? ''} onChange={(e) => navigate({ search: { focus: e.target.value, depth } })}
            data-testid="lineage-focus">
            {(datasets.data ?? []).map((d) => <option key={d.name} value={d.name}>{d.name} ({d.layer ?? '?'})</option>)}
          </select>
        </label>
        <label className="field">
          <span>Levels up and down</span>
          <input type="number" min={1} max={10} value={depth}
            onChange={(e) => navigate({ search: { focus: chosen, depth: Number(e.target.value) } })} />
        </label>
        {chosen && <Link to="/namespaces/$ns/datasets/$name" params={{ ns, name: chosen }} search={{}}>Open {chosen}</Link>}
      </div>
      <ProblemView error={datasets.error ?? graph.error} what="Reading the lineage" />
      {!chosen && datasets.data && <p className="muted">No dataset in this namespace yet.</p>}
      {graph.isFetching && !graph.data && <Loading />}
      {graph.data && (
        <>
          <p className="muted">Click a dataset to focus on it. Layers: raw → bronze → silver → gold.</p>
          <Graph label={`Lineage of ${focusId}`} onOpen={open}
            nodes={graph.data.nodes.map((n) => ({
              id: n.dataset, label: n.dataset.startsWith(ns + '.') ? n.dataset.slice(ns.length + 1) : n.dataset,
              kind: n.layer ?? undefined, focus: n.dataset === focusId,
            }))}
            edges={graph.data.edges.map((e) => ({ from: e.upstream, to: e.downstream }))} />
          <h2>{chosen}</h2>
          <p data-testid="built-by">
            {builtBy
              ? <>Built by model <Link to="/namespaces/$ns/projects/$project" params={{ ns, project: builtBy.project }} search={{}}>{builtBy.model}</Link>
                {' '}(<code>{builtBy.file}</code>, project {builtBy.project}).</>
              : <span className="muted">No transform model of {ns} builds it (loaded, or built elsewhere).</span>}
          </p>
          <h3>Column lineage</h3>
          <table className="grid" data-testid="column-lineage">
            <thead><tr><th>From</th><th>To</th></tr></thead>
            <tbody>
              {columnEdges.map((c, i) => (
                <tr key={i}><td><code>{short(c.upstream)}.{c.from}</code></td><td><code>{short(c.downstream)}.{c.to}</code></td></tr>
              ))}
              {columnEdges.length === 0 && <tr><td colSpan={2} className="muted">The engine recorded no column edge of {chosen}.</td></tr>}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** The transform model (and its project) whose relation is the dataset's table, if one of the namespace builds it. */
function useBuiltBy(ns: string, table: string | undefined) {
  const { projects } = useProjectManifests(ns);
  if (!table) return undefined;
  for (const p of projects) {
    const model = p.manifest?.models?.find((m) => m.relation.replaceAll('"', '') === table);
    if (model) return { project: p.project, model: model.name, file: model.file };
  }
  return undefined;
}
