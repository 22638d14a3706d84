import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { api, type Dataset, type Pipeline } from '../api';
import { useRuns } from './Runs';
import { ProblemView, StateBadge } from '../ui';
import { useLastSteps, type LoadRun } from './dataset';

const STATES = ['running', 'queued', 'succeeded', 'failed', 'cancelled', 'timed_out'];

export function HomePage() {
  const { ns } = useParams({ from: '/namespaces/$ns' });
  const runs = useRuns(ns, { since: '24h' });
  const datasets = useQuery({
    queryKey: ['datasets', ns, undefined, undefined],
    queryFn: () => api<Dataset[]>(`registry/v1/datasets?namespace=${encodeURIComponent(ns)}&limit=500`),
  });
  const pipelines = useQuery({
    queryKey: ['pipelines', ns],
    queryFn: () => api<Pipeline[]>(`scheduler/v1/pipelines?namespace=${encodeURIComponent(ns)}`),
  });
  const steps = useLastSteps(ns);
  const loads = useQuery({
    queryKey: ['loads', ns, 'recent'],
    queryFn: () => api<LoadRun[]>(`ingest/v1/loads?namespace=${encodeURIComponent(ns)}&limit=200`),
  });
  const failing = [...steps.last.values()].filter((n) => n.kind === 'test' && n.status !== 'pass' && n.status !== 'skipped');
  const byTable = new Map((datasets.data ?? []).map((d) => [d.warehouseTable ?? '', d.name]));
  const stale = [...steps.last.values()].filter((n) => n.kind === 'freshness' && n.status !== 'pass');
  // the quarantined rows of each dataset's newest load
  const quarantined = new Map<string, number>();
  for (const l of loads.data ?? []) {
    if (l.dataset && !quarantined.has(l.dataset) && l.status === 'succeeded') quarantined.set(l.dataset, l.quarantined ?? 0);
  }
  const withQuarantine = [...quarantined].filter(([, n]) => n > 0);
  const counts = new Map<string, number>();
  (runs.data ?? []).forEach((r) => counts.set(r.state, (counts.get(r.state) ?? 0) + 1));

  return (
    <section>
      <h1>{ns}</h1>
      <h2>Runs of the last 24 hours</h2>
      <ProblemView error={runs.error} what="Listing runs" />
      <ul className="cards" data-testid="run-counts">
        {STATES.map((s) => (
          <li key={s} className={`card state-${s}`}>
            <Link to="/namespaces/$ns/runs" params={{ ns }} search={{ state: s, since: '24h' }}>
              <span className="count">{runs.data ? counts.get(s) ?? 0 : '…'}</span> {s.replace('_', ' ')}
            </Link>
          </li>
        ))}
      </ul>
      <h2>Data</h2>
      <ProblemView error={datasets.error ?? pipelines.error} what="Reading the namespace" />
      <ul className="cards">
        <li className="card"><Link to="/namespaces/$ns/catalog" params={{ ns }} search={{}}>
          <span className="count">{datasets.data?.length ?? '…'}</span> datasets</Link></li>
        <li className="card"><Link to="/namespaces/$ns/pipelines" params={{ ns }}>
          <span className="count">{pipelines.data?.length ?? '…'}</span> pipelines</Link></li>
        <li className="card"><Link to="/namespaces/$ns/lineage" params={{ ns }} search={{ depth: 3 }}>Lineage</Link></li>
      </ul>
      <h2>Data quality</h2>
      <div className="quality-lists">
        <section aria-labelledby="failing-tests" data-testid="failing-tests">
          <h3 id="failing-tests">Failing data tests <span className="count">{steps.pending ? '…' : failing.length}</span></h3>
          <ProblemView error={steps.error} what="Reading the builds" />
          <ul className="plain">
            {failing.map((t) => (
              <li key={`${t.project}:${t.node}`} data-test={t.node}>
                <StateBadge state={t.status} />{' '}
                <Link to="/namespaces/$ns/projects/$project" params={{ ns, project: t.project }} search={{ build: t.build }}>{t.node}</Link>
                {t.rows != null && <span className="muted"> {t.rows} failing rows</span>}
              </li>
            ))}
            {!steps.pending && failing.length === 0 && <li className="muted">Every data test passed in the newest builds.</li>}
          </ul>
        </section>
        <section aria-labelledby="stale-datasets" data-testid="stale-datasets">
          <h3 id="stale-datasets">Past their freshness limit <span className="count">{steps.pending ? '…' : stale.length}</span></h3>
          <ul className="plain">
            {stale.map((f) => {
              const table = (f.relation ?? '').replaceAll('"', '');
              const name = byTable.get(table);
              return (
                <li key={table} data-table={table}>
                  <StateBadge state={f.status} />{' '}
                  {name ? <Link to="/namespaces/$ns/datasets/$name" params={{ ns, name }} search={{ tab: 'quality' }}>{name}</Link> : <code>{table}</code>}
                  <span className="muted"> {f.error}</span>
                </li>
              );
            })}
            {!steps.pending && stale.length === 0 && <li className="muted">No checked source is late.</li>}
          </ul>
        </section>
        <section aria-labelledby="quarantined" data-testid="quarantined">
          <h3 id="quarantined">Quarantined rows <span className="count">{loads.isPending ? '…' : withQuarantine.reduce((a, [, n]) => a + n, 0)}</span></h3>
          <ProblemView error={loads.error} what="Listing the loads" />
          <ul className="plain">
            {withQuarantine.map(([name, n]) => (
              <li key={name} data-dataset={name}>
                <Link to="/namespaces/$ns/datasets/$name" params={{ ns, name }} search={{ tab: 'quality' }}>{name}</Link>
                <span className="muted"> {n} rows set aside by its newest load</span>
              </li>
            ))}
            {loads.data && withQuarantine.length === 0 && <li className="muted">No newest load set rows aside.</li>}
          </ul>
        </section>
      </div>
    </section>
  );
}
