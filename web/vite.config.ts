import { defineConfig } from 'vite';

// The console is served by `pond serve` at `/` (docs/console.md); `npm run dev` proxies the API
// to a local pond on :8080.
export default defineConfig({
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080' } },
});
