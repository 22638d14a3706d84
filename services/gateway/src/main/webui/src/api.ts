// Every call goes to the gateway's /api/** with the browser session's cookie; writes carry the CSRF token.

/** RFC 9457 problem details, as every Strata service and the gateway answer errors. */
export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  errors?: { path?: string; file?: string; line?: number; column?: number; message: string }[];
  requestId?: string;
  [key: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem, readonly url: string) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
}

export function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === '__Host-strata-csrf' || name === 'strata-csrf') return decodeURIComponent(value.join('='));
  }
  return undefined;
}

export async function api<T>(path: string, init: RequestInit & { yaml?: string; json?: unknown } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('Accept', 'application/json, application/problem+json');
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(init.json);
  } else if (init.yaml !== undefined) {
    headers.set('Content-Type', 'application/yaml');
    body = init.yaml;
  }
  const method = (init.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers.set('X-CSRF-Token', token);
  }
  const url = '/api/' + path.replace(/^\//, '');
  const response = await fetch(url, { ...init, method, headers, body, credentials: 'same-origin' });
  if (response.status === 401) {
    // the session ended: sign in again and come back to this very page
    window.location.assign(window.location.pathname + window.location.search);
    throw new ApiError({ status: 401, title: 'Signing in again' }, url);
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const problem: Problem = parsed && typeof parsed === 'object'
      ? { status: response.status, ...(parsed as object) }
      : { status: response.status, title: response.statusText, detail: text.slice(0, 300) };
    throw new ApiError(problem, url);
  }
  return parsed as T;
}

export interface Access {
  principal: string;
  namespaces: Record<string, string>;
}

export const canWrite = (role: string | undefined) => role === 'engineer' || role === 'admin';

export interface Column { name: string; type: string; description?: string | null }

export interface Dataset {
  namespace: string;
  name: string;
  description?: string | null;
  owner?: string | null;
  tags?: string[] | null;
  layer?: string | null;
  columns?: Column[] | null;
  warehouseTable?: string | null;
  latestVersion?: number | null;
  createdBy?: string;
  createdAt?: string;
  updatedAt?: string;
  sharedWith?: string[] | null;
}

export interface DatasetVersion {
  number: number;
  rowCount: number;
  bytes: number;
  producer?: string | null;
  columns?: Column[] | null;
  committedAt?: string;
  recordedAt?: string;
}

export interface Preview { dataset: string; table: string; columns: Column[]; rows: unknown[][]; limit: number }

export interface LineageGraph {
  root: string;
  nodes: { dataset: string; layer?: string | null; registered: boolean }[];
  edges: { upstream: string; downstream: string; columns?: { from: string; to: string }[] | null }[];
}

export interface Pipeline {
  namespace: string;
  id: string;
  version: number;
  description?: string | null;
  schedule?: string | null;
  timezone?: string | null;
  nextFireAt?: string | null;
  tasks?: string[] | null;
  createdAt?: string;
  updatedAt?: string;
  yaml?: string | null;
}

export interface TaskRun {
  id: string;
  taskId: string;
  type: string;
  state: string;
  attempt: number;
  maxAttempts: number;
  dependsOn?: string[] | null;
  worker?: string | null;
  error?: string | null;
  rows?: number | null;
  queuedAt?: string | null;
  startedAt?: string | null;
  finishedAt?: string | null;
  durationMs?: number | null;
}

export interface Run {
  id: string;
  namespace: string;
  pipelineId: string;
  pipelineVersion: number;
  trigger: string;
  state: string;
  error?: string | null;
  failedTask?: string | null;
  createdAt: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  durationMs?: number | null;
  tasks?: TaskRun[] | null;
  transitions?: RunTransition[] | null;
  params?: Record<string, string> | null;
  traceId?: string | null;
  retryOf?: string | null;
}

/** A committed state change of a run (no taskId) or of one of its task runs. */
export interface RunTransition { taskId?: string | null; from?: string | null; to: string; attempt: number; reason?: string | null; at: string }

export const RUN_ACTIVE = new Set(['queued', 'running']);

/** Every service's API as the gateway describes it (`GET /api/openapi`), generated: see scripts/api-types.mjs. */
export type { components, paths } from './api-types';
