import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { api, type Dataset, type Pipeline } from '../api';
import { useRuns } from './Runs';
import { ProblemView } from '../ui';

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
    </section>
  );
}
