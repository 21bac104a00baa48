import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built into dist/web, which the api serves at `/` (apps/api/src/web-console.ts).
export default defineConfig({
  root: __dirname,
  plugins: [react()],
  build: {
    outDir: resolve(__dirname, '../../dist/web'),
    emptyOutDir: true,
    // Old county PCs: stay with widely supported syntax.
    target: 'es2020',
    chunkSizeWarningLimit: 1200,
  },
  server: { proxy: { '/api': 'http://localhost:3000', '/storage': 'http://localhost:3000', '/socket.io': { target: 'http://localhost:3000', ws: true } } },
});
