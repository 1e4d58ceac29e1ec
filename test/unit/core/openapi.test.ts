import { expect } from 'chai'
import { z } from 'zod'
import { buildOpenApiDocument, describeRoute } from '../../../server/core/openapi.js'

describe('openapi generator', () => {
  it('should turn zod schemas into parameters, bodies and problem responses', () => {
    describeRoute({
      method: 'post',
      path: '/unit-test/things/{id}',
      tags: ['test'],
      summary: 'unit',
      auth: 'news.publish',
      params: z.strictObject({ id: z.string() }),
      query: z.object({ limit: z.coerce.number().default(20), q: z.string().optional() }),
      body: z.strictObject({ name: z.string().min(1) }),
      response: z.object({ id: z.string() }),
      status: 201,
      errors: [404],
    })
    const doc = buildOpenApiDocument('1.2.3') as any
    expect(doc.openapi).to.equal('3.1.0')
    expect(doc.info.version).to.equal('1.2.3')
    const op = doc.paths['/api/v1/unit-test/things/{id}'].post
    expect(op.parameters.find((p: any) => p.name === 'id')).to.include({ in: 'path', required: true })
    expect(op.parameters.find((p: any) => p.name === 'limit')).to.include({ in: 'query', required: false })
    expect(op.requestBody.content['application/json'].schema).to.include({
      type: 'object',
      additionalProperties: false,
    })
    expect(op.responses['201'].content['application/json'].schema.properties.id).to.deep.equal({ type: 'string' })
    for (const s of ['400', '401', '403', '404'])
      expect(op.responses[s].content['application/problem+json'].schema.$ref).to.equal(
        '#/components/schemas/ProblemDetails',
      )
    expect(op.security).to.deep.equal([{ cookieAuth: [], csrfToken: [] }])
    expect(op.description).to.match(/news\.publish/)
  })
})
