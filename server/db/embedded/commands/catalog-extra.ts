// collMod (validator, validationLevel/Action, view pipeline, index expireAfterSeconds/hidden) and
// setParameter. Option changes are journaled as one 'co' record (the collection's whole options).
import { isPlainObject, type Doc } from '../bson-utils.js'
import { MongoError } from '../errors.js'
import { compileValidator } from '../validation.js'
import type { Handler } from './context.js'

const GENERIC = new Set(['$db', 'lsid', 'txnNumber', '$clusterTime', '$readPreference', 'writeConcern', 'comment'])
const LEVELS = ['off', 'strict', 'moderate']
const ACTIONS = ['error', 'warn']

const collMod: Handler = async (env) => {
  const ns = env.store.ns(env.db, env.cmd.collMod)
  const c = env.store.get(ns)
  if (!c) throw new MongoError(26, `ns does not exist: ${ns}`)
  const options: Doc = { ...c.options }
  const reply: Doc = { ok: 1 }
  for (const [k, v] of Object.entries(env.cmd)) {
    if (k === 'collMod' || GENERIC.has(k)) continue
    if (k === 'validator') {
      compileValidator(v)
      options.validator = v
    } else if (k === 'validationLevel') {
      if (!LEVELS.includes(String(v)))
        throw new MongoError(2, `Enumeration value '${String(v)}' for field 'validationLevel' is not a valid value.`)
      options.validationLevel = v
    } else if (k === 'validationAction') {
      if (!ACTIONS.includes(String(v)))
        throw new MongoError(2, `Enumeration value '${String(v)}' for field 'validationAction' is not a valid value.`)
      options.validationAction = v
    } else if (k === 'viewOn' || k === 'pipeline') {
      if (!c.options.viewOn) throw new MongoError(2, `collMod: ${ns} is not a view`)
      options[k] = v
    } else if (k === 'index') {
      if (!isPlainObject(v))
        throw new MongoError(14, "BSON field 'collMod.index' is the wrong type, expected an object")
      const ix = [...c.indexes.values()].find((i) =>
        v.name !== undefined ? i.spec.name === v.name : JSON.stringify(i.spec.key) === JSON.stringify(v.keyPattern),
      )
      if (!ix) throw new MongoError(27, `cannot find index ${JSON.stringify(v.name ?? v.keyPattern)} for ns ${ns}`)
      if (v.expireAfterSeconds !== undefined) {
        if (ix.spec.expireAfterSeconds === undefined) throw new MongoError(2, 'no expireAfterSeconds field to update')
        reply.expireAfterSeconds_old = ix.spec.expireAfterSeconds
        ix.spec.expireAfterSeconds = Number(v.expireAfterSeconds)
        reply.expireAfterSeconds_new = ix.spec.expireAfterSeconds
      }
      if (v.hidden !== undefined) {
        reply.hidden_old = !!(ix.spec as Doc).hidden
        ;(ix.spec as Doc).hidden = !!v.hidden
        reply.hidden_new = !!v.hidden
      }
      env.ctx.ops.push({ op: 'di', ns, name: ix.spec.name }, { op: 'ci', ns, spec: ix.spec })
    } else throw new MongoError(40415, `BSON field 'collMod.${k}' is an unknown field.`)
  }
  c.options = options
  env.ctx.ops.push({ op: 'co', ns, options })
  await env.ctx.finish()
  return reply
}

const parameters: Doc = {
  logLevel: 0,
  notablescan: false,
  ttlMonitorEnabled: true,
  cursorTimeoutMillis: 600000,
  transactionLifetimeLimitSeconds: 60,
  maxTransactionLockRequestTimeoutMillis: 5,
  internalQueryExecMaxBlockingSortBytes: 100 * 1024 * 1024,
  enableTestCommands: false,
}

const setParameter: Handler = (env) => {
  if (env.db !== 'admin') throw new MongoError(13, 'setParameter may only be run against the admin database.')
  const reply: Doc = { ok: 1 }
  const names = Object.keys(env.cmd).filter((k) => k !== 'setParameter' && !GENERIC.has(k))
  if (!names.length) throw new MongoError(2, 'no option found to set, use help:true to see options ')
  for (const k of names) {
    if (!(k in parameters))
      throw new MongoError(72, `attempted to set unrecognized parameter [${k}], use help:true to see options `)
    reply.was = parameters[k]
    parameters[k] = env.cmd[k]
  }
  return reply
}

export const catalogExtraCommands: Record<string, Handler> = { collMod, setParameter }
