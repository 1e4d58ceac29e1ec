// Query operator semantics through the real driver, as a table: filter → the _ids MongoDB returns (or its
// error code), over one fixed collection holding every BSON type the operators distinguish.
import { expect } from 'chai'
import * as BSON from 'bson'
import { startTestEngine, type AnyDoc, type TestEngine } from './engine-helpers.js'

const oid = new BSON.ObjectId('64b000000000000000000001')
const DOCS: AnyDoc[] = [
  { _id: 1, v: 1 },
  { _id: 2, v: 2.5 },
  { _id: 3, v: BSON.Long.fromString('9007199254740993') },
  { _id: 4, v: BSON.Decimal128.fromString('1.5') },
  { _id: 5, v: 'str' },
  { _id: 6, v: oid },
  { _id: 7, v: new BSON.Binary(Buffer.from([0b00000101, 0xff]), 0) },
  { _id: 8, v: new BSON.Timestamp({ t: 1, i: 1 }) },
  { _id: 9, v: new BSON.MinKey() },
  { _id: 10, v: new BSON.MaxKey() },
  { _id: 11, v: [1, 'a'] },
  { _id: 12, v: null },
  { _id: 13, v: new Date(0) },
  { _id: 14, v: { x: 1 } },
  { _id: 15, v: true },
  { _id: 16, v: 3000000000 },
  { _id: 17, refs: [new BSON.DBRef('users', oid), new BSON.DBRef('users', new BSON.ObjectId())] },
  { _id: 18, v: new BSON.Binary(Buffer.from([0x01, 0x02]), 0) },
]

const ROWS: { name: string; filter: BSON.Document; ids?: number[]; code?: number }[] = [
  { name: '$type objectId', filter: { v: { $type: 'objectId' } }, ids: [6] },
  { name: '$type binData', filter: { v: { $type: 'binData' } }, ids: [7, 18] },
  { name: '$type timestamp', filter: { v: { $type: 'timestamp' } }, ids: [8] },
  { name: '$type minKey / maxKey', filter: { v: { $type: ['minKey', 'maxKey'] } }, ids: [9, 10] },
  { name: '$type double is not int or long', filter: { v: { $type: 'double' } }, ids: [2] },
  { name: '$type long includes large Longs', filter: { v: { $type: 'long' } }, ids: [3, 16] },
  { name: '$type int', filter: { v: { $type: 'int' } }, ids: [1, 11] },
  { name: '$type decimal is only Decimal128', filter: { v: { $type: 'decimal' } }, ids: [4] },
  { name: '$type number', filter: { v: { $type: 'number' } }, ids: [1, 2, 3, 4, 11, 16] },
  { name: '$type by code 7', filter: { v: { $type: 7 } }, ids: [6] },
  { name: '$type array', filter: { v: { $type: 'array' } }, ids: [11] },
  { name: '$type object', filter: { v: { $type: 'object' } }, ids: [14] },
  { name: '$type with an unknown alias is BadValue', filter: { v: { $type: 'nope' } }, code: 2 },
  { name: '$all on a non-array field', filter: { v: { $all: ['str'] } }, ids: [5] },
  { name: '$all on an array', filter: { v: { $all: [1, 'a'] } }, ids: [11] },
  { name: '$all empty matches nothing', filter: { v: { $all: [] } }, ids: [] },
  {
    name: 'BinData $gt compares within BinData',
    filter: { v: { $gt: new BSON.Binary(Buffer.from([0x01, 0x00]), 0) } },
    ids: [7, 18],
  },
  { name: 'BinData $lt', filter: { v: { $lt: new BSON.Binary(Buffer.from([0x02, 0x00]), 0) } }, ids: [18] },
  { name: '$bitsAllSet on BinData', filter: { v: { $bitsAllSet: [0, 2] } }, ids: [7] },
  {
    name: '$bitsAllSet with a BinData mask',
    filter: { v: { $bitsAllSet: new BSON.Binary(Buffer.from([0x04])) } },
    ids: [7],
  },
  { name: '$bitsAnySet on BinData', filter: { _id: { $gte: 7 }, v: { $bitsAnySet: [9] } }, ids: [7, 16, 18] },
  { name: '$gt only within the number bracket', filter: { v: { $gt: 2 } }, ids: [2, 3, 16] },
  { name: '$gte null matches null and missing', filter: { v: { $gte: null } }, ids: [12, 17] },
  { name: '$gt ObjectId', filter: { v: { $gt: new BSON.ObjectId('64b000000000000000000000') as never } }, ids: [6] },
  // plain equality / $in / $ne / null (the engine's fast path): arrays match by element, null matches missing
  { name: 'equality matches an array element', filter: { v: 1 }, ids: [1, 11] },
  { name: 'string equality inside an array', filter: { v: 'a' }, ids: [11] },
  { name: '$in', filter: { v: { $in: [1, 'str'] } }, ids: [1, 5, 11] },
  { name: '$ne', filter: { v: { $ne: 1 } }, ids: [2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18] },
  { name: 'null matches null and missing', filter: { v: null }, ids: [12, 17] },
  { name: '$nin with null', filter: { v: { $nin: [null, 1] } }, ids: [2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15, 16, 18] },
  { name: 'a range and an equality together', filter: { _id: { $gte: 5, $lt: 8 }, v: { $ne: 'str' } }, ids: [6, 7] },
  { name: '$elemMatch {$id} on DBRefs', filter: { refs: { $elemMatch: { $id: oid } } }, ids: [17] },
  { name: '$elemMatch with operators only', filter: { v: { $elemMatch: { $gte: 1 } } }, ids: [11] },
]

describe('embedded engine: query semantics (MongoDB rules, real driver)', () => {
  let te: TestEngine
  before(async () => {
    te = await startTestEngine()
    await te.client.db('sem_q').collection<AnyDoc>('t').insertMany(DOCS)
  })
  after(async () => te?.stop())

  for (const r of ROWS) {
    it(r.name, async () => {
      const c = te.client.db('sem_q').collection<AnyDoc>('t')
      const run = c.find(r.filter, { projection: { _id: 1 }, sort: { _id: 1 } }).toArray()
      if (r.code !== undefined) {
        const err = await run.then(
          () => undefined,
          (e: { code?: number }) => e,
        )
        expect(err).to.have.property('code', r.code)
        return
      }
      expect((await run).map((d) => d._id)).to.deep.equal(r.ids)
    })
  }
})
