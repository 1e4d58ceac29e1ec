// Catalog commands: create, drop, dropDatabase, createIndexes, listIndexes, dropIndexes, listCollections,
// listDatabases. Each change is journaled before the reply.
import { Query } from '../mingo-ctx.js'
import { BSON, isPlainObject, type Doc } from '../bson-utils.js'
import { MongoError } from '../errors.js'
import { defaultIndexName, sameKey, validateSpec, type IndexSpec } from '../indexes.js'
import { compileValidator } from '../validation.js'
import type { Handler } from './context.js'

function validClustered(v: unknown): boolean {
  if (v === true) return true
  return isPlainObject(v) && JSON.stringify(v.key) === '{"_id":1}' && v.unique === true
}

const create: Handler = async (env) => {
  const ns = env.store.ns(env.db, env.cmd.create)
  if (env.store.get(ns)) throw new MongoError(48, `Collection ${ns} already exists.`)
  const options: Doc = {}
  for (const [k, v] of Object.entries(env.cmd)) {
    if (
      [
        'create',
        '$db',
        'lsid',
        'txnNumber',
        'autocommit',
        'startTransaction',
        'writeConcern',
        '$clusterTime',
        '$readPreference',
        'comment',
      ].includes(k)
    )
      continue
    if (['capped', 'timeseries'].includes(k) && v)
      throw new MongoError(115, `collection option '${k}' is not supported by the embedded engine`)
    // Documents are kept by _id already: a collection clustered on {_id: 1} is what the engine does anyway.
    if (k === 'clusteredIndex' && !validClustered(v))
      throw new MongoError(2, 'The clusteredIndex option requires key: {_id: 1} and unique: true')
    if (k === 'validator') compileValidator(v)
    options[k] = v
  }
  if (
    options.viewOn !== undefined &&
    (typeof options.viewOn !== 'string' || (options.pipeline !== undefined && !Array.isArray(options.pipeline)))
  ) {
    throw new MongoError(2, 'viewOn must be a collection name and pipeline an array')
  }
  const c = env.store.create(ns, options)
  env.ctx.ops.push({ op: 'cc', ns, options, uuid: c.uuid.toHexString() })
  await env.ctx.finish()
  return { ok: 1 }
}

const drop: Handler = async (env) => {
  const ns = env.store.ns(env.db, env.cmd.drop)
  const c = env.store.get(ns)
  if (!c) return { ok: 1 } // mongod 7 answers ok for a missing namespace
  const nIndexesWas = c.indexes.size
  env.store.drop(ns)
  env.ctx.ops.push({ op: 'dc', ns })
  await env.ctx.finish()
  return { nIndexesWas, ns, ok: 1 }
}

const dropDatabase: Handler = async (env) => {
  env.store.dropDatabase(env.db)
  env.ctx.ops.push({ op: 'ddb', db: env.db })
  await env.ctx.finish()
  return { dropped: env.db, ok: 1 }
}

const createIndexes: Handler = async (env) => {
  const ns = env.store.ns(env.db, env.cmd.createIndexes)
  if (!Array.isArray(env.cmd.indexes) || !env.cmd.indexes.length)
    throw new MongoError(2, 'Must specify at least one index to create')
  const existed = !!env.store.get(ns)
  const c = env.ctx.collForWrite(ns)
  const before = c.indexes.size
  for (const raw of env.cmd.indexes as Doc[]) {
    const spec = validateSpec({
      ...raw,
      name: raw.name ?? (isPlainObject(raw.key) ? defaultIndexName(raw.key) : undefined),
    })
    const full: IndexSpec = { v: 2, ...spec }
    const byName = c.indexes.get(full.name)
    if (byName) {
      if (!sameKey(byName.spec.key, full.key))
        throw new MongoError(
          86,
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(BSON.EJSON.serialize(full))}, existing index: ${JSON.stringify(BSON.EJSON.serialize(byName.spec))}`,
        )
      if (!!byName.spec.unique !== !!full.unique)
        throw new MongoError(
          85,
          `An equivalent index already exists with a different name and options. Requested index: ${full.name}`,
        )
      continue
    }
    const sameKeyIx = [...c.indexes.values()].find(
      (ix) =>
        sameKey(ix.spec.key, full.key) &&
        JSON.stringify(ix.spec.partialFilterExpression) === JSON.stringify(full.partialFilterExpression),
    )
    if (sameKeyIx) throw new MongoError(85, `Index already exists with a different name: ${sameKeyIx.spec.name}`)
    if (full.partialFilterExpression) {
      try {
        new Query(full.partialFilterExpression)
      } catch {
        throw new MongoError(67, 'Error in specification: bad partialFilterExpression')
      }
    }
    c.addIndex(full)
    env.ctx.ops.push({ op: 'ci', ns, spec: full })
  }
  await env.ctx.finish()
  const reply: Doc = {
    numIndexesBefore: before,
    numIndexesAfter: c.indexes.size,
    createdCollectionAutomatically: !existed,
    ok: 1,
  }
  if (before === c.indexes.size) reply.note = 'all indexes already exist'
  return reply
}

const listIndexes: Handler = (env) => {
  const ns = env.store.ns(env.db, env.cmd.listIndexes)
  const c = env.store.get(ns)
  if (!c) throw new MongoError(26, `ns does not exist: ${ns}`)
  if (c.options.viewOn) throw new MongoError(166, `Namespace ${ns} is a view, not a collection`)
  const bs = isPlainObject(env.cmd.cursor) ? (env.cmd.cursor.batchSize as number | undefined) : undefined
  return {
    cursor: env.cursors.first(
      ns,
      // mongod never reports `unique` on the _id index (mongoose's syncIndexes compares these specs).
      c.indexSpecs().map(({ unique, ...s }) => (s.name === '_id_' ? s : { ...s, ...(unique ? { unique } : {}) })),
      bs,
      false,
    ),
    ok: 1,
  }
}

const dropIndexes: Handler = async (env) => {
  const ns = env.store.ns(env.db, env.cmd.dropIndexes ?? env.cmd.deleteIndexes)
  const c = env.store.get(ns)
  if (!c) throw new MongoError(26, `ns not found ${ns}`)
  const nIndexesWas = c.indexes.size
  const target = env.cmd.index
  let names: string[]
  if (target === '*') names = [...c.indexes.keys()].filter((n) => n !== '_id_')
  else if (typeof target === 'string') names = [target]
  else if (Array.isArray(target)) names = target.map(String)
  else if (isPlainObject(target)) {
    const ix = [...c.indexes.values()].find((i) => sameKey(i.spec.key, target))
    if (!ix) throw new MongoError(27, `can't find index with key: ${JSON.stringify(BSON.EJSON.serialize(target))}`)
    names = [ix.spec.name]
  } else throw new MongoError(14, 'dropIndexes: index must be a string, array or object')
  for (const n of names) {
    if (n === '_id_') throw new MongoError(72, 'cannot drop _id index')
    if (!c.indexes.has(n)) throw new MongoError(27, `index not found with name [${n}]`)
  }
  for (const n of names) {
    c.indexes.delete(n)
    env.ctx.ops.push({ op: 'di', ns, name: n })
  }
  await env.ctx.finish()
  return { nIndexesWas, ok: 1 }
}

const listCollections: Handler = (env) => {
  const colls = env.store.dbs.get(env.db)
  let infos = colls ? [...colls.values()].map((c) => c.info()) : []
  if (isPlainObject(env.cmd.filter) && Object.keys(env.cmd.filter).length) {
    const q = new Query(env.cmd.filter)
    infos = infos.filter((i) => q.test(i))
  }
  if (env.cmd.nameOnly) infos = infos.map((i) => ({ name: i.name, type: i.type }))
  const bs = isPlainObject(env.cmd.cursor) ? (env.cmd.cursor.batchSize as number | undefined) : undefined
  return { cursor: env.cursors.first(`${env.db}.$cmd.listCollections`, infos, bs, false), ok: 1 }
}

const listDatabases: Handler = (env) => {
  let dbs = [...env.store.dbs.entries()].map(([name, colls]) => {
    let size = 0
    for (const c of colls.values()) size += c.docs.size * 100
    return { name, sizeOnDisk: size, empty: size === 0 }
  })
  if (isPlainObject(env.cmd.filter)) {
    const q = new Query(env.cmd.filter)
    dbs = dbs.filter((d) => q.test(d))
  }
  if (env.cmd.nameOnly) return { databases: dbs.map((d) => ({ name: d.name })), ok: 1 }
  return { databases: dbs, totalSize: dbs.reduce((s, d) => s + d.sizeOnDisk, 0), ok: 1 }
}

export const ddlCommands: Record<string, Handler> = {
  create,
  drop,
  dropDatabase,
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
  listCollections,
  listDatabases,
}
