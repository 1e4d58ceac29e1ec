// Shared types for command handlers.
import type { Doc } from '../bson-utils.js'
import type { Cursors } from '../cursors.js'
import type { Ctx, Stats } from '../exec.js'
import type { Storage } from '../storage.js'
import type { Sessions } from '../transactions.js'

export interface ServerInfo {
  host: string
  port: number
  setName: string
  startedAt: Date
  connections: () => number
}

export interface CommandEnv {
  cmd: Doc
  db: string
  ctx: Ctx
  store: Storage
  sessions: Sessions
  cursors: Cursors
  stats: Stats
  server: ServerInfo
  connectionId: number
}

export type Handler = (env: CommandEnv) => Doc | Promise<Doc>
