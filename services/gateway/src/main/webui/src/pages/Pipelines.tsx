import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { basicSetup, EditorView } from 'codemirror';
import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { editorTheme as theme, range } from '../editor';
import { api, ApiError, type Pipeline, type ValidPipeline } from '../api';
import { useRole } from '../Shell';
import { formatTime, usePrefs } from '../prefs';
import { Loading, ProblemView } from '../ui';
import { RunGrid } from './run/RunGrid';
import { BackfillControl, NextFireTimes, PauseControl, PipelineDag, TriggerControl, type Drawn } from './pipeline/PipelineParts';

export function PipelinesPage() {
  const { ns } = useParams({ from: '/namespaces/$ns/pipelines' });
  const { writer } = useRole(ns);
  const prefs = usePrefs();
  const pipelines = useQuery({
    queryKey: ['pipelines', ns],
    queryFn: () => api<Pipeline[]>(`scheduler/v1/pipelines?namespace=${encodeURIComponent(ns)}`),
  });
  return (
    <section>
      <h1>Pipelines</h1>
      {writer && (
        <p><Link className="button" to="/namespaces/$ns/pipelines/$id" params={{ ns, id: 'new' }}>New pipeline</Link></p>
      )}
      <ProblemView error={pipelines.error} what="Listing pipelines" />
      {pipelines.isPending ? <Loading /> : (
        <table className="grid" data-testid="pipelines">
          <thead><tr><th>Pipeline</th><th>Version</th><th>Schedule</th><th>Next fire</th><th>Tasks</th><th>Runs</th></tr></thead>
          <tbody>
            {(pipelines.data ?? []).map((p) => (
              <tr key={p.id}>
                <td><Link to="/namespaces/$ns/pipelines/$id" params={{ ns, id: p.id }}>{p.id}</Link></td>
                <td>{p.version}</td>
                <td>{p.schedule ? <code>{p.schedule}</code> : '—'}{p.timezone ? ` (${p.timezone})` : ''}</td>
                <td>{formatTime(p.nextFireAt, prefs.tz)}</td>
                <td>{(p.tasks ?? []).length}</td>
                <td><Link to="/namespaces/$ns/runs" params={{ ns }} search={{ pipeline: p.id, since: '7d' }}>runs</Link></td>
              </tr>
            ))}
            {pipelines.data?.length === 0 && <tr><td colSpan={6} className="muted">No pipeline yet.</td></tr>}
          </tbody>
        </table>
      )}
    </section>
  );
}

const TEMPLATE = (ns: string) => `namespace: ${ns}
id: my-pipeline
description: What it does
tasks:
  - id: hello
    type: sql
    inputs:
      sql: select 1
`;

/**
 * Validates as you type against the scheduler's own validator (POST /api/scheduler/v1/pipelines/validate); its valid
 * answer (the task graph laid out, the next fires, the params) goes to the page: the DAG is drawn from it, no second
 * request per keystroke.
 */
const serverLint = (answered: { current: (valid: ValidPipeline | null) => void }) => linter(async (view): Promise<Diagnostic[]> => {
  const doc = view.state.doc;
  try {
    answered.current(await api<ValidPipeline>('scheduler/v1/pipelines/validate', { method: 'POST', yaml: doc.toString() }));
    return [];
  } catch (e) {
    if (!(e instanceof ApiError) || e.problem.status !== 400) return [];
    answered.current(null);
    const errors = e.problem.errors?.length ? e.problem.errors : [{ message: e.problem.detail ?? 'invalid' }];
    return errors.map((err) => ({
      ...range(doc, 'line' in err ? err.line : undefined, 'column' in err ? err.column : undefined),
      severity: 'error' as const,
      message: ('path' in err && err.path ? `${err.path}: ` : '') + err.message,
    }));
  }
}, { delay: 350 });

function YamlEditor({ initial, onChange, onValidated, readOnly }: {
  initial: string;
  onChange: (text: string) => void;
  /** The validator's answer to the text: valid (with its graph), or null when it found errors. */
  onValidated: (valid: ValidPipeline | null) => void;
  readOnly: boolean;
}) {
  const host = useRef<HTMLDivElement>(null);
  const changed = useRef(onChange);
  changed.current = onChange;
  const validated = useRef(onValidated);
  validated.current = onValidated;
  useEffect(() => {
    // in a shadow root: CodeMirror then styles itself with constructed style sheets, which the CSP (no
    // 'unsafe-inline') allows, instead of <style> elements, which it refuses
    const shadow = host.current!.shadowRoot ?? host.current!.attachShadow({ mode: 'open' });
    const view = new EditorView({
      parent: shadow,
      root: shadow,
      state: EditorState.create({
        doc: initial,
        extensions: [basicSetup, yaml(), serverLint(validated), lintGutter(), EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly), theme,
          EditorView.contentAttributes.of({ 'aria-label': 'Pipeline YAML' }),
          EditorView.updateListener.of((u) => u.docChanged && changed.current(u.state.doc.toString()))],
      }),
    });
    return () => view.destroy();
  }, [initial, readOnly]);
  return <div ref={host} className="editor" data-testid="editor" />;
}

export function PipelinePage() {
  const { ns, id } = useParams({ from: '/namespaces/$ns/pipelines/$id' });
  const { writer } = useRole(ns);
  const prefs = usePrefs();
  const navigate = useNavigate();
  const client = useQueryClient();
  const isNew = id === 'new';
  const pipeline = useQuery({
    queryKey: ['pipeline', ns, id],
    queryFn: () => api<Pipeline>(`scheduler/v1/pipelines/${encodeURIComponent(ns)}/${encodeURIComponent(id)}`),
    enabled: !isNew,
  });
  const initial = useMemo(() => (isNew ? TEMPLATE(ns) : pipeline.data?.yaml ?? null), [isNew, ns, pipeline.data?.yaml]);
  const [text, setText] = useState<string>();
  const save = useMutation({
    // (the scheduler's OpenAPI describes this answer only as JSON: the saved pipeline's identity, typed here)
    mutationFn: (yamlText: string) => api<{ namespace: string; id: string; version: number }>(
      'scheduler/v1/pipelines', { method: 'POST', yaml: yamlText }),
    onSuccess: (saved) => {
      client.invalidateQueries({ queryKey: ['pipelines', ns] });
      client.invalidateQueries({ queryKey: ['pipeline', ns, saved.id] });
      if (saved.id !== id) navigate({ to: '/namespaces/$ns/pipelines/$id', params: { ns, id: saved.id } });
    },
  });
  // the DAG, next fires and params of the last valid YAML (the validator's answer), the saved pipeline's until then
  const [validated, setValidated] = useState<{ drawn: Drawn; stale: boolean }>();
  const onValidated = useCallback((valid: ValidPipeline | null) => setValidated((before) => (valid
    ? { drawn: { graph: (valid.graph ?? []) as Drawn['graph'], layout: valid.layout, nextFires: valid.nextFires as Drawn['nextFires'], params: valid.params }, stale: false }
    : before && { ...before, stale: true })), []);
  const saved = pipeline.data;
  const drawn: Drawn | undefined = validated?.drawn ?? (saved?.graph ? {
    graph: saved.graph as Drawn['graph'], layout: saved.layout, nextFires: saved.nextFires as Drawn['nextFires'], params: saved.params,
  } : undefined);
  // a saved pipeline says whether it is paused; the YAML being typed cannot
  const fires = drawn?.nextFires && saved?.paused ? { ...drawn.nextFires, paused: true, at: [] } : drawn?.nextFires;

  return (
    <section>
      <p className="crumbs"><Link to="/namespaces/$ns/pipelines" params={{ ns }}>Pipelines</Link> / {ns}</p>
      <h1>{isNew ? 'New pipeline' : id}</h1>
      <ProblemView error={pipeline.error} what="Reading the pipeline" />
      {pipeline.data && (
        <dl className="facts">
          <dt>Version</dt><dd>{pipeline.data.version}</dd>
          <dt>Schedule</dt><dd>{pipeline.data.schedule ?? 'none'}{pipeline.data.timezone ? ` (${pipeline.data.timezone})` : ''}</dd>
          <dt>Next fire</dt><dd>{formatTime(pipeline.data.nextFireAt, prefs.tz)}</dd>
          <dt>Tasks</dt><dd>{(pipeline.data.tasks ?? []).join(', ')}</dd>
        </dl>
      )}
      {writer && (
        <div className="toolbar">
          <button type="button" disabled={save.isPending || text === undefined}
            onClick={() => text !== undefined && save.mutate(text)}>{save.isPending ? 'Saving…' : 'Save'}</button>
          {save.isSuccess && <span role="status">Saved version {save.data.version}.</span>}
        </div>
      )}
      <ProblemView error={save.error} what="Saving" />
      {writer && !isNew && saved && (
        <div className="toolbar">
          <TriggerControl ns={ns} id={id} declared={drawn?.params ?? saved.params} />
          <PauseControl ns={ns} pipeline={saved} />
        </div>
      )}
      {initial === null ? <Loading /> : <YamlEditor initial={initial} onChange={setText} onValidated={onValidated} readOnly={!writer} />}
      {!writer && <p className="muted">Read only: your role in {ns} cannot change pipelines.</p>}
      <div className="pipeline-panels">
        <div>
          <h2>Tasks</h2>
          <PipelineDag drawn={drawn} stale={validated?.stale ?? false} />
        </div>
        <div>
          <h2>Next fires</h2>
          <NextFireTimes fires={fires} />
        </div>
      </div>
      {writer && !isNew && saved && <BackfillControl ns={ns} id={id} scheduled={!!saved.schedule} />}
      {pipeline.data && (
        <>
          <h2>Recent runs</h2>
          <RunGrid ns={ns} pipelineId={id} tasks={pipeline.data.tasks ?? []} />
        </>
      )}
    </section>
  );
}
