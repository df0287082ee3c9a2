import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The console is served by the service under /admin/ (IamModule's adminConsole.path); the dev server
// proxies the API to a service running on 8088.
export default defineConfig({
  root,
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    // The initial script is checked by scripts/web-size.mjs against its own budget.
    chunkSizeWarningLimit: 1000,
  },
  server: {
    proxy: {
      '/auth/api': 'http://localhost:8088',
      '/health': 'http://localhost:8088',
    },
  },
});
