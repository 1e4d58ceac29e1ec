import type { ProblemDetails } from '../../../shared/errors.js'

/** Every API error the client sees: the server's problem+json (or a synthesized one for network failures). */
export class ApiError extends Error {
  constructor(
    public status: number,
    public problem: ProblemDetails,
  ) {
    super(problem.detail || problem.title || problem.code)
  }
  get code(): string {
    return this.problem.code
  }
  /** Field messages keyed by the dotted path the server reported (`contact.email`, `title.kk`). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const e of this.problem.errors ?? []) {
      const path = e.path.replace(/^(body|query|params)\./, '') // the server names where the value was
      if (!out[path]) out[path] = e.message
    }
    return out
  }
}

export const API = '/api/v1'
type Send = (url: string, init: RequestInit) => Promise<Response>
let send: Send = (url, init) => fetch(url, init)
/** Server-side rendering (entry-server.tsx) sends a page's reads to its own server, in the page's language. */
export function setSend(to: Send): void {
  send = to
}
let csrf: Promise<string> | null = null

function fetchCsrf(): Promise<string> {
  csrf ??= fetch(`${API}/auth/csrf`, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then(async (r) => {
      if (!r.ok) throw new Error(`csrf ${r.status}`)
      return ((await r.json()) as { csrfToken: string }).csrfToken
    })
    .catch((err) => {
      csrf = null
      throw err
    })
  return csrf
}
/** The session changed (sign-in, sign-out): the CSRF token is bound to it, so fetch a new one. */
export function resetCsrf(): void {
  csrf = null
}

export type Query = Record<string, string | number | boolean | undefined | null>
export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
export interface RequestOptions {
  method?: Method
  query?: Query
  body?: unknown
  form?: FormData
  signal?: AbortSignal
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v))
  const s = qs.toString()
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path
}

/**
 * JSON over fetch with the session cookie; unsafe methods carry X-CSRF-Token (refetched once
 * if the server says it is stale). Errors become ApiError with the problem+json body.
 * Only the typed endpoint table (`client/src/api/endpoints.ts`) calls this.
 */
export async function request<T = unknown>(path: string, opts: RequestOptions = {}, retried = false): Promise<T> {
  const method = opts.method ?? (opts.body !== undefined || opts.form ? 'POST' : 'GET')
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (method !== 'GET') headers['X-CSRF-Token'] = await fetchCsrf()
  let body: BodyInit | undefined
  if (opts.form) body = opts.form
  else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  let res: Response
  try {
    res = await send(withQuery(`${API}${path}`, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    })
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err
    throw new ApiError(0, { type: 'about:blank', title: '', detail: '', status: 0, code: 'network' })
  }
  if (res.status === 403 && !retried && method !== 'GET') {
    const problem = await readProblem(res)
    if (problem.code === 'csrf.invalid') {
      resetCsrf()
      return request<T>(path, opts, true)
    }
    throw new ApiError(res.status, problem)
  }
  if (!res.ok) throw new ApiError(res.status, await readProblem(res))
  if (res.status === 204 || res.headers.get('content-length') === '0') return undefined as T
  const type = res.headers.get('content-type') ?? ''
  return (type.includes('json') ? await res.json() : await res.text()) as T
}

async function readProblem(res: Response): Promise<ProblemDetails> {
  try {
    const body = (await res.json()) as ProblemDetails
    if (body && typeof body.code === 'string') return body
  } catch {}
  return {
    type: 'about:blank',
    title: res.statusText,
    status: res.status,
    detail: '',
    code: res.status >= 500 ? 'server.error' : 'http',
  }
}

export async function csrfHeader(): Promise<string> {
  return fetchCsrf()
}
