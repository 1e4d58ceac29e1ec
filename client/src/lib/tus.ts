import { csrfHeader } from './api.js'
import { xhr, xhrProblem as fail } from './xhr.js'

/**
 * The few requests of tus 1.0 the portal needs (creation, HEAD for the offset, PATCH in chunks),
 * with XHR for upload progress. The upload URL is remembered per file so a dropped connection or
 * a reloaded page resumes where the server stopped instead of starting over.
 */
const CHUNK = 8 * 1024 * 1024
const KEY = 'kenes.tus.'

export interface TusProgress {
  sent: number
  total: number
}
export interface TusResult {
  videoId: string | null
}

function b64(s: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(s)))
}
function fingerprint(endpoint: string, f: File): string {
  return KEY + [endpoint, f.name, f.size, f.lastModified].join('|')
}

export async function tusUpload(
  endpoint: string,
  file: File,
  metadata: Record<string, string>,
  onProgress: (p: TusProgress) => void,
  signal?: AbortSignal,
): Promise<TusResult> {
  const key = fingerprint(endpoint, file)
  const base = { 'Tus-Resumable': '1.0.0' }
  let url = localStorage.getItem(key)
  let offset = 0
  if (url) {
    const head = await xhr('HEAD', url, { ...base }, null, undefined, signal).catch(() => null)
    if (head && head.status === 200) offset = Number(head.getResponseHeader('Upload-Offset') ?? 0)
    else {
      url = null
      localStorage.removeItem(key)
    }
  }
  if (!url) {
    const meta = Object.entries({ ...metadata, filename: file.name, filetype: file.type || 'application/octet-stream' })
      .filter(([, v]) => v)
      .map(([k, v]) => `${k} ${b64(v)}`)
      .join(',')
    const created = await xhr(
      'POST',
      endpoint,
      { ...base, 'Upload-Length': String(file.size), 'Upload-Metadata': meta, 'X-CSRF-Token': await csrfHeader() },
      null,
      undefined,
      signal,
    )
    if (created.status !== 201) throw fail(created)
    url = new URL(created.getResponseHeader('Location') ?? '', location.href).pathname
    localStorage.setItem(key, url)
  }
  onProgress({ sent: offset, total: file.size })
  let videoId: string | null = null
  while (offset < file.size) {
    const end = Math.min(offset + CHUNK, file.size)
    const from = offset
    const res = await xhr(
      'PATCH',
      url,
      {
        ...base,
        'Upload-Offset': String(offset),
        'Content-Type': 'application/offset+octet-stream',
        'X-CSRF-Token': await csrfHeader(),
      },
      file.slice(offset, end),
      (n) => onProgress({ sent: from + n, total: file.size }),
      signal,
    )
    if (res.status !== 204 && res.status !== 200) {
      if (res.status >= 400 && res.status < 500 && res.status !== 409 && res.status !== 423)
        localStorage.removeItem(key)
      throw fail(res)
    }
    offset = Number(res.getResponseHeader('Upload-Offset') ?? end)
    videoId = res.getResponseHeader('X-Video-Id') ?? videoId
    onProgress({ sent: offset, total: file.size })
  }
  localStorage.removeItem(key)
  return { videoId }
}

/** Is there a half-finished upload of this file to resume? */
export function hasPartialUpload(endpoint: string, file: File): boolean {
  return localStorage.getItem(fingerprint(endpoint, file)) !== null
}
