// Maps unified-format operations to the real `mongodb` driver calls (CRUD spec names → Node API).
import { type AnyBulkWriteOperation, type ClientSession, Collection, Db, type Document, MongoClient } from 'mongodb'

export class SkipTest extends Error {}

/** A test runner's entity map: driver objects and saved results by id. */
export type Entities = Map<string, unknown>

export interface OperationResult {
  result: unknown
  /** the result is an iterable of documents: each element is matched as a root-level document */
  rootArray?: boolean
}

type Args = Record<string, any>

/** Split the arguments: named ones are positional, everything else becomes driver options. */
function options(args: Args, positional: string[], entities: Entities): Args {
  const out: Args = {}
  for (const [k, v] of Object.entries(args)) {
    if (positional.includes(k)) continue
    if (k === 'session') out.session = entity(entities, v, 'session')
    else if (k === 'returnDocument') out.returnDocument = String(v).toLowerCase()
    else out[k] = v
  }
  return out
}

export function entity<T = any>(entities: Entities, id: string, kind: string): T {
  if (!entities.has(id)) throw new Error(`runner: unknown ${kind} entity "${id}"`)
  return entities.get(id) as T
}

function bulkRequests(requests: Args[]): AnyBulkWriteOperation<Document>[] {
  // The CRUD spec's request shape is the Node driver's shape ({ insertOne: { document } }, ...).
  return requests.map((r) => ({ ...r }) as AnyBulkWriteOperation<Document>)
}

function clientModels(models: Args[]): any[] {
  return models.map((m) => {
    const [name, body] = Object.entries(m)[0]
    return { name, ...(body as Args) }
  })
}

/**
 * The Node driver fills in an ObjectId whenever `_id == null`, so an explicit `_id: null` would never
 * reach the server; `forceServerObjectId` makes it send the document as written (create-null-ids.json).
 */
function hasNullId(name: string, args: Args): boolean {
  const docs: unknown[] =
    name === 'insertOne'
      ? [args.document]
      : name === 'insertMany'
        ? args.documents
        : name === 'bulkWrite'
          ? args.requests.map((r: Args) => r.insertOne?.document)
          : []
  return docs.some((d) => d !== null && typeof d === 'object' && '_id' in d && (d as Args)._id === null)
}

export async function runCollectionOp(
  coll: Collection,
  name: string,
  args: Args,
  entities: Entities,
): Promise<OperationResult> {
  const o = (positional: string[]): Args => ({
    ...options(args, positional, entities),
    ...(hasNullId(name, args) ? { forceServerObjectId: true } : {}),
  })
  switch (name) {
    case 'insertOne':
      return { result: await coll.insertOne(args.document, o(['document'])) }
    case 'insertMany':
      return { result: await coll.insertMany(args.documents, o(['documents'])) }
    case 'updateOne':
      return { result: await coll.updateOne(args.filter, args.update, o(['filter', 'update'])) }
    case 'updateMany':
      return { result: await coll.updateMany(args.filter, args.update, o(['filter', 'update'])) }
    case 'replaceOne':
      return { result: await coll.replaceOne(args.filter, args.replacement, o(['filter', 'replacement'])) }
    case 'deleteOne':
      return { result: await coll.deleteOne(args.filter, o(['filter'])) }
    case 'deleteMany':
      return { result: await coll.deleteMany(args.filter, o(['filter'])) }
    case 'find':
      return { result: await coll.find(args.filter ?? {}, o(['filter'])).toArray(), rootArray: true }
    case 'findOne':
      return { result: await coll.findOne(args.filter ?? {}, o(['filter'])) }
    case 'countDocuments':
      return { result: await coll.countDocuments(args.filter ?? {}, o(['filter'])) }
    case 'estimatedDocumentCount':
      return { result: await coll.estimatedDocumentCount(o([])) }
    case 'count':
      return { result: await coll.count(args.filter ?? {}, o(['filter'])) }
    case 'distinct':
      return { result: await coll.distinct(args.fieldName, args.filter ?? {}, o(['fieldName', 'filter'])) }
    case 'aggregate':
      return { result: await coll.aggregate(args.pipeline, o(['pipeline'])).toArray(), rootArray: true }
    case 'bulkWrite':
      return { result: await coll.bulkWrite(bulkRequests(args.requests), o(['requests'])) }
    case 'findOneAndUpdate':
      return { result: await coll.findOneAndUpdate(args.filter, args.update, o(['filter', 'update']) as any) }
    case 'findOneAndReplace':
      return {
        result: await coll.findOneAndReplace(args.filter, args.replacement, o(['filter', 'replacement']) as any),
      }
    case 'findOneAndDelete':
      return { result: await coll.findOneAndDelete(args.filter, o(['filter']) as any) }
    case 'createIndex':
      return { result: await coll.createIndex(args.keys, o(['keys'])) }
    case 'dropIndex':
      return { result: await coll.dropIndex(args.name, o(['name'])) }
    case 'dropIndexes':
      return { result: await coll.dropIndexes(o([])) }
    case 'listIndexes':
      return { result: await coll.listIndexes(o([])).toArray(), rootArray: true }
    case 'drop':
      return { result: await coll.drop(o([])) }
    case 'rename':
      return { result: await coll.rename(args.to, o(['to'])) }
    default:
      throw new SkipTest(`runner does not implement collection operation "${name}"`)
  }
}

export async function runDatabaseOp(db: Db, name: string, args: Args, entities: Entities): Promise<OperationResult> {
  const o = (positional: string[]): Args => options(args, positional, entities)
  switch (name) {
    case 'createCollection':
      return { result: await db.createCollection(args.collection, o(['collection'])) }
    case 'dropCollection':
      return { result: await db.dropCollection(args.collection, o(['collection'])) }
    case 'listCollections':
      return { result: await db.listCollections(args.filter ?? {}, o(['filter'])).toArray(), rootArray: true }
    case 'listCollectionNames':
      return {
        result: (await db.listCollections(args.filter ?? {}, { ...o(['filter']), nameOnly: true }).toArray()).map(
          (c) => c.name,
        ),
      }
    case 'runCommand':
      return { result: await db.command(args.command, o(['command', 'commandName'])) }
    case 'aggregate':
      return { result: await db.aggregate(args.pipeline, o(['pipeline'])).toArray(), rootArray: true }
    default:
      throw new SkipTest(`runner does not implement database operation "${name}"`)
  }
}

export async function runClientOp(
  client: MongoClient,
  name: string,
  args: Args,
  entities: Entities,
): Promise<OperationResult> {
  const o = (positional: string[]): Args => options(args, positional, entities)
  switch (name) {
    case 'listDatabases':
      return { result: (await client.db('admin').admin().listDatabases(o([]))).databases, rootArray: true }
    case 'listDatabaseNames':
      return {
        result: (
          await client
            .db('admin')
            .admin()
            .listDatabases({ ...o([]), nameOnly: true })
        ).databases.map((d) => d.name),
      }
    case 'clientBulkWrite':
      return { result: await client.bulkWrite(clientModels(args.models), o(['models'])) }
    default:
      throw new SkipTest(`runner does not implement client operation "${name}"`)
  }
}

export async function runSessionOp(session: ClientSession, name: string): Promise<OperationResult> {
  switch (name) {
    case 'startTransaction':
      session.startTransaction()
      return { result: undefined }
    case 'commitTransaction':
      return { result: await session.commitTransaction() }
    case 'abortTransaction':
      return { result: await session.abortTransaction() }
    case 'endSession':
      return { result: await session.endSession() }
    default:
      throw new SkipTest(`runner does not implement session operation "${name}"`)
  }
}

/** Dispatch by the entity's type. */
export async function runEntityOp(
  target: unknown,
  name: string,
  args: Args,
  entities: Entities,
): Promise<OperationResult> {
  if (target instanceof Collection) return runCollectionOp(target, name, args, entities)
  if (target instanceof Db) return runDatabaseOp(target, name, args, entities)
  if (target instanceof MongoClient) return runClientOp(target, name, args, entities)
  if (target && typeof (target as ClientSession).startTransaction === 'function') {
    return runSessionOp(target as ClientSession, name)
  }
  throw new Error(`runner: entity cannot run "${name}"`)
}
