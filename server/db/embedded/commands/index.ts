// Command dispatch: picks the handler, binds the session's transaction, applies retryable-write dedupe,
// and turns every failure into MongoDB's error reply.
import type { Doc } from '../bson-utils.js'
import { collatorFor } from '../collation.js'
import { MongoError } from '../errors.js'
import { Ctx } from '../exec.js'
import { adminCommands } from './admin.js'
import { catalogExtraCommands } from './catalog-extra.js'
import type { CommandEnv, Handler } from './context.js'
import { crudCommands } from './crud.js'
import { ddlCommands } from './ddl.js'
import { readCommands } from './read.js'

const HANDLERS: Record<string, Handler> = {
  ...adminCommands,
  ...crudCommands,
  ...readCommands,
  ...ddlCommands,
  ...catalogExtraCommands,
}
const RETRYABLE = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify'])
const TXN_CONTROL = new Set(['commitTransaction', 'abortTransaction'])
/** Still answered after a journal failure, so drivers can connect and see the error on real commands. */
const HANDSHAKE = new Set(['hello', 'isMaster', 'ismaster'])

export type Env = Omit<CommandEnv, 'cmd' | 'db' | 'ctx'>

export async function runCommand(base: Env, cmd: Doc, defaultDb: string): Promise<Doc> {
  const name = Object.keys(cmd)[0]
  const handler = name === undefined ? undefined : HANDLERS[name]
  if (!handler) return new MongoError(59, `no such command: '${name ?? ''}'`).toReply()
  const db = typeof cmd.$db === 'string' ? cmd.$db : defaultDb
  if (base.store.failure && !HANDSHAKE.has(name)) {
    return new MongoError(
      1,
      `the embedded engine stopped after a journal write failed (${base.store.failure.message}); restart it: everything acknowledged is on disk`,
    ).toReply()
  }
  base.sessions.expire()
  let txn
  try {
    txn = base.sessions.forCommand(cmd, base.store.seq)
  } catch (e) {
    return e instanceof MongoError ? e.toReply() : new MongoError(1, String(e)).toReply()
  }
  if (TXN_CONTROL.has(name) && db !== 'admin')
    return new MongoError(13, `${name} may only be run against the admin database.`).toReply()
  const unsupported = unsupportedCollation(cmd)
  if (unsupported) return unsupported.toReply()
  const env: CommandEnv = { ...base, cmd, db, ctx: new Ctx(base.store, base.sessions, txn, base.stats) }
  const exec = async (): Promise<Doc> => {
    try {
      return await handler(env)
    } catch (e) {
      // In a transaction, a failed statement aborts the whole transaction, as in mongod.
      if (txn && !TXN_CONTROL.has(name) && txn.state === 'active') base.sessions.abort(txn)
      if (e instanceof MongoError) {
        if (txn && txn.state !== 'committed' && e.code === 251 && !e.labels.includes('TransientTransactionError'))
          e.labels.push('TransientTransactionError')
        return e.toReply()
      }
      return new MongoError(1, (e as Error)?.stack ?? String(e)).toReply()
    }
  }
  return RETRYABLE.has(name) ? base.sessions.retryable(cmd, exec) : exec()
}

/** Every collation the command names must be valid (ICU through Intl.Collator; see collation.ts). */
function unsupportedCollation(cmd: Doc): MongoError | undefined {
  const lists = [cmd.updates, cmd.deletes, cmd.indexes].filter(Array.isArray) as Doc[][]
  try {
    for (const c of [cmd.collation, ...lists.flat().map((d) => d?.collation)]) collatorFor(c)
  } catch (e) {
    return e instanceof MongoError ? e : new MongoError(2, String(e))
  }
  return undefined
}
