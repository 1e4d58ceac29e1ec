import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Request, Response } from 'express'
import type { Lang } from '../../shared/domain.js'
import { cachePublicResponse, publicCacheTagsFor } from './cache.js'

/**
 * Server-side rendering of the public pages (home, council directory and profiles, news, videos,
 * event pages): the web client's own components, rendered by its SSR build
 * (client/dist-ssr/entry-server.js, from client/src/entry-server.tsx), put into the built
 * index.html with the page's chunks preloaded and its query cache as JSON, then hydrated by the
 * browser. Guests only: a request with a session cookie gets the shell (its page differs per
 * person, and cannot be cached). The HTML is cached by the public cache (core/cache.ts) under the
 * tags of the API answers it was made from, so a write that changes them drops it too; a page
 * made from an answer the cache does not keep (an event) is rendered on every request.
 */
interface Renderer {
  pageChunk(pathname: string): string | null | undefined
  render(req: { url: string; lng: Lang; origin: string }): Promise<{
    status: number
    html: string
    title: string
    state: string
    chunks: string[]
    reads: string[]
  } | null>
}
interface ManifestChunk {
  file: string
  imports?: string[]
  css?: string[]
}

/** A file read again only when it changes (a rebuild while the server runs, as in the test suite). */
function watched<T>(file: string, load: (file: string, mtime: number) => T): () => T | undefined {
  let seen = -1
  let value: T | undefined
  return () => {
    let mtime: number
    try {
      mtime = fs.statSync(file).mtimeMs
    } catch {
      return undefined
    }
    if (mtime !== seen) {
      seen = mtime
      value = load(file, mtime)
    }
    return value
  }
}

export interface ServerRenderer {
  /** Sends the server-rendered page and returns true, or returns false (the caller sends the shell). */
  send(req: Request, res: Response): Promise<boolean>
}

export function createServerRenderer(rootDir: string): ServerRenderer {
  const dist = path.join(rootDir, 'client', 'dist')
  const renderer = watched(
    path.join(rootDir, 'client', 'dist-ssr', 'entry-server.js'),
    (file, mtime) => import(`${pathToFileURL(file).href}?v=${mtime}`) as Promise<Renderer>,
  )
  const template = watched(path.join(dist, 'index.html'), (file) => fs.readFileSync(file, 'utf8'))
  const manifest = watched(
    path.join(dist, '.vite', 'manifest.json'),
    (file) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, ManifestChunk>,
  )

  return {
    async send(req, res) {
      const load = renderer()
      const html = template()
      const chunks = manifest()
      if (!load || !html || !chunks) return false
      const r = await load
      if (r.pageChunk(req.path) === undefined) return false
      const page = await r.render({ url: req.originalUrl, lng: req.lng, origin: loopback(req) })
      if (!page) return false
      if (page.status === 200) {
        const tags = tagsOf(page.reads, req.lng)
        if (tags) cachePublicResponse(res, tags)
      }
      res.status(page.status)
      res.setHeader('Content-Type', 'text/html; charset=utf-8')
      res.setHeader('Vary', 'Accept-Language, Cookie')
      // Revalidated on every visit (ETag), never kept as is: the page follows the data.
      res.setHeader('Cache-Control', 'no-cache')
      res.send(compose(html, page, chunks, req.lng))
      return true
    },
  }
}

/** This server, as the request reached it: the page's API reads go there. */
function loopback(req: Request): string {
  const addr = req.socket.localAddress ?? '127.0.0.1'
  const host = addr.startsWith('::ffff:') ? addr.slice(7) : addr.includes(':') ? `[${addr}]` : addr
  return `http://${host}:${req.socket.localPort}`
}

/** The public cache's tags of every answer the page used, or undefined if one of them is not cached. */
function tagsOf(reads: readonly string[], lng: Lang): string[] | undefined {
  const tags = new Set<string>()
  for (const url of reads) {
    const t = publicCacheTagsFor(lng, url)
    if (!t) return undefined
    for (const tag of t) tags.add(tag)
  }
  return [...tags]
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;')
const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function compose(
  template: string,
  page: { html: string; title: string; state: string; chunks: string[] },
  manifest: Record<string, ManifestChunk>,
  lng: Lang,
): string {
  const files = new Set<string>()
  const css = new Set<string>()
  const walk = (key: string) => {
    const c = manifest[key]
    if (!c || files.has(c.file)) return
    files.add(c.file)
    for (const s of c.css ?? []) css.add(s)
    for (const i of c.imports ?? []) walk(i)
  }
  for (const key of page.chunks) walk(key)
  // The entry's own imports and CSS are in the template already.
  const links = [
    ...[...css]
      .filter((f) => !template.includes(`/${f}"`))
      .map((f) => `<link rel="stylesheet" crossorigin href="/${escapeAttr(f)}">`),
    ...[...files]
      .filter((f) => !template.includes(`/${f}"`))
      .map((f) => `<link rel="modulepreload" crossorigin href="/${escapeAttr(f)}">`),
  ].join('\n    ')
  return template
    .replace(/<html[^>]*>/, `<html lang="${lng}" data-ssr="">`)
    .replace(/<title>[^<]*<\/title>/, () => `<title>${escapeText(page.title)}</title>`)
    .replace('</head>', `  ${links}\n  </head>`)
    .replace(
      '<div id="root"></div>',
      () =>
        `<div id="root">${page.html}</div>\n    <script type="application/json" id="kenes-state">${page.state}</script>`,
    )
}
