import { expect } from 'chai'
import type { Socket } from 'socket.io-client'
import { ChatMessageSchema, ChatRoomSchema } from '../../shared/schemas/chat.js'
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/socket-events.js'
import type { Agent } from '../helpers/agent.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { loginAs } from '../helpers/users.js'
import { closeAll, connectChat, createCouncil } from './chat.helpers.js'

type Typed = Socket<ServerToClientEvents, ClientToServerEvents>

/**
 * shared/socket-events.ts against the running /chat namespace: a client typed by it sends each
 * documented event and gets the acknowledgement and broadcasts in the shapes the types promise
 * (checked with the shared zod schemas).
 */
describe('socket.io /chat: the typed event maps of shared/socket-events.ts', () => {
  let t: TestServer
  let alice: Agent, bob: Agent
  let roomId: string
  const open: Socket[] = []
  const connect = async (agent: Agent) => {
    const s = (await connectChat(t.url, agent)) as unknown as Typed // the helper returns an untyped socket
    open.push(s as unknown as Socket)
    return s
  }

  before(async () => {
    t = await startTestServer()
    const [a, b] = await Promise.all([createCouncil(6), createCouncil(7)])
    ;[alice, bob] = await Promise.all([
      loginAs(t, { roles: ['council_member'], councilIds: [a] }),
      loginAs(t, { roles: ['council_member'], councilIds: [b] }),
    ])
    roomId = (await alice.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [a, b] })).body.room.id
  })
  after(async () => {
    await closeAll(...open.splice(0))
    await t?.close()
  })

  it('should answer room:join, message:send, typing, message:read and broadcast message:new and read as typed', async () => {
    const sa = await connect(alice)
    const sb = await connect(bob)
    const joinedA = await sa.timeout(5000).emitWithAck('room:join', { roomId })
    const joinedB = await sb.timeout(5000).emitWithAck('room:join', { roomId })
    if (!joinedA.ok || !joinedB.ok) throw new Error('join refused')
    ChatRoomSchema.parse(joinedA.room)
    expect(joinedA.online).to.be.an('array')

    const arrived = new Promise<Parameters<ServerToClientEvents['message:new']>[0]>((r) => sb.once('message:new', r))
    const sent = await sa.timeout(5000).emitWithAck('message:send', { roomId, text: 'Сәлем', clientId: 'typed-test-1' })
    if (!sent.ok) throw new Error(sent.error.code)
    const message = ChatMessageSchema.parse(sent.message)
    expect((await arrived).message.id).to.equal(message.id)

    const typing = await sa.timeout(5000).emitWithAck('typing', { roomId })
    if (!typing.ok) throw new Error(typing.error.code)
    expect(typing.throttled).to.be.a('boolean')

    const receipt = new Promise<Parameters<ServerToClientEvents['read']>[0]>((r) => sa.once('read', r))
    const read = await sb.timeout(5000).emitWithAck('message:read', { roomId, messageId: message.id })
    if (!read.ok) throw new Error(read.error.code)
    expect(read.advanced).to.equal(true)
    expect(await receipt).to.deep.equal({
      roomId,
      userId: bob.user!.id,
      messageId: message.id,
      displayName: bob.user!.displayName,
      councilIds: bob.user!.councilIds,
    })

    const bad = await sa.timeout(5000).emitWithAck('message:send', { roomId, text: '', clientId: 'typed-test-2' })
    expect(bad.ok).to.equal(false)
    if (!bad.ok) expect(bad.error.code).to.equal('validation.failed')
  })
})
