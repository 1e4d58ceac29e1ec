import { expect } from 'chai'
import type { Router } from 'express'
import { isDeclaredRoute, routeTable } from '../../../server/core/route.js'
import { modules } from '../../../server/modules/index.js'
import { RIGHTS } from '../../../shared/permissions.js'

interface Layer {
  route?: { path: string; methods: Record<string, boolean> }
  handle?: { stack?: Layer[] }
}

/** Every Express route under a router, nested routers included. */
function mountedRoutes(router: { stack?: Layer[] }, out: { route: object; label: string }[] = []) {
  for (const layer of router.stack ?? []) {
    if (layer.route)
      out.push({ route: layer.route, label: `${Object.keys(layer.route.methods).join(',')} ${layer.route.path}` })
    else if (layer.handle?.stack) mountedRoutes(layer.handle, out)
  }
  return out
}

describe('the route table', () => {
  const routers = modules.flatMap((m) => [m.api, m.root].filter((r): r is Router => Boolean(r)))

  it('should have a route() declaration for every route any module mounts', () => {
    const mounted = routers.flatMap((r) => mountedRoutes(r as unknown as { stack: Layer[] }))
    expect(mounted.length).to.be.greaterThan(50)
    const undeclared = mounted.filter((m) => !isDeclaredRoute(m.route)).map((m) => m.label)
    expect(undeclared, 'routes mounted without route()').to.deep.equal([])
  })

  it('should name a known right, "user" or "public" on every row, once per method and path', () => {
    const seen = new Set<string>()
    for (const r of routeTable()) {
      expect(r.auth === 'public' || r.auth === 'user' || r.auth in RIGHTS, `${r.method} ${r.path}: ${r.auth}`).to.equal(
        true,
      )
      const key = `${r.method} ${r.path}`
      expect(seen.has(key), `${key} declared twice`).to.equal(false)
      seen.add(key)
    }
  })
})
