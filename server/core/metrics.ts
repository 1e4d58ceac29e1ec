import crypto from 'node:crypto'
import type { Request, RequestHandler, Response } from 'express'
import express, { Router } from 'express'
import mongoose from 'mongoose'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { currentConfig } from './config.js'
import { route } from './route.js'

/**
 * One registry per process (created once: prom-client refuses to register a metric name twice,
 * and tests start several servers in one process). Routes are labelled by their pattern
 * (`/api/v1/councils/:id`), never the raw URL, so the number of series stays bounded.
 */
export const registry = new Registry()
registry.setDefaultLabels({ service: 'kenes' })
collectDefaultMetrics({ register: registry })

const requests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
})
const duration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
})

/** Background jobs by state, counted when scraped (a growing queue or failures need attention). */
new Gauge({
  name: 'kenes_jobs',
  help: 'Persisted background jobs by status',
  labelNames: ['status'] as const,
  registers: [registry],
  async collect() {
    this.reset()
    const jobs = mongoose.connection.readyState === 1 ? mongoose.connection.db?.collection('jobs') : undefined
    if (!jobs) return
    try {
      const rows = await jobs
        .aggregate<{ _id: string; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }], { maxTimeMS: 2000 })
        .toArray()
      for (const r of rows) this.set({ status: String(r._id) }, r.n)
    } catch {}
  },
})

const ROUTE = Symbol('kenes.route')
const PATTERN = Symbol('kenes.routePattern')
type Tracked = Request & { [ROUTE]?: unknown; [PATTERN]?: string }

// Express sets `req.route` when a route matches; `req.baseUrl` is only right at that moment
// (routers restore it when an error unwinds them), so the pattern is captured then. One accessor
// on the shared request prototype, installed once: a per-request `Object.defineProperty` on
// `req` changed every request object's shape and slowed later property access.
Object.defineProperty(express.request, 'route', {
  configurable: true,
  enumerable: true,
  get(this: Tracked) {
    return this[ROUTE]
  },
  set(this: Tracked, v: { path?: unknown } | undefined) {
    this[ROUTE] = v
    if (v && v.path !== undefined) this[PATTERN] = joinPattern(this.baseUrl, v.path)
  },
})

export const metricsMiddleware: RequestHandler = (req, res, next) => {
  const start = performance.now()
  res.once('finish', () => {
    const labels = {
      method: req.method,
      route: (req as Tracked)[PATTERN] ?? 'unmatched',
      status: String(res.statusCode),
    }
    requests.inc(labels)
    duration.observe(labels, (performance.now() - start) / 1000)
  })
  next()
}

function joinPattern(base: string | undefined, path: unknown): string {
  const p = typeof path === 'string' ? path : String(path)
  if (!base) return p || '/'
  return p === '/' ? base : `${base}${p}`
}

async function sendMetrics(res: Response): Promise<void> {
  res.setHeader('Content-Type', registry.contentType)
  res.setHeader('Cache-Control', 'no-store')
  res.send(await registry.metrics())
}

/** A scraper's `Authorization: Bearer METRICS_TOKEN` is answered before the session check. */
const scraperToken: RequestHandler = async (req, res, next) => {
  if (!bearerMatches(req)) return next()
  await sendMetrics(res)
}

function bearerMatches(req: Request): boolean {
  const token = currentConfig().metricsToken
  const header = req.get('authorization')
  if (!token || !header?.startsWith('Bearer ')) return false
  const sent = Buffer.from(header.slice(7).trim())
  const want = Buffer.from(token)
  return sent.length === want.length && crypto.timingSafeEqual(sent, want)
}

/** `GET /metrics`: Prometheus text for an admin session or `Authorization: Bearer METRICS_TOKEN`. */
export const metricsRouter = Router()
route(
  metricsRouter,
  {
    method: 'get',
    path: '/metrics',
    auth: 'metrics.read',
    tags: ['operations'],
    summary: 'Prometheus metrics (text format): an admin session or `Authorization: Bearer METRICS_TOKEN`',
    responseType: 'text/plain; version=0.0.4',
    before: [scraperToken],
  },
  ({ res }) => sendMetrics(res),
)

export interface KeyMetrics {
  /** HTTP requests answered since this process started. */
  requests: number
  /** Of those, answered with a 5xx status. */
  serverErrors: number
  /** serverErrors / requests (0 without requests). */
  errorRate: number
  /** The upper bound of the latency bucket holding the 95th percentile, in milliseconds (null without requests). */
  p95Ms: number | null
  /** Sockets connected to /chat in this process (the `chat_sockets` gauge, 0 when chat is not running). */
  sockets: number
}

/**
 * The few numbers an operator looks at first, read from this process's prom-client registry
 * (cumulative since start, like the Prometheus series they come from).
 */
export async function keyMetrics(): Promise<KeyMetrics> {
  const [req, dur] = await Promise.all([requests.get(), duration.get()])
  let total = 0
  let errors = 0
  for (const v of req.values) {
    total += v.value
    if (String(v.labels.status ?? '').startsWith('5')) errors += v.value
  }
  const buckets = new Map<number, number>()
  for (const v of dur.values) {
    if (!v.metricName?.endsWith('_bucket')) continue
    const raw = (v.labels as Record<string, string | number | undefined>).le // buckets carry `le` beside our labels
    const le = raw === '+Inf' ? Infinity : Number(raw)
    buckets.set(le, (buckets.get(le) ?? 0) + v.value)
  }
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0])
  const count = sorted.at(-1)?.[1] ?? 0
  let p95Ms: number | null = null
  if (count > 0) {
    const hit = sorted.find(([, cum]) => cum >= 0.95 * count)
    const le = hit?.[0] ?? Infinity
    // Beyond the largest finite bucket: report that bound (the histogram knows no more).
    const finite = Number.isFinite(le) ? le : (sorted.filter(([b]) => Number.isFinite(b)).at(-1)?.[0] ?? 0)
    p95Ms = Math.round(finite * 1000)
  }
  const socketGauge = registry.getSingleMetric('chat_sockets') as Gauge | undefined
  const sockets = socketGauge ? ((await socketGauge.get()).values[0]?.value ?? 0) : 0
  return { requests: total, serverErrors: errors, errorRate: total ? errors / total : 0, p95Ms, sockets }
}
