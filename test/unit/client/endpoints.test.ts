import { expect } from 'chai'
import { endpoints, fillPath } from '../../../client/src/api/endpoints.js'
import { buildOpenApiDocument } from '../../../server/core/openapi.js'
import '../../../server/modules/index.js' // every module describes its routes when imported

/**
 * The web client's endpoint table against the server's own route descriptions (the ones the
 * OpenAPI document is built from, with the same zod schemas `validate()` uses): every call the
 * client makes is a route the server has, with the same method and path parameters.
 */
describe('web client endpoint table', () => {
  const doc = buildOpenApiDocument('test') as { paths: Record<string, Record<string, { parameters?: any[] }>> }

  for (const [name, e] of Object.entries(endpoints)) {
    it(`should match a server route: ${name} (${e.method} ${e.path})`, () => {
      const openApiPath = `/api/v1${e.path.replace(/:(\w+)/g, '{$1}')}`
      const op = doc.paths[openApiPath]?.[e.method.toLowerCase()]
      expect(op, `${e.method} ${openApiPath} is described by the server`).to.not.equal(undefined)
      const clientParams = [...e.path.matchAll(/:(\w+)/g)].map((m) => m[1]).sort()
      const serverParams = (op!.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => p.name as string)
        .sort()
      expect(clientParams).to.deep.equal(serverParams)
    })
  }

  it('should fill and encode path parameters, and refuse a missing one', () => {
    expect(fillPath('/councils/:id', { id: 'a b/c' })).to.equal('/councils/a%20b%2Fc')
    expect(() => fillPath('/appeals/:id', {})).to.throw(/missing path parameter id/)
  })
})
