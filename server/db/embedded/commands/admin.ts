// Handshake, diagnostics and session/transaction control commands.
import os from 'node:os'
import { BSON, type Doc } from '../bson-utils.js'
import { MongoError } from '../errors.js'
import { commitTxn } from '../exec.js'
import { sweepTtl } from '../maintenance.js'
import { noSuchTxn, lsidKey } from '../transactions.js'
import type { CommandEnv, Handler } from './context.js'

export const MAX_WIRE_VERSION = 21 // MongoDB 7.0
const ELECTION_ID = new BSON.ObjectId('7fffffff0000000000000001')
export const VERSION = '7.0.0'

/** host:port, or the socket's path alone (how the driver names a Unix-socket host). */
function serverAddress(env: CommandEnv): string {
  return env.server.host.endsWith('.sock') ? env.server.host : `${env.server.host}:${env.server.port}`
}

export function helloReply(env: CommandEnv, legacy: boolean): Doc {
  const me = serverAddress(env)
  const now = new Date()
  const opTime = { ts: new BSON.Timestamp({ t: Math.floor(now.getTime() / 1000), i: 1 }), t: BSON.Long.fromNumber(1) }
  // No topologyVersion: with it, the driver switches to streaming hello, which we do not implement.
  const r: Doc = {
    isWritablePrimary: true,
    topologyVersion: undefined,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: now,
    logicalSessionTimeoutMinutes: 30,
    connectionId: env.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    hosts: [me],
    setName: env.server.setName,
    setVersion: 1,
    secondary: false,
    primary: me,
    me,
    electionId: ELECTION_ID,
    lastWrite: { opTime, lastWriteDate: now, majorityOpTime: opTime, majorityWriteDate: now },
    ok: 1,
  }
  delete r.topologyVersion
  if (legacy) {
    delete r.isWritablePrimary
    r.ismaster = true
  }
  if (env.cmd.helloOk || legacy) r.helloOk = true
  return r
}

const hello: Handler = (env) => helloReply(env, false)
const isMaster: Handler = (env) => helloReply(env, true)

const buildInfo: Handler = () => ({
  version: VERSION,
  gitVersion: 'kenes-embedded',
  versionArray: [7, 0, 0, 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: 16 * 1024 * 1024,
  storageEngines: ['kenes-embedded'],
  javascriptEngine: 'none',
  modules: [],
  openssl: { running: 'disabled' },
  ok: 1,
})

const serverStatus: Handler = (env) => ({
  host: os.hostname(),
  version: VERSION,
  process: 'kenes-embedded',
  pid: BSON.Long.fromNumber(process.pid),
  uptime: (Date.now() - env.server.startedAt.getTime()) / 1000,
  localTime: new Date(),
  connections: { current: env.server.connections(), available: 1000 },
  // `scanned` counts documents examined by queries: tests use it to prove index use.
  metrics: {
    queryExecutor: {
      scanned: env.stats.scanned,
      scannedObjects: env.stats.scanned,
      collectionScans: { total: env.stats.collscans },
    },
  },
  journal: env.store.journalStats(),
  storageEngine: { name: 'kenes-embedded', persistent: true },
  ok: 1,
})

const hostInfo: Handler = () => ({
  system: {
    currentTime: new Date(),
    hostname: os.hostname(),
    cpuAddrSize: 64,
    memSizeMB: Math.round(os.totalmem() / 1048576),
    numCores: os.cpus().length,
  },
  os: { type: os.type(), name: os.platform(), version: os.release() },
  extra: {},
  ok: 1,
})

const getParameter: Handler = (env) => {
  const r: Doc = { ok: 1 }
  if (env.cmd.featureCompatibilityVersion) r.featureCompatibilityVersion = { version: '7.0' }
  return r
}

const commitTransaction: Handler = async (env) => {
  const t = env.ctx.txn
  if (!t)
    throw new MongoError(251, 'commitTransaction requires a transaction (autocommit:false)', {}, [
      'TransientTransactionError',
    ])
  await commitTxn(env.store, env.sessions, t)
  return { ok: 1 }
}

const abortTransaction: Handler = (env) => {
  const t = env.ctx.txn
  if (!t) throw noSuchTxn(Number(env.cmd.txnNumber))
  if (t.state === 'committed') throw new MongoError(256, `Transaction ${t.txnNumber} has been committed.`)
  env.sessions.abort(t)
  return { ok: 1 }
}

const endSessions: Handler = (env) => {
  for (const s of (env.cmd.endSessions as unknown[]) ?? []) env.sessions.endSession(s)
  return { ok: 1 }
}

const startSession: Handler = () => ({ id: { id: new BSON.UUID() }, timeoutMinutes: 30, ok: 1 })

const killAllSessions: Handler = (env) => {
  for (const t of env.sessions.txns.values()) env.sessions.abort(t)
  return { ok: 1 }
}

export const adminCommands: Record<string, Handler> = {
  hello,
  isMaster,
  ismaster: isMaster,
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  serverStatus,
  hostInfo,
  getParameter,
  getCmdLineOpts: () => ({ argv: ['kenes-embedded'], parsed: {}, ok: 1 }),
  getLog: () => ({ names: [], log: [], totalLinesWritten: 0, ok: 1 }),
  whatsmyuri: () => ({ you: '127.0.0.1', ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  getFreeMonitoringStatus: () => ({ state: 'disabled', ok: 1 }),
  atlasVersion: () => {
    throw new MongoError(59, "no such command: 'atlasVersion'")
  },
  commitTransaction,
  abortTransaction,
  endSessions,
  startSession,
  killAllSessions,
  killSessions: killAllSessions,
  refreshSessions: () => ({ ok: 1 }),
  // Debug/test hooks (not MongoDB commands): run maintenance now instead of waiting for its timer.
  _kenesMaintenance: async (env) => {
    const what = env.cmd._kenesMaintenance
    if (what === 'compact') {
      await env.store.compact()
      return { journal: env.store.journalStats(), ok: 1 }
    }
    if (what === 'ttl')
      return {
        removed: await sweepTtl(env.store, env.sessions, env.stats, Date.now() + env.sessions.clockSkewMs),
        ok: 1,
      }
    throw new MongoError(2, "_kenesMaintenance expects 'compact' or 'ttl'")
  },
  // Debug/test hook: move the transaction-expiry clock forward and sweep (not a MongoDB command).
  _kenesAdvanceClock: (env) => {
    env.sessions.clockSkewMs += Number(env.cmd._kenesAdvanceClock) || 0
    env.sessions.expire()
    return { clockSkewMs: env.sessions.clockSkewMs, ok: 1 }
  },
  logout: () => ({ ok: 1 }),
  replSetGetStatus: (env) => ({
    set: env.server.setName,
    myState: 1,
    members: [{ _id: 0, name: serverAddress(env), health: 1, state: 1, stateStr: 'PRIMARY' }],
    ok: 1,
  }),
}

export { lsidKey }
