import { useState } from 'react';
import { api, ApiError, RUN_ACTIVE, type Run } from '../../api';

interface Outcome { done: number; refused: string[] }

/**
 * Cancel or retry the selected runs: one call per run (the scheduler's own `.../cancel` and `.../retry`, with their
 * checks), four at a time; what the scheduler refused is listed with its reason.
 */
export function BulkBar({ runs, onDone }: { runs: Run[]; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ verb: string; result: Outcome } | null>(null);
  const cancellable = runs.filter((r) => RUN_ACTIVE.has(r.state));
  const retryable = runs.filter((r) => !RUN_ACTIVE.has(r.state));

  const apply = async (verb: 'cancel' | 'retry', targets: Run[]) => {
    setBusy(true);
    const result: Outcome = { done: 0, refused: [] };
    const queue = [...targets];
    const worker = async () => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        try {
          await api<Run>(`scheduler/v1/runs/${encodeURIComponent(r.id)}/${verb}`, { method: 'POST' });
          result.done++;
        } catch (e) {
          const why = e instanceof ApiError ? (e.problem.detail ?? e.problem.title ?? `HTTP ${e.problem.status}`) : String(e);
          result.refused.push(`${r.pipelineId} ${r.id.slice(0, 8)}: ${why}`);
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    setBusy(false);
    setOutcome({ verb, result });
    onDone();
  };

  return (
    <div className="toolbar" data-testid="bulk">
      <span className="muted">{runs.length} selected</span>
      <button type="button" disabled={busy || cancellable.length === 0} onClick={() => apply('cancel', cancellable)}>
        Cancel {cancellable.length} run{cancellable.length === 1 ? '' : 's'}
      </button>
      <button type="button" disabled={busy || retryable.length === 0} onClick={() => apply('retry', retryable)}>
        Retry {retryable.length} run{retryable.length === 1 ? '' : 's'}
      </button>
      {outcome && (
        <div role="status" data-testid="bulk-outcome">
          {outcome.verb === 'cancel' ? 'Cancelled' : 'Retried'} {outcome.result.done}
          {outcome.result.refused.length > 0 && <>; refused {outcome.result.refused.length}:
            <ul>{outcome.result.refused.map((line) => <li key={line}>{line}</li>)}</ul></>}
        </div>
      )}
    </div>
  );
}
