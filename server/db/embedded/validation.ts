// Collection validators (`validator`, with $jsonSchema or query operators), as mongod applies them:
// validationLevel strict/moderate/off, validationAction error/warn, bypassDocumentValidation.
import { isPlainObject, type Doc } from './bson-utils.js'
import type { Collection } from './collection.js'
import { MongoError, fromMingo } from './errors.js'
import { Query } from './mingo-ctx.js'

const compiled = new WeakMap<Doc, Query>()

export function compileValidator(validator: unknown): Query {
  if (!isPlainObject(validator))
    throw new MongoError(14, "BSON field 'validator' is the wrong type, expected an object")
  try {
    return new Query(validator)
  } catch (e) {
    throw fromMingo(e, 'query')
  }
}

/** Throws DocumentValidationFailure (121) when `doc` may not be written to `c` (old: the version replaced). */
export function validateWrite(c: Collection, doc: Doc, old: Doc | undefined, cmd: Doc): void {
  const o = c.options
  if (!isPlainObject(o.validator) || cmd.bypassDocumentValidation === true) return
  if (o.validationLevel === 'off' || o.validationAction === 'warn') return
  let q = compiled.get(o)
  if (!q) compiled.set(o, (q = compileValidator(o.validator)))
  if (o.validationLevel === 'moderate' && old && !q.test(old)) return
  if (!q.test(doc))
    throw new MongoError(121, 'Document failed validation', {
      errInfo: { failingDocumentId: doc._id, details: { operatorName: Object.keys(o.validator)[0] ?? '$and' } },
    })
}
