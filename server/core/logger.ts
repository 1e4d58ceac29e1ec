import { pino, type Logger } from 'pino'

/**
 * Query parameters that carry a secret (appeal and ticket access codes, e-mailed tokens, event
 * registration codes, passwords): their values never reach a log. Matched case-insensitively, also
 * as a suffix (`accessCode`, `resetToken`), so a new route's secret is covered by its name.
 */
const SECRET_PARAM = /(code|token|password|secret|key|signature|sig)$/i
const SECRET_SEGMENT = /\/(?:confirm|verify|reset)\/[^/?#]+/gi

/** A URL as it may be logged: secret query values and link-token path segments replaced by `[REDACTED]`. */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url
  const q = url.indexOf('?')
  const path = (q < 0 ? url : url.slice(0, q)).replace(
    SECRET_SEGMENT,
    (m) => `${m.slice(0, m.lastIndexOf('/'))}/[REDACTED]`,
  )
  if (q < 0) return path
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      const name = eq < 0 ? pair : pair.slice(0, eq)
      let decoded = name
      try {
        decoded = decodeURIComponent(name)
      } catch {}
      return eq >= 0 && SECRET_PARAM.test(decoded) ? `${name}=[REDACTED]` : pair
    })
  return `${path}?${parts.join('&')}`
}

interface LoggedRequest {
  id?: unknown
  method?: string
  url?: string
  originalUrl?: string
  remoteAddress?: string
  socket?: { remoteAddress?: string }
}
/** Lean request logs: no headers (cookies, CSRF tokens, Set-Cookie) and no secrets in the URL. */
export const serializeRequest = (req: LoggedRequest) => ({
  id: req.id,
  method: req.method,
  url: redactUrl(req.originalUrl ?? req.url),
  remoteAddress: req.remoteAddress ?? req.socket?.remoteAddress,
})

/** Structured JSON logs; request ids come from pino-http in app.ts. */
export function createLogger(level: string, file?: string): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'kenes' },
    serializers: { req: serializeRequest, err: pino.stdSerializers.err },
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.passwordHash',
        '*.accessCode',
        '*.token',
      ],
      remove: true,
    },
  }
  // LOG_FILE: appended to synchronously (a crash loses no line); else stdout.
  return file ? pino(options, pino.destination({ dest: file, append: true, sync: true, mkdir: true })) : pino(options)
}

/** Module-level logger for code without a request (jobs, start-up); replaced by main at start. */
export let log: Logger = createLogger(process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'))
export function setLogger(logger: Logger): void {
  log = logger
}
