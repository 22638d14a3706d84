// ui.bundle_kb_gz: the JavaScript a browser must fetch before the first page draws (index.html's boot script, entry
// script and its modulepreload links), gzipped at level 9 as the gateway serves it; also what a run page fetches with
// it (the chunks boot.js preloads there). Baseline, measured in the same run: every
// JavaScript file of the build, as if nothing were split off and loaded later (the editor, the graph, ELK's worker).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const out = process.argv[2];
const html = readFileSync(join(out, 'index.html'), 'utf8');
const initial = [...html.matchAll(/(?:src|href)="\/ui\/((?:assets\/)?[^"]+\.js)"/g)].map((m) => m[1]);
const gz = (file) => gzipSync(readFileSync(join(out, file)), { level: 9 }).length / 1024;
const all = [...readdirSync(join(out, 'assets')).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`), 'boot.js'];
const runPage = JSON.parse(/var chunks = (\[[^\]]*\])/.exec(readFileSync(join(out, 'boot.js'), 'utf8'))[1])
  .filter((f) => f.endsWith('.js')).map((f) => f.replace(/^\/ui\//, ''));
const strata = initial.reduce((sum, f) => sum + gz(f), 0);
const baseline = all.reduce((sum, f) => sum + gz(f), 0);
console.log(JSON.stringify({ initial, strata: +strata.toFixed(1), baseline: +baseline.toFixed(1),
  runPage: +(strata + runPage.reduce((sum, f) => sum + gz(f), 0)).toFixed(1) }));
