import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, RUN_ACTIVE, type Run } from '../../api';
import { formatTime, usePrefs } from '../../prefs';
import { Loading, ProblemView, StateBadge } from '../../ui';

const RECENT = 10;

/**
 * The pipeline's recent runs × its tasks: a row per task, a column per run (newest on the right, as Airflow's grid),
 * each cell the task run's state, linking to that run's page with the task's log open.
 */
export function RunGrid({ ns, pipelineId, tasks }: { ns: string; pipelineId: string; tasks: string[] }) {
  const prefs = usePrefs();
  const list = useQuery({
    queryKey: ['runs', ns, 'grid', pipelineId],
    queryFn: () => api<Run[]>(`scheduler/v1/runs?namespace=${encodeURIComponent(ns)}&pipeline=${encodeURIComponent(pipelineId)}&limit=${RECENT}`),
    refetchInterval: 10_000,
  });
  const runs = [...(list.data ?? [])].reverse();
  // the list has no task runs: each run's own answer has them (at most ten small reads, cached per run)
  const details = useQueries({
    queries: runs.map((r) => ({
      queryKey: ['run', r.id],
      queryFn: () => api<Run>(`scheduler/v1/runs/${encodeURIComponent(r.id)}`),
      refetchInterval: RUN_ACTIVE.has(r.state) ? 5_000 : (false as const),
    })),
  });
  if (list.isPending) return <Loading />;
  if (list.error) return <ProblemView error={list.error} what="Listing the pipeline's runs" />;
  if (runs.length === 0) return <p className="muted">No run yet.</p>;
  const names = [...new Set([...tasks, ...details.flatMap((d) => (d.data?.tasks ?? []).map((t) => t.taskId))])];
  return (
    <div className="scroll-x">
      <table className="grid run-grid" data-testid="run-grid">
        <thead>
          <tr>
            <th scope="col">Task</th>
            {runs.map((r) => (
              <th scope="col" key={r.id}>
                <Link to="/namespaces/$ns/runs/$runId" params={{ ns, runId: r.id }} search={{}}
                  title={`${r.trigger}, ${formatTime(r.createdAt, prefs.tz)}`}><StateBadge state={r.state} /></Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {names.map((name) => (
            <tr key={name} data-task={name}>
              <th scope="row">{name}</th>
              {runs.map((r, i) => {
                const t = details[i]?.data?.tasks?.find((x) => x.taskId === name);
                return (
                  <td key={r.id} data-run={r.id}>
                    {t ? <Link to="/namespaces/$ns/runs/$runId" params={{ ns, runId: r.id }} search={{ task: name }}
                      aria-label={`${name} in run ${r.id}: ${t.state}`}><StateBadge state={t.state} /></Link> : '—'}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
