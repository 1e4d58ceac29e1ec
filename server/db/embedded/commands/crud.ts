// Write commands: insert, update, delete, findAndModify — with MongoDB's reply shapes (n, nModified,
// upserted[], writeErrors[]) and its validation rules.
import { BSON, isPlainObject, type Doc } from '../bson-utils.js'
import { MongoError } from '../errors.js'
import { requireColl } from '../exec.js'
import { applyUpdate, buildUpsert, checkStorable, project, updateKind, type UpdateSpec } from '../query.js'
import { validateWrite } from '../validation.js'
import type { CommandEnv, Handler } from './context.js'

function nsOf(env: CommandEnv, field: string): string {
  return env.store.ns(env.db, env.cmd[field])
}

/** mongod stores _id as the first field, generating an ObjectId when absent. */
function withId(doc: Doc): Doc {
  if (doc._id !== undefined && Object.keys(doc)[0] === '_id') return doc
  const out: Doc = { _id: doc._id === undefined ? new BSON.ObjectId() : doc._id }
  for (const k of Object.keys(doc)) if (k !== '_id') out[k] = doc[k]
  return out
}

function arrayOf(v: unknown, name: string): Doc[] {
  if (!Array.isArray(v)) throw new MongoError(9, `BSON field '${name}' is missing but a required field`)
  return v as Doc[]
}

function asError(e: unknown): MongoError {
  // Labelled errors (WriteConflict in a transaction) are command-level in mongod, not writeErrors.
  if (e instanceof MongoError && e.labels.length) throw e
  if (e instanceof MongoError) return e
  return new MongoError(1, (e as Error)?.message ?? String(e))
}

/** Close out a write command: journal, then report. In a transaction any write error aborts it (mongod rule). */
async function finishWrite(env: CommandEnv, reply: Doc, errors: Doc[]): Promise<Doc> {
  await env.ctx.finish()
  if (errors.length) {
    reply.writeErrors = errors
    if (env.ctx.txn) env.sessions.abort(env.ctx.txn)
  }
  reply.ok = 1
  return reply
}

const insert: Handler = async (env) => {
  const ns = nsOf(env, 'insert')
  const docs = arrayOf(env.cmd.documents, 'insert.documents')
  const ordered = env.cmd.ordered !== false
  const c = env.ctx.collForWrite(ns)
  let n = 0
  const errors: Doc[] = []
  for (let i = 0; i < docs.length; i++) {
    try {
      const d = withId(docs[i])
      checkStorable(d)
      validateWrite(c, d, undefined, env.cmd)
      env.ctx.insert(c, d)
      n++
    } catch (e) {
      errors.push(asError(e).toWriteError(i))
      if (ordered) break
    }
  }
  return finishWrite(env, { n }, errors)
}

interface UpdateStmt {
  q?: Doc
  u?: UpdateSpec
  upsert?: boolean
  multi?: boolean
  arrayFilters?: Doc[]
  sort?: Doc
  collation?: Doc
  hint?: unknown
}

const update: Handler = async (env) => {
  const ns = nsOf(env, 'update')
  const stmts = arrayOf(env.cmd.updates, 'update.updates') as UpdateStmt[]
  const ordered = env.cmd.ordered !== false
  const vars = env.cmd.let as Doc | undefined
  let n = 0,
    nModified = 0
  const upserted: Doc[] = []
  const errors: Doc[] = []
  for (let i = 0; i < stmts.length; i++) {
    const s = stmts[i]
    try {
      const kind = updateKind(s.u)
      if (s.multi && kind === 'replace')
        throw new MongoError(9, 'multi update is not supported for replacement-style update')
      if (s.arrayFilters !== undefined && kind !== 'ops')
        throw new MongoError(9, 'arrayFilters may not be specified for pipeline-syle updates')
      const existing = env.ctx.coll(ns)
      const matched = env.ctx.select(existing, s.q ?? {}, {
        sort: s.sort,
        limit: s.multi ? undefined : 1,
        collation: s.collation,
        hint: s.hint,
      })
      const targets = s.multi ? matched : matched.slice(0, 1)
      if (targets.length) {
        const c = existing!
        for (const old of targets) {
          const next = applyUpdate(old, s.u as UpdateSpec, { arrayFilters: s.arrayFilters, vars, query: s.q })
          n++
          if (next !== old) {
            validateWrite(c, next, old, env.cmd)
            env.ctx.replace(c, next)
            nModified++
          }
        }
      } else if (s.upsert) {
        const doc = buildUpsert(s.q ?? {}, s.u as UpdateSpec, s.arrayFilters, vars)
        checkStorable(doc)
        const target = env.ctx.collForWrite(ns)
        validateWrite(target, doc, undefined, env.cmd)
        env.ctx.insert(target, doc)
        n++
        upserted.push({ index: i, _id: doc._id })
      }
    } catch (e) {
      errors.push(asError(e).toWriteError(i))
      if (ordered) break
    }
  }
  const reply: Doc = { n, nModified }
  if (upserted.length) reply.upserted = upserted
  return finishWrite(env, reply, errors)
}

const del: Handler = async (env) => {
  const ns = nsOf(env, 'delete')
  const stmts = arrayOf(env.cmd.deletes, 'delete.deletes') as {
    q?: Doc
    limit?: number
    collation?: Doc
    hint?: unknown
  }[]
  const ordered = env.cmd.ordered !== false
  let n = 0
  const errors: Doc[] = []
  for (let i = 0; i < stmts.length; i++) {
    try {
      const s = stmts[i]
      const lim = Number(s.limit ?? 0)
      if (lim !== 0 && lim !== 1)
        throw new MongoError(9, 'The limit field in delete objects must be 0 or 1. Got ' + lim)
      const c = env.ctx.coll(ns)
      const docs = env.ctx.select(c, s.q ?? {}, { limit: lim || undefined, collation: s.collation, hint: s.hint })
      for (const d of lim ? docs.slice(0, 1) : docs) {
        env.ctx.remove(c!, d)
        n++
      }
    } catch (e) {
      errors.push(asError(e).toWriteError(i))
      if (ordered) break
    }
  }
  return finishWrite(env, { n }, errors)
}

const findAndModify: Handler = async (env) => {
  const cmd = env.cmd
  const ns = env.store.ns(env.db, cmd.findAndModify ?? cmd.findandmodify)
  const remove = !!cmd.remove
  const u = cmd.update as UpdateSpec | undefined
  if (remove && u !== undefined) throw new MongoError(9, 'Cannot specify both an update and remove=true')
  if (!remove && u === undefined) throw new MongoError(9, 'Either an update or remove=true must be specified')
  if (remove && cmd.new)
    throw new MongoError(
      9,
      "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document",
    )
  if (remove && cmd.upsert) throw new MongoError(9, 'Cannot specify both upsert=true and remove=true')
  if (u !== undefined) updateKind(u)
  if (cmd.arrayFilters !== undefined && Array.isArray(u))
    throw new MongoError(9, 'arrayFilters may not be specified for pipeline-syle updates')
  const query = (cmd.query ?? {}) as Doc
  const sort = isPlainObject(cmd.sort) ? cmd.sort : undefined
  const fields = isPlainObject(cmd.fields) ? cmd.fields : undefined
  const existing = env.ctx.coll(ns)
  const old = env.ctx.select(existing, query, { sort, limit: 1, collation: cmd.collation, hint: cmd.hint })[0]
  const out = (d: Doc | undefined): Doc | null => (d ? project([d], fields, query)[0] : null)
  let reply: Doc
  try {
    if (remove) {
      if (old) env.ctx.remove(existing!, old)
      reply = { lastErrorObject: { n: old ? 1 : 0 }, value: out(old) }
    } else if (old) {
      const next = applyUpdate(old, u!, {
        arrayFilters: cmd.arrayFilters as Doc[] | undefined,
        vars: cmd.let as Doc | undefined,
        query,
      })
      if (next !== old) {
        validateWrite(existing!, next, old, cmd)
        env.ctx.replace(existing!, next)
      }
      reply = { lastErrorObject: { n: 1, updatedExisting: true }, value: out(cmd.new ? next : old) }
    } else if (cmd.upsert) {
      const doc = buildUpsert(query, u!, cmd.arrayFilters as Doc[] | undefined, cmd.let as Doc | undefined)
      checkStorable(doc)
      const target = env.ctx.collForWrite(ns)
      validateWrite(target, doc, undefined, cmd)
      env.ctx.insert(target, doc)
      reply = { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value: cmd.new ? out(doc) : null }
    } else {
      reply = { lastErrorObject: { n: 0, updatedExisting: false }, value: null }
    }
  } catch (e) {
    await env.ctx.finish()
    throw e
  }
  await env.ctx.finish()
  reply.ok = 1
  return reply
}

export const crudCommands: Record<string, Handler> = {
  insert,
  update,
  delete: del,
  findAndModify,
  findandmodify: findAndModify,
}

export { requireColl }
