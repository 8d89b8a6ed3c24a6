import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The gateway serves the built app at `/` next to `/api/v1`; in development (and `vite preview`) the
// dev server forwards `/api` to the running gateway so the app still talks to a same-origin relative path.
const gateway = process.env.MP_GATEWAY_URL ?? 'http://127.0.0.1:8080';
const proxy = { '/api': { target: gateway, changeOrigin: false } };

export default defineConfig({
  plugins: [vue()],
  server: { host: '127.0.0.1', port: 5173, strictPort: true, proxy },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true, proxy },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    // The budget is 200 KiB gzipped for the initial JS; any single chunk above 200 KiB raw is worth a look.
    chunkSizeWarningLimit: 200,
  },
});
