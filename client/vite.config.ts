import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import preact from '@preact/preset-vite'

const here = path.dirname(fileURLToPath(import.meta.url))
const target = process.env.KENES_API ?? 'http://127.0.0.1:3000'

/**
 * The web client: root is client/, output client/dist (served by server/core/app.ts with an
 * SPA fallback). In development /api, /media and /socket.io go to the API server on :3000.
 * `vite build --ssr src/entry-server.tsx` builds the server renderer of the public pages into
 * client/dist-ssr (its libraries bundled, loaded by server/core/ssr.ts).
 */
export default defineConfig(({ isSsrBuild }) => ({
  root: here,
  base: '/',
  // React's API from Preact (preact/compat, aliased for react, react-dom and their subpaths) in the
  // browser and in the server renderer alike: the two must render the same markup (useId) for
  // hydration, and Preact is a fifth of React's weight on the first load.
  plugins: [preact()],
  server: {
    port: 5173,
    fs: { allow: [path.resolve(here, '..')] },
    proxy: {
      '/api': { target, changeOrigin: false },
      '/media': { target, changeOrigin: false },
      '/socket.io': { target, ws: true, changeOrigin: false },
    },
  },
  build: isSsrBuild
    ? {
        outDir: path.join(here, 'dist-ssr'),
        emptyOutDir: true,
        target: 'node20',
        sourcemap: false,
        reportCompressedSize: false,
      }
    : {
        outDir: path.join(here, 'dist'),
        emptyOutDir: true,
        target: 'es2022',
        sourcemap: false,
        reportCompressedSize: true,
        chunkSizeWarningLimit: 600,
        // read by test/e2e/bundle-size.test.ts and scripts/bench/first-load.ts to weigh each page's
        // first load, and by server/core/ssr.ts to preload a server-rendered page's chunks
        manifest: true,
        // The libraries every page runs (Preact, the router, the query cache, i18next) in one chunk:
        // compressed together they weigh less than in the five chunks the bundler would make, and the
        // chunk's name changes only when they do (it stays in the browser's cache across deploys).
        rollupOptions: {
          output: {
            manualChunks(id: string) {
              if (
                /node_modules\/(preact|preact-render-to-string|react|react-dom|scheduler|i18next|react-i18next|react-router|react-router-dom|@tanstack|use-sync-external-store|void-elements|html-parse-stringify)\//.test(
                  id,
                )
              )
                return 'vendor'
            },
          },
        },
      },
  // The renderer bundles its libraries (no node_modules lookups at run time) in their production builds.
  ...(isSsrBuild && {
    ssr: { noExternal: true, target: 'node' as const },
    publicDir: false as const,
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  }),
}))
