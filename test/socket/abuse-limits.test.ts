import { expect } from 'chai'
import type { Socket } from 'socket.io-client'
import type { Agent } from '../helpers/agent.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { loginAs } from '../helpers/users.js'
import { ask, clientId, closeAll, connectChat, createCouncil } from './chat.helpers.js'

/**
 * The socket side of the abuse limits (see test/api/core/abuse-limits.test.ts): chat messages
 * per user and `/chat` connections per user, each exactly N even when asked for all at once, the
 * refusal carrying `rate_limited` and `retryAfterSec` (whole seconds, > 0, ≤ the window).
 */
describe('socket.io /chat: abuse limits (messages and connections per user)', function () {
  this.timeout(30_000)
  let t: TestServer
  let councilA: string, councilB: string
  let roomAB: string
  const open: Socket[] = []
  const connect = async (agent: Agent, lng?: 'kk' | 'ru') => {
    const s = await connectChat(t.url, agent, { lng })
    open.push(s)
    return s
  }
  const member = (councilId: string, locale: 'kk' | 'ru' = 'kk') =>
    loginAs(t, { roles: ['council_member'], councilIds: [councilId], locale })

  before(async () => {
    t = await startTestServer({ CHAT_MESSAGES_MAX_PER_10S: '5', CHAT_CONNECTIONS_MAX_PER_USER_MIN: '3' })
    ;[councilA, councilB] = await Promise.all([createCouncil(3), createCouncil(4)])
    const alice = await member(councilA)
    roomAB = (await alice.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [councilA, councilB] })).body.room.id
  })
  afterEach(() => closeAll(...open.splice(0)))
  after(() => t?.close())

  it('should accept exactly 5 of 100 messages sent at once, refusing the rest with rate_limited and retryAfterSec', async () => {
    const sender = await member(councilA, 'ru')
    const s = await connect(sender, 'ru')
    const acks = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        ask(s, 'message:send', { roomId: roomAB, text: `#${i}`, clientId: clientId() }),
      ),
    )
    expect(acks.filter((a) => a.ok)).to.have.length(5)
    const refused = acks.filter((a) => !a.ok)
    expect(refused).to.have.length(95)
    for (const r of refused) {
      expect(r.error.code).to.equal('rate_limited')
      expect(r.error.message).to.match(/[а-я]/i)
      expect(Number.isInteger(r.error.retryAfterSec)).to.equal(true)
      expect(r.error.retryAfterSec).to.be.above(0).and.at.most(10)
    }
    // Only the accepted ones are stored.
    const history = await sender.get(`/api/v1/chat/rooms/${roomAB}/messages?limit=100`)
    const mine = history.body.items.filter((m: { senderId: string }) => m.senderId === sender.user!.id)
    expect(mine).to.have.length(5)
    // Another user is not affected.
    const other = await connect(await member(councilB))
    expect(
      (await ask(other, 'message:send', { roomId: roomAB, text: 'мен бармын', clientId: clientId() })).ok,
    ).to.equal(true)
  })

  it('should let a user open 3 connections a minute, the 4th refused by connect_error rate_limited with retryAfterSec', async () => {
    const user = await member(councilA)
    for (let i = 0; i < 3; i++) await connect(user)
    const refusal = await connectChat(t.url, user, { lng: 'ru' }).then(
      (s) => {
        open.push(s)
        throw new Error('a 4th connection was accepted')
      },
      (err: Error & { data?: { code: string; message: string; retryAfterSec?: number } }) => err,
    )
    expect(refusal.data?.code).to.equal('rate_limited')
    expect(refusal.data?.message).to.match(/[а-я]/i)
    expect(Number.isInteger(refusal.data?.retryAfterSec)).to.equal(true)
    expect(refusal.data!.retryAfterSec).to.be.above(0).and.at.most(60)
    // Another user connects.
    await connect(await member(councilB))
  })

  it('should let exactly 3 of 20 simultaneous connection attempts of one user through', async () => {
    const user = await member(councilB)
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => connectChat(t.url, user)))
    const connected = results.filter((r): r is PromiseFulfilledResult<Socket> => r.status === 'fulfilled')
    open.push(...connected.map((r) => r.value))
    expect(connected).to.have.length(3)
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(refused.map((r) => (r.reason as { data?: { code?: string } }).data?.code)).to.deep.equal(
      Array(17).fill('rate_limited'),
    )
  })
})
