import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Agent } from '../helpers/agent.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { createUser, loginAs, type UserOptions } from '../helpers/users.js'
import { ensureClientBuilt, hasChromium, launch, newContext, ROOT, signIn } from './browser.js'
import { createCouncil } from './data.js'

type Lng = 'kk' | 'ru'
type Council = { id: string; slug: string }
type Login = { email: string; password: string }

const texts = new Map<Lng, any>() // the locale file's shape is checked by web-locales.test.ts
/** The client's own strings (shared/locales/<lng>/web.json), so tests find controls by their real labels. */
export function web(lng: Lng) {
  if (!texts.has(lng))
    texts.set(lng, JSON.parse(fs.readFileSync(path.join(ROOT, 'shared', 'locales', lng, 'web.json'), 'utf8')))
  return texts.get(lng)
}

/** Polls until `check` returns a value, every 300 ms, at most `ms`. */
export async function until<T>(what: string, ms: number, check: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 300))
  }
}

export interface BrowserSuite {
  /** The real server of this test file (set by the suite's `before`). */
  readonly t: TestServer
  readonly browser: Browser
  /** A fresh browser profile on the test server, with the `lng` cookie when given. */
  context(opts?: { width?: number; height?: number; lng?: Lng }): Promise<BrowserContext>
  /** A fresh profile signed in through the login page as `user`. */
  signedIn(user: Login, opts?: { lng?: Lng }): Promise<{ ctx: BrowserContext; page: Page }>
  /** A council created through the API by an administrator. */
  council(opts: Parameters<typeof createCouncil>[1]): Promise<Council>
  /** A council member of `council` (Kazakh-speaking unless `extra` says otherwise). */
  member(council: Council, extra?: UserOptions): Promise<Login & { id: string }>
}

/**
 * One browser test file's setup: skip without Debian's Chromium, build the client if its
 * sources changed, start one real server and one browser for the file, close both after.
 * Call inside `describe`; `prepare` runs first (fixtures that need no server).
 */
export function browserSuite(prepare?: () => void): BrowserSuite {
  let t: TestServer | undefined
  let browser: Browser | undefined
  let admin: Agent | undefined
  before(async function () {
    if (!hasChromium) {
      console.warn('    skipped: /usr/bin/chromium is missing (apt-get install chromium)')
      return this.skip()
    }
    ensureClientBuilt()
    prepare?.()
    t = await startTestServer()
    browser = await launch()
  })
  after(async () => {
    await browser?.close()
    await t?.close()
  })
  const suite: BrowserSuite = {
    get t() {
      if (!t) throw new Error('the browser suite has not started')
      return t
    },
    get browser() {
      if (!browser) throw new Error('the browser suite has not started')
      return browser
    },
    context: (opts = {}) => newContext(suite.browser, suite.t.url, opts),
    async signedIn(user, opts = {}) {
      const ctx = await suite.context(opts)
      const page = await ctx.newPage()
      await signIn(page, user.email, user.password)
      return { ctx, page }
    },
    async council(opts) {
      admin ??= await loginAs(suite.t, { roles: ['admin'] })
      return createCouncil(admin, opts)
    },
    member: (council, extra = {}) =>
      createUser(suite.t, { roles: ['council_member'], councilIds: [council.id], locale: 'kk', ...extra }),
  }
  return suite
}
