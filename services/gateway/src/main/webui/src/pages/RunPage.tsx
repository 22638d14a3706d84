import { memo, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { api, RUN_ACTIVE, type Run, type RunTransition, type TaskRun } from '../api';
import { Graph } from '../Graph';
import { taskEdges } from '../layout';
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
 * Transitions applied to the run as last read, in order; those that changed a state are added to its transitions
 * (the Gantt's attempts). Answers the same run when none changed anything.
 */
function applyAll(run: Run, ts: RunTransition[]): Run {
  let next = run;
  const added: RunTransition[] = [];
  for (const t of ts) {
    const applied = applyTransition(next, t);
    if (applied !== next) added.push(t);
    next = applied;
  }
  return added.length ? { ...next, transitions: [...(next.transitions ?? []), ...added] } : run;
}

/** The stream's transitions of one run so far: re-applied to a read of the run that was under way when they came. */
interface Received { runId: string; events: RunTransition[] }

/**
 * Keeps the run's query fresh: the scheduler's server-sent events when it offers them, else a poll while the run is
 * active (and none once it ended). Each transition is applied to the query's run as it comes (those of one frame in
 * one render, the last state always kept), without reading the run again; the rest (times, durations, errors) comes
 * from one read at most every RESYNC_MS while transitions arrive, and one at the end.
 */
function useLiveRun(ns: string, runId: string, active: boolean, received: Received) {
  const client = useQueryClient();
  const [live, setLive] = useState<'sse' | 'poll'>('sse');
  useEffect(() => {
    if (!active || live !== 'sse' || typeof EventSource === 'undefined') return;
    const source = new EventSource(`/api/scheduler/v1/namespaces/${encodeURIComponent(ns)}/runs/${encodeURIComponent(runId)}/events`);
    const refresh = () => client.invalidateQueries({ queryKey: ['run', runId] });
    let queued: RunTransition[] = [];
    let frame = 0;
    let resync: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      frame = 0;
      const batch = queued;
      queued = [];
      client.setQueryData<Run>(['run', runId], (run) => (run ? applyAll(run, batch) : run));
      // the run ended: this effect ends with it (before the stream's `end` may come), so read its times, durations
      // and errors now
      if (batch.some((t) => !t.taskId && !RUN_ACTIVE.has(t.to))) refresh();
    };
    source.onmessage = refresh;
    // the scheduler's run stream: a `transition` per committed state change, `end` once the run ended
    source.addEventListener('transition', (e) => {
      const t: RunTransition = JSON.parse((e as MessageEvent).data);
      queued.push(t);
      received.events.push(t);
      if (!frame) frame = requestAnimationFrame(flush);
      resync ??= setTimeout(() => {
        resync = undefined;
        refresh();
      }, RESYNC_MS);
    });
    source.addEventListener('end', () => {
      refresh();
      source.close();
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) setLive('poll');
    };
    return () => {
      source.close();
      cancelAnimationFrame(frame);
      clearTimeout(resync);
    };
  }, [ns, runId, active, live, client, received]);
  return live;
}

const RESYNC_MS = 2000;

export function RunPage() {
  const { ns, runId } = useParams({ from: '/namespaces/$ns/runs/$runId' });
  const { task: openTask } = useSearch({ from: '/namespaces/$ns/runs/$runId' });
  const navigate = useNavigate({ from: '/namespaces/$ns/runs/$runId' });
  const { writer } = useRole(ns);
  const prefs = usePrefs();
  const client = useQueryClient();
  const [live, setLiveMode] = useState<'sse' | 'poll'>('sse');
  const received = useMemo<Received>(() => ({ runId, events: [] }), [runId]);
  const run = useQuery({
    queryKey: ['run', runId],
    queryFn: async () => {
      const from = received.events.length;
      const read = await readRun(runId);
      // what the stream brought while the read was under way must not be taken back by it
      return applyAll(read, received.events.slice(from));
    },
    // polled every second without the stream; with it, a slow resync every 10 s in case a proxy held an event back
    refetchInterval: (q) => (q.state.data && RUN_ACTIVE.has(q.state.data.state) ? (live === 'poll' ? 1000 : 10000) : false),
  });
  const active = !!run.data && RUN_ACTIVE.has(run.data.state);
  const mode = useLiveRun(ns, runId, active, received);
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
  // a state change recolours nodes; the edges (and so the layout) change only with the DAG's shape
  const graphNodes = useMemo(() => tasks.map((t) => ({ id: t.taskId, label: `${t.taskId} · ${t.state}`, state: t.state, kind: t.type })), [tasks]);
  const edgeShape = tasks.map((t) => `${t.taskId}<${(t.dependsOn ?? []).join(',')}`).join('|');
  // the edges change only with the DAG's shape (layout.ts taskEdges)
  const graphEdges = useMemo(() => taskEdges(tasks),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [edgeShape]);
  // laid out by the scheduler (ELK, once per DAG shape): the page draws at once, without starting ELK here
  const serverLayout = r?.layout;
  const laidOutBy = useMemo(() => (serverLayout
    ? new Map(Object.entries(serverLayout).map(([id, p]) => [id, { x: p.x ?? 0, y: p.y ?? 0 }]))
    : undefined), [serverLayout]);
  // the DAG first: the task table, the Gantt and the log (200 rows each for a big DAG: their layout alone took 200 ms
  // of a cold load) are added once the frame with the DAG has been painted; then they follow every change of the run
  // in a deferred pass, as React finds time
  const [afterFirstPaint, setAfterFirstPaint] = useState(false);
  useEffect(() => {
    if (!r || afterFirstPaint) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => { timer = setTimeout(() => setAfterFirstPaint(true)); });
    return () => {
      cancelAnimationFrame(frame);
      if (timer) clearTimeout(timer);
    };
  }, [r, afterFirstPaint]);
  const deferred = useDeferredValue(r);
  const details = afterFirstPaint ? deferred : undefined;

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
          <Graph label={`Tasks of run ${r.id}`} nodes={graphNodes} edges={graphEdges} laidOutBy={laidOutBy} />
          {details && <RunDetails ns={ns} run={details} tz={prefs.tz} openTask={openTask} />}
        </>
      )}
    </section>
  );
}

/** Everything below a run's DAG: its tasks, their attempts, the shown task's log and the errors. */
const RunDetails = memo(function RunDetails({ ns, run: r, tz, openTask }: {
  ns: string; run: Run; tz: 'local' | 'UTC'; openTask?: string;
}) {
  const runId = r.id;
  const tasks = r.tasks ?? [];
  const shownTask = tasks.find((t) => t.taskId === openTask) ?? tasks.find((t) => t.state === 'running') ?? tasks[0];
  return (
    <>
          <h2>Tasks</h2>
          <table className="grid" data-testid="tasks">
            <thead><tr><th>Task</th><th>Type</th><th>State</th><th>Attempt</th><th>Started</th><th>Duration</th><th>Log</th></tr></thead>
            <tbody>
              {tasks.map((t) => (
                <TaskRow key={t.id} ns={ns} runId={runId} task={t} tz={tz} selected={shownTask?.taskId === t.taskId} />
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
  );
});

/** A row of the task table: rendered again only when its task changed (the stream changes one task at a time). */
const TaskRow = memo(function TaskRow({ ns, runId, task: t, tz, selected }: {
  ns: string; runId: string; task: TaskRun; tz: 'local' | 'UTC'; selected: boolean;
}) {
  return (
    <tr data-task={t.taskId} aria-selected={selected}>
      <td>{t.taskId}</td><td>{t.type}</td><td><StateBadge state={t.state} /></td>
      <td>{t.attempt}/{t.maxAttempts}</td><td>{formatTime(t.startedAt, tz)}</td>
      <td>{formatDuration(t.durationMs)}</td>
      <td><Link to="/namespaces/$ns/runs/$runId" params={{ ns, runId }} search={{ task: t.taskId }}
        aria-label={`Log of ${t.taskId}`}>log</Link></td>
    </tr>
  );
});
