import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'

describe('core: GET /api/v1/openapi.json', () => {
  let t: TestServer
  let doc: any
  before(async () => {
    t = await startTestServer()
    const res = await new Agent(t.url).get('/api/v1/openapi.json')
    expect(res.status).to.equal(200)
    doc = res.body
  })
  after(async () => {
    await t?.close()
  })

  it('should be OpenAPI 3.1 with info, servers, ProblemDetails and the security schemes', () => {
    expect(doc.openapi).to.equal('3.1.0')
    expect(doc.info).to.include({ title: 'Kenes API', version: t.config.version })
    expect(doc.servers[0].url).to.equal(t.config.publicUrl)
    expect(doc.components.schemas.ProblemDetails.required).to.include.members([
      'type',
      'title',
      'status',
      'detail',
      'code',
    ])
    expect(doc.components.securitySchemes.cookieAuth).to.include({ type: 'apiKey', in: 'cookie', name: 'kenes.sid' })
    expect(doc.components.securitySchemes.csrfToken).to.include({ type: 'apiKey', in: 'header', name: 'X-CSRF-Token' })
  })

  it('should describe every auth, users and operations route', () => {
    const want: [string, string][] = [
      ['/api/v1/auth/csrf', 'get'],
      ['/api/v1/auth/register', 'post'],
      ['/api/v1/auth/login', 'post'],
      ['/api/v1/auth/logout', 'post'],
      ['/api/v1/auth/me', 'get'],
      ['/api/v1/auth/me', 'patch'],
      ['/api/v1/auth/verify-email', 'post'],
      ['/api/v1/auth/password/forgot', 'post'],
      ['/api/v1/auth/password/reset', 'post'],
      ['/api/v1/auth/password/change', 'post'],
      ['/api/v1/auth/verify-email/resend', 'post'],
      ['/api/v1/users', 'get'],
      ['/api/v1/users/{id}', 'patch'],
      ['/api/v1/regions', 'get'],
      ['/api/v1/health', 'get'],
      ['/api/v1/openapi.json', 'get'],
      ['/metrics', 'get'],
    ]
    for (const [path, method] of want) expect(doc.paths[path]?.[method], `${method} ${path}`).to.be.an('object')
  })

  it('should generate bodies and responses from the zod schemas', () => {
    const register = doc.paths['/api/v1/auth/register'].post
    const body = register.requestBody.content['application/json'].schema
    expect(body.additionalProperties).to.equal(false)
    expect(body.required).to.include.members(['email', 'password', 'displayName'])
    expect(body.properties.password.minLength).to.equal(10)
    expect(
      register.responses['201'].content['application/json'].schema.properties.user.properties.roles.items.enum,
    ).to.include('citizen')
    expect(register.responses['409'].content['application/problem+json'].schema.$ref).to.equal(
      '#/components/schemas/ProblemDetails',
    )
    const list = doc.paths['/api/v1/users'].get
    expect(list.parameters.map((p: any) => p.name)).to.include.members(['limit', 'cursor', 'role', 'q'])
    expect(list.description).to.match(/user\.list/)
  })

  it('should give every operation a unique operationId and at least one response', () => {
    const ids = new Set<string>()
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        expect(op.operationId, `${method} ${path}`).to.be.a('string')
        expect(ids.has(op.operationId), op.operationId).to.equal(false)
        ids.add(op.operationId)
        expect(Object.keys(op.responses).length).to.be.greaterThan(0)
        for (const m of path.matchAll(/\{(\w+)\}/g))
          expect(
            op.parameters.some((p: any) => p.in === 'path' && p.name === m[1]),
            `${path} ${m[1]}`,
          ).to.equal(true)
      }
    }
  })
})
