// Executes one unified-format test: entities, initialData, operations, expectEvents, outcome.
// Failures throw an Error whose message lists every mismatch, so the report shows a diff.
import {
  type ClientSession,
  type CommandFailedEvent,
  type CommandStartedEvent,
  type CommandSucceededEvent,
  type Document,
  MongoClient,
  MongoOperationTimeoutError,
  MongoServerError,
  ReadPreference,
} from 'mongodb'
import { EJSON } from 'bson'
import { exactMatch, match, show } from './matcher.js'
import { type Entities, entity, runEntityOp, SkipTest } from './operations.js'

type Args = Record<string, any>
export interface SpecTest {
  description: string
  skipReason?: string
  runOnRequirements?: Args[]
  operations: Args[]
  expectEvents?: Args[]
  outcome?: Args[]
}
export interface SpecFile {
  description: string
  schemaVersion: string
  runOnRequirements?: Args[]
  createEntities?: Args[]
  initialData?: Args[]
  tests: SpecTest[]
}
export interface ServerInfo {
  version: string
  topology: string
  client: MongoClient
}

const SUPPORTED_SCHEMA = [1, 21] // major 1, minor up to 21

export function parseSpecFile(text: string): SpecFile {
  // Relaxed Extended JSON keeps plain numbers as JS numbers, the driver's own representation.
  return EJSON.parse(text, { relaxed: true }) as SpecFile
}

export function schemaProblem(file: SpecFile): string | undefined {
  const [major, minor] = file.schemaVersion.split('.').map(Number)
  if (major !== SUPPORTED_SCHEMA[0] || (minor ?? 0) > SUPPORTED_SCHEMA[1]) {
    return `schemaVersion ${file.schemaVersion} is newer than the runner supports (1.${SUPPORTED_SCHEMA[1]})`
  }
  return undefined
}

export async function serverInfo(client: MongoClient): Promise<ServerInfo> {
  const admin = client.db('admin')
  const build = await admin.command({ buildInfo: 1 })
  const hello = await admin.command({ hello: 1 })
  const topology = hello.msg === 'isdbgrid' ? 'sharded' : hello.setName ? 'replicaset' : 'single'
  return { version: String(build.version), topology, client }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => parseInt(n, 10) || 0)
  const pb = b.split('.').map((n) => parseInt(n, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d) return Math.sign(d)
  }
  return 0
}

async function unmetReason(req: Args, info: ServerInfo): Promise<string | undefined> {
  if (req.minServerVersion && compareVersions(info.version, req.minServerVersion) < 0) {
    return `needs server >= ${req.minServerVersion}, engine reports ${info.version}`
  }
  if (req.maxServerVersion && compareVersions(info.version, req.maxServerVersion) > 0) {
    return `needs server <= ${req.maxServerVersion}, engine reports ${info.version}`
  }
  if (req.topologies && !req.topologies.includes(info.topology)) {
    return `needs topology ${req.topologies.join('|')}, engine is ${info.topology}`
  }
  if (req.serverless === 'require') return 'needs serverless'
  if (req.auth === true || req.authMechanism) return 'needs authentication (engine has none)'
  if (req.csfle === true) return 'needs client-side field level encryption'
  if (req.serverParameters) {
    const names = Object.keys(req.serverParameters)
    try {
      const got = await info.client
        .db('admin')
        .command({ getParameter: 1, ...Object.fromEntries(names.map((n) => [n, 1])) })
      const bad = names.filter((n) => match(req.serverParameters[n], got[n]).length > 0)
      if (bad.length) return `needs server parameter(s) ${bad.join(', ')}`
    } catch (err) {
      return `needs server parameters (getParameter failed: ${(err as Error).message})`
    }
  }
  return undefined
}

/** Why the requirements are not met (all alternatives fail), or undefined when one is met. */
export async function requirementsUnmet(reqs: Args[] | undefined, info: ServerInfo): Promise<string | undefined> {
  if (!reqs || reqs.length === 0) return undefined
  const reasons: string[] = []
  for (const req of reqs) {
    const r = await unmetReason(req, info)
    if (!r) return undefined
    reasons.push(r)
  }
  return reasons.join('; or ')
}

function readPreference(v: any): ReadPreference | undefined {
  if (!v) return undefined
  return new ReadPreference(
    v.mode,
    v.tagSets,
    v.maxStalenessSeconds ? { maxStalenessSeconds: v.maxStalenessSeconds } : undefined,
  )
}

function entityOptions(o: Args | undefined): Args {
  if (!o) return {}
  const out: Args = { ...o }
  if (o.readPreference) out.readPreference = readPreference(o.readPreference)
  return out
}

type AnyCommandEvent = CommandStartedEvent | CommandSucceededEvent | CommandFailedEvent
const EVENT_KIND: Record<string, string> = {
  commandStartedEvent: 'commandStarted',
  commandSucceededEvent: 'commandSucceeded',
  commandFailedEvent: 'commandFailed',
}
// Driver noise the spec tests never expect unless they name it: session cleanup, cursor cleanup,
// fail point configuration, and (redacted) handshake/auth commands.
const NOISE = new Set([
  'configureFailPoint',
  'killCursors',
  'endSessions',
  'hello',
  'ismaster',
  'isMaster',
  'saslStart',
  'saslContinue',
  'authenticate',
  'getnonce',
])

interface ClientEntity {
  client: MongoClient
  events: { kind: string; event: AnyCommandEvent }[]
  ignore: Set<string>
}

export class SpecTestRun {
  private entities: Entities = new Map()
  private clients = new Map<string, ClientEntity>()
  private failPoints: { client: MongoClient; name: string }[] = []

  constructor(
    private uri: string,
    private info: ServerInfo,
    private file: SpecFile,
    private test: SpecTest,
  ) {}

  async run(): Promise<void> {
    if (this.test.skipReason) throw new SkipTest(this.test.skipReason)
    const unmet = await requirementsUnmet(this.test.runOnRequirements, this.info)
    if (unmet) throw new SkipTest(unmet)
    try {
      await this.initialData()
      this.createEntities()
      for (const [i, op] of this.test.operations.entries())
        await this.operation(op, `operations[${i}] ${op.object}.${op.name}`)
      for (const c of this.clients.values()) c.client.removeAllListeners()
      if (this.test.expectEvents) this.checkEvents(this.test.expectEvents)
      if (this.test.outcome) await this.checkOutcome(this.test.outcome)
    } finally {
      await this.cleanup()
    }
  }

  private async initialData(): Promise<void> {
    const wc = { writeConcern: { w: 'majority' as const } }
    for (const d of this.file.initialData ?? []) {
      const db = this.info.client.db(d.databaseName)
      await db.collection(d.collectionName).drop(wc)
      if (d.createOptions) await db.createCollection(d.collectionName, { ...d.createOptions, ...wc })
      if (d.documents?.length) await db.collection(d.collectionName).insertMany(d.documents, wc)
      else if (!d.createOptions) await db.createCollection(d.collectionName, wc)
    }
  }

  private createEntities(): void {
    for (const spec of this.file.createEntities ?? []) {
      const [kind, o] = Object.entries(spec)[0] as [string, Args]
      if (this.entities.has(o.id)) throw new Error(`runner: duplicate entity id ${o.id}`)
      if (kind === 'client') {
        const client = new MongoClient(this.uri, {
          serverSelectionTimeoutMS: 10_000,
          ...o.uriOptions,
          monitorCommands: true,
        })
        const c: ClientEntity = { client, events: [], ignore: new Set(o.ignoreCommandMonitoringEvents ?? []) }
        for (const type of o.observeEvents ?? []) {
          const kindName = EVENT_KIND[type]
          if (!kindName) throw new SkipTest(`runner does not observe ${type}`)
          client.on(kindName as 'commandStarted', (event: AnyCommandEvent) => c.events.push({ kind: type, event }))
        }
        this.clients.set(o.id, c)
        this.entities.set(o.id, client)
      } else if (kind === 'database') {
        const client = entity<MongoClient>(this.entities, o.client, 'client')
        this.entities.set(o.id, client.db(o.databaseName, entityOptions(o.databaseOptions)))
      } else if (kind === 'collection') {
        const db = entity<any>(this.entities, o.database, 'database')
        this.entities.set(o.id, db.collection(o.collectionName, entityOptions(o.collectionOptions)))
      } else if (kind === 'session') {
        const client = entity<MongoClient>(this.entities, o.client, 'client')
        this.entities.set(o.id, client.startSession(o.sessionOptions ?? {}))
      } else {
        throw new SkipTest(`runner does not support ${kind} entities`)
      }
    }
  }

  private async operation(op: Args, label: string): Promise<void> {
    let result: unknown
    let rootArray = false
    let error: unknown
    try {
      if (op.object === 'testRunner') result = await this.special(op.name, op.arguments ?? {})
      else
        ({ result, rootArray = false } = await runEntityOp(
          entity(this.entities, op.object, 'operation target'),
          op.name,
          op.arguments ?? {},
          this.entities,
        ))
    } catch (err) {
      if (err instanceof SkipTest) throw err
      error = err
    }
    if (op.ignoreResultAndError) return
    if (op.expectError) {
      if (error === undefined)
        throw new Error(`${label}: expected an error ${show(op.expectError)}, got result ${show(result)}`)
      const problems = checkError(op.expectError, error, this.entities)
      if (problems.length)
        throw new Error(
          `${label}: error did not match:\n  ${problems.join('\n  ')}\n  actual error: ${describeError(error)}`,
        )
      return
    }
    if (error !== undefined) throw new Error(`${label}: unexpected error: ${describeError(error)}`)
    if ('expectResult' in op) {
      const problems = match(op.expectResult, result, { entities: this.entities, rootArray })
      if (problems.length) throw new Error(`${label}: result did not match:\n  ${problems.join('\n  ')}`)
    }
    if (op.saveResultAsEntity) this.entities.set(op.saveResultAsEntity, result)
  }

  private async special(name: string, a: Args): Promise<unknown> {
    switch (name) {
      case 'failPoint': {
        const client = entity<MongoClient>(this.entities, a.client, 'client')
        try {
          await client.db('admin').command(a.failPoint)
        } catch (err) {
          throw new SkipTest(`needs fail points; engine answered configureFailPoint with: ${(err as Error).message}`)
        }
        this.failPoints.push({ client, name: a.failPoint.configureFailPoint })
        return undefined
      }
      case 'assertCollectionExists':
      case 'assertCollectionNotExists': {
        const names = (await this.info.client.db(a.databaseName).listCollections({}, { nameOnly: true }).toArray()).map(
          (c) => c.name,
        )
        const exists = names.includes(a.collectionName)
        if (exists !== (name === 'assertCollectionExists'))
          throw new Error(`${name}: ${a.databaseName}.${a.collectionName} (collections: ${names.join(', ')})`)
        return undefined
      }
      case 'assertIndexExists':
      case 'assertIndexNotExists': {
        const idx = await this.info.client
          .db(a.databaseName)
          .collection(a.collectionName)
          .listIndexes()
          .toArray()
          .catch(() => [] as Document[])
        const exists = idx.some((i) => i.name === a.indexName)
        if (exists !== (name === 'assertIndexExists')) throw new Error(`${name}: ${a.indexName} on ${a.collectionName}`)
        return undefined
      }
      default:
        throw new SkipTest(`runner does not implement testRunner.${name}`)
    }
  }

  private checkEvents(expectEvents: Args[]): void {
    for (const exp of expectEvents) {
      if (exp.eventType && exp.eventType !== 'command')
        throw new SkipTest(`runner does not check ${exp.eventType} events`)
      const c = this.clients.get(exp.client)
      if (!c) throw new Error(`runner: expectEvents names unknown client ${exp.client}`)
      const named = new Set<string>(exp.events.map((e: Args) => Object.values(e)[0]?.commandName).filter(Boolean))
      const actual = c.events.filter(
        ({ event }) =>
          !c.ignore.has(event.commandName) && !(NOISE.has(event.commandName) && !named.has(event.commandName)),
      )
      const list = actual.map((a) => `${a.kind}:${a.event.commandName}`).join(', ')
      const count = exp.ignoreExtraEvents ? actual.length >= exp.events.length : actual.length === exp.events.length
      if (!count)
        throw new Error(
          `expectEvents(${exp.client}): expected ${exp.events.length} event(s), got ${actual.length}: [${list}]\n  expected: ${show(exp.events)}`,
        )
      exp.events.forEach((e: Args, i: number) => {
        const [kind, want] = Object.entries(e)[0] as [string, Args]
        const got = actual[i]
        if (got.kind !== kind)
          throw new Error(`expectEvents(${exp.client})[${i}]: expected ${kind}, got ${got.kind} (${list})`)
        const ev: any = got.event
        const problems: string[] = []
        if (want.commandName && want.commandName !== ev.commandName)
          problems.push(`commandName: expected ${want.commandName}, got ${ev.commandName}`)
        if (want.databaseName && want.databaseName !== ev.databaseName)
          problems.push(`databaseName: expected ${want.databaseName}, got ${ev.databaseName}`)
        if (want.command)
          problems.push(...match(want.command, ev.command, { entities: this.entities }).map((p) => `command ${p}`))
        if (want.reply)
          problems.push(...match(want.reply, ev.reply, { entities: this.entities }).map((p) => `reply ${p}`))
        if (problems.length)
          throw new Error(
            `expectEvents(${exp.client})[${i}] ${kind}:\n  ${problems.join('\n  ')}\n  actual command: ${show(ev.command ?? ev.reply)}`,
          )
      })
    }
  }

  private async checkOutcome(outcome: Args[]): Promise<void> {
    for (const o of outcome) {
      const docs = await this.info.client
        .db(o.databaseName)
        .collection(o.collectionName, { readPreference: ReadPreference.primary, readConcern: { level: 'local' } })
        .find({}, { sort: { _id: 1 } })
        .toArray()
      const problems = exactMatch(o.documents, docs)
      if (problems.length) {
        throw new Error(
          `outcome ${o.databaseName}.${o.collectionName}:\n  ${problems.join('\n  ')}\n  expected: ${show(o.documents)}\n  actual:   ${show(docs)}`,
        )
      }
    }
  }

  private async cleanup(): Promise<void> {
    for (const fp of this.failPoints) {
      await fp.client
        .db('admin')
        .command({ configureFailPoint: fp.name, mode: 'off' })
        .catch(() => undefined)
    }
    for (const v of this.entities.values()) {
      const s = v as ClientSession
      if (s && typeof s.endSession === 'function' && typeof s.startTransaction === 'function')
        await s.endSession().catch(() => undefined)
    }
    await Promise.all([...this.clients.values()].map((c) => c.client.close().catch(() => undefined)))
  }
}

export function describeError(err: unknown): string {
  const e = err as any
  const parts = [`${e?.constructor?.name ?? typeof e}: ${e?.message ?? String(e)}`]
  if (e?.code !== undefined) parts.push(`code=${e.code}`)
  if (e?.codeName) parts.push(`codeName=${e.codeName}`)
  if (e?.errorLabels?.length) parts.push(`labels=${e.errorLabels.join(',')}`)
  return parts.join(' ')
}

/** The `expectedError` rules; returns mismatches. */
export function checkError(exp: Args, err: unknown, entities: Entities): string[] {
  const e = err as any
  const problems: string[] = []
  const isServer = e instanceof MongoServerError
  if (exp.isClientError === true && isServer)
    problems.push('isClientError: expected a client-side error, got a server error')
  if (exp.isClientError === false && !isServer) problems.push('isClientError false: expected a server error')
  if (exp.isTimeoutError !== undefined && e instanceof MongoOperationTimeoutError !== exp.isTimeoutError) {
    problems.push(`isTimeoutError: expected ${exp.isTimeoutError}`)
  }
  if (
    exp.errorContains !== undefined &&
    !String(e?.message ?? '')
      .toLowerCase()
      .includes(String(exp.errorContains).toLowerCase())
  ) {
    problems.push(`errorContains: message lacks "${exp.errorContains}"`)
  }
  if (exp.errorCode !== undefined && e?.code !== exp.errorCode)
    problems.push(`errorCode: expected ${exp.errorCode}, got ${e?.code}`)
  if (exp.errorCodeName !== undefined && e?.codeName !== exp.errorCodeName) {
    problems.push(`errorCodeName: expected ${exp.errorCodeName}, got ${e?.codeName}`)
  }
  const hasLabel = (l: string): boolean => (typeof e?.hasErrorLabel === 'function' ? e.hasErrorLabel(l) : false)
  for (const l of exp.errorLabelsContain ?? []) if (!hasLabel(l)) problems.push(`errorLabelsContain: missing ${l}`)
  for (const l of exp.errorLabelsOmit ?? []) if (hasLabel(l)) problems.push(`errorLabelsOmit: has ${l}`)
  if (exp.expectResult !== undefined) {
    // BulkWriteException's partial result: node exposes it as `result` (collection bulk) or `partialResult` (client bulk).
    const partial = e?.partialResult ?? e?.result ?? e
    problems.push(...match(exp.expectResult, partial, { entities }).map((p) => `expectResult ${p}`))
  }
  if (exp.writeErrors !== undefined) {
    const byIndex = Object.fromEntries(
      (e?.writeErrors ?? []).map((w: any) => [
        String(w.index),
        { code: w.code, message: w.errmsg, details: w.errInfo },
      ]),
    )
    problems.push(...match(exp.writeErrors, byIndex, { entities }).map((p) => `writeErrors ${p}`))
  }
  if (exp.errorResponse !== undefined) {
    problems.push(...match(exp.errorResponse, e?.errorResponse ?? e, { entities }).map((p) => `errorResponse ${p}`))
  }
  return problems
}
