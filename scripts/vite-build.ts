// One Vite build of the web client with the repo's config (for the first-load bench and the browser
// tests; `npm run build` has its own in build.mjs, which runs without tsx).
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Runs `vite build --config client/vite.config.ts --logLevel warn …args`, output shown, throws on failure. */
export function viteBuild(args: string[] = []): void {
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      path.join(ROOT, 'client', 'vite.config.ts'),
      '--logLevel',
      'warn',
      ...args,
    ],
    { cwd: ROOT, stdio: 'inherit' },
  )
}
