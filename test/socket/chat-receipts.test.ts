import { expect } from 'chai'
import type { Socket } from 'socket.io-client'
import { listAudit } from '../../server/core/audit.js'
import type { Agent } from '../helpers/agent.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { loginAs } from '../helpers/users.js'
import { ask, clientId, closeAll, connectChat, createCouncil, nextEvent } from './chat.helpers.js'

/** Read receipts on join, unread counts that survive a reconnect, and moderators' deletions with a reason. */
describe('socket.io /chat: read receipts, unread after reconnect, moderated deletion', () => {
  let t: TestServer
  let councilA: string, councilB: string
  let alice: Agent, bob: Agent, mod: Agent
  let roomId: string
  const open: Socket[] = []
  const connect = async (agent: Agent) => {
    const s = await connectChat(t.url, agent)
    open.push(s)
    return s
  }
  const send = async (s: Socket, text: string) =>
    (await ask(s, 'message:send', { roomId, text, clientId: clientId() })).message
  const unread = async (agent: Agent) =>
    (await agent.get('/api/v1/chat/rooms')).body.items.find((r: any) => r.id === roomId).unread

  before(async () => {
    t = await startTestServer()
    ;[councilA, councilB] = await Promise.all([createCouncil(1), createCouncil(2)])
    ;[alice, bob, mod] = await Promise.all([
      loginAs(t, { roles: ['council_member'], councilIds: [councilA], displayName: 'Әлия Нұрланқызы' }),
      loginAs(t, { roles: ['council_member'], councilIds: [councilB], displayName: 'Бауыржан Серікұлы' }),
      loginAs(t, { roles: ['moderator'], displayName: 'Модератор Мирас' }),
    ])
    roomId = (await alice.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [councilA, councilB] })).body.room.id
  })
  afterEach(() => closeAll(...open.splice(0)))
  after(() => t?.close())

  it("should hand every reader's last read message, name and councils to whoever joins the room", async () => {
    const a = await connect(alice)
    await ask(a, 'room:join', { roomId })
    const [m1, m2] = [await send(a, 'бірінші'), await send(a, 'екінші')]
    const b = await connect(bob)
    const joined = await ask(b, 'room:join', { roomId })
    expect(joined.reads).to.deep.equal([]) // nobody has read anything yet
    expect(await ask(b, 'message:read', { roomId, messageId: m1.id })).to.deep.include({ advanced: true })

    const again = await ask(await connect(alice), 'room:join', { roomId })
    expect(again.reads).to.have.length(1)
    expect(again.reads[0]).to.deep.include({
      userId: bob.user!.id,
      displayName: 'Бауыржан Серікұлы',
      councilIds: [councilB],
      messageId: m1.id,
    })
    expect(again.reads[0].at).to.be.a('string')
    await ask(b, 'message:read', { roomId, messageId: m2.id })
    const third = await ask(await connect(alice), 'room:join', { roomId })
    expect(third.reads.map((r: any) => r.messageId)).to.deep.equal([m2.id])
  })

  it('should keep unread counts right across a disconnect: what arrived meanwhile, not what was read before', async () => {
    const a = await connect(alice)
    await ask(a, 'room:join', { roomId })
    const b = await connect(bob)
    await ask(b, 'room:join', { roomId })
    const seen = await send(a, 'оқылды')
    await ask(b, 'message:read', { roomId, messageId: seen.id })
    b.close()
    await send(a, 'жоқта бірінші')
    await send(a, 'жоқта екінші')
    // A new connection (a reload) learns the count from the server's read mark.
    const back = await connect(bob)
    const joined = await ask(back, 'room:join', { roomId, lastMessageId: seen.id })
    expect(joined.room.unread).to.equal(2)
    expect(joined.missed.map((m: any) => m.text)).to.deep.equal(['жоқта бірінші', 'жоқта екінші'])
    expect(await unread(bob)).to.equal(2)
    await ask(back, 'message:read', { roomId, messageId: joined.missed[1].id })
    expect(await unread(bob)).to.equal(0)
    const reloaded = await ask(await connect(bob), 'room:join', { roomId })
    expect(reloaded.room.unread).to.equal(0)
  })

  it("should let a moderator delete anyone's message with a reason that goes to the audit log, by socket and by REST", async () => {
    const a = await connect(alice)
    await ask(a, 'room:join', { roomId })
    const m = await connect(mod)
    await ask(m, 'room:join', { roomId })
    const bySocket = await send(a, 'жарнама')
    const gone = nextEvent(a, 'message:deleted', (p) => p.messageId === bySocket.id)
    expect(await ask(m, 'message:delete', { messageId: bySocket.id, reason: 'Спам' })).to.deep.include({ ok: true })
    await gone
    const [entry] = await listAudit({ action: 'chat.message_deleted', targetId: bySocket.id })
    expect(entry.actorId).to.equal(mod.user!.id)
    expect(entry.details).to.deep.include({ roomId, senderId: alice.user!.id, reason: 'Спам' })

    const byRest = await send(a, 'дөрекі сөз')
    const res = await mod.delete(`/api/v1/chat/messages/${byRest.id}`, { json: { reason: 'Әдепсіз сөз' } })
    expect(res.status).to.equal(204)
    const [rest] = await listAudit({ action: 'chat.message_deleted', targetId: byRest.id })
    expect(rest.details).to.deep.include({ reason: 'Әдепсіз сөз' })

    // A sender deleting their own message is not moderation: nothing in the audit log.
    const own = await send(a, 'қате жазылды')
    expect(await ask(a, 'message:delete', { messageId: own.id })).to.deep.include({ ok: true })
    expect(await listAudit({ action: 'chat.message_deleted', targetId: own.id })).to.deep.equal([])
  })

  it('should refuse a reason that is empty, too long or not text, and a member deleting the other council’s message', async () => {
    const a = await connect(alice)
    await ask(a, 'room:join', { roomId })
    const msg = await send(a, 'қалады')
    for (const reason of ['', 'x'.repeat(501), { $gt: '' }]) {
      const res = await mod.delete(`/api/v1/chat/messages/${msg.id}`, { json: { reason } })
      expect(res.status, JSON.stringify(reason)).to.equal(400)
      expect((await ask(a, 'message:delete', { messageId: msg.id, reason })).error.code).to.equal('validation.failed')
    }
    const res = await bob.delete(`/api/v1/chat/messages/${msg.id}`, { json: { reason: 'ұнамады' } })
    expect(res.status).to.equal(403)
    const history = await alice.get(`/api/v1/chat/rooms/${roomId}/messages?limit=1`)
    expect(history.body.items[0]).to.deep.include({ id: msg.id, text: 'қалады' })
  })
})
