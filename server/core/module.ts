import type { Router } from 'express'
import type { Server as SocketServer } from 'socket.io'
import type { RequestHandler } from 'express'
import type { Config } from './config.js'
import type { JobHandlers } from './jobs.js'
import type { PersonalDataHandler } from './personal-data.js'

/** What the server gives each module when it starts. */
export interface ServerContext {
  config: Config
  io: SocketServer
  /** express-session + passport, reusable by socket.io namespaces to authenticate sockets. */
  sessionMiddleware: RequestHandler[]
}

/**
 * A business module (server/modules/<domain>/index.ts). Its routers are mounted by app.ts and its
 * job handlers registered by the server before the worker starts (nothing registers on import).
 */
export interface KenesModule {
  name: string
  /** Its job handlers by name (payload types: `JobPayloads` in core/jobs.ts, extended by the module). */
  jobs?: JobHandlers | ((config: Config) => JobHandlers)
  /** Mounted under /api/v1. */
  api?: Router
  /** Mounted at the site root, before the web client (e.g. /media/..., /metrics). */
  root?: Router
  /** Called once the database is connected and before the server listens (seeding, indexes). */
  start?(ctx: ServerContext): Promise<void> | void
  /** Demo data for `npm run seed` (scripts/seed.ts): must be idempotent (upsert by a natural key). */
  seed?(ctx: ServerContext): Promise<void> | void
  /** Socket.io handlers (namespaces). */
  sockets?(ctx: ServerContext): void
  /** Its records of a person: exported for them and erased with their account (core/personal-data.ts). */
  personalData?: PersonalDataHandler
  /** Called on shutdown before the database closes. */
  stop?(): Promise<void> | void
}
