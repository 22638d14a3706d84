import type { RunTransition, TaskRun } from '../../api';
import { formatDuration } from '../../prefs';

/** One attempt of a task: from its start (queued → running) to its end, or now while it runs. */
export interface Attempt { taskId: string; attempt: number; from: number; to: number; state: string; open: boolean }

const ENDED = new Set(['succeeded', 'failed', 'cancelled', 'timed_out', 'skipped', 'retrying', 'upstream_failed']);

/** The attempts of each task, from the run's transitions (every state change of every task run, in order). */
export function attemptsOf(tasks: TaskRun[], transitions: RunTransition[], now: number): Attempt[] {
  const open = new Map<string, Attempt>();
  const done: Attempt[] = [];
  for (const t of transitions) {
    if (!t.taskId) continue;
    const key = `${t.taskId}#${t.attempt}`;
    const at = new Date(t.at).getTime();
    if (t.to === 'running') {
      open.set(key, { taskId: t.taskId, attempt: t.attempt, from: at, to: now, state: 'running', open: true });
    } else if (ENDED.has(t.to)) {
      const a = open.get(key);
      if (a) {
        open.delete(key);
        done.push({ ...a, to: at, state: t.to === 'retrying' ? 'failed' : t.to, open: false });
      }
    }
  }
  const all = [...done, ...open.values()];
  // tasks in the pipeline's order, attempts in theirs
  const order = new Map(tasks.map((t, i) => [t.taskId, i]));
  return all.sort((a, b) => (order.get(a.taskId) ?? 0) - (order.get(b.taskId) ?? 0) || a.attempt - b.attempt);
}

const ROW = 22;
const LABEL = 140;
const WIDTH = 900;

/** A Gantt chart of the run's attempts: one row per task, one bar per attempt, on the run's own time axis. */
export function Gantt({ tasks, transitions, now }: { tasks: TaskRun[]; transitions: RunTransition[]; now: number }) {
  const attempts = attemptsOf(tasks, transitions, now);
  if (attempts.length === 0) return <p className="muted">No attempt has started yet.</p>;
  const start = Math.min(...attempts.map((a) => a.from));
  const end = Math.max(...attempts.map((a) => a.to), start + 1);
  const x = (t: number) => LABEL + ((t - start) / (end - start)) * (WIDTH - LABEL - 10);
  const ids = tasks.map((t) => t.taskId).filter((id) => attempts.some((a) => a.taskId === id));
  const height = ids.length * ROW + 24;
  return (
    <figure className="gantt-chart" data-testid="gantt">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img"
        aria-label={`Attempts of ${ids.length} tasks over ${formatDuration(end - start)}`}>
        {ids.map((id, row) => (
          <g key={id}>
            <text x={4} y={row * ROW + 15} className="gantt-label">{id}</text>
            {attempts.filter((a) => a.taskId === id).map((a) => (
              <rect key={a.attempt} data-task={id} data-attempt={a.attempt} data-state={a.state}
                x={x(a.from)} y={row * ROW + 4} height={ROW - 8} width={Math.max(x(a.to) - x(a.from), 2)}
                className={`bar state-${a.state}`}>
                <title>{`${id}, attempt ${a.attempt}: ${a.state}, ${formatDuration(a.to - a.from)}`}</title>
              </rect>
            ))}
          </g>
        ))}
        <text x={LABEL} y={height - 6} className="gantt-axis">0</text>
        <text x={WIDTH - 10} y={height - 6} className="gantt-axis" textAnchor="end">{formatDuration(end - start)}</text>
      </svg>
    </figure>
  );
}
