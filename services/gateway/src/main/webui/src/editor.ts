// What every CodeMirror editor of the app shares: the theme (the app's colours, both themes; lint marks drawn with
// CSS because the CSP refuses their data: images) and where a server's line/column finding points.
import { EditorView } from '@codemirror/view';
import type { Text } from '@codemirror/state';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';

/** Where a server finding points: its line and column (1-based), to the end of the word there. */
export function range(doc: Text, line?: number, column?: number): { from: number; to: number } {
  if (!line || line < 1 || line > doc.lines) return { from: 0, to: Math.min(doc.length, doc.line(1).to) };
  const l = doc.line(line);
  const from = Math.min(l.from + Math.max((column ?? 1) - 1, 0), l.to);
  const rest = doc.sliceString(from, l.to);
  const word = /^[^\s:]+/.exec(rest);
  return { from, to: word ? from + word[0].length : l.to };
}

export const editorTheme = EditorView.theme({
  '&': { color: 'var(--fg)', backgroundColor: 'var(--bg)', fontSize: '13px', minHeight: '300px' },
  '.cm-gutters': { backgroundColor: 'var(--panel)', color: 'var(--muted)', borderRight: '1px solid var(--line)' },
  '.cm-activeLine': { backgroundColor: 'transparent' },
  '.cm-activeLineGutter': { backgroundColor: 'transparent', color: 'var(--fg)' },
  // the lint's own marks are data: images, which the CSP (img-src 'self') refuses: drawn with CSS instead
  '.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy var(--bad)', textDecorationSkipInk: 'none' },
  '.cm-lintRange-warning': { backgroundImage: 'none', textDecoration: 'underline wavy var(--run)' },
  '.cm-lint-marker': { backgroundImage: 'none', borderRadius: '50%', width: '0.8em', height: '0.8em' },
  '.cm-lint-marker-error': { content: '""', backgroundColor: 'var(--bad)' },
  '.cm-lint-marker-warning': { content: '""', backgroundColor: 'var(--run)' },
  '.cm-lint-marker-info': { content: '""', backgroundColor: 'var(--muted)' },
  '&.cm-focused .cm-cursor': { borderLeftColor: 'var(--fg)' },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--fg)', border: '1px solid var(--line)' },
});

/** Syntax colours from the app's palette: readable (axe's contrast) on both the light and the dark theme. */
export const editorHighlight = syntaxHighlighting(HighlightStyle.define([
  { tag: [tags.keyword, tags.operatorKeyword, tags.modifier], color: 'var(--accent)', fontWeight: '600' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--ok)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--run)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [tags.typeName, tags.standard(tags.name), tags.special(tags.name)], color: 'var(--bad)' },
  { tag: [tags.name, tags.variableName, tags.propertyName, tags.punctuation, tags.operator], color: 'var(--fg)' },
]));
