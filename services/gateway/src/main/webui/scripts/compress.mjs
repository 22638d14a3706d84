// After `vite build`: gzip and brotli copies of every text asset (served pre-compressed by the gateway) and
// files.txt, the list of what was built (the gateway reads it instead of listing its class path).
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const out = process.env.STRATA_UI_OUT ?? new URL('../../../../target/classes/webui', import.meta.url).pathname;
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (!name.endsWith('.gz') && !name.endsWith('.br') && name !== 'files.txt') files.push(path);
  }
}
walk(out);
for (const path of files) {
  if (!/\.(js|mjs|css|html|svg|json|txt|map)$/.test(path)) continue;
  const body = readFileSync(path);
  writeFileSync(path + '.gz', gzipSync(body, { level: 9 }));
  writeFileSync(path + '.br', brotliCompressSync(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  }));
}
writeFileSync(join(out, 'files.txt'), files.map((f) => relative(out, f)).sort().join('\n') + '\n');
console.log(`compressed ${files.length} files in ${out}`);
