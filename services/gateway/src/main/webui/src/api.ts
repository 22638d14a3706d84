// Every call goes to the gateway's /api/** with the browser session's cookie; writes carry the CSRF token.
import type { components } from './api-types';

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

/**
 * The answer to a GET that boot.js (src/boot.js) started before the app's bundle ran (a run page's run), once: the first read
 * of that path takes it; every later read goes to the server. A failed early fetch is simply made again.
 */
function takeEarly(path: string): Promise<Response | undefined> | undefined {
  const early = (window as { __strataEarly?: { path: string; response: Promise<Response> } }).__strataEarly;
  if (!early || early.path !== path.replace(/^\//, '')) return undefined;
  delete (window as { __strataEarly?: unknown }).__strataEarly;
  return early.response.catch(() => undefined);
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
  const response = await (method === 'GET' && takeEarly(path))
    || await fetch(url, { ...init, method, headers, body, credentials: 'same-origin' });
  // (a 401 is answered before its body is read: the page is leaving)
  return answer<T>(url, response.status, response.statusText, response.status === 401 ? '' : await response.text());
}

/**
 * A service's answer to a call of `url`: its JSON body, or an ApiError with its problem details. A 401 means the session
 * ended: the page signs in again and comes back to this very page.
 */
function answer<T>(url: string, status: number, statusText: string, text: string): T {
  if (status === 401) {
    window.location.assign(window.location.pathname + window.location.search);
    throw new ApiError({ status: 401, title: 'Signing in again' }, url);
  }
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (status < 200 || status >= 300) {
    const problem: Problem = parsed && typeof parsed === 'object'
      ? { status, ...(parsed as object) }
      : { status, title: statusText, detail: text.slice(0, 300) };
    throw new ApiError(problem, url);
  }
  return parsed as T;
}

type Schemas = components['schemas'];

/**
 * A response as the service's OpenAPI describes it (generated into `api-types.ts`, where every field is optional: the
 * services' records do not say which they always send), with the fields `R` that the service always sends required.
 */
export type Sent<K extends keyof Schemas, R extends keyof Schemas[K] = never> =
  Omit<Schemas[K], R> & Required<Pick<Schemas[K], R>>;

export type Access = Sent<'registry.AccessView', 'principal' | 'namespaces'>;

export const canWrite = (role: string | undefined) => role === 'engineer' || role === 'admin';
/** Whether the role may use the SQL workspace, saved queries, charts and dashboards (analyst and up). */
export const canQuery = (role: string | undefined) => role === 'analyst' || canWrite(role);

export type Column = Sent<'registry.Column', 'name' | 'type'>;
export type Dataset = Omit<Sent<'registry.Dataset', 'namespace' | 'name'>, 'columns'> & { columns?: Column[] };
export type DatasetVersion = Omit<Sent<'registry.DatasetVersion', 'number' | 'rowCount' | 'bytes'>, 'columns'>
  & { columns?: Column[] };
export type Preview = Omit<Sent<'registry.Preview', 'dataset' | 'table' | 'rows' | 'limit'>, 'columns'> & { columns: Column[] };
export type LineageGraph = {
  root: string;
  nodes: Sent<'registry.Node', 'dataset' | 'registered'>[];
  edges: (Omit<Sent<'registry.Edge', 'upstream' | 'downstream'>, 'columns'>
    & { columns?: Sent<'registry.ColumnEdge', 'from' | 'to'>[] })[];
};
export type Pipeline = Sent<'scheduler.PipelineView', 'namespace' | 'id' | 'version'>;
/** A valid pipeline as the scheduler's validator answers it: its task graph laid out, next fires and params. */
export type ValidPipeline = Sent<'scheduler.ValidView', 'valid' | 'namespace' | 'id' | 'tasks'>;
export type PipelineTask = Sent<'scheduler.TaskNode', 'id' | 'type'>;
export type NextFires = Sent<'scheduler.NextFires', 'paused'>;
export type Backfill = Sent<'scheduler.Backfill', 'id' | 'namespace' | 'pipelineId' | 'state'>;
export type TaskRun = Sent<'scheduler.TaskRunView', 'id' | 'taskId' | 'type' | 'state' | 'attempt' | 'maxAttempts'>;
/** A run, its task runs and its transitions (a list of plain objects in the OpenAPI: typed here). */
export type Run = Omit<Sent<'scheduler.RunView', 'id' | 'namespace' | 'pipelineId' | 'pipelineVersion' | 'trigger' | 'state'
  | 'createdAt'>, 'tasks' | 'transitions'> & { tasks?: TaskRun[]; transitions?: RunTransition[] };

/** A committed state change of a run (no taskId) or of one of its task runs. */
export interface RunTransition { taskId?: string | null; from?: string | null; to: string; attempt: number; reason?: string | null; at: string }

export const RUN_ACTIVE = new Set(['queued', 'running']);

interface ManifestModel { name: string; file: string; materialized: string; relation: string; refs?: string[]; tags?: string[] }
interface ManifestTest { name: string; test: string; on: string; severity: string }
/** A transform project's version; its manifest is a JSON object (a JsonNode in the OpenAPI), typed as the engine writes it. */
export type ProjectVersion = Omit<Sent<'transform.ProjectVersion', 'id' | 'namespace' | 'project' | 'version' | 'sha256' | 'models'
  | 'tests' | 'uploadedBy' | 'uploadedAt'>, 'manifest'>
  & { manifest?: { models?: ManifestModel[]; tests?: ManifestTest[]; sources?: string[] } };
export type NodeRun = Sent<'transform.NodeRun', 'node' | 'kind' | 'status' | 'durationMs'>;
/** A transform build; its steps (`nodes`) come with a read of one build. */
export type Build = Omit<Sent<'transform.Build', 'id' | 'namespace' | 'project' | 'versionId' | 'status' | 'createdAt'>, 'nodes'>
  & { nodes?: NodeRun[] };

/** Every service's API as the gateway describes it (`GET /api/openapi`), generated: see scripts/api-types.mjs. */
export type { components, paths } from './api-types';

/**
 * A file sent as the raw body of a POST, reporting its progress (fetch cannot tell how much of a body went out; an
 * XMLHttpRequest can): `onProgress(sent, total)` as the bytes leave. Answers and fails as `api` does.
 */
export function upload<T>(path: string, file: Blob, onProgress: (sent: number, total: number) => void,
  signal?: AbortSignal): Promise<T> {
  const url = '/api/' + path.replace(/^\//, '');
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    const token = csrfToken();
    if (token) xhr.setRequestHeader('X-CSRF-Token', token);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError({ status: 0, title: 'The network failed while sending the file' }, url));
    xhr.onabort = () => reject(new ApiError({ status: 0, title: 'Cancelled' }, url));
    xhr.onload = () => {
      try {
        resolve(answer<T>(url, xhr.status, xhr.statusText, xhr.responseText));
      } catch (e) {
        reject(e);
      }
    };
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
