// MongoDB-shaped command errors. Every failure the engine reports goes through MongoError so that the
// reply carries {ok:0, errmsg, code, codeName} (plus labels / extra fields) exactly like mongod.

export const CODES: Record<number, string> = {
  1: 'InternalError',
  2: 'BadValue',
  9: 'FailedToParse',
  11000: 'DuplicateKey',
  14: 'TypeMismatch',
  20: 'IllegalOperation',
  26: 'NamespaceNotFound',
  27: 'IndexNotFound',
  40: 'ConflictingUpdateOperators',
  43: 'CursorNotFound',
  48: 'NamespaceExists',
  52: 'DollarPrefixedFieldName',
  59: 'CommandNotFound',
  66: 'ImmutableField',
  67: 'CannotCreateIndex',
  72: 'InvalidOptions',
  73: 'InvalidNamespace',
  85: 'IndexOptionsConflict',
  86: 'IndexKeySpecsConflict',
  112: 'WriteConflict',
  115: 'CommandNotSupported',
  225: 'TransactionTooOld',
  251: 'NoSuchTransaction',
  256: 'TransactionCommitted',
  263: 'OperationNotSupportedInTransaction',
  4: 'NoSuchKey',
  10334: 'BSONObjectTooLarge',
  40324: 'Location40324',
  31254: 'Location31254',
  17276: 'Location17276',
  51091: 'Location51091',
  166: 'CommandNotSupportedOnView',
  13: 'Unauthorized',
  15974: 'Location15974',
  168: 'InvalidPipelineOperator',
  40323: 'Location40323',
  50768: 'Location50768',
  51024: 'Location51024',
  40352: 'Location40352',
  2200: 'Location2200',
}

export class MongoError extends Error {
  code: number
  codeName: string
  labels: string[]
  extra: Record<string, unknown>
  constructor(code: number, errmsg: string, extra: Record<string, unknown> = {}, labels: string[] = []) {
    super(errmsg)
    this.code = code
    this.codeName = CODES[code] ?? `Location${code}`
    this.extra = extra
    this.labels = labels
  }
  toReply(): Record<string, unknown> {
    const r: Record<string, unknown> = {
      ok: 0,
      errmsg: this.message,
      code: this.code,
      codeName: this.codeName,
      ...this.extra,
    }
    if (this.labels.length) r.errorLabels = this.labels
    return r
  }
  /** Shape used inside writeErrors[] of insert/update/delete replies. */
  toWriteError(index: number): Record<string, unknown> {
    return { index, code: this.code, errmsg: this.message, ...this.extra }
  }
}

export const badValue = (msg: string): MongoError => new MongoError(2, msg)

/** Translate mingo's thrown errors to MongoDB's codes, so unknown operators never pass silently. */
export function fromMingo(e: unknown, where: 'query' | 'update' | 'pipeline' | 'expr' = 'query'): MongoError {
  if (e instanceof MongoError) return e
  const msg = e instanceof Error ? e.message : String(e)
  let m = /unknown query operator (\$\w+)/i.exec(msg)
  if (m) return new MongoError(2, `unknown operator: ${m[1]}`)
  m = /unregistered pipeline operator (\$\w+)/i.exec(msg)
  if (m) return new MongoError(40324, `Unrecognized pipeline stage name: '${m[1]}'`)
  m =
    /(?:accumulator|operator|expression) '?(\$\w+)'? is not registered/i.exec(msg) ??
    /unknown (?:expression )?operator:? '?(\$\w+)/i.exec(msg)
  if (m) return new MongoError(where === 'pipeline' || where === 'expr' ? 168 : 2, `Unrecognized expression '${m[1]}'`)
  m = /Unknown update operator: '(\$\w+)'/.exec(msg)
  if (m)
    return new MongoError(
      9,
      `Unknown modifier: ${m[1]}. Expected a valid update modifier or pipeline-style update specified as an array`,
    )
  return new MongoError(where === 'update' ? 2 : 2, msg)
}
