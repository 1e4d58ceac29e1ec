// The update operators with mongod's type rules: TypeMismatch (14) for arithmetic on non-numbers,
// BadValue (2) for array operators on non-arrays, PathNotViable (28) from path resolution.
import { Query } from '../mingo-ctx.js'
import { BSON, clone, compareValues, isPlainObject, shellString, type Doc } from '../bson-utils.js'
import { MongoError } from '../errors.js'
import { sortDocs } from '../query.js'
import { getSlot, hasSlot, resolveSlots, setSlot, slotType, unsetSlot, type PathCtx, type Slot } from './paths.js'
import { arith, bitOp, isIntegerValue, isNumeric, typeName, zeroLike } from './values.js'

export type OpFn = (ctx: PathCtx, parts: string[], arg: unknown, path: string) => void

const idDesc = (ctx: PathCtx): string => `{_id: ${shellString(ctx.doc._id)}}`
const bad = (msg: string): MongoError => new MongoError(2, msg)

function eachSlot(ctx: PathCtx, parts: string[], create: boolean, fn: (s: Slot) => void): void {
  for (const s of resolveSlots(ctx, parts, create)) fn(s)
}

function arithmetic(op: 'add' | 'mul', name: string, verb: string): OpFn {
  return (ctx, parts, arg, path) => {
    if (!isNumeric(arg))
      throw new MongoError(14, `Cannot ${verb} with non-numeric argument: {${path}: ${shellString(arg)}}`)
    eachSlot(ctx, parts, true, (s) => {
      const cur = getSlot(s)
      if (cur === undefined) return setSlot(s, op === 'add' ? arg : zeroLike(arg))
      if (!isNumeric(cur))
        throw new MongoError(
          14,
          `Cannot apply ${name} to a value of non-numeric type. ${idDesc(ctx)} has the field '${String(s.key)}' of non-numeric type ${typeName(cur)}`,
        )
      setSlot(s, arith(cur, arg, op))
    })
  }
}

const minMax =
  (sign: 1 | -1): OpFn =>
  (ctx, parts, arg) =>
    eachSlot(ctx, parts, true, (s) => {
      const cur = getSlot(s)
      if (cur === undefined || compareValues(arg, cur) * sign > 0) setSlot(s, clone(arg))
    })

function eachArg(arg: unknown, op: string): { items: unknown[]; mods: Doc } {
  if (isPlainObject(arg) && '$each' in arg) {
    if (!Array.isArray(arg.$each))
      throw bad(`The argument to $each in ${op} must be an array but it was of type: ${typeName(arg.$each)}`)
    for (const k of Object.keys(arg))
      if (!['$each', '$slice', '$sort', '$position'].includes(k) || (op === '$addToSet' && k !== '$each'))
        throw bad(
          op === '$addToSet'
            ? `Found unexpected fields after $each in $addToSet: ${shellString(arg)}`
            : `Unrecognized clause in $push: ${k}`,
        )
    return { items: arg.$each.map(clone), mods: arg }
  }
  return { items: [clone(arg)], mods: {} }
}

function sortElems(arr: unknown[], spec: unknown): unknown[] {
  if (spec === 1 || spec === -1) return arr.slice().sort((a, b) => compareValues(a, b) * (spec as number))
  throw bad('The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields')
}

const push: OpFn = (ctx, parts, arg, path) => {
  const { items, mods } = eachArg(arg, '$push')
  eachSlot(ctx, parts, true, (s) => {
    const cur = getSlot(s)
    if (cur !== undefined && !Array.isArray(cur))
      throw bad(`The field '${path}' must be an array but is of type ${typeName(cur)} in document ${idDesc(ctx)}`)
    let arr = cur === undefined ? [] : (cur as unknown[]).slice()
    const pos = mods.$position
    if (pos !== undefined) {
      if (!isIntegerValue(pos))
        throw bad(`The value for $position must be an integer value, not of type: ${typeName(pos)}`)
      let p = Number(pos)
      if (p < 0) p = Math.max(0, arr.length + p)
      arr.splice(Math.min(p, arr.length), 0, ...items)
    } else arr.push(...items)
    if (mods.$sort !== undefined) {
      if (isPlainObject(mods.$sort)) {
        if (!Object.keys(mods.$sort).length) throw bad('The $sort pattern is empty when it should be a set of fields.')
        for (const v of Object.values(mods.$sort))
          if (v !== 1 && v !== -1) throw bad('The $sort element value must be either 1 or -1')
        const keyed = sortDocs(
          arr.map((e, i) => ({ v: isPlainObject(e) ? e : {}, i })),
          Object.fromEntries(Object.entries(mods.$sort).map(([k, d]) => ['v.' + k, d])),
        )
        arr = keyed.map((d) => arr[d.i as number])
      } else arr = sortElems(arr, mods.$sort)
    }
    if (mods.$slice !== undefined) {
      if (!isIntegerValue(mods.$slice))
        throw bad(`The value for $slice must be an integer value but was given type: ${typeName(mods.$slice)}`)
      const n = Number(mods.$slice)
      arr = n >= 0 ? arr.slice(0, n) : arr.slice(Math.max(0, arr.length + n))
    }
    setSlot(s, arr)
  })
}

const addToSet: OpFn = (ctx, parts, arg, path) => {
  const { items } = eachArg(arg, '$addToSet')
  eachSlot(ctx, parts, true, (s) => {
    const cur = getSlot(s)
    if (cur !== undefined && !Array.isArray(cur))
      throw bad(
        `Cannot apply $addToSet to non-array field. Field named '${path.split('.').pop()}' has non-array type ${typeName(cur)}`,
      )
    const arr = cur === undefined ? [] : (cur as unknown[]).slice()
    for (const x of items) if (!arr.some((e) => compareValues(e, x) === 0)) arr.push(x)
    setSlot(s, arr)
  })
}

/** $pull's matcher: a value, an operator expression on the element, or a query on element documents. */
function pullMatcher(cond: unknown): (e: unknown) => boolean {
  if (isPlainObject(cond)) {
    const keys = Object.keys(cond)
    const logical = ['$and', '$or', '$nor']
    if (keys.length && keys.every((k) => k.startsWith('$') && !logical.includes(k))) {
      const q = new Query({ v: cond })
      return (e) => q.test({ v: e })
    }
    const q = new Query(cond)
    return (e) => isPlainObject(e) && q.test(e)
  }
  return (e) => compareValues(e, cond) === 0
}

function pullWith(ctx: PathCtx, parts: string[], match: (e: unknown) => boolean): void {
  eachSlot(ctx, parts, false, (s) => {
    const cur = getSlot(s)
    if (cur === undefined) return
    if (!Array.isArray(cur)) throw bad('Cannot apply $pull to a non-array value')
    const kept = cur.filter((e) => !match(e))
    if (kept.length !== cur.length) setSlot(s, kept)
  })
}

const pull: OpFn = (ctx, parts, arg) => pullWith(ctx, parts, pullMatcher(arg))

const pullAll: OpFn = (ctx, parts, arg) => {
  if (!Array.isArray(arg)) throw bad(`$pullAll requires an array argument but was given a ${typeName(arg)}`)
  pullWith(ctx, parts, (e) => arg.some((x) => compareValues(e, x) === 0))
}

const pop: OpFn = (ctx, parts, arg, path) => {
  if (!isNumeric(arg) || (Number(arg) !== 1 && Number(arg) !== -1))
    throw new MongoError(9, `Expected a number in: ${path}: ${shellString(arg)}`)
  eachSlot(ctx, parts, false, (s) => {
    const cur = getSlot(s)
    if (cur === undefined) return
    if (!Array.isArray(cur))
      throw new MongoError(14, `Path '${path}' contains an element of non-array type '${typeName(cur)}'`)
    if (cur.length) setSlot(s, Number(arg) === 1 ? cur.slice(0, -1) : cur.slice(1))
  })
}

const bit: OpFn = (ctx, parts, arg, path) => {
  if (!isPlainObject(arg) || !Object.keys(arg).length)
    throw bad(
      `The $bit modifier is not compatible with a ${typeName(arg)}. You must pass in an embedded document: {$bit: {field: {and/or/xor: #}}`,
    )
  for (const [k, v] of Object.entries(arg)) {
    if (!['and', 'or', 'xor'].includes(k))
      throw bad(
        `The $bit modifier only supports 'and', 'or', and 'xor', not '${k}' which is an unknown operator: {${k}: ${shellString(v)}}`,
      )
    if (!isIntegerValue(v))
      throw bad(
        `The $bit modifier field must be an Integer(32/64 bit); a '${typeName(v)}' is not supported here: {${k}: ${shellString(v)}}`,
      )
  }
  eachSlot(ctx, parts, true, (s) => {
    let cur = getSlot(s)
    if (cur === undefined) cur = 0
    else if (!isIntegerValue(cur))
      throw bad(
        `Cannot apply $bit to a value of non-integral type.${idDesc(ctx)} has the field ${path} of non-integer type ${typeName(cur)}`,
      )
    for (const [k, v] of Object.entries(arg)) cur = bitOp(cur, v, k as 'and' | 'or' | 'xor')
    setSlot(s, cur)
  })
}

const currentDate: OpFn = (ctx, parts, arg) => {
  let ts = false
  if (isPlainObject(arg)) {
    if (Object.keys(arg).length !== 1 || (arg.$type !== 'date' && arg.$type !== 'timestamp'))
      throw bad(
        "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}",
      )
    ts = arg.$type === 'timestamp'
  } else if (typeof arg !== 'boolean')
    throw bad(
      `${typeName(arg)} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`,
    )
  eachSlot(ctx, parts, true, (s) =>
    setSlot(s, ts ? new BSON.Timestamp({ t: Math.floor(Date.now() / 1000), i: 1 }) : new Date()),
  )
}

const set: OpFn = (ctx, parts, arg) => eachSlot(ctx, parts, true, (s) => setSlot(s, clone(arg)))

const unset: OpFn = (ctx, parts) => eachSlot(ctx, parts, false, (s) => hasSlot(s) && unsetSlot(s))

export const OPS: Record<string, OpFn> = {
  $set: set,
  $setOnInsert: set,
  $unset: unset,
  $inc: arithmetic('add', '$inc', 'increment'),
  $mul: arithmetic('mul', '$mul', 'multiply'),
  $min: minMax(-1),
  $max: minMax(1),
  $push: push,
  $addToSet: addToSet,
  $pull: pull,
  $pullAll: pullAll,
  $pop: pop,
  $bit: bit,
  $currentDate: currentDate,
}

export { slotType }
