import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built by Maven (exec-maven-plugin) into the gateway's classes: dev.strata.gateway.ui.UiRoutes serves them under /ui/.
export default defineConfig({
  base: '/ui/',
  plugins: [react()],
  build: {
    outDir: process.env.STRATA_UI_OUT ?? '../../../target/classes/webui',
    emptyOutDir: true,
    // no inline scripts or styles anywhere: the gateway's CSP has no 'unsafe-inline'
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
});
