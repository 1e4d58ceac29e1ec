/**
 * Server-side rendering of the public pages (built by `vite build --ssr`, loaded by
 * server/core/ssr.ts). The same components as in the browser: Providers + AppRoutes, inside a
 * StaticRouter. The page's queries are found by rendering (each useQuery asks the client for its
 * options), fetched through the same query functions (their requests go to this server over
 * loopback, in the page's language, as a guest), and rendered again until nothing is missing; the
 * cache is then dehydrated into the page so the browser hydrates without fetching.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { StrictMode, type ReactNode } from 'react'
import { renderToStringAsync } from 'preact-render-to-string'
import { matchRoutes, StaticRouter } from 'react-router-dom'
import { dehydrate, type QueryClient } from '@tanstack/react-query'
import type { Lang } from '../../shared/domain.js'
import { AppRoutes, Providers, SERVER_PAGES } from './app.js'
import { authKeys } from './api/auth.js'
import { createQueryClient } from './api/query-client.js'
import { sanitizeRichText } from '../../shared/rich-text-sanitize.js'
import { ApiError, setSend } from './lib/api.js'
import { setSanitizer } from './lib/html.js'
import i18next, { loadTexts, startServerI18n } from './lib/i18n.js'

setSanitizer(sanitizeRichText)
startServerI18n({ kk: await loadTexts('kk'), ru: await loadTexts('ru') })
// Clones share the global instance's texts (modules add theirs when their chunk loads) but each
// keeps its own language: concurrent renders in kk and ru do not disturb each other.
const i18nFor: Record<Lang, typeof i18next> = {
  kk: i18next.cloneInstance({ lng: 'kk' }),
  ru: i18next.cloneInstance({ lng: 'ru' }),
}

/** The lazy chunk a server-rendered page needs (null: the entry only), or undefined if not rendered here. */
export function pageChunk(pathname: string): string | null | undefined {
  const m = matchRoutes(SERVER_PAGES, pathname)
  const chunk = m?.[0]?.route.chunk
  return chunk === false ? undefined : chunk
}

export interface RenderRequest {
  /** Path and query, as requested. */
  url: string
  lng: Lang
  /** Where this server answers (loopback), e.g. http://127.0.0.1:3000 */
  origin: string
}
export interface Rendered {
  status: 200 | 404
  /** The markup of #root. */
  html: string
  /** The page's document title (useTitle), as the browser would set it. */
  title: string
  /** The dehydrated query cache, JSON, safe inside <script type="application/json">. */
  state: string
  /** Vite manifest keys to preload: the page's chunk and the language's texts. */
  chunks: string[]
  /** The API GETs the page was made from (for the public cache's tags). */
  reads: string[]
}

interface Context {
  origin: string
  lng: Lang
  reads: string[]
}
const context = new AsyncLocalStorage<Context>()
setSend((url, init) => {
  const ctx = context.getStore()
  if (!ctx) return Promise.reject(new Error('a request outside a server render'))
  ctx.reads.push(url)
  return fetch(ctx.origin + url, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), 'Accept-Language': ctx.lng },
  })
})

const MAX_PASSES = 5

/** The page at `url` rendered for a guest, or null when it is not rendered on the server (or failed). */
export async function render(req: RenderRequest): Promise<Rendered | null> {
  const pathname = new URL(req.url, 'http://x').pathname
  const chunk = pageChunk(pathname)
  if (chunk === undefined) return null
  const qc = createQueryClient()
  const defaults = qc.getDefaultOptions()
  // No retries, and a failed query renders as its error (the browser hydrates it the same way).
  qc.setDefaultOptions({ ...defaults, queries: { ...defaults.queries, retry: false, retryOnMount: false } })
  qc.setQueryData(authKeys.me, null) // a guest: signed-in people get the browser-rendered shell
  const wanted = watchQueries(qc)
  const title: { title?: string } = {}
  const app: ReactNode = (
    <StrictMode>
      <Providers queryClient={qc} i18n={i18nFor[req.lng]} title={title}>
        <StaticRouter location={req.url}>
          <AppRoutes />
        </StaticRouter>
      </Providers>
    </StrictMode>
  )
  const ctx: Context = { origin: req.origin, lng: req.lng, reads: [] }
  return context.run(ctx, async () => {
    let html = ''
    for (let pass = 0; ; pass++) {
      html = await toHtml(app)
      const missing = [...wanted.values()].filter(
        (o) => qc.getQueryCache().get(o.queryHash!)?.state.status !== 'success',
      )
      const todo = missing.filter((o) => qc.getQueryCache().get(o.queryHash!)?.state.status !== 'error')
      if (!todo.length) break
      if (pass === MAX_PASSES) return null
      await Promise.all(
        todo.map((o) => ('initialPageParam' in o ? qc.prefetchInfiniteQuery(o as never) : qc.prefetchQuery(o))),
      )
    }
    const errors = qc
      .getQueryCache()
      .getAll()
      .map((q) => q.state.error)
      .filter((e): e is ApiError => Boolean(e))
    // A missing council, article, video or event: its not-found page, with a 404. Anything else
    // (a 5xx, the network): the browser renders the page itself and retries.
    if (errors.some((e) => !(e instanceof ApiError) || e.status !== 404)) return null
    const state = dehydrate(qc, { shouldDehydrateQuery: (q) => q.state.status !== 'pending' })
    return {
      status: errors.length ? 404 : 200,
      html,
      title: title.title ?? i18nFor[req.lng].t('common:appName'),
      state: safeJson(state),
      chunks: [...(chunk ? [chunk] : []), `src/locales/${req.lng}.ts`],
      reads: [...new Set(ctx.reads)],
    }
  })
}

/** Records the options of every enabled query the render asks for (useQuery → defaultQueryOptions). */
function watchQueries(qc: QueryClient) {
  const wanted = new Map<string, ReturnType<QueryClient['defaultQueryOptions']>>()
  const original = qc.defaultQueryOptions.bind(qc)
  qc.defaultQueryOptions = ((options: Parameters<QueryClient['defaultQueryOptions']>[0]) => {
    const o = original(options)
    if (o.enabled !== false && typeof o.enabled !== 'function' && o.queryHash) wanted.set(o.queryHash, o)
    return o
  }) as QueryClient['defaultQueryOptions']
  return wanted
}

/** The whole tree, lazy pages included (the async render waits for every Suspense boundary). */
async function toHtml(app: ReactNode): Promise<string> {
  // The client build aliases React to preact/compat, so the element is a Preact VNode.
  return renderToStringAsync(app as unknown as Parameters<typeof renderToStringAsync>[0])
}

/** JSON that cannot end the <script> element it sits in, nor break older JavaScript parsers. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}
