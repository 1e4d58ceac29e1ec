import { Validator } from '@seriousme/openapi-schema-validator'
import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { contractViolations, operationOf } from '../../helpers/contract.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'

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

  it('should validate as OpenAPI 3.1 (@seriousme/openapi-schema-validator)', async () => {
    const validator = new Validator()
    const result = await validator.validate(structuredClone(doc))
    expect(result.errors ?? [], JSON.stringify(result.errors)).to.deep.equal([])
    expect(result.valid).to.equal(true)
    expect(validator.version).to.equal('3.1')
  })

  it('should have one template per path: the same path is never declared under two parameter names', () => {
    const seen = new Map<string, string>()
    for (const path of Object.keys(doc.paths)) {
      const shape = path.replace(/\{\w+\}/g, '{}')
      expect(seen.get(shape), `${path} and ${seen.get(shape)}`).to.equal(undefined)
      seen.set(shape, path)
    }
    for (const p of ['/api/v1/councils/{id}', '/api/v1/news/{id}', '/api/v1/events/{id}'])
      expect(Object.keys(doc.paths[p]), p).to.include('get')
  })

  it('should declare the CSRF header on the public writes, for callers that send the session cookie', async () => {
    const publicWrites = [
      '/api/v1/appeals',
      '/api/v1/appeals/confirm',
      '/api/v1/appeals/{id}/rating',
      '/api/v1/appeals/{id}/replies',
      '/api/v1/auth/login',
      '/api/v1/auth/register',
      '/api/v1/auth/password/forgot',
      '/api/v1/auth/password/reset',
      '/api/v1/auth/verify-email',
    ]
    for (const path of publicWrites) {
      const op = doc.paths[path].post
      expect(op.security, path).to.deep.include({ cookieAuth: [], csrfToken: [] })
      expect(op.security, path).to.deep.include({})
      expect(op.responses, path).to.have.property('403')
    }
    // What the document says, the server does: a cookie without the header is refused.
    const guest = new Agent(t.url)
    await guest.csrfToken() // a guest session cookie
    const res = await guest.post('/api/v1/auth/password/forgot', { email: 'a@b.kz' }, { csrf: false })
    expect(res.status).to.equal(403)
    expect(res.body.code).to.equal('csrf.invalid')
  })

  it('should describe its own 200 body as the object it is, and /chat as a socket.io namespace, not a path', () => {
    const own = doc.paths['/api/v1/openapi.json'].get.responses['200'].content['application/json'].schema
    expect(own.type).to.equal('object')
    expect(Object.keys(doc.paths).filter((p) => p.includes('socket.io'))).to.deep.equal([])
    expect(doc['x-socket-io']).to.have.property('/chat')
  })

  it('should document the 404 of a malformed id, and the server should answer it', async () => {
    expect(doc.paths['/api/v1/councils/{councilId}/videos'].get.responses).to.have.property('404')
    const admin = await loginAs(t, { roles: ['admin'] })
    const res = await admin.get('/api/v1/councils/not-an-id/videos')
    expect(res.status).to.equal(404)
  })

  describe('the response check of the test helpers (test/helpers/contract.ts)', () => {
    const json = (body: unknown, status = 200, type = 'application/json') => ({
      status,
      headers: new Headers({ 'content-type': `${type}; charset=utf-8` }),
      body,
      text: JSON.stringify(body),
    })
    const url = (p: string) => new URL(p, t.url)
    const health = { status: 'ok', db: 'up', version: '1', uptimeSec: 1 }

    it('should pass a response that matches its operation', () => {
      expect(contractViolations('GET', url('/api/v1/health'), json(health))).to.deep.equal([])
    })

    it('should fail an undeclared status, naming the operation', () => {
      const [problem] = contractViolations('GET', url('/api/v1/regions'), json({}, 418))
      expect(problem).to.match(/GET \/api\/v1\/regions answered 418, not declared/)
    })

    it('should fail a body off its schema with the ajv errors, problem+json included', () => {
      const [problem] = contractViolations('GET', url('/api/v1/health'), json({ ...health, db: 'maybe' }))
      expect(problem).to.match(/GET \/api\/v1\/health 200 application\/json: body does not match/)
      expect(problem).to.match(/\/db must be equal to one of the allowed values/)
      const bad = contractViolations(
        'GET',
        url('/api/v1/users?x=1'),
        json({ code: 'x' }, 400, 'application/problem+json'),
      )
      expect(bad.join('\n')).to.match(/must have required property 'title'/)
    })

    it('should fail a media type the operation does not declare, and a body where none is declared', () => {
      const csv = { ...json('a,b'), headers: new Headers({ 'content-type': 'text/csv' }), text: 'a,b' }
      expect(contractViolations('GET', url('/api/v1/regions'), csv)[0]).to.match(/answered text\/csv/)
      const [extra] = contractViolations('POST', url('/api/v1/auth/logout'), json({ ok: true }, 204))
      expect(extra).to.match(/declares no body/)
    })

    it('should match the literal path before a template, and skip what is not an API operation', () => {
      expect(operationOf('GET', '/api/v1/events/mine')?.template).to.equal('/api/v1/events/mine')
      expect(operationOf('GET', '/api/v1/events/abc')?.template).to.equal('/api/v1/events/{id}')
      expect(operationOf('HEAD', '/api/v1/regions')?.template).to.equal('/api/v1/regions')
      expect(operationOf('GET', '/api/v1/best-practices/compendium/2025.pdf')?.template).to.equal(
        '/api/v1/best-practices/compendium/{year}.pdf',
      )
      expect(contractViolations('GET', url('/metrics'), json({}, 418))).to.deep.equal([])
      expect(contractViolations('GET', url('/assets/app.js'), json({}, 418))).to.deep.equal([])
      expect(contractViolations('GET', url('/api/v1/no-such-thing'), json({}, 404))).to.deep.equal([])
    })
  })
})
