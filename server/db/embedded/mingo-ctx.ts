// One mingo context for the whole engine, built once: mingo's operator tables with the engine's own query
// operators in place of those whose semantics differ from MongoDB's (query-ops.ts). Every Query and
// Aggregator the engine makes uses it, so no per-query copy of the operator tables is made either.
import { Context } from 'mingo'
import { Aggregator as BaseAggregator } from 'mingo/aggregator'
import * as accumulator from 'mingo/operators/accumulator'
import * as expression from 'mingo/operators/expression'
import * as pipeline from 'mingo/operators/pipeline'
import * as projection from 'mingo/operators/projection'
import * as query from 'mingo/operators/query'
import * as window from 'mingo/operators/window'
import { Query as BaseQuery } from 'mingo/query'
import type { Doc } from './bson-utils.js'
import { compileSchema } from './json-schema.js'
import { ENGINE_QUERY_OPS, setQueryFactory } from './query-ops.js'

export const CONTEXT = Context.init({
  accumulator,
  expression,
  pipeline,
  projection,
  query: { ...query, ...ENGINE_QUERY_OPS } as typeof query,
  window,
})

const schemaValidator = (schema: unknown): ((o: unknown) => boolean) => compileSchema(schema)

type QueryOptions = ConstructorParameters<typeof BaseQuery>[1]
type AggOptions = NonNullable<ConstructorParameters<typeof BaseAggregator>[1]>

/**
 * mingo copies every operator table of the context into each Query and Aggregator it builds
 * (`ComputeOptions.init` → `Context.from`: hundreds of entries, a measurable part of a small
 * aggregate), unless it is handed a `ComputeOptions` instance, which it reuses as is. That class is
 * not exported: an operator of the engine's context receives one, and its constructor is kept, once,
 * at load. (To report upstream: `init` could reuse a context it is given.)
 */
type ComputeOptionsClass = new (options: Record<string, unknown>, locals?: Record<string, unknown>) => object
const ComputeOptions: ComputeOptionsClass = (() => {
  let found: ComputeOptionsClass | undefined
  const probe = Context.init({
    expression: {
      $kenesProbe: (_o: unknown, _e: unknown, options: object) => {
        found = options.constructor as ComputeOptionsClass
        return null
      },
    } as never,
  })
  new BaseAggregator([{ $project: { x: { $kenesProbe: 1 } } }], { context: Context.from(CONTEXT, probe) }).run([{}])
  if (!found) throw new Error('mingo: no ComputeOptions seen by an operator')
  return found
})()

/**
 * Options as mingo's own `ComputeOptions.init` would make them, on the shared CONTEXT, without the copy;
 * `now` (ms) fixes `$$NOW` (one value for a whole command, as in MongoDB).
 */
function computeOptions(options: Record<string, unknown>, now?: number): never {
  return new ComputeOptions(
    {
      idKey: '_id',
      useStrictMode: true,
      failOnError: true,
      processingMode: 0, // ProcessingMode.CLONE_OFF
      scriptEnabled: false,
      jsonSchemaValidator: schemaValidator,
      ...options,
      context: CONTEXT,
    },
    now === undefined ? undefined : { timestamp: now },
  ) as never
}

export class Query extends BaseQuery {
  constructor(condition: Doc, options: Partial<QueryOptions> = {}) {
    super(condition, computeOptions(options as Record<string, unknown>))
  }
}

export class Aggregator extends BaseAggregator {
  constructor(stages: Doc[], { now, ...options }: Partial<AggOptions> & { now?: number } = {}) {
    super(stages, computeOptions(options as Record<string, unknown>, now))
  }
}

setQueryFactory((c, collation) => new Query(c, collation ? { collation: collation as never } : {}))
