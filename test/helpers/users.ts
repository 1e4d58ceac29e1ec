import crypto from 'node:crypto'
import type { Role } from '../../shared/permissions.js'
import { createUserDirect } from '../../server/modules/users/users.service.js'
import { Agent } from './agent.js'
import type { TestServer } from './server.js'

export interface UserOptions {
  roles?: Role[]
  councilIds?: string[]
  email?: string
  password?: string
  displayName?: string
  locale?: 'kk' | 'ru'
  emailVerified?: boolean
}

export const DEFAULT_PASSWORD = 'correct-horse-battery-staple'

/** Creates a user straight in the database (default: a verified citizen with a unique e-mail). */
export async function createUser(
  _t: TestServer,
  opts: UserOptions = {},
): Promise<{ id: string; email: string; password: string }> {
  const email = opts.email ?? `user-${crypto.randomBytes(6).toString('hex')}@test.kenes.kz`
  const password = opts.password ?? DEFAULT_PASSWORD
  const user = await createUserDirect({
    email,
    password,
    displayName: opts.displayName ?? `Test ${email.split('@')[0]}`,
    roles: opts.roles ?? ['citizen'],
    councilIds: opts.councilIds ?? [],
    locale: opts.locale ?? 'kk',
    emailVerified: opts.emailVerified ?? true,
  })
  return { id: user.id, email: user.email, password }
}

/** Creates a user and returns an Agent signed in as them through POST /api/v1/auth/login. */
export async function loginAs(t: TestServer, opts: UserOptions = {}): Promise<Agent> {
  const { email, password } = await createUser(t, opts)
  const agent = new Agent(t.url, { lng: opts.locale })
  const res = await agent.post('/api/v1/auth/login', { email, password })
  if (res.status !== 200) throw new Error(`loginAs(${email}): ${res.status} ${res.text}`)
  const u = res.body.user
  agent.user = { id: u.id, email: u.email, displayName: u.displayName, roles: u.roles, councilIds: u.councilIds }
  return agent
}
