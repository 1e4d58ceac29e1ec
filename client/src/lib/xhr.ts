import { API, ApiError, csrfHeader, resetCsrf } from './api.js'

/**
 * XMLHttpRequest where fetch falls short: upload progress (tus chunks, chat attachments).
 * Session cookie included; a network failure is an ApiError with code `network`.
 */
export function xhr(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: Blob | FormData | null,
  onProgress?: (sent: number, total: number) => void,
  signal?: AbortSignal,
): Promise<XMLHttpRequest> {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest()
    x.open(method, url)
    x.withCredentials = true
    for (const [k, v] of Object.entries(headers)) x.setRequestHeader(k, v)
    if (onProgress) x.upload.onprogress = (e) => onProgress(e.loaded, e.total)
    x.onload = () => resolve(x)
    x.onerror = () =>
      reject(new ApiError(0, { type: 'about:blank', title: '', detail: '', status: 0, code: 'network' }))
    x.onabort = () => reject(new DOMException('aborted', 'AbortError'))
    signal?.addEventListener('abort', () => x.abort(), { once: true })
    x.send(body)
  })
}

/** The response's problem+json as an ApiError (synthesized for a proxy's bare 413/415 page). */
export function xhrProblem(x: XMLHttpRequest): ApiError {
  let problem
  try {
    problem = JSON.parse(x.responseText)
  } catch {}
  if (!problem?.code)
    problem = {
      type: 'about:blank',
      title: x.statusText,
      detail: x.responseText?.slice(0, 200) ?? '',
      status: x.status,
      code: x.status === 413 ? 'upload.too_large' : x.status === 415 ? 'upload.unsupported_type' : 'http',
    }
  return new ApiError(x.status, problem)
}

/** POSTs a multipart form to the API with upload progress; JSON back, or the server's problem as ApiError. */
export async function postForm<T>(
  path: string,
  form: FormData,
  onProgress: (sent: number, total: number) => void,
  signal?: AbortSignal,
  retried = false,
): Promise<T> {
  const x = await xhr(
    'POST',
    `${API}${path}`,
    { Accept: 'application/json', 'X-CSRF-Token': await csrfHeader() },
    form,
    onProgress,
    signal,
  )
  if (x.status >= 200 && x.status < 300) return JSON.parse(x.responseText) as T
  const err = xhrProblem(x)
  if (x.status === 403 && err.code === 'csrf.invalid' && !retried) {
    // The token went stale with the session (as api() does): fetch a new one, once.
    resetCsrf()
    return postForm(path, form, onProgress, signal, true)
  }
  throw err
}
