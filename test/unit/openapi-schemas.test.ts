import { expect } from 'chai'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type { z } from 'zod'
import { buildOpenApiDocument, fullPath, routeDescriptions } from '../../server/core/openapi.js'
import '../../server/modules/index.js' // every module describes its routes when imported

/**
 * The document's request schemas against the zod schemas the server validates with: what the
 * server refuses, the document must not promise to accept. JSON Schema cannot say everything a
 * refinement says (dates in order, budgets), so this holds for the probes below and for the
 * empty body of every operation, not for every input.
 */
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020
const doc = buildOpenApiDocument('test') as any
const ajv = new Ajv2020({ allErrors: true, strict: false })
addFormats(ajv)

function opOf(key: string): any {
  const [method, path] = key.split(' ')
  const op = doc.paths[path]?.[method]
  if (!op) throw new Error(`no operation ${key}`)
  return op
}
function docAccepts(key: string, where: 'body' | 'query', input: unknown): boolean {
  const op = opOf(key)
  let schema: unknown
  if (where === 'body') schema = op.requestBody.content['application/json'].schema
  else {
    const params = op.parameters.filter((p: any) => p.in === 'query')
    schema = {
      type: 'object',
      properties: Object.fromEntries(params.map((p: any) => [p.name, p.schema])),
      required: params.filter((p: any) => p.required).map((p: any) => p.name),
    }
  }
  return ajv.validate({ ...(schema as object), components: doc.components }, input)
}
function serverAccepts(key: string, where: 'body' | 'query', input: unknown): boolean {
  const d = routeDescriptions().get(key)
  const schema = d?.[where] as z.ZodType | undefined
  if (!schema) throw new Error(`${key} has no ${where} schema`)
  return schema.safeParse(input).success
}

const A = 'a'.repeat(24)
const B = 'b'.repeat(24)
const C = 'c'.repeat(24)

describe('OpenAPI request schemas are no looser than the validation', () => {
  const probes: [string, 'body' | 'query', unknown, string][] = [
    ['get /api/v1/users', 'query', { cursor: 'not a cursor!' }, 'a cursor is base64url'],
    ['get /api/v1/councils', 'query', { cursor: 'x'.repeat(513) }, 'a cursor is at most 512 characters'],
    ['patch /api/v1/councils/{id}', 'body', {}, 'an empty PATCH'],
    ['patch /api/v1/news/{id}', 'body', {}, 'an empty PATCH'],
    ['patch /api/v1/videos/{id}', 'body', {}, 'an empty PATCH'],
    ['patch /api/v1/support/tickets/{id}', 'body', {}, 'an empty PATCH'],
    ['patch /api/v1/councils/{id}', 'body', { name: {} }, 'a LocalizedText without any language'],
    ['patch /api/v1/councils/{id}', 'body', { name: { kk: '      ' } }, 'a text that is blank once trimmed'],
    ['post /api/v1/appeals/{id}/replies', 'body', { text: ' '.repeat(20) }, 'a text that is blank once trimmed'],
    ['post /api/v1/chat/rooms', 'body', { kind: 'direct', councilIds: [A] }, 'a direct room of one council'],
    ['post /api/v1/chat/rooms', 'body', { kind: 'direct', councilIds: [A, B, C] }, 'a direct room of three'],
    ['post /api/v1/chat/rooms', 'body', { kind: 'direct', councilIds: [A, A] }, 'a direct room with itself'],
    ['post /api/v1/chat/rooms', 'body', { kind: 'direct', councilIds: [A, B, B] }, 'a direct room of 2 + a repeat'],
    [
      'post /api/v1/chat/rooms',
      'body',
      { kind: 'direct', councilIds: [A, B], title: { kk: 'Тақырып' } },
      'a direct room with a title',
    ],
    ['post /api/v1/chat/rooms', 'body', { kind: 'dialogue', councilIds: [A, B] }, 'a dialogue without title'],
  ]
  for (const [key, where, input, what] of probes) {
    it(`should refuse ${what} in the document as the server does: ${key}`, () => {
      expect(serverAccepts(key, where, input), 'the server refuses it').to.equal(false)
      expect(docAccepts(key, where, input), 'the document refuses it').to.equal(false)
    })
  }

  it('should still accept what the server accepts for the same operations', () => {
    expect(docAccepts('post /api/v1/chat/rooms', 'body', { kind: 'direct', councilIds: [A, B] })).to.equal(true)
    const dialogue = { kind: 'dialogue', councilIds: [A, B], title: { ru: 'Тема' }, topic: { kk: 'Тақырып' } }
    expect(serverAccepts('post /api/v1/chat/rooms', 'body', dialogue)).to.equal(true)
    expect(docAccepts('post /api/v1/chat/rooms', 'body', dialogue)).to.equal(true)
    expect(docAccepts('patch /api/v1/councils/{id}', 'body', { name: { kk: ' Кеңес ' } })).to.equal(true)
    expect(docAccepts('get /api/v1/users', 'query', { cursor: 'WyIyMDI2Il0' })).to.equal(true)
  })

  it('should refuse an empty body in the document wherever the server refuses it', () => {
    const loose: string[] = []
    for (const [key, d] of routeDescriptions()) {
      if (!d.body || d.multipart) continue
      const k = `${d.method} ${fullPath(d.path)}`
      if (!(d.body as z.ZodType).safeParse({}).success && docAccepts(k, 'body', {})) loose.push(key)
    }
    expect(loose).to.deep.equal([])
  })

  it('should say what JSON Schema cannot: a guest needs contact, texts are trimmed before their length checks', () => {
    for (const key of ['post /api/v1/appeals', 'post /api/v1/support/tickets']) {
      const body = opOf(key).requestBody.content['application/json'].schema
      expect(body.required ?? [], key).not.to.include('contact') // signed-in users send none
      expect(body.properties.contact.description, key).to.match(/Required for guests/)
    }
    const subject = opOf('post /api/v1/appeals').requestBody.content['application/json'].schema.properties.subject
    expect(subject.description).to.match(/trimmed before the length checks/)
    expect(subject.pattern).to.equal('\\S')
  })

  it('should document lng once per operation, as a string (unknown values fall back, never refused)', () => {
    for (const [path, item] of Object.entries<any>(doc.paths))
      for (const [method, op] of Object.entries<any>(item)) {
        const names = op.parameters.map((p: any) => `${p.in} ${p.name}`)
        expect(new Set(names).size, `${method} ${path}: ${names.join(', ')}`).to.equal(names.length)
        const lng = op.parameters.filter((p: any) => p.name === 'lng')
        expect(lng, `${method} ${path}`).to.have.length(1)
        expect(lng[0].schema.type, `${method} ${path}`).to.equal('string')
        expect(lng[0].schema.enum, `${method} ${path}`).to.equal(undefined)
      }
  })
})
