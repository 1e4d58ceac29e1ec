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
