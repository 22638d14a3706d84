// The chart builder (issue 20): a saved query, a chart type and its field mapping, previewed on the query's rows,
// saved as a chart of the namespace (each change a new version).
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { ApiError } from '../api';
import { ChartView } from '../charts/ChartView';
import { useChartData } from '../charts/data';
import {
  CHART_TYPES, exportYaml, NAME_RULE, readSaved, saveSaved, useSavedList, type ChartDef, type ChartType,
  type SavedQuery,
} from '../sql';
import { Loading, ProblemView } from '../ui';

const NEEDS_X: ChartType[] = ['bar', 'line', 'area', 'scatter', 'pie'];

export function ChartPage() {
  const { ns, name } = useParams({ from: '/namespaces/$ns/charts/$name' });
  const { query: fromQuery } = useSearch({ from: '/namespaces/$ns/charts/$name' });
  const navigate = useNavigate();
  const client = useQueryClient();
  const isNew = name === 'new';
  const stored = useQuery({
    queryKey: ['sql', 'charts', ns, name], enabled: !isNew,
    queryFn: () => readSaved<ChartDef>(ns, 'charts', name),
  });
  const queries = useSavedList<SavedQuery>(ns, 'saved-queries');

  const [chartName, setChartName] = useState(isNew ? '' : name);
  const [def, setDef] = useState<ChartDef>({ title: '', query: fromQuery ?? '', type: 'bar', mapping: { x: null, y: [], series: null }, parameters: {} });
  useEffect(() => {
    if (stored.data) {
      const { title, query, type, mapping, parameters } = stored.data;
      setDef({ title, query, type, mapping: { x: mapping?.x ?? null, y: mapping?.y ?? [], series: mapping?.series ?? null }, parameters: parameters ?? {} });
    }
  }, [stored.data]);
  const source = useQuery({
    queryKey: ['sql', 'saved-queries', ns, def.query], enabled: !!def.query,
    queryFn: () => readSaved<SavedQuery>(ns, 'saved-queries', def.query),
  });
  // the query's parameters with their defaults, overridden by the chart's own values
  const parameters = Object.fromEntries((source.data?.parameters ?? [])
    .map((p) => [p.name, def.parameters?.[p.name] ?? p.default ?? '']));
  const [previewed, setPreviewed] = useState<Record<string, string>>();
  const data = useChartData(ns, previewed ? def.query : undefined, previewed);
  useEffect(() => {
    // a stored chart shows its preview at once; a new one once a query is chosen
    if (def.query && source.data && !previewed) setPreviewed(parameters);
  }, [def.query, source.data]); // eslint-disable-line react-hooks/exhaustive-deps
  const columns = data.data?.columns ?? [];

  const save = useMutation({
    mutationFn: () => saveSaved<ChartDef>(ns, 'charts', chartName, {
      ...def, title: def.title.trim() || chartName, parameters,
      mapping: { x: def.mapping.x || null, y: def.mapping.y ?? [], series: def.mapping.series || null },
    }),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['sql', 'charts', ns] });
      if (chartName !== name) navigate({ to: '/namespaces/$ns/charts/$name', params: { ns, name: chartName }, search: {}, replace: true });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (NAME_RULE.test(chartName) && def.query) save.mutate();
  };
  const [yamlError, setYamlError] = useState<unknown>();
  const set = (change: Partial<ChartDef>) => setDef((d) => ({ ...d, ...change }));
  const setMapping = (change: Partial<ChartDef['mapping']>) => setDef((d) => ({ ...d, mapping: { ...d.mapping, ...change } }));
  const toggleY = (column: string, on: boolean) =>
    setMapping({ y: on ? [...(def.mapping.y ?? []).filter((c) => c !== column), column] : (def.mapping.y ?? []).filter((c) => c !== column) });

  const missing = stored.error instanceof ApiError && stored.error.problem.status === 404;
  return (
    <section>
      <p className="crumbs"><Link to="/namespaces/$ns/dashboards" params={{ ns }}>Dashboards and charts</Link> / {ns}</p>
      <h1>{isNew ? 'New chart' : def.title || name}</h1>
      {missing ? <ProblemView error={stored.error} what={`Reading chart ${name}`} /> : (
        <>
          <ProblemView error={stored.error} what={`Reading chart ${name}`} />
          <ProblemView error={queries.error} what="Listing saved queries" />
          {!isNew && stored.isPending ? <Loading /> : (
            <form onSubmit={submit} aria-label="Chart">
              <div className="toolbar">
                <label className="field">
                  <span>Name</span>
                  <input value={chartName} onChange={(e) => setChartName(e.target.value.trim())} maxLength={60} required
                    readOnly={!isNew} aria-invalid={chartName !== '' && !NAME_RULE.test(chartName)} placeholder="revenue-chart" />
                </label>
                <label className="field">
                  <span>Title</span>
                  <input value={def.title} onChange={(e) => set({ title: e.target.value })} maxLength={200} placeholder="Revenue by day" />
                </label>
                <label className="field">
                  <span>Saved query</span>
                  <select value={def.query} required onChange={(e) => {
                    setPreviewed(undefined);
                    set({ query: e.target.value, parameters: {}, mapping: { x: null, y: [], series: null } });
                  }}>
                    <option value="">choose…</option>
                    {(queries.data ?? []).map((q) => <option key={q.name} value={q.name}>{q.title || q.name} ({q.name})</option>)}
                  </select>
                </label>
                <label className="field">
                  <span>Chart type</span>
                  <select value={def.type} onChange={(e) => set({ type: e.target.value as ChartType })}>
                    {CHART_TYPES.map((t) => <option key={t} value={t}>{t === 'number' ? 'single number' : t}</option>)}
                  </select>
                </label>
              </div>
              {(source.data?.parameters ?? []).length > 0 && (
                <fieldset className="params">
                  <legend>Parameters</legend>
                  {source.data!.parameters!.map((p) => (
                    <label key={p.name} className="field">
                      <span>:{p.name} ({p.type})</span>
                      <input value={parameters[p.name] ?? ''} maxLength={1000}
                        onChange={(e) => set({ parameters: { ...parameters, [p.name]: e.target.value } })} />
                    </label>
                  ))}
                </fieldset>
              )}
              {columns.length > 0 && def.type !== 'table' && (
                <fieldset className="params" data-testid="mapping">
                  <legend>Fields</legend>
                  {NEEDS_X.includes(def.type) && (
                    <label className="field">
                      <span>{def.type === 'pie' ? 'Label (x)' : 'X axis'}</span>
                      <select value={def.mapping.x ?? ''} onChange={(e) => setMapping({ x: e.target.value || null })}>
                        <option value="">none</option>
                        {columns.map((c) => <option key={c.name}>{c.name}</option>)}
                      </select>
                    </label>
                  )}
                  <div className="field" role="group" aria-label="Values (y)">
                    <span>{def.type === 'pie' || def.type === 'number' ? 'Value' : 'Values (y)'}</span>
                    <div className="checks">
                      {columns.map((c) => (
                        <label key={c.name}>
                          <input type="checkbox" checked={(def.mapping.y ?? []).includes(c.name)}
                            onChange={(e) => toggleY(c.name, e.target.checked)} /> {c.name}
                        </label>
                      ))}
                    </div>
                  </div>
                  {['bar', 'line', 'area', 'scatter'].includes(def.type) && (
                    <label className="field">
                      <span>Series (split by)</span>
                      <select value={def.mapping.series ?? ''} onChange={(e) => setMapping({ series: e.target.value || null })}>
                        <option value="">none</option>
                        {columns.map((c) => <option key={c.name}>{c.name}</option>)}
                      </select>
                    </label>
                  )}
                </fieldset>
              )}
              <div className="toolbar">
                <button type="button" disabled={!def.query} onClick={() => {
                  setPreviewed(parameters);
                  data.refetch();
                }}>Preview</button>
                <button type="submit" disabled={!def.query || !NAME_RULE.test(chartName) || save.isPending}>
                  {save.isPending ? 'Saving…' : 'Save chart'}
                </button>
                {!isNew && (
                  <button type="button" onClick={() => exportYaml(ns, 'charts', name).catch(setYamlError)}>Export YAML</button>
                )}
                {def.query && <Link to="/namespaces/$ns/sql" params={{ ns }} search={{ q: def.query }}>Open the query</Link>}
                {save.isSuccess && <span role="status">Saved chart {chartName}{save.data?.version ? ` (version ${save.data.version})` : ''}.</span>}
                {chartName !== '' && !NAME_RULE.test(chartName) && (
                  <span className="error-text">Names are 1–60 lower-case letters, digits and “-”.</span>
                )}
              </div>
            </form>
          )}
          <ProblemView error={save.error} what="Saving the chart" />
          <ProblemView error={yamlError} what="Exporting YAML" />
          <ProblemView error={source.error} what={`Reading saved query ${def.query}`} />
          <ProblemView error={data.error} what="Running the chart's query" />
          {data.isFetching && <Loading>Running the query…</Loading>}
          {data.data && (
            <div className="chart-preview" data-testid="chart-preview">
              <ChartView type={def.type} mapping={def.mapping} data={data.data} title={def.title || chartName || 'Preview'} />
              <p className="muted">{data.data.end.rows} rows{data.data.end.truncated ? ' (the first 1,000)' : ''}.</p>
            </div>
          )}
        </>
      )}
    </section>
  );
}
