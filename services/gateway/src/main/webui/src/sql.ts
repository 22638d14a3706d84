// The SQL workspace's calls (issue 20): queries streamed as NDJSON, CSV export, the schema for completion, and the
// saved queries, charts and dashboards of a namespace (the registry's /api/v1/namespaces/{ns}/sql/**).
import { useQuery } from '@tanstack/react-query';
import { api, ApiError, csrfToken, type Problem } from './api';

export interface SqlColumn { name: string; type: string; table?: string | null }
export interface SqlEnd { rows: number; truncated: boolean; durationMs: number }
export interface SchemaTable { name: string; dataset?: string | null; columns: { name: string; type: string }[] }
export interface SqlSchema { schemas: { name: string; layer?: string | null; tables: SchemaTable[] }[] }

export const PARAMETER_TYPES = ['text', 'integer', 'number', 'date', 'boolean'] as const;
export interface QueryParameter { name: string; type: (typeof PARAMETER_TYPES)[number]; default?: string | null }
export interface SavedQuery { title: string; description?: string | null; sql: string; parameters?: QueryParameter[] | null }

export const CHART_TYPES = ['bar', 'line', 'area', 'scatter', 'pie', 'table', 'number'] as const;
export type ChartType = (typeof CHART_TYPES)[number];
export interface ChartMapping { x?: string | null; y?: string[] | null; series?: string | null }
export interface ChartDef {
  title: string;
  query: string;
  type: ChartType;
  mapping: ChartMapping;
  parameters?: Record<string, string> | null;
}
export interface Tile { chart: string; x: number; y: number; w: number; h: number }
export interface DashboardDef { title: string; refreshSeconds?: number | null; tiles: Tile[] }

/** A saved object as the API lists or reads it: its content plus name and version (extra fields are ignored). */
export type Stored<T> = T & { name: string; version?: number; updatedAt?: string; updatedBy?: string };

export const NAME_RULE = /^[a-z0-9-]{1,60}$/;
export const MAX_SQL_BYTES = 100 * 1024;

/**
 * The registry serves the workspace at its `/api/v1/namespaces/{ns}/sql/**`; through the gateway's usual
 * `/api/<service>/**` routing that is `/api/registry/v1/namespaces/{ns}/sql/**` (no route of its own needed).
 */
export const sqlPath = (ns: string, rest: string) => `registry/v1/namespaces/${encodeURIComponent(ns)}/sql/${rest}`;

/** Lists answer either an array or `{items: [...]}`: both are read. */
function items<T>(answer: unknown): T[] {
  if (Array.isArray(answer)) return answer as T[];
  const inner = answer && typeof answer === 'object' ? (answer as Record<string, unknown>).items : undefined;
  return Array.isArray(inner) ? (inner as T[]) : [];
}

export function useSqlSchema(ns: string) {
  return useQuery({ queryKey: ['sql-schema', ns], staleTime: 60_000, queryFn: () => api<SqlSchema>(sqlPath(ns, 'schema')) });
}

export function useSavedList<T>(ns: string, kind: 'saved-queries' | 'charts' | 'dashboards') {
  return useQuery({
    queryKey: ['sql', kind, ns],
    queryFn: async () => items<Stored<T>>(await api<unknown>(sqlPath(ns, kind)))
      .sort((a, b) => a.name.localeCompare(b.name)),
  });
}

export function readSaved<T>(ns: string, kind: 'saved-queries' | 'charts' | 'dashboards', name: string) {
  return api<Stored<T>>(sqlPath(ns, `${kind}/${encodeURIComponent(name)}`));
}

export function saveSaved<T>(ns: string, kind: 'saved-queries' | 'charts' | 'dashboards', name: string, body: T) {
  return api<Stored<T>>(sqlPath(ns, `${kind}/${encodeURIComponent(name)}`), { method: 'PUT', json: body });
}

/** A result value as text (numbers, strings, booleans as they are; objects as JSON; null as empty). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** `:name` parameters in the SQL, outside strings, comments and `::` casts, in order of appearance. */
export function detectParameters(sql: string): string[] {
  const found: string[] = [];
  const scrubbed = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, '""');
  for (const m of scrubbed.matchAll(/(^|[^:\w]):([a-zA-Z_][a-zA-Z0-9_]*)/g)) {
    if (!found.includes(m[2])) found.push(m[2]);
  }
  return found;
}

async function failure(response: Response, url: string): Promise<never> {
  if (response.status === 401) {
    window.location.assign(window.location.pathname + window.location.search);
    throw new ApiError({ status: 401, title: 'Signing in again' }, url);
  }
  const text = await response.text();
  let problem: Problem;
  try {
    problem = { status: response.status, ...JSON.parse(text) };
  } catch {
    problem = { status: response.status, title: response.statusText, detail: text.slice(0, 300) };
  }
  throw new ApiError(problem, url);
}

function post(path: string, body: unknown, accept: string, signal?: AbortSignal) {
  const headers = new Headers({ 'Content-Type': 'application/json', Accept: `${accept}, application/problem+json` });
  const token = csrfToken();
  if (token) headers.set('X-CSRF-Token', token);
  return fetch('/api/' + path, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin', signal });
}

export interface StreamHandlers {
  columns: (columns: SqlColumn[], queryId: string) => void;
  /** Rows as they arrive: one call per chunk read from the network. */
  rows: (rows: unknown[][]) => void;
  end: (end: SqlEnd) => void;
}

/**
 * Runs a query and reads its NDJSON answer line by line as it streams in. A problem before the first line throws
 * {@link ApiError}; one after (the `{"error":…}` line) throws too, after the rows already handed over.
 */
export async function streamQuery(path: string, body: unknown, on: StreamHandlers, signal?: AbortSignal) {
  const url = '/api/' + path;
  const response = await post(path, body, 'application/x-ndjson', signal);
  if (!response.ok) await failure(response, url);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let header = false;
  let ended = false;
  const line = (text: string, batch: unknown[][]) => {
    if (!text.trim()) return;
    const value = JSON.parse(text);
    if (Array.isArray(value)) batch.push(value);
    else if (!header && value.columns) {
      header = true;
      on.columns(value.columns, value.queryId);
    } else if (value.end) {
      ended = true;
      on.end(value.end);
    } else if (value.error) {
      throw new ApiError({ status: value.error.status ?? 500, ...value.error }, url);
    }
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (value) buffer += value;
    const batch: unknown[][] = [];
    const lines = buffer.split('\n');
    buffer = done ? '' : lines.pop()!;
    try {
      for (const l of lines) line(l, batch);
    } finally {
      if (batch.length) on.rows(batch);
    }
    if (done) break;
  }
  if (!ended) throw new ApiError({ status: 0, title: 'The answer ended before the query did' }, url);
}

/** Runs a query to its end and gives everything (chart tiles and previews: bounded by maxRows). */
export async function collectQuery(path: string, body: unknown, signal?: AbortSignal) {
  let columns: SqlColumn[] = [];
  const rows: unknown[][] = [];
  let end: SqlEnd | undefined;
  await streamQuery(path, body, {
    columns: (c) => (columns = c), rows: (r) => rows.push(...r), end: (e) => (end = e),
  }, signal);
  return { columns, rows, end: end! };
}

export function cancelQuery(ns: string, queryId: string) {
  return api<void>(sqlPath(ns, `queries/${encodeURIComponent(queryId)}`), { method: 'DELETE' });
}

function download(blob: Blob, filename: string) {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/** The full result as CSV: the server streams it (no row cap); the browser writes it to a file. */
export async function exportCsv(ns: string, sql: string, parameters: Record<string, string>) {
  const path = sqlPath(ns, 'exports');
  const response = await post(path, { sql, parameters }, 'text/csv');
  if (!response.ok) await failure(response, '/api/' + path);
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? 'query.csv';
  download(await response.blob(), filename);
  return filename;
}

/** A saved object as YAML (the API's own rendering), downloaded as `<name>.yaml`. */
export async function exportYaml(ns: string, kind: 'saved-queries' | 'charts' | 'dashboards', name: string) {
  const path = sqlPath(ns, `${kind}/${encodeURIComponent(name)}`);
  const response = await fetch('/api/' + path, {
    headers: { Accept: 'application/yaml, application/problem+json' }, credentials: 'same-origin',
  });
  if (!response.ok) await failure(response, '/api/' + path);
  download(new Blob([await response.text()], { type: 'application/yaml' }), `${name}.yaml`);
}

/** The dataset behind a result column's table (`ns__layer.table`), from the schema answer, if the catalog has one. */
export function datasetOf(schema: SqlSchema | undefined, table: string | null | undefined): string | undefined {
  if (!schema || !table) return undefined;
  const dot = table.lastIndexOf('.');
  const [schemaName, tableName] = dot < 0 ? ['', table] : [table.slice(0, dot), table.slice(dot + 1)];
  for (const s of schema.schemas) {
    if (schemaName && s.name !== schemaName) continue;
    const t = s.tables.find((x) => x.name === tableName);
    // the dataset is named `layer.name` by the SQL API; the catalog's page is by name
    if (t?.dataset) return t.dataset.slice(t.dataset.lastIndexOf('.') + 1);
  }
  return undefined;
}

export function newQueryId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
