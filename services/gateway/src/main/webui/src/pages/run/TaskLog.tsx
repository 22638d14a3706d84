import { useCallback, useEffect, useRef, useState, type ClipboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { api, type Sent, type TaskRun } from '../../api';
import { ProblemView } from '../../ui';

/** One line of a task run's log, as the scheduler sends it (`GET .../logs`, event `log` of `.../logs/stream`). */
type LogLine = Sent<'scheduler.LogLine', 'attempt' | 'seq' | 'ts' | 'level' | 'text'>;
type LogPage = Omit<Sent<'scheduler.TaskLogView', 'next' | 'attempts' | 'ended'>, 'lines'> & { lines: LogLine[] };

/** A display row: one line of text (a log line with newlines becomes several rows). */
interface Row { attempt: number; level: string; ts: string; text: string; first: boolean }

const ROW_PX = 18;
const PAGE = 5000;
const TASK_ACTIVE = new Set(['waiting', 'queued', 'running', 'retrying']);

function rowsOf(line: LogLine): Row[] {
  return line.text.split('\n').map((text, i) => ({ attempt: line.attempt, level: line.level, ts: line.ts, text, first: i === 0 }));
}

/**
 * A task run's log: streamed (server-sent events) while the task runs, read page by page once it ended; virtualized
 * (only the rows in view are in the page, so 100,000 lines scroll as 100 do), following the end or staying put while
 * the reader scrolls up, copied whole with one click.
 */
export function TaskLog({ ns, runId, task }: { ns: string; runId: string; task: TaskRun }) {
  // the rows live in a ref (appending 100,000 lines must not copy arrays); `count` re-renders
  const rows = useRef<Row[]>([]);
  const [count, setCount] = useState(0);
  const [follow, setFollow] = useState(true);
  const [status, setStatus] = useState<'loading' | 'live' | 'ended'>('loading');
  const [error, setError] = useState<unknown>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  // streamed when opened while the task runs (the stream goes on to its end), else read: decided once per task
  const [streamed] = useState(() => TASK_ACTIVE.has(task.state));
  const [attempts] = useState(() => Math.max(task.attempt, 1));
  const base = `scheduler/v1/namespaces/${encodeURIComponent(ns)}/runs/${encodeURIComponent(runId)}/tasks/${encodeURIComponent(task.taskId)}/logs`;

  useEffect(() => {
    rows.current = [];
    setCount(0);
    setError(null);
    let closed = false;
    let frame = 0;
    const flush = () => {
      frame = 0;
      if (!closed) setCount(rows.current.length);
    };
    const add = (lines: LogLine[]) => {
      for (const l of lines) rows.current.push(...rowsOf(l));
      // many lines in one burst: one render per frame
      if (!frame) frame = requestAnimationFrame(flush);
    };
    if (streamed && typeof EventSource !== 'undefined') {
      setStatus('live');
      const source = new EventSource('/api/' + base + '/stream');
      source.addEventListener('log', (e) => add([JSON.parse((e as MessageEvent).data) as LogLine]));
      source.addEventListener('end', () => {
        source.close();
        setStatus('ended');
      });
      return () => {
        closed = true;
        source.close();
        cancelAnimationFrame(frame);
      };
    }
    // ended: every attempt's lines, a page at a time
    (async () => {
      try {
        for (let a = 1; a <= attempts && !closed; a++) {
          let after = 0;
          for (;;) {
            const page = await api<LogPage>(`${base}?attempt=${a}&after=${after}&limit=${PAGE}`);
            if (closed) return;
            add(page.lines);
            if (page.lines.length < PAGE) break;
            after = page.next;
          }
        }
        if (!closed) setStatus('ended');
      } catch (e) {
        if (!closed) setError(e);
      }
    })();
    return () => {
      closed = true;
      cancelAnimationFrame(frame);
    };
  }, [base, streamed, attempts]);

  const virtual = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW_PX, overscan: 20 });

  // read by the effect below as the reader left it: a scroll up between two bursts of lines is never undone by
  // a render that still thought it was following
  const following = useRef(true);
  const setFollowing = useCallback((on: boolean) => {
    following.current = on;
    setFollow((f) => (f === on ? f : on));
  }, []);

  useEffect(() => {
    if (following.current && count > 0) virtual.scrollToIndex(count - 1, { align: 'end' });
  }, [follow, count, virtual]);

  // scrolling up to read stops following; back at the end follows again. Only a move up stops it: the jumps to the
  // end while following go down, and lines arriving do not move the view
  const lastTop = useRef(0);
  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const up = el.scrollTop < lastTop.current;
    lastTop.current = el.scrollTop;
    if (el.scrollHeight - el.scrollTop - el.clientHeight < ROW_PX * 2) setFollowing(true);
    else if (up) setFollowing(false);
  }, [setFollowing]);

  const copy = async () => {
    const text = rows.current.map((r) => r.text).join('\n');
    try {
      await navigator.clipboard.writeText(text);
      setCopied(`Copied ${rows.current.length} lines.`);
    } catch (e) {
      setCopied(`Could not copy: ${String(e)}`);
    }
  };

  // a selection copies the selected lines' text, whole lines, one per line: without the attempt and time beside
  // them, and also when the selection ran past the rows the virtualizer has in the page
  const onCopy = (e: ClipboardEvent) => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed) return;
    const rowOf = (n: Node | null) => (n instanceof Element ? n : n?.parentElement)?.closest<HTMLElement>('[data-row]');
    const a = rowOf(selection.anchorNode);
    const b = rowOf(selection.focusNode);
    if (!a || !b) return;
    const [from, to] = [Number(a.dataset.row), Number(b.dataset.row)].sort((x, y) => x - y);
    e.clipboardData.setData('text/plain', rows.current.slice(from, to + 1).map((r) => r.text).join('\n'));
    e.preventDefault();
    setCopied(`Copied ${to - from + 1} selected lines.`);
  };

  return (
    <div className="log" data-testid="task-log" data-lines={count}>
      <div className="toolbar">
        <strong>Log of {task.taskId}</strong>
        <span className="muted" data-testid="log-status">
          {status === 'live' ? 'streaming' : status === 'ended' ? 'complete' : 'loading'} · {count} lines
        </span>
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollowing(e.target.checked)} /> Follow the end
        </label>
        <button type="button" onClick={copy} disabled={count === 0}>Copy log</button>
        {copied && <span role="status" className="muted">{copied}</span>}
      </div>
      <ProblemView error={error} what="Reading the log" />
      <div ref={scroller} className="log-body" onScroll={onScroll} onCopy={onCopy} tabIndex={0} role="log" aria-label={`Log of ${task.taskId}`}>
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const r = rows.current[item.index];
            if (!r) return null;
            return (
              <div key={item.index} className={`log-row level-${r.level}`} data-row={item.index}
                style={{ transform: `translateY(${item.start}px)` }}>
                <span className="log-meta">{r.first ? `#${r.attempt} ${r.ts.slice(11, 23)}` : ''}</span>
                <span className="log-text">{r.text}</span>
              </div>
            );
          })}
        </div>
        {count === 0 && status !== 'loading' && <p className="muted">No line logged.</p>}
      </div>
    </div>
  );
}
