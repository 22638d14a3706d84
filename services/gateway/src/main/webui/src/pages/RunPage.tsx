import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { api, RUN_ACTIVE, type Run, type RunTransition } from '../api';
import { Graph } from '../Graph';
import { readRun } from '../query';
import { useRole } from '../Shell';
import { formatDuration, formatTime, usePrefs } from '../prefs';
import { Loading, ProblemView, StateBadge } from '../ui';
import { Gantt } from './run/Gantt';
import { TaskLog } from './run/TaskLog';

/**
 * A transition of the stream applied to the run as last read: only when it follows the state shown (the stream
 * first replays the run's history, which must not take a state back).
 */
function applyTransition(run: Run, t: RunTransition): Run {
  if (!t.taskId) return run.state === t.from ? { ...run, state: t.to } : run;
  let changed = false;
  const tasks = (run.tasks ?? []).map((task) => {
    if (task.taskId !== t.taskId || task.state !== t.from) return task;
    changed = true;
    return { ...task, state: t.to, attempt: Math.max(task.attempt, t.attempt) };
  });
  return changed ? { ...run, tasks } : run;
}

/**
 * Keeps the run's query fresh: the scheduler's server-sent events when it offers them, else a poll while the run is
 * active (and none once it ended).
 */
function useLiveRun(ns: string, runId: string, active: boolean) {
  const client = useQueryClient();
  const [live, setLive] = useState<'sse' | 'poll'>('sse');
  useEffect(() => {
    if (!active || live !== 'sse' || typeof EventSource === 'undefined') return;
    const source = new EventSource(`/api/scheduler/v1/namespaces/${encodeURIComponent(ns)}/runs/${encodeURIComponent(runId)}/events`);
    const refresh = () => client.invalidateQueries({ queryKey: ['run', runId] });
    source.onmessage = refresh;
    // the scheduler's run stream: a `transition` per committed state change, `end` once the run ended. The change is
    // shown at once (the state it names), then the run is read again for the rest (times, errors, attempts)
    source.addEventListener('transition', (e) => {
      client.setQueryData<Run>(['run', runId], (run) => (run ? applyTransition(run, JSON.parse((e as MessageEvent).data)) : run));
      refresh();
    });
    source.addEventListener('end', () => {
      refresh();
      source.close();
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) setLive('poll');
    };
    return () => source.close();
  }, [ns, runId, active, live, client]);
  return live;
}

export function RunPage() {
  const { ns, runId } = useParams({ from: '/namespaces/$ns/runs/$runId' });
  const { task: openTask } = useSearch({ from: '/namespaces/$ns/runs/$runId' });
  const navigate = useNavigate({ from: '/namespaces/$ns/runs/$runId' });
  const { writer } = useRole(ns);
  const prefs = usePrefs();
  const client = useQueryClient();
  const [live, setLiveMode] = useState<'sse' | 'poll'>('sse');
  const run = useQuery({
    queryKey: ['run', runId],
    queryFn: () => readRun(runId),
    // polled every second without the stream; with it, a slow resync every 10 s in case a proxy held an event back
    refetchInterval: (q) => (q.state.data && RUN_ACTIVE.has(q.state.data.state) ? (live === 'poll' ? 1000 : 10000) : false),
  });
  const active = !!run.data && RUN_ACTIVE.has(run.data.state);
  const mode = useLiveRun(ns, runId, active);
  useEffect(() => setLiveMode(mode), [mode]);
  const cancel = useMutation({
    mutationFn: () => api<Run>(`scheduler/v1/runs/${encodeURIComponent(runId)}/cancel`, { method: 'POST' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['run', runId] }),
  });
  const retry = useMutation({
    mutationFn: () => api<Run>(`scheduler/v1/runs/${encodeURIComponent(runId)}/retry`, { method: 'POST' }),
    onSuccess: (created) => navigate({ to: '/namespaces/$ns/runs/$runId', params: { ns, runId: created.id }, search: {} }),
  });
  const r = run.data;
  const tasks = r?.tasks ?? [];
  const shownTask = tasks.find((t) => t.taskId === openTask) ?? tasks.find((t) => t.state === 'running') ?? tasks[0];

  return (
    <section>
      <p className="crumbs"><Link to="/namespaces/$ns/runs" params={{ ns }} search={{ since: '24h' }}>Runs</Link> / {ns}</p>
      <ProblemView error={run.error} what="Reading the run" />
      {run.isPending && <Loading />}
      {r && (
        <>
          <h1>
            <Link to="/namespaces/$ns/pipelines/$id" params={{ ns, id: r.pipelineId }}>{r.pipelineId}</Link>{' '}
            <StateBadge state={r.state} />
          </h1>
          <dl className="facts">
            <dt>Run</dt><dd><code>{r.id}</code></dd>
            <dt>Trace id</dt><dd>{r.traceId ? <code data-testid="trace-id">{r.traceId}</code> : '—'}</dd>
            <dt>Trigger</dt><dd>{r.trigger}{r.retryOf && <> of <Link to="/namespaces/$ns/runs/$runId" params={{ ns, runId: r.retryOf }} search={{}}>an earlier run</Link></>}</dd>
            <dt>Created</dt><dd>{formatTime(r.createdAt, prefs.tz)}</dd>
            <dt>Finished</dt><dd>{formatTime(r.finishedAt, prefs.tz)}</dd>
            <dt>Duration</dt><dd>{formatDuration(r.durationMs)}</dd>
            {r.error && <><dt>Error</dt><dd className="error-text">{r.failedTask ? `${r.failedTask}: ` : ''}{r.error}</dd></>}
            <dt>Updates</dt><dd>{active ? (live === 'sse' ? 'live (server-sent events)' : 'every second (polling)') : 'ended'}</dd>
          </dl>
          {writer && (
            <div className="toolbar">
              {active
                ? <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending}>Cancel run</button>
                : <button type="button" onClick={() => retry.mutate()} disabled={retry.isPending}>Retry run</button>}
            </div>
          )}
          <ProblemView error={cancel.error} what="Cancelling" />
          <ProblemView error={retry.error} what="Retrying" />
          <Graph label={`Tasks of run ${r.id}`}
            nodes={tasks.map((t) => ({ id: t.taskId, label: `${t.taskId} · ${t.state}`, state: t.state, kind: t.type }))}
            edges={tasks.flatMap((t) => (t.dependsOn ?? []).map((d) => ({ from: d, to: t.taskId })))} />
          <h2>Tasks</h2>
          <table className="grid" data-testid="tasks">
            <thead><tr><th>Task</th><th>Type</th><th>State</th><th>Attempt</th><th>Started</th><th>Duration</th><th>Log</th></tr></thead>
            <tbody>
              {tasks.map((t) => (
                <tr key={t.id} data-task={t.taskId} aria-selected={shownTask?.taskId === t.taskId}>
                  <td>{t.taskId}</td><td>{t.type}</td><td><StateBadge state={t.state} /></td>
                  <td>{t.attempt}/{t.maxAttempts}</td><td>{formatTime(t.startedAt, prefs.tz)}</td>
                  <td>{formatDuration(t.durationMs)}</td>
                  <td><Link to="/namespaces/$ns/runs/$runId" params={{ ns, runId }} search={{ task: t.taskId }}
                    aria-label={`Log of ${t.taskId}`}>log</Link></td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Attempts</h2>
          <Gantt tasks={tasks} transitions={r.transitions ?? []} now={Date.now()} />
          {shownTask && <TaskLog key={`${runId}/${shownTask.taskId}`} ns={ns} runId={runId} task={shownTask} />}
          {tasks.some((t) => t.error) && (
            <>
              <h2>Errors</h2>
              <ul>{tasks.filter((t) => t.error).map((t) => <li key={t.id}><strong>{t.taskId}</strong>: {t.error}</li>)}</ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
