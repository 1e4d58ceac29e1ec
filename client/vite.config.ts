import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

const here = path.dirname(fileURLToPath(import.meta.url))
const target = process.env.KENES_API ?? 'http://127.0.0.1:3000'

/**
 * The web client: root is client/, output client/dist (served by server/core/app.ts with an
 * SPA fallback). In development /api, /media and /socket.io go to the API server on :3000.
 */
export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  server: {
    port: 5173,
    fs: { allow: [path.resolve(here, '..')] },
    proxy: {
      '/api': { target, changeOrigin: false },
      '/media': { target, changeOrigin: false },
      '/socket.io': { target, ws: true, changeOrigin: false },
    },
  },
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 600,
    manifest: true, // read by test/e2e/bundle-size.test.ts to weigh each page's first load
  },
})
