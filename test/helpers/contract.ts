import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { buildOpenApiDocument } from '../../server/core/openapi.js'
import '../../server/modules/index.js' // every module describes its routes when imported

/**
 * The published OpenAPI document as a test oracle: every response an API test receives through
 * the shared Agent is matched to its operation (method + path template) and checked against the
 * declared status and, for JSON bodies, the declared schema (ajv, JSON Schema 2020-12). The
 * document is the one `GET /api/v1/openapi.json` serves, built in-process from the same route
 * declarations; validators are compiled once per process.
 */

type JsonObject = Record<string, any>
interface Operation {
  method: string
  template: string
  re: RegExp
  /** Per segment: literal 0, partly literal (`{year}.pdf`) 1, a bare parameter 2; `/events/mine` wins over `/events/{id}`. */
  rank: number[]
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>
}

const DOC_ID = 'https://kenes.test/openapi.json'
// ajv-formats is CommonJS with a default export; tsx hands it over as the module namespace.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020

let state: { ajv: Ajv2020; ops: Operation[] } | undefined
const validators = new Map<string, ValidateFunction>()

function load(): NonNullable<typeof state> {
  if (state) return state
  const doc = buildOpenApiDocument('test') as JsonObject
  // `strict: false` only lets ajv hold the whole document (`openapi`, `paths`, … are not schema
  // keywords) and annotations it does not know; validation itself is full (every keyword, formats).
  // Each schema is compiled from its JSON pointer, `#/components/…` resolved against the root.
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true })
  addFormats(ajv)
  ajv.addSchema({ ...doc, $id: DOC_ID })
  const ops: Operation[] = []
  for (const [template, item] of Object.entries<JsonObject>(doc.paths)) {
    const parts = template.split('/').filter(Boolean)
    const source = parts.map((p) => (/^\{\w+\}$/.test(p) ? '[^/]+' : escapeRe(p).replace(/\\\{\w+\\\}/g, '[^/]+')))
    for (const [method, op] of Object.entries<JsonObject>(item)) {
      ops.push({
        method: method.toUpperCase(),
        template,
        re: new RegExp(`^/${source.join('/')}/?$`),
        rank: parts.map((p) => (!p.includes('{') ? 0 : /^\{\w+\}$/.test(p) ? 2 : 1)),
        responses: op.responses,
      })
    }
  }
  ops.sort((a, b) => compareRank(a.rank, b.rank))
  state = { ajv, ops }
  return state
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i]
  return a.length - b.length
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')

/** The operation a request lands on, or undefined when the document has none (unknown path or method). */
export function operationOf(method: string, pathname: string): Operation | undefined {
  const { ops } = load()
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase()
  return ops.find((o) => o.method === m && o.re.test(pathname))
}

function validatorFor(op: Operation, status: string, mediaType: string): ValidateFunction {
  const key = `${op.method} ${op.template} ${status} ${mediaType}`
  let v = validators.get(key)
  if (!v) {
    const ref = `${DOC_ID}#/${pointer('paths', op.template, op.method.toLowerCase(), 'responses', status, 'content', mediaType, 'schema')}`
    v = load().ajv.compile({ $ref: ref })
    validators.set(key, v)
  }
  return v
}

const isJson = (type: string) => type === 'application/json' || type.endsWith('+json')

/**
 * Checks one response against the document; returns what is wrong (empty: it conforms).
 * Paths outside `/api/` (static files, media, /metrics, /socket.io) and requests the document has
 * no operation for (unknown paths, 405s, protocol requests such as tus HEAD) are not checked.
 */
export function contractViolations(
  method: string,
  url: URL,
  res: { status: number; headers: Headers; body: unknown; text: string },
): string[] {
  if (!url.pathname.startsWith('/api/')) return []
  const op = operationOf(method, url.pathname)
  if (!op) return []
  const name = `${op.method} ${op.template}`
  const status = String(res.status)
  const declared = op.responses[status]
  if (!declared)
    return [
      `${name} answered ${status}, not declared (declared: ${Object.keys(op.responses).join(', ')}): ${res.text.slice(0, 300)}`,
    ]
  const type = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase()
  const content = declared.content ?? {}
  const types = Object.keys(content)
  if (method.toUpperCase() === 'HEAD' || res.status === 304) return []
  if (!types.length) {
    return res.text.length
      ? [`${name} ${status}: declares no body but answered ${type || 'untyped'} ${res.text.slice(0, 200)}`]
      : []
  }
  const media = types.find((t) => t.split(';')[0].trim().toLowerCase() === type)
  if (!media) {
    // `application/octet-stream` declares "some file": any non-JSON type fits it.
    if (!isJson(type) && types.includes('application/octet-stream')) return []
    return [`${name} ${status}: answered ${type || 'no content type'}, declared ${types.join(', ')}`]
  }
  if (!isJson(type) || content[media].schema === undefined) return []
  const validate = validatorFor(op, status, media)
  if (validate(res.body)) return []
  return [`${name} ${status} ${media}: body does not match the schema:\n${formatErrors(validate.errors ?? [])}`]
}

function formatErrors(errors: ErrorObject[]): string {
  return errors
    .slice(0, 10)
    .map((e) => `  ${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
    .join('\n')
}

/** Throws (failing the test that made the request) when the response breaks the document. */
export function assertContract(
  method: string,
  url: URL,
  res: { status: number; headers: Headers; body: unknown; text: string },
): void {
  const problems = contractViolations(method, url, res)
  if (problems.length)
    throw new ContractError(`OpenAPI contract: ${method} ${url.pathname}${url.search}\n${problems.join('\n')}`)
}

export class ContractError extends Error {
  override name = 'ContractError'
}
