// MongoDB's $jsonSchema (draft 4 subset plus bsonType), used by collection validators and in queries.
// Keywords MongoDB does not support ($ref, format, default, definitions…) are refused as mongod does.
import { isPlainObject, compareValues, deepEqual, type Doc } from './bson-utils.js'
import { MongoError } from './errors.js'
import { typeName } from './update/values.js'

type Check = (v: unknown) => boolean

const JSON_TYPES: Record<string, (v: unknown) => boolean> = {
  object: (v) => isPlainObject(v),
  array: Array.isArray,
  string: (v) => typeof v === 'string',
  number: (v) => ['int', 'long', 'double', 'decimal'].includes(typeName(v)),
  boolean: (v) => typeof v === 'boolean',
  null: (v) => v === null,
}

const KNOWN = new Set([
  'bsonType',
  'type',
  'required',
  'properties',
  'additionalProperties',
  'patternProperties',
  'enum',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'items',
  'additionalItems',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'multipleOf',
  'dependencies',
  'title',
  'description',
])

function bsonTypeIs(v: unknown, t: string): boolean {
  const n = typeName(v)
  if (t === 'number') return ['int', 'long', 'double', 'decimal'].includes(n)
  if (t === 'double' && n === 'int') return false
  if (t === 'object') return n === 'object' && isPlainObject(v)
  return n === t
}

const num = (v: unknown): number => Number(v)

export function compileSchema(schema: unknown): Check {
  if (!isPlainObject(schema)) throw new MongoError(14, '$jsonSchema must be an object')
  const checks: Check[] = []
  for (const [k, a] of Object.entries(schema)) {
    if (!KNOWN.has(k)) throw new MongoError(9, `$jsonSchema keyword '${k}' is not currently supported`)
    const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : [x])
    switch (k) {
      case 'bsonType':
        checks.push((v) => arr(a).some((t) => bsonTypeIs(v, String(t))))
        break
      case 'type':
        for (const t of arr(a))
          if (!JSON_TYPES[String(t)]) throw new MongoError(2, `Unknown type name alias: ${String(t)}`)
        checks.push((v) => arr(a).some((t) => JSON_TYPES[String(t)](v)))
        break
      case 'required':
        checks.push((v) => !isPlainObject(v) || (a as string[]).every((f) => v[f] !== undefined))
        break
      case 'properties': {
        const props = Object.entries(a as Doc).map(([f, s]) => [f, compileSchema(s)] as const)
        checks.push((v) => !isPlainObject(v) || props.every(([f, c]) => v[f] === undefined || c(v[f])))
        break
      }
      case 'patternProperties':
      case 'additionalProperties': {
        if (k === 'patternProperties') break
        const named = new Set(Object.keys((schema.properties as Doc) ?? {}))
        const patterns = Object.entries((schema.patternProperties as Doc) ?? {}).map(
          ([p, s]) => [new RegExp(p), compileSchema(s)] as const,
        )
        const extra = a === false ? () => false : a === true ? () => true : compileSchema(a)
        checks.push((v) => {
          if (!isPlainObject(v)) return true
          for (const [f, x] of Object.entries(v)) {
            const pats = patterns.filter(([re]) => re.test(f))
            if (pats.length) {
              if (!pats.every(([, c]) => c(x))) return false
            } else if (!named.has(f) && !extra(x)) return false
          }
          return true
        })
        break
      }
      case 'enum':
        checks.push((v) => (a as unknown[]).some((e) => deepEqual(e, v) || compareValues(e, v) === 0))
        break
      case 'minimum':
      case 'maximum': {
        const ex = k === 'minimum' ? schema.exclusiveMinimum : schema.exclusiveMaximum
        const sign = k === 'minimum' ? 1 : -1
        checks.push((v) => {
          if (!JSON_TYPES.number(v)) return true
          const d = (num(v) - num(a)) * sign
          return ex ? d > 0 : d >= 0
        })
        break
      }
      case 'minLength':
      case 'maxLength':
        checks.push((v) => {
          if (typeof v !== 'string') return true
          const n = [...v].length
          return k === 'minLength' ? n >= num(a) : n <= num(a)
        })
        break
      case 'pattern': {
        const re = new RegExp(String(a), 'u')
        checks.push((v) => typeof v !== 'string' || re.test(v))
        break
      }
      case 'items': {
        if (Array.isArray(a)) {
          const cs = a.map(compileSchema)
          checks.push((v) => !Array.isArray(v) || cs.every((c, i) => i >= v.length || c(v[i])))
        } else {
          const c = compileSchema(a)
          checks.push((v) => !Array.isArray(v) || v.every(c))
        }
        break
      }
      case 'minItems':
      case 'maxItems':
        checks.push((v) => !Array.isArray(v) || (k === 'minItems' ? v.length >= num(a) : v.length <= num(a)))
        break
      case 'uniqueItems':
        checks.push(
          (v) => !a || !Array.isArray(v) || v.every((x, i) => v.findIndex((y) => compareValues(x, y) === 0) === i),
        )
        break
      case 'minProperties':
      case 'maxProperties':
        checks.push((v) => {
          if (!isPlainObject(v)) return true
          const n = Object.keys(v).length
          return k === 'minProperties' ? n >= num(a) : n <= num(a)
        })
        break
      case 'allOf':
      case 'anyOf':
      case 'oneOf': {
        const cs = (a as unknown[]).map(compileSchema)
        if (k === 'allOf') checks.push((v) => cs.every((c) => c(v)))
        else if (k === 'anyOf') checks.push((v) => cs.some((c) => c(v)))
        else checks.push((v) => cs.filter((c) => c(v)).length === 1)
        break
      }
      case 'not': {
        const c = compileSchema(a)
        checks.push((v) => !c(v))
        break
      }
      case 'multipleOf':
        checks.push((v) => !JSON_TYPES.number(v) || num(v) % num(a) === 0)
        break
      case 'dependencies':
        checks.push((v) => {
          if (!isPlainObject(v)) return true
          return Object.entries(a as Doc).every(([f, dep]) => {
            if (v[f] === undefined) return true
            return Array.isArray(dep) ? dep.every((g) => v[g as string] !== undefined) : compileSchema(dep)(v)
          })
        })
        break
      default:
        break
    }
  }
  return (v) => checks.every((c) => c(v))
}
