import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Writes boot.js (src/boot.js, the script index.html runs first) with the files of the run page's code: the chunk of
 * src/pages/RunPage.tsx, the chunks it imports, and their styles, so that a cold run page fetches them at once.
 */
function bootScript(): Plugin {
  return {
    name: 'strata-boot-script',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
      const page = chunks.find((c) => c.facadeModuleId?.endsWith('/src/pages/RunPage.tsx'));
      if (!page) this.error('no chunk of src/pages/RunPage.tsx to name in boot.js');
      const files = new Set<string>();
      const add = (fileName: string) => {
        const chunk = chunks.find((c) => c.fileName === fileName);
        if (!chunk || chunk.isEntry || files.has(fileName)) return;
        files.add(fileName);
        chunk.viteMetadata?.importedCss.forEach((css) => files.add(css));
        chunk.imports.forEach(add);
      };
      add(page.fileName);
      const source = readFileSync(new URL('./src/boot.js', import.meta.url), 'utf8')
        .replace('RUN_PAGE_CHUNKS', JSON.stringify([...files].map((f) => '/ui/' + f)));
      this.emitFile({ type: 'asset', fileName: 'boot.js', source });
    },
  };
}

// Built by Maven (exec-maven-plugin) into the gateway's classes: dev.strata.gateway.ui.UiRoutes serves them under /ui/.
export default defineConfig({
  base: '/ui/',
  plugins: [react(), bootScript()],
  build: {
    outDir: process.env.STRATA_UI_OUT ?? '../../../target/classes/webui',
    emptyOutDir: true,
    // no inline scripts or styles anywhere: the gateway's CSP has no 'unsafe-inline'
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
});
