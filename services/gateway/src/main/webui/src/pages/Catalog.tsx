import { useMemo, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { createColumnHelper, flexRender, getCoreRowModel, getSortedRowModel, useReactTable,
  type SortingState } from '@tanstack/react-table';
import { api, type Dataset, type DatasetVersion, type Preview } from '../api';
import { formatTime, usePrefs } from '../prefs';
import { Loading, ProblemView } from '../ui';
import { useRole } from '../Shell';
import { Neighbours, QualityView, SchemaDiffView, UploadPanel } from './dataset';

const column = createColumnHelper<Dataset>();
const NONE: Dataset[] = [];

export function CatalogPage() {
  const { ns } = useParams({ from: '/namespaces/$ns/catalog' });
  const { q, layer, tag, owner, all } = useSearch({ from: '/namespaces/$ns/catalog' });
  const navigate = useNavigate({ from: '/namespaces/$ns/catalog' });
  const prefs = usePrefs();
  const [text, setText] = useState(q ?? '');
  const [tagText, setTagText] = useState(tag ?? '');
  const [ownerText, setOwnerText] = useState(owner ?? '');
  const [sorting, setSorting] = useState<SortingState>([]);
  // every namespace the caller may read (the registry filters them), or this one
  const params = new URLSearchParams(all ? { limit: '500' } : { namespace: ns, limit: '500' });
  if (q) params.set('q', q);
  if (layer) params.set('layer', layer);
  if (tag) params.set('tag', tag);
  const datasets = useQuery({
    queryKey: ['datasets', all ? '*' : ns, q, layer, tag],
    queryFn: () => api<Dataset[]>(`registry/v1/datasets?${params}`),
  });

  const columns = [
    column.accessor('name', {
      header: 'Dataset',
      cell: (c) => <Link to="/namespaces/$ns/datasets/$name" params={{ ns: c.row.original.namespace, name: c.getValue() }}>{c.getValue()}</Link>,
    }),
    ...(all ? [column.accessor('namespace', { header: 'Namespace' })] : []),
    column.accessor('layer', { header: 'Layer', cell: (c) => c.getValue() ?? '—' }),
    column.accessor((d) => (d.tags ?? []).join(', '), {
      id: 'tags', header: 'Tags',
      cell: (c) => (c.row.original.tags ?? []).map((t, i) => (
        <span key={t}>{i > 0 && ', '}<Link to="/namespaces/$ns/catalog" params={{ ns }} search={{ tag: t }}>{t}</Link></span>)),
    }),
    column.accessor('owner', { header: 'Owner', cell: (c) => c.getValue() ?? '—' }),
    column.accessor('latestVersion', { header: 'Version', cell: (c) => c.getValue() ?? '—' }),
    column.accessor('updatedAt', { header: 'Updated', cell: (c) => formatTime(c.getValue(), prefs.tz) }),
  ];
  // the owner is matched here, on the datasets the search answered (the registry searches names and columns)
  const wanted = owner?.toLowerCase();
  // (memoized: TanStack Table re-renders without end when handed a new array on every render)
  const rows = useMemo(() => (wanted ? (datasets.data ?? []).filter((d) => (d.owner ?? '').toLowerCase().includes(wanted))
    : datasets.data ?? NONE), [datasets.data, wanted]);
  const table = useReactTable({
    data: rows, columns, state: { sorting }, onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(), getSortedRowModel: getSortedRowModel(),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate({ search: { q: text || undefined, layer, tag: tagText || undefined, owner: ownerText || undefined, all } });
  };

  return (
    <section>
      <h1>Catalog</h1>
      <form role="search" onSubmit={submit} className="toolbar">
        <label className="field">
          <span>Search name or column</span>
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} maxLength={200} />
        </label>
        <label className="field">
          <span>Tag</span>
          <input value={tagText} onChange={(e) => setTagText(e.target.value)} maxLength={100} size={12} />
        </label>
        <label className="field">
          <span>Owner</span>
          <input value={ownerText} onChange={(e) => setOwnerText(e.target.value)} maxLength={100} size={12} />
        </label>
        <label className="field">
          <span>Layer</span>
          <select value={layer ?? ''} onChange={(e) => navigate({ search: { q, tag, owner, all, layer: e.target.value || undefined } })}>
            <option value="">any</option>
            {['raw', 'bronze', 'silver', 'gold'].map((l) => <option key={l}>{l}</option>)}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={!!all}
            onChange={(e) => navigate({ search: { q, layer, tag, owner, all: e.target.checked ? '1' : undefined } })} />
          <span>All my namespaces</span>
        </label>
        <button type="submit">Search</button>
      </form>
      <ProblemView error={datasets.error} what="Listing datasets" />
      {datasets.isPending ? <Loading /> : (
        <table className="grid" data-testid="datasets">
          <thead>
            {table.getHeaderGroups().map((g) => (
              <tr key={g.id}>
                {g.headers.map((h) => (
                  <th key={h.id} aria-sort={h.column.getIsSorted() === 'asc' ? 'ascending'
                    : h.column.getIsSorted() === 'desc' ? 'descending' : 'none'}>
                    <button type="button" className="link" onClick={h.column.getToggleSortingHandler()}>
                      {flexRender(h.column.columnDef.header, h.getContext())}
                    </button>
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((r) => (
              <tr key={r.id}>
                {r.getVisibleCells().map((c) => <td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</td>)}
              </tr>
            ))}
            {table.getRowModel().rows.length === 0 && (
              <tr><td colSpan={columns.length} className="muted">No dataset{q ? ` matches “${q}”` : ' yet'}.</td></tr>
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function DatasetPage() {
  const { ns, name } = useParams({ from: '/namespaces/$ns/datasets/$name' });
  const { tab = 'schema' } = useSearch({ from: '/namespaces/$ns/datasets/$name' });
  const prefs = usePrefs();
  const { writer, analyst } = useRole(ns);
  const path = `registry/v1/datasets/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`;
  const dataset = useQuery({ queryKey: ['dataset', ns, name], queryFn: () => api<Dataset>(path) });
  const versions = useQuery({
    queryKey: ['versions', ns, name], queryFn: () => api<DatasetVersion[]>(`${path}/versions?limit=50`),
    enabled: tab === 'versions' || tab === 'schema' || tab === 'quality',
  });
  const preview = useQuery({
    queryKey: ['preview', ns, name], queryFn: () => api<Preview>(`${path}/preview?limit=100`),
    enabled: tab === 'preview',
  });
  const d = dataset.data;
  const latest = versions.data?.[0];
  const schema = (latest?.columns?.length ? latest.columns : d?.columns) ?? [];
  const tabs = ['schema', 'versions', 'quality', 'preview'] as const;

  return (
    <section>
      <p className="crumbs"><Link to="/namespaces/$ns/catalog" params={{ ns }} search={{}}>Catalog</Link> / {ns}</p>
      <h1>{name}</h1>
      <ProblemView error={dataset.error} what="Reading the dataset" />
      {d && (
        <dl className="facts">
          <dt>Layer</dt><dd>{d.layer ?? '—'}</dd>
          <dt>Owner</dt><dd>{d.owner ?? '—'}</dd>
          <dt>Tags</dt><dd>{(d.tags ?? []).join(', ') || '—'}</dd>
          <dt>Table</dt><dd><code>{d.warehouseTable ?? '—'}</code></dd>
          <dt>Latest version</dt><dd>{d.latestVersion ?? 'not loaded yet'}</dd>
          <dt>Updated</dt><dd>{formatTime(d.updatedAt, prefs.tz)}</dd>
          {d.description && <><dt>Description</dt><dd>{d.description}</dd></>}
        </dl>
      )}
      {d && <Neighbours ns={ns} name={name} />}
      {d && writer && <UploadPanel ns={ns} dataset={d} />}
      <div className="tabs">
        <div role="tablist" aria-label="Dataset views">
          {tabs.map((t) => (
            <Link key={t} role="tab" aria-selected={tab === t} to="/namespaces/$ns/datasets/$name"
              params={{ ns, name }} search={{ tab: t }}>{t[0].toUpperCase() + t.slice(1)}</Link>
          ))}
        </div>
        <Link to="/namespaces/$ns/lineage" params={{ ns }} search={{ focus: name, depth: 3 }}>Lineage</Link>
      </div>
      {tab === 'schema' && (
        <table className="grid" data-testid="schema">
          <thead><tr><th>Column</th><th>Type</th></tr></thead>
          <tbody>
            {schema.map((c) => <tr key={c.name}><td>{c.name}</td><td><code>{c.type}</code></td></tr>)}
            {schema.length === 0 && <tr><td colSpan={2} className="muted">No columns known yet.</td></tr>}
          </tbody>
        </table>
      )}
      {tab === 'versions' && (
        <>
          <ProblemView error={versions.error} what="Listing versions" />
          <table className="grid" data-testid="versions">
            <thead><tr><th>Version</th><th>Rows</th><th>Bytes</th><th>By</th><th>Committed</th><th>Columns</th></tr></thead>
            <tbody>
              {(versions.data ?? []).map((v) => (
                <tr key={v.number}>
                  <td>{v.number}</td><td>{v.rowCount}</td><td>{v.bytes}</td><td>{v.producer ?? '—'}</td>
                  <td>{formatTime(v.committedAt, prefs.tz)}</td><td>{(v.columns ?? []).length}</td>
                </tr>
              ))}
              {versions.data?.length === 0 && <tr><td colSpan={6} className="muted">Not loaded yet.</td></tr>}
            </tbody>
          </table>
          {versions.data && <SchemaDiffView ns={ns} name={name} versions={versions.data} />}
        </>
      )}
      {tab === 'quality' && d && <QualityView ns={ns} dataset={d} versions={versions.data ?? []} analyst={analyst} />}
      {tab === 'preview' && (
        <>
          <ProblemView error={preview.error} what="Previewing the data" />
          {preview.isPending && <Loading />}
          {preview.data && (
            <div className="scroll-x">
              <table className="grid" data-testid="preview">
                <thead><tr>{preview.data.columns.map((c) => <th key={c.name}>{c.name}</th>)}</tr></thead>
                <tbody>
                  {preview.data.rows.map((row, i) => (
                    <tr key={i}>{row.map((v, j) => <td key={j}>{v == null ? <em>null</em> : String(v)}</td>)}</tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
