import zlib from 'node:zlib'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** A stored public answer (core/cache.ts) and how a hit is written: 304, or the body, compressed once for slow lines. */
export interface Entry {
  body: Buffer
  /** The body compressed for clients that accept it, made on the first hit that asks (slow lines). */
  encoded?: { br?: Buffer; gzip?: Buffer }
  headers: Record<string, string | string[]>
  etag: string
  tags: readonly string[]
  expires: number
  notModified: Record<string, string | string[]>
}

export const KEEP_ON_304 = ['etag', 'cache-control', 'content-language', 'vary', 'x-cache']

export function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag.replace(/^W\//, ''))
}

const COMPRESS_MIN_BYTES = 1024
export const varyOf = (hit: Entry) =>
  [...new Set([...String(hit.headers.vary ?? '').split(/,\s*/), 'Accept-Encoding'].filter(Boolean))].join(', ')
export function encodingFor(req: IncomingMessage, hit: Entry): 'br' | 'gzip' | undefined {
  if (hit.body.length < COMPRESS_MIN_BYTES) return undefined
  const accept = String(req.headers['accept-encoding'] ?? '')
  if (/\bbr\b/.test(accept)) return 'br'
  if (/\bgzip\b/.test(accept)) return 'gzip'
  return undefined
}

export function answer(req: IncomingMessage, res: ServerResponse, hit: Entry): void {
  if (ifNoneMatch(req.headers['if-none-match'], hit.etag)) {
    res.writeHead(304, hit.notModified)
    res.end()
    return
  }
  const encoding = encodingFor(req, hit)
  if (!encoding) {
    res.writeHead(200, { ...hit.headers, vary: varyOf(hit) })
    res.end(req.method === 'HEAD' ? undefined : hit.body)
    return
  }
  const body = encoded(hit, encoding)
  res.writeHead(200, {
    ...hit.headers,
    'content-encoding': encoding,
    'content-length': String(body.length),
    vary: varyOf(hit),
  })
  res.end(req.method === 'HEAD' ? undefined : body)
}

/** The entry's body in `encoding`, compressed once and kept with the entry. */
export function encoded(hit: Entry, encoding: 'br' | 'gzip'): Buffer {
  hit.encoded ??= {}
  return (hit.encoded[encoding] ??=
    encoding === 'br'
      ? zlib.brotliCompressSync(hit.body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } })
      : zlib.gzipSync(hit.body, { level: 6 }))
}
