import { pino, type Logger } from 'pino'

/** Structured JSON logs; request ids come from pino-http in app.ts. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'kenes' },
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.passwordHash',
      ],
      remove: true,
    },
  })
}

/** Module-level logger for code without a request (jobs, start-up); replaced by main at start. */
export let log: Logger = createLogger(process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'))
export function setLogger(logger: Logger): void {
  log = logger
}
