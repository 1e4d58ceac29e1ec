import { viteBuild } from '../../scripts/vite-build.js'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { AxeBuilder } from '@axe-core/playwright'

/**
 * Shared pieces of the browser suite: Debian's Chromium through playwright-core (never a
 * downloaded browser), a fresh client build when the sources are newer than client/dist, and
 * screenshots under test-output/screenshots for review.
 */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const CHROMIUM = '/usr/bin/chromium'
export const SHOTS = path.join(ROOT, 'test-output', 'screenshots')
export const hasChromium = fs.existsSync(CHROMIUM)

function newestMtime(p: string): number {
  const st = fs.statSync(p)
  if (!st.isDirectory()) return st.mtimeMs
  let max = st.mtimeMs
  for (const e of fs.readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, e)))
  return max
}

/** Builds client/dist once per run if any client source or locale is newer than the build. */
export function ensureClientBuilt(): void {
  const index = path.join(ROOT, 'client', 'dist', 'index.html')
  const sources = [
    path.join(ROOT, 'client', 'src'),
    path.join(ROOT, 'client', 'index.html'),
    path.join(ROOT, 'client', 'public'),
    path.join(ROOT, 'shared', 'locales'),
  ]
  const ssr = path.join(ROOT, 'client', 'dist-ssr', 'entry-server.js')
  const built =
    fs.existsSync(index) && fs.existsSync(ssr) ? Math.min(fs.statSync(index).mtimeMs, fs.statSync(ssr).mtimeMs) : 0
  if (built && sources.every((s) => newestMtime(s) <= built)) return
  // The browser build, then the server renderer of the public pages (server/core/ssr.ts).
  for (const extra of [[], ['--ssr', 'src/entry-server.tsx']]) viteBuild(extra)
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

export async function newContext(
  browser: Browser,
  baseURL: string,
  opts: { width?: number; height?: number; lng?: 'kk' | 'ru' } = {},
): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    baseURL,
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    locale: opts.lng === 'ru' ? 'ru-KZ' : 'kk-KZ',
  })
  if (opts.lng) await ctx.addCookies([{ name: 'lng', value: opts.lng, url: baseURL }])
  return ctx
}

/** Signs in through the page itself, like a person would. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login')
  await page.locator('input[type=email]').fill(email)
  await page.locator('input[type=password]').fill(password)
  await page.locator('form button.btn-primary').click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}

export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true })
}

/** Serious and critical axe violations (WCAG 2.1 A/AA rules), formatted for an assertion message. */
export async function axeProblems(page: Page): Promise<string[]> {
  const res = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return res.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    )
}

/** Waits until no "loading" status is left on the page (data requests finished). */
export async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle')
  await page.waitForFunction(() => !document.querySelector('[role=status][aria-live=polite].muted'), undefined, {
    timeout: 10_000,
  })
}

/** The control labelled exactly `text` (a required field's label ends with a visual " *"). */
export function field(page: Page | Locator, text: string) {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return page.getByLabel(new RegExp(`^${escaped}( \\*)?$`))
}
