// The SQL editor (issue 20): CodeMirror with PostgreSQL and the namespace's schemas, tables and columns to complete;
// Run (Ctrl/Cmd-Enter) streams the rows into the grid as they arrive; Cancel stops the query on the server; a syntax
// error is marked where Postgres found it; the full result exports as CSV; the SQL saves as a saved query.
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { basicSetup, EditorView } from 'codemirror';
import { PostgreSQL, sql, type SQLNamespace } from '@codemirror/lang-sql';
import { diagnosticCount, lintGutter, setDiagnostics } from '@codemirror/lint';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { ApiError } from '../api';
import { editorHighlight, editorTheme, range } from '../editor';
import { formatDuration } from '../prefs';
import { Loading, ProblemView } from '../ui';
import {
  cancelQuery, detectParameters, exportCsv, MAX_SQL_BYTES, NAME_RULE, newQueryId, PARAMETER_TYPES, readSaved,
  saveSaved, sqlPath, streamQuery, useSavedList, useSqlSchema, type QueryParameter, type SavedQuery, type SqlColumn,
  type SqlEnd, type SqlSchema,
} from '../sql';
import { ResultGrid } from './SqlResults';

const MAX_ROWS = [100, 1000, 10000];

/** What lang-sql completes: every schema with its tables and columns, and the tables alone (the search_path). */
function completionsOf(schema: SqlSchema | undefined): SQLNamespace {
  const top: Record<string, SQLNamespace> = {};
  const bare: Record<string, SQLNamespace> = {};
  for (const s of schema?.schemas ?? []) {
    const tables: Record<string, SQLNamespace> = {};
    for (const t of s.tables) {
      const columns = t.columns.map((c) => ({ label: c.name, type: 'property', detail: c.type }));
      tables[t.name] = { self: { label: t.name, type: 'type', detail: s.layer ?? s.name }, children: columns };
      if (!(t.name in bare)) bare[t.name] = tables[t.name];
    }
    top[s.name] = { self: { label: s.name, type: 'namespace', detail: 'schema' }, children: tables };
  }
  return { ...bare, ...top };
}

interface Marker { line?: number; column?: number; position?: number; message: string }

function SqlCodeEditor({ doc, schema, onChange, onRun, marker }: {
  doc: string; schema?: SqlSchema; onChange: (text: string) => void; onRun: () => void; marker?: Marker;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | undefined>(undefined);
  const language = useMemo(() => new Compartment(), []);
  const changed = useRef(onChange);
  changed.current = onChange;
  const run = useRef(onRun);
  run.current = onRun;

  useEffect(() => {
    // a shadow root: CodeMirror's styles as constructed style sheets, which the CSP allows (see Pipelines)
    const shadow = host.current!.shadowRoot ?? host.current!.attachShadow({ mode: 'open' });
    const editor = new EditorView({
      parent: shadow,
      root: shadow,
      state: EditorState.create({
        doc,
        extensions: [
          Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (run.current(), true) }])),
          basicSetup, language.of(sql({ dialect: PostgreSQL, upperCaseKeywords: false })), lintGutter(), editorTheme, editorHighlight,
          EditorView.contentAttributes.of({ 'aria-label': 'SQL' }),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged) return;
            changed.current(u.state.doc.toString());
            // a marked error belongs to the text that was run: gone once the text changes (after this update)
            if (diagnosticCount(u.state) > 0) queueMicrotask(() => u.view.dispatch(setDiagnostics(u.view.state, [])));
          }),
        ],
      }),
    });
    view.current = editor;
    editor.focus();
    return () => editor.destroy();
  }, [doc, language]);

  useEffect(() => {
    view.current?.dispatch({
      effects: language.reconfigure(sql({ dialect: PostgreSQL, upperCaseKeywords: false, schema: completionsOf(schema) })),
    });
  }, [schema, language, doc]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    if (!marker) {
      editor.dispatch(setDiagnostics(editor.state, []));
      return;
    }
    const text = editor.state.doc;
    let where = range(text, marker.line, marker.column);
    if (marker.line == null && marker.position) {
      const at = Math.min(marker.position - 1, text.length);
      const line = text.lineAt(at);
      where = range(text, line.number, at - line.from + 1);
    }
    editor.dispatch(setDiagnostics(editor.state, [{ ...where, severity: 'error', message: marker.message }]));
  }, [marker]);

  return <div ref={host} className="editor sql-editor" data-testid="sql-editor" />;
}

type RunState =
  | { phase: 'idle' }
  | { phase: 'running'; queryId: string; started: number }
  | { phase: 'done'; end: SqlEnd }
  | { phase: 'cancelled' }
  | { phase: 'failed'; error: unknown };

export function SqlEditorPage() {
  const { ns } = useParams({ from: '/namespaces/$ns/sql' });
  const { q } = useSearch({ from: '/namespaces/$ns/sql' });
  const navigate = useNavigate({ from: '/namespaces/$ns/sql' });
  const client = useQueryClient();
  const schema = useSqlSchema(ns);
  const saved = useSavedList<SavedQuery>(ns, 'saved-queries');
  const opened = useQuery({
    queryKey: ['sql', 'saved-queries', ns, q], enabled: !!q,
    queryFn: () => readSaved<SavedQuery>(ns, 'saved-queries', q!),
  });

  const [doc, setDoc] = useState('select 1;');
  const [text, setText] = useState(doc);
  const [declared, setDeclared] = useState<QueryParameter[]>([]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [maxRows, setMaxRows] = useState(1000);
  const [columns, setColumns] = useState<SqlColumn[]>([]);
  const rows = useRef<unknown[][]>([]);
  const [version, setVersion] = useState(0);
  const [state, setState] = useState<RunState>({ phase: 'idle' });
  const [marker, setMarker] = useState<Marker>();
  const [exporting, setExporting] = useState<string>();
  const [exportError, setExportError] = useState<unknown>();
  const abort = useRef<AbortController | undefined>(undefined);
  const frame = useRef(0);

  useEffect(() => {
    if (!q) return;
    if (!opened.data) return;
    setDoc(opened.data.sql);
    setText(opened.data.sql);
    setDeclared(opened.data.parameters ?? []);
    setValues(Object.fromEntries((opened.data.parameters ?? []).map((p) => [p.name, p.default ?? ''])));
  }, [q, opened.data]);

  const names = useMemo(() => detectParameters(text), [text]);
  const parameters = names.map((n) => declared.find((p) => p.name === n) ?? { name: n, type: 'text' as const, default: '' });
  const bound = Object.fromEntries(names.map((n) => [n, values[n] ?? parameters.find((p) => p.name === n)?.default ?? '']));
  const tooBig = new Blob([text]).size > MAX_SQL_BYTES;

  const run = useCallback(() => {
    if (state.phase === 'running' || tooBig || !text.trim()) return;
    const queryId = newQueryId();
    const controller = new AbortController();
    abort.current = controller;
    rows.current = [];
    setColumns([]);
    setVersion((v) => v + 1);
    setMarker(undefined);
    setState({ phase: 'running', queryId, started: Date.now() });
    streamQuery(sqlPath(ns, 'queries'), { sql: text, parameters: bound, maxRows, queryId }, {
      columns: (c) => setColumns(c),
      rows: (batch) => {
        for (const row of batch) rows.current.push(row);
        // one repaint per frame however fast the rows come
        if (!frame.current) {
          frame.current = requestAnimationFrame(() => {
            frame.current = 0;
            setVersion((v) => v + 1);
          });
        }
      },
      end: (end) => {
        setVersion((v) => v + 1);
        setState({ phase: 'done', end });
      },
    }, controller.signal).catch((error) => {
      if (controller.signal.aborted) {
        setState({ phase: 'cancelled' });
        return;
      }
      if (error instanceof ApiError && error.problem.status === 400 && (error.problem.line || error.problem.position)) {
        const p = error.problem;
        setMarker({ line: p.line as number | undefined, column: p.column as number | undefined,
          position: p.position as number | undefined, message: p.detail ?? p.title ?? 'syntax error' });
      }
      setState({ phase: 'failed', error });
    });
  }, [state.phase, tooBig, text, bound, maxRows, ns]);

  const cancel = () => {
    if (state.phase !== 'running') return;
    abort.current?.abort();
    // the server stops the statement too (pg_cancel_backend); a query already over answers 404: nothing to do
    cancelQuery(ns, state.queryId).catch(() => undefined);
  };
  useEffect(() => () => abort.current?.abort(), []);

  const download = async () => {
    setExportError(undefined);
    setExporting('Exporting…');
    try {
      const file = await exportCsv(ns, text, bound);
      setExporting(`Exported ${file}.`);
    } catch (e) {
      setExporting(undefined);
      setExportError(e);
    }
  };

  const [saveName, setSaveName] = useState('');
  const [saveTitle, setSaveTitle] = useState('');
  useEffect(() => {
    setSaveName(q ?? '');
    setSaveTitle(opened.data?.title ?? '');
  }, [q, opened.data]);
  const save = useMutation({
    mutationFn: () => saveSaved<SavedQuery>(ns, 'saved-queries', saveName, {
      title: saveTitle.trim() || saveName,
      description: opened.data?.description ?? null,
      sql: text,
      parameters: parameters.map((p) => ({ name: p.name, type: p.type, default: values[p.name] ?? p.default ?? '' })),
    }),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['sql', 'saved-queries', ns] });
      if (saveName !== q) navigate({ search: { q: saveName } });
    },
  });
  const submitSave = (e: FormEvent) => {
    e.preventDefault();
    if (NAME_RULE.test(saveName)) save.mutate();
  };

  const setType = (name: string, type: QueryParameter['type']) =>
    setDeclared((d) => [...d.filter((p) => p.name !== name), { ...(d.find((p) => p.name === name) ?? { name }), type }]);

  const elapsed = state.phase === 'running' ? null : state.phase === 'done' ? state.end.durationMs : null;

  return (
    <section>
      <h1>SQL {q && <span className="muted">· {opened.data?.title ?? q}</span>}</h1>
      <div className="toolbar">
        <label className="field">
          <span>Saved query</span>
          <select value={q ?? ''} data-testid="saved-queries"
            onChange={(e) => navigate({ search: { q: e.target.value || undefined } })}>
            <option value="">new query</option>
            {(saved.data ?? []).map((s) => <option key={s.name} value={s.name}>{s.title || s.name} ({s.name})</option>)}
          </select>
        </label>
        <label className="field">
          <span>Rows on screen</span>
          <select value={maxRows} onChange={(e) => setMaxRows(Number(e.target.value))}>
            {MAX_ROWS.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
        <button type="button" onClick={run} disabled={state.phase === 'running' || tooBig}
          title="Run (Ctrl-Enter)">Run</button>
        <button type="button" onClick={cancel} disabled={state.phase !== 'running'}>Cancel</button>
        <button type="button" onClick={download} disabled={tooBig || exporting === 'Exporting…'}>Export CSV</button>
        {q && <Link className="button" to="/namespaces/$ns/charts/$name" params={{ ns, name: 'new' }}
          search={{ query: q }}>Make a chart</Link>}
        <span className="kbd">Ctrl Enter runs</span>
      </div>
      <ProblemView error={saved.error} what="Listing saved queries" />
      <ProblemView error={opened.error} what={`Opening saved query ${q}`} />
      <ProblemView error={schema.error} what="Reading the tables you may query" />
      {q && opened.isPending ? <Loading /> : (
        <SqlCodeEditor doc={doc} schema={schema.data} onChange={setText} onRun={run} marker={marker} />
      )}
      {tooBig && <p role="alert" className="problem">The SQL is over 100 KB: shorten it to run it.</p>}
      {parameters.length > 0 && (
        <fieldset className="params">
          <legend>Parameters</legend>
          {parameters.map((p) => (
            <span key={p.name} className="param">
              <label className="field">
                <span>:{p.name}</span>
                <input value={values[p.name] ?? p.default ?? ''} maxLength={1000}
                  onChange={(e) => setValues((v) => ({ ...v, [p.name]: e.target.value }))} />
              </label>
              <label className="field">
                <span>type of {p.name}</span>
                <select value={p.type} onChange={(e) => setType(p.name, e.target.value as QueryParameter['type'])}>
                  {PARAMETER_TYPES.map((t) => <option key={t}>{t}</option>)}
                </select>
              </label>
            </span>
          ))}
        </fieldset>
      )}
      <form className="toolbar" onSubmit={submitSave} aria-label="Save as a saved query">
        <label className="field">
          <span>Name</span>
          <input value={saveName} onChange={(e) => setSaveName(e.target.value.trim())} maxLength={60}
            pattern="[a-z0-9\-]{1,60}" placeholder="revenue-by-day" aria-invalid={saveName !== '' && !NAME_RULE.test(saveName)} />
        </label>
        <label className="field">
          <span>Title</span>
          <input value={saveTitle} onChange={(e) => setSaveTitle(e.target.value)} maxLength={200} placeholder="Revenue by day" />
        </label>
        <button type="submit" disabled={!NAME_RULE.test(saveName) || save.isPending || tooBig}>
          {save.isPending ? 'Saving…' : 'Save query'}
        </button>
        {saveName !== '' && !NAME_RULE.test(saveName) && (
          <span className="error-text">Names are 1–60 lower-case letters, digits and “-”.</span>
        )}
        {save.isSuccess && <span role="status">Saved {save.data?.name ?? saveName}{save.data?.version ? ` as version ${save.data.version}` : ''}.</span>}
      </form>
      <ProblemView error={save.error} what="Saving the query" />
      <ProblemView error={exportError} what="Exporting CSV" />
      {exporting && exporting !== 'Exporting…' && <p role="status" className="muted">{exporting}</p>}
      <div role="status" className="result-status" data-testid="result-status">
        {state.phase === 'running' && <span aria-busy="true">Running… {rows.current.length} rows so far</span>}
        {state.phase === 'done' && (
          <span>
            {state.end.rows} row{state.end.rows === 1 ? '' : 's'} in {formatDuration(elapsed)}
            {state.end.truncated && <strong> · truncated at {maxRows} rows: Export CSV gives them all</strong>}
          </span>
        )}
        {state.phase === 'cancelled' && <span>Cancelled after {rows.current.length} rows.</span>}
      </div>
      {state.phase === 'failed' && <QueryProblem error={state.error} />}
      {columns.length > 0 && (
        <ResultGrid ns={ns} columns={columns} rows={rows.current} version={version} schema={schema.data} />
      )}
    </section>
  );
}

/** A failed query: the title says what kind (syntax, refused, timed out), the detail is Postgres's or the server's sentence. */
function QueryProblem({ error }: { error: unknown }) {
  if (!(error instanceof ApiError)) return <ProblemView error={error} what="Running the query" />;
  const p = error.problem;
  return (
    <div role="alert" className="problem" data-testid="query-problem">
      <strong>{p.title ?? 'The query failed'}{p.status ? ` (${p.status})` : ''}</strong>
      {p.line != null && <span> at line {String(p.line)}{p.column != null ? `, column ${String(p.column)}` : ''}</span>}
      {p.detail && <>: {p.detail}</>}
      {typeof p.sqlState === 'string' && <span className="muted"> (SQLSTATE {p.sqlState})</span>}
    </div>
  );
}
