// Small shared pieces: problem details shown where the call failed, state badges, loading.
import type { ReactNode } from 'react';
import { ApiError } from './api';

export function ProblemView({ error, what }: { error: unknown; what: string }) {
  if (!error) return null;
  const problem = error instanceof ApiError ? error.problem : { status: 0, title: String(error) };
  return (
    <div role="alert" className="problem">
      <strong>{what} failed{problem.status ? ` (${problem.status})` : ''}:</strong>{' '}
      {problem.detail ?? problem.title}
      {problem.errors && problem.errors.length > 0 && (
        <ul>
          {problem.errors.map((e, i) => (
            <li key={i}>
              {e.file && <code>{e.file}</code>}{e.file && (e.line != null ? ':' : ': ')}
              {e.line != null && `line ${e.line}${e.column != null ? `, column ${e.column}` : ''}: `}
              {e.path && <code>{e.path}</code>} {e.message}
            </li>
          ))}
        </ul>
      )}
      {typeof problem.requestId === 'string' && <div className="muted">request id {problem.requestId}</div>}
    </div>
  );
}

export function StateBadge({ state }: { state: string }) {
  return <span className={`badge state-${state}`} data-state={state}>{state.replace('_', ' ')}</span>;
}

export function Loading({ children }: { children?: ReactNode }) {
  return <p className="muted" aria-busy="true">{children ?? 'Loading…'}</p>;
}
