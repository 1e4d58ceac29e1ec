import { assertContract } from './contract.js'

export interface TestResponse {
  status: number
  headers: Headers
  body: any
  text: string
}

export interface RequestOptions {
  json?: unknown
  body?: BodyInit
  headers?: Record<string, string>
  /** `false`: do not send X-CSRF-Token (to test the refusal). */
  csrf?: boolean
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const SESSION_COOKIE = 'kenes.sid'

/**
 * An HTTP client for API tests over global fetch: keeps cookies like a browser, sends the CSRF
 * token on unsafe methods once it holds a session cookie (fetched from GET /api/v1/auth/csrf and
 * refetched whenever the session cookie changes, e.g. after login), parses JSON bodies, and checks
 * every API response against the OpenAPI document (./contract.ts): an undeclared status or a body
 * that breaks the declared schema fails the request.
 */
export class Agent {
  user?: { id: string; email: string; displayName: string; roles: string[]; councilIds: string[] }
  readonly cookies = new Map<string, string>()
  private csrf?: { sid: string; token: string }

  constructor(
    readonly baseUrl: string,
    readonly opts: { lng?: 'kk' | 'ru' } = {},
  ) {}

  get hasSession(): boolean {
    return this.cookies.has(SESSION_COOKIE)
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async request(method: string, path: string, opts: RequestOptions = {}): Promise<TestResponse> {
    method = method.toUpperCase()
    const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) }
    if (this.opts.lng && !hasHeader(headers, 'accept-language')) headers['accept-language'] = this.opts.lng
    let body = opts.body
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json)
      if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json'
    }
    if (UNSAFE.has(method) && opts.csrf !== false && this.hasSession && !hasHeader(headers, 'x-csrf-token')) {
      headers['x-csrf-token'] = await this.csrfToken()
    }
    return this.raw(method, path, headers, body)
  }

  /** The session's CSRF token (fetched once per session cookie value). */
  async csrfToken(): Promise<string> {
    const sid = this.cookies.get(SESSION_COOKIE) ?? ''
    if (this.csrf && this.csrf.sid === sid && sid) return this.csrf.token
    const res = await this.raw('GET', '/api/v1/auth/csrf', { accept: 'application/json' })
    if (res.status !== 200 || typeof res.body?.csrfToken !== 'string')
      throw new Error(`GET /api/v1/auth/csrf → ${res.status} ${res.text}`)
    this.csrf = { sid: this.cookies.get(SESSION_COOKIE) ?? '', token: res.body.csrfToken }
    return this.csrf.token
  }

  private async raw(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: BodyInit,
  ): Promise<TestResponse> {
    const cookie = this.cookieHeader()
    if (cookie && !hasHeader(headers, 'cookie')) headers.cookie = cookie
    const url = new URL(path, this.baseUrl)
    const res = await fetch(url, { method, headers, body, redirect: 'manual' })
    this.storeCookies(res.headers)
    const text = await res.text()
    let parsed: any = text
    const type = res.headers.get('content-type') ?? ''
    if (/json/.test(type) && text) {
      try {
        parsed = JSON.parse(text)
      } catch {}
    }
    const out = { status: res.status, headers: res.headers, body: parsed, text }
    assertContract(method, url, out)
    return out
  }

  private storeCookies(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';')
      const eq = pair.indexOf('=')
      if (eq < 0) continue
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attrs.some((a) => {
        const [k, v] = a.trim().split('=')
        if (k.toLowerCase() === 'max-age') return Number(v) <= 0
        if (k.toLowerCase() === 'expires') return Date.parse(v) <= Date.now()
        return false
      })
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  get(path: string, opts?: RequestOptions): Promise<TestResponse> {
    return this.request('GET', path, opts)
  }
  post(path: string, json?: unknown, opts?: RequestOptions): Promise<TestResponse> {
    return this.request('POST', path, { ...opts, json: json ?? opts?.json })
  }
  patch(path: string, json?: unknown, opts?: RequestOptions): Promise<TestResponse> {
    return this.request('PATCH', path, { ...opts, json: json ?? opts?.json })
  }
  put(path: string, json?: unknown, opts?: RequestOptions): Promise<TestResponse> {
    return this.request('PUT', path, { ...opts, json: json ?? opts?.json })
  }
  delete(path: string, opts?: RequestOptions): Promise<TestResponse> {
    return this.request('DELETE', path, opts)
  }

  /** multipart/form-data through FormData (fetch sets the boundary). */
  upload(
    path: string,
    parts: {
      fields?: Record<string, string>
      files: { field: string; filename: string; content: Buffer; type?: string }[]
    },
    method: 'POST' | 'PUT' = 'POST',
  ): Promise<TestResponse> {
    const form = new FormData()
    for (const [k, v] of Object.entries(parts.fields ?? {})) form.append(k, v)
    for (const f of parts.files)
      form.append(
        f.field,
        new Blob([new Uint8Array(f.content)], { type: f.type ?? 'application/octet-stream' }),
        f.filename,
      )
    return this.request(method, path, { body: form })
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name)
}
