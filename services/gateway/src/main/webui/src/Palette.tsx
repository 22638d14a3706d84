// The command palette (Ctrl/Cmd-K): jump to a section, a dataset or a pipeline of the current namespace by typing.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { api, type Dataset, type Pipeline } from './api';

interface Entry { label: string; hint: string; go: () => void }

/** Keyboard shortcuts: "g" then a key opens a section of the current namespace ("/" focuses the page's search). */
const GO_KEYS = {
  h: '/namespaces/$ns', c: '/namespaces/$ns/catalog', l: '/namespaces/$ns/lineage', p: '/namespaces/$ns/pipelines',
  r: '/namespaces/$ns/runs', j: '/namespaces/$ns/projects', n: '/namespaces/$ns/notifications',
} as const satisfies Record<string, string>;
const SECTION_NAMES: Record<string, string> = {
  '/namespaces/$ns': 'Home', '/namespaces/$ns/catalog': 'Catalog', '/namespaces/$ns/lineage': 'Lineage',
  '/namespaces/$ns/pipelines': 'Pipelines', '/namespaces/$ns/runs': 'Runs', '/namespaces/$ns/projects': 'Projects',
  '/namespaces/$ns/notifications': 'Notifications',
};

export function Palette({ ns }: { ns?: string }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [index, setIndex] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const navigate = useNavigate();

  useEffect(() => {
    let g = 0; // when "g" was pressed: the next key within a second picks a section
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOpen((o) => !o);
        return;
      }
      if (e.key === 'Escape') {
        setOpen(false);
        return;
      }
      // single keys never fire while the user types (a field, an editor) or holds a modifier
      const target = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey || !ns || target?.closest('input, textarea, select, [contenteditable=true]')) return;
      if (e.key === '/') {
        const search = document.querySelector<HTMLInputElement>('main input[type=search]');
        if (search) {
          e.preventDefault();
          search.focus();
        }
        return;
      }
      const section = Date.now() - g < 1000 ? GO_KEYS[e.key as keyof typeof GO_KEYS] : undefined;
      g = e.key === 'g' && !section ? Date.now() : 0;
      if (section) {
        e.preventDefault();
        navigate({ to: section, params: { ns } });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [ns, navigate]);
  useEffect(() => {
    if (open) {
      setText('');
      setIndex(0);
      input.current?.focus();
    }
  }, [open]);

  const datasets = useQuery({
    queryKey: ['datasets', ns, undefined, undefined],
    queryFn: () => api<Dataset[]>(`registry/v1/datasets?namespace=${encodeURIComponent(ns!)}&limit=500`),
    enabled: open && !!ns,
  });
  const pipelines = useQuery({
    queryKey: ['pipelines', ns],
    queryFn: () => api<Pipeline[]>(`scheduler/v1/pipelines?namespace=${encodeURIComponent(ns!)}`),
    enabled: open && !!ns,
  });

  const entries = useMemo<Entry[]>(() => {
    if (!ns) return [];
    const close = (go: () => void) => () => {
      setOpen(false);
      go();
    };
    const all: Entry[] = [
      { label: 'Home', hint: 'section · g h', go: close(() => navigate({ to: '/namespaces/$ns', params: { ns } })) },
      ...Object.entries(GO_KEYS).filter(([, to]) => to !== '/namespaces/$ns').map(([key, to]) => ({
        label: SECTION_NAMES[to], hint: `section · g ${key}`, go: close(() => navigate({ to, params: { ns } })),
      })),
      ...(datasets.data ?? []).map((d) => ({
        label: d.name, hint: `dataset${d.layer ? ` · ${d.layer}` : ''}`,
        go: close(() => navigate({ to: '/namespaces/$ns/datasets/$name', params: { ns, name: d.name } })),
      })),
      ...(pipelines.data ?? []).map((p) => ({
        label: p.id, hint: 'pipeline',
        go: close(() => navigate({ to: '/namespaces/$ns/pipelines/$id', params: { ns, id: p.id } })),
      })),
    ];
    const wanted = text.trim().toLowerCase();
    return (wanted ? all.filter((e) => e.label.toLowerCase().includes(wanted)) : all).slice(0, 50);
  }, [ns, text, datasets.data, pipelines.data, navigate]);

  if (!open) return null;
  return (
    <div className="palette-backdrop" onClick={() => setOpen(false)}>
      <div role="dialog" aria-modal="true" aria-label="Go to" className="palette" onClick={(e) => e.stopPropagation()}>
        <input ref={input} value={text} placeholder="Go to a section, dataset or pipeline…" aria-label="Go to"
          maxLength={200} role="combobox" aria-expanded="true" aria-controls="palette-list"
          onChange={(e) => {
            setText(e.target.value);
            setIndex(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setIndex((i) => Math.min(i + 1, entries.length - 1));
            else if (e.key === 'ArrowUp') setIndex((i) => Math.max(i - 1, 0));
            else if (e.key === 'Enter') entries[index]?.go();
            else return;
            e.preventDefault();
          }} />
        <ul id="palette-list" role="listbox" aria-label="Matches">
          {entries.map((e, i) => (
            <li key={`${e.hint}:${e.label}`} role="option" aria-selected={i === index} onClick={e.go}
              onMouseEnter={() => setIndex(i)}>
              <span>{e.label}</span> <span className="muted">{e.hint}</span>
            </li>
          ))}
          {entries.length === 0 && <li className="muted" role="option" aria-selected="false">Nothing matches.</li>}
        </ul>
      </div>
    </div>
  );
}
