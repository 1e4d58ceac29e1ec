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

export class Query extends BaseQuery {
  constructor(condition: Doc, options: Partial<QueryOptions> = {}) {
    super(condition, { scriptEnabled: false, jsonSchemaValidator: schemaValidator, ...options, context: CONTEXT })
  }
}

export class Aggregator extends BaseAggregator {
  constructor(stages: Doc[], options: Partial<AggOptions> = {}) {
    super(stages, { scriptEnabled: false, jsonSchemaValidator: schemaValidator, ...options, context: CONTEXT })
  }
}

setQueryFactory((c, collation) => new Query(c, collation ? { collation: collation as never } : {}))
