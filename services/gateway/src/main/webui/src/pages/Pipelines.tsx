import { useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { basicSetup, EditorView } from 'codemirror';
import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { editorTheme as theme, range } from '../editor';
import { api, ApiError, type Pipeline, type Run } from '../api';
import { useRole } from '../Shell';
import { formatTime, usePrefs } from '../prefs';
import { Loading, ProblemView } from '../ui';
import { RunGrid } from './run/RunGrid';

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

/** Validates as you type against the scheduler's own validator (POST /api/scheduler/v1/pipelines/validate). */
const serverLint = linter(async (view): Promise<Diagnostic[]> => {
  const doc = view.state.doc;
  try {
    await api('scheduler/v1/pipelines/validate', { method: 'POST', yaml: doc.toString() });
    return [];
  } catch (e) {
    if (!(e instanceof ApiError) || e.problem.status !== 400) return [];
    const errors = e.problem.errors?.length ? e.problem.errors : [{ message: e.problem.detail ?? 'invalid' }];
    return errors.map((err) => ({
      ...range(doc, 'line' in err ? err.line : undefined, 'column' in err ? err.column : undefined),
      severity: 'error' as const,
      message: ('path' in err && err.path ? `${err.path}: ` : '') + err.message,
    }));
  }
}, { delay: 350 });


function YamlEditor({ initial, onChange, readOnly }: { initial: string; onChange: (text: string) => void; readOnly: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const changed = useRef(onChange);
  changed.current = onChange;
  useEffect(() => {
    // in a shadow root: CodeMirror then styles itself with constructed style sheets, which the CSP (no
    // 'unsafe-inline') allows, instead of <style> elements, which it refuses
    const shadow = host.current!.shadowRoot ?? host.current!.attachShadow({ mode: 'open' });
    const view = new EditorView({
      parent: shadow,
      root: shadow,
      state: EditorState.create({
        doc: initial,
        extensions: [basicSetup, yaml(), serverLint, lintGutter(), EditorState.readOnly.of(readOnly),
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
  const trigger = useMutation({
    mutationFn: () => api<Run>(`scheduler/v1/pipelines/${encodeURIComponent(ns)}/${encodeURIComponent(id)}/runs`,
      { method: 'POST', json: { params: {} } }),
    onSuccess: (run) => navigate({ to: '/namespaces/$ns/runs/$runId', params: { ns, runId: run.id } }),
  });

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
          {!isNew && (
            <button type="button" disabled={trigger.isPending} onClick={() => trigger.mutate()}>Trigger run</button>
          )}
          {save.isSuccess && <span role="status">Saved version {save.data.version}.</span>}
        </div>
      )}
      <ProblemView error={save.error} what="Saving" />
      <ProblemView error={trigger.error} what="Triggering" />
      {initial === null ? <Loading /> : <YamlEditor initial={initial} onChange={setText} readOnly={!writer} />}
      {!writer && <p className="muted">Read only: your role in {ns} cannot change pipelines.</p>}
      {pipeline.data && (
        <>
          <h2>Recent runs</h2>
          <RunGrid ns={ns} pipelineId={id} tasks={pipeline.data.tasks ?? []} />
        </>
      )}
    </section>
  );
}
