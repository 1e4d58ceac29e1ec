import fs from 'node:fs'
import { pipeline } from 'node:stream/promises'
import type { Request, Response } from 'express'
import { AppError, notFound } from '../../core/errors.js'

/**
 * Serves one file with `Range` (a single range → 206; an unsatisfiable one → 416 with a
 * `Content-Range` of `bytes *` over the size; several ranges or an outdated `If-Range` → the whole
 * file, as RFC 9110 allows), `Accept-Ranges`, ETag/Last-Modified revalidation (304) and the given
 * Cache-Control. The caller has already decided who may read the file and where it is.
 */
export async function sendFile(
  req: Request,
  res: Response,
  file: string,
  type: string,
  cacheControl: string,
): Promise<void> {
  let st: fs.Stats
  try {
    st = await fs.promises.stat(file)
  } catch {
    throw notFound()
  }
  if (!st.isFile()) throw notFound()
  const size = st.size
  const etag = `W/"${size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`
  res.setHeader('Cache-Control', cacheControl)
  res.setHeader('Accept-Ranges', 'bytes')
  res.setHeader('ETag', etag)
  res.setHeader('Last-Modified', st.mtime.toUTCString())
  res.setHeader('Content-Type', type)

  const inm = req.get('if-none-match')
  if (inm && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
    res.status(304).end()
    return
  }

  let start = 0
  let end = size - 1
  let status = 200
  const rangeHeader = req.get('range')
  const ifRange = req.get('if-range')
  const rangeApplies = rangeHeader && (!ifRange || ifRange === etag || ifRange === st.mtime.toUTCString())
  if (rangeApplies) {
    const r = parseRange(rangeHeader, size)
    if (r === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${size}`)
      throw new AppError(416, 'videos.range_not_satisfiable', { size })
    }
    if (r) {
      ;[start, end] = r
      status = 206
      res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`)
    }
  }
  res.status(status)
  res.setHeader('Content-Length', String(size === 0 ? 0 : end - start + 1))
  if (req.method === 'HEAD' || size === 0) {
    res.end()
    return
  }
  await pipeline(fs.createReadStream(file, { start, end, highWaterMark: 256 * 1024 }), res).catch(() => {
    // The client went away mid-file: nothing to report.
  })
}

/**
 * `bytes=a-b`, `bytes=a-`, `bytes=-n` → [start, end]; null to ignore the header (malformed, other
 * unit, or several ranges); 'unsatisfiable' when no byte of the file is in the range.
 */
export function parseRange(header: string, size: number): [number, number] | null | 'unsatisfiable' {
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header.trim())
  if (!m) return /^bytes=/.test(header.trim()) && !header.includes(',') ? 'unsatisfiable' : null
  const [, a, b] = m
  if (a === '' && b === '') return 'unsatisfiable'
  if (a === '') {
    const n = Number(b)
    if (n === 0 || size === 0) return 'unsatisfiable'
    return [Math.max(0, size - n), size - 1]
  }
  const start = Number(a)
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1)
  if (!Number.isSafeInteger(start) || start >= size || end < start) return 'unsatisfiable'
  return [start, end]
}
