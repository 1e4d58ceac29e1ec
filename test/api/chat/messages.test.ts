import { expect } from 'chai'
import mongoose from 'mongoose'
import sharp from 'sharp'
import type { Socket } from 'socket.io-client'
import type { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { ChatMessageModel } from '../../../server/modules/chat/chat.model.js'
import { dialogueParticipants } from '../../../server/modules/chat/index.js'
import { Job } from '../../../server/core/jobs.js'
import { expireAttachment } from '../../../server/modules/chat/chat.attachments.service.js'
import { ask, clientId, closeAll, connectChat, createCouncil, nextEvent } from '../../socket/chat.helpers.js'

describe('REST chat messages: history, edit, delete, attachments, participation', () => {
  let t: TestServer
  let a: string, b: string, c: string
  let alice: Agent, bob: Agent, carol: Agent, mod: Agent
  let roomId: string
  let sa: Socket, sb: Socket
  const send = async (text: string, s = sa, extra: object = {}) => {
    const res = await ask(s, 'message:send', { roomId, text, clientId: clientId(), ...extra })
    if (!res.ok) throw new Error(JSON.stringify(res.error))
    return res.message
  }
  /** Makes a message look older than the 15-minute window. */
  const age = (id: string) =>
    ChatMessageModel.collection.updateOne(
      { _id: new mongoose.Types.ObjectId(id) },
      { $set: { createdAt: new Date(Date.now() - 16 * 60_000) } },
    )

  before(async () => {
    t = await startTestServer()
    ;[a, b, c] = await Promise.all([createCouncil(10), createCouncil(11), createCouncil(12)])
    ;[alice, bob, carol, mod] = await Promise.all([
      loginAs(t, { roles: ['council_member'], councilIds: [a] }),
      loginAs(t, { roles: ['council_member'], councilIds: [b] }),
      loginAs(t, { roles: ['council_member'], councilIds: [c] }),
      loginAs(t, { roles: ['moderator'] }),
    ])
    roomId = (await alice.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [a, b] })).body.room.id
    ;[sa, sb] = await Promise.all([connectChat(t.url, alice), connectChat(t.url, bob)])
    for (const s of [sa, sb]) await ask(s, 'room:join', { roomId })
  })
  after(async () => {
    await closeAll(sa, sb)
    await t?.close()
  })

  it('should page the history newest first with before=<messageId>', async () => {
    const sent = []
    for (let i = 1; i <= 5; i++) sent.push(await send(`хабар ${i}`))
    const url = `/api/v1/chat/rooms/${roomId}/messages`
    const p1 = (await bob.get(`${url}?limit=2`)).body
    expect(p1.items.map((m: any) => m.text)).to.deep.equal(['хабар 5', 'хабар 4'])
    const p2 = (await bob.get(`${url}?limit=2&before=${p1.nextCursor}`)).body
    expect(p2.items.map((m: any) => m.text)).to.deep.equal(['хабар 3', 'хабар 2'])
    const p3 = (await bob.get(`${url}?limit=2&before=${p2.nextCursor}`)).body
    expect(p3.items.map((m: any) => m.text)).to.deep.equal(['хабар 1'])
    expect(p3.nextCursor).to.equal(null)
    expect((await bob.get(url)).body.items).to.have.length(5)
    expect((await bob.get(`${url}?limit=1000`)).status).to.equal(200)
    expect((await bob.get(`${url}?before=nope`)).status).to.equal(400)
    expect((await bob.get(`${url}?before=${encodeURIComponent('{"$gt":""}')}`)).status).to.equal(400)
    expect((await bob.get(`${url}?before=0123456789abcdef01234567`)).status).to.equal(404)
    expect((await carol.get(url)).status).to.equal(403)
    expect((await mod.get(url)).status).to.equal(200)
    expect((await bob.get('/api/v1/chat/rooms/0123456789abcdef01234567/messages')).status).to.equal(404)
    expect([...p1.items, ...p2.items, ...p3.items].map((m: any) => m.id)).to.deep.equal(sent.map((m) => m.id).reverse())
  })

  it('should let the sender edit within 15 minutes (PATCH and message:edit), broadcasting message:edited', async () => {
    const m = await send('қатемен')
    const edited = nextEvent(sb, 'message:edited')
    const res = await alice.patch(`/api/v1/chat/messages/${m.id}`, { text: 'дұрыс' })
    expect(res.status).to.equal(200)
    expect(res.body.message).to.include({ id: m.id, text: 'дұрыс' })
    expect(res.body.message.editedAt).to.be.a('string')
    expect((await edited).message).to.deep.equal(res.body.message)
    const viaSocket = nextEvent(sb, 'message:edited')
    expect((await ask(sa, 'message:edit', { messageId: m.id, text: 'тағы' })).message.text).to.equal('тағы')
    expect((await viaSocket).message.text).to.equal('тағы')
    expect((await bob.patch(`/api/v1/chat/messages/${m.id}`, { text: 'менікі' })).status).to.equal(403)
    expect((await mod.patch(`/api/v1/chat/messages/${m.id}`, { text: 'модератор' })).status).to.equal(403)
    expect((await alice.patch(`/api/v1/chat/messages/${m.id}`, { text: '' })).status).to.equal(400)
    expect((await alice.patch(`/api/v1/chat/messages/${m.id}`, { text: ' \n ' })).status).to.equal(400)
    expect((await alice.patch(`/api/v1/chat/messages/${m.id}`, { text: 'x' }, { csrf: false })).status).to.equal(403)
    await age(m.id)
    const late = await alice.patch(`/api/v1/chat/messages/${m.id}`, { text: 'кеш' })
    expect(late.status).to.equal(403)
    expect(late.body.code).to.equal('chat.edit_window_passed')
  })

  it('should soft-delete: the sender within 15 minutes, moderators any time; never others', async () => {
    const mine = await send('өшіремін')
    expect((await bob.delete(`/api/v1/chat/messages/${mine.id}`)).status).to.equal(403)
    expect((await carol.delete(`/api/v1/chat/messages/${mine.id}`)).status).to.equal(403)
    const deleted = nextEvent(sb, 'message:deleted')
    expect((await alice.delete(`/api/v1/chat/messages/${mine.id}`)).status).to.equal(204)
    expect(await deleted).to.deep.equal({ roomId, messageId: mine.id })
    const shown = (await bob.get(`/api/v1/chat/rooms/${roomId}/messages?limit=1`)).body.items[0]
    expect(shown).to.include({ id: mine.id, text: '' })
    expect(shown.deletedAt).to.be.a('string')
    expect((await alice.patch(`/api/v1/chat/messages/${mine.id}`, { text: 'қайта' })).status).to.equal(409)

    const old = await send('ескі')
    await age(old.id)
    const late = await alice.delete(`/api/v1/chat/messages/${old.id}`)
    expect(late.status).to.equal(403)
    expect(late.body.code).to.equal('chat.edit_window_passed')
    const byMod = nextEvent(sa, 'message:deleted')
    expect((await mod.delete(`/api/v1/chat/messages/${old.id}`)).status).to.equal(204)
    expect((await byMod).messageId).to.equal(old.id)
    expect((await mod.delete('/api/v1/chat/messages/0123456789abcdef01234567')).status).to.equal(404)
  })

  it('should take image and pdf attachments through the sniffed upload, served only to the room', async () => {
    const png = await sharp({ create: { width: 16, height: 12, channels: 3, background: '#0a8' } })
      .png()
      .toBuffer()
    const pdf = Buffer.from(
      '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
    )
    const url = `/api/v1/chat/rooms/${roomId}/attachments`
    const spoofed = await alice.upload(url, {
      files: [
        { field: 'file', filename: 'photo.png', content: Buffer.from('<script>alert(1)</script>'), type: 'image/png' },
      ],
    })
    expect(spoofed.status).to.equal(415)
    expect(
      (await carol.upload(url, { files: [{ field: 'file', filename: 'x.png', content: png, type: 'image/png' }] }))
        .status,
    ).to.equal(403)
    const img = await alice.upload(url, {
      files: [{ field: 'file', filename: '../../etc/карта.png', content: png, type: 'image/png' }],
    })
    expect(img.status).to.equal(201)
    expect(img.body).to.include({ name: 'карта.webp', mime: 'image/webp' })
    const doc = await alice.upload(url, {
      files: [{ field: 'file', filename: 'хаттама.pdf', content: pdf, type: 'application/pdf' }],
    })
    expect(doc.status).to.equal(201)
    // Not sent yet: only the uploader sees it.
    expect((await bob.get(img.body.url)).status).to.equal(404)
    expect((await alice.get(img.body.url)).status).to.equal(200)

    const m = await send('', sa, { attachmentIds: [img.body.id, doc.body.id] })
    expect(m.attachments.map((x: any) => x.id)).to.deep.equal([img.body.id, doc.body.id])
    const file = await bob.get(img.body.url)
    expect(file.status).to.equal(200)
    expect(file.headers.get('content-type')).to.equal('image/webp')
    const pdfRes = await bob.get(doc.body.url)
    expect(pdfRes.headers.get('content-type')).to.equal('application/pdf')
    expect(pdfRes.headers.get('content-disposition')).to.match(/^attachment/)
    expect((await carol.get(img.body.url)).status).to.equal(403)
    // An attachment goes with one message only, and only with its uploader's.
    const reuse = await ask(sa, 'message:send', {
      roomId,
      text: 'тағы',
      clientId: clientId(),
      attachmentIds: [img.body.id],
    })
    expect(reuse.error.code).to.equal('chat.attachment_unavailable')
    const other = await bob.upload(url, {
      files: [{ field: 'file', filename: 'b.png', content: png, type: 'image/png' }],
    })
    expect(
      (await ask(sa, 'message:send', { roomId, text: 'ұрлық', clientId: clientId(), attachmentIds: [other.body.id] }))
        .error.code,
    ).to.equal('chat.attachment_unavailable')
    // An upload nobody sent expires (the daily job); a sent one stays.
    const job: any = await Job.findOne({ dedupeKey: `chat.attachment_expire:${other.body.id}` }).lean()
    expect(job.runAt.getTime()).to.be.greaterThan(Date.now() + 23 * 3600_000)
    expect(await expireAttachment(other.body.id)).to.equal(true)
    expect((await bob.get(other.body.url)).status).to.equal(404)
    expect(await expireAttachment(img.body.id)).to.equal(false)
    // Deleted message: its files are gone for members.
    await alice.delete(`/api/v1/chat/messages/${m.id}`)
    expect((await bob.get(img.body.url)).status).to.equal(404)
    expect((await mod.get(img.body.url)).status).to.equal(200)
  })

  it('should record who took part in dialogue platforms, not in direct rooms', async () => {
    const from = new Date(Date.now() - 1000)
    const platform = (
      await alice.post('/api/v1/chat/rooms', {
        kind: 'dialogue',
        councilIds: [a, b, c],
        title: { kk: 'Жастар саясаты' },
        topic: { kk: 'Өңірлердегі жастар кеңестері' },
      })
    ).body.room.id
    const sc = await connectChat(t.url, carol)
    await ask(sc, 'message:send', { roomId: platform, text: 'Қостанайдан сәлем', clientId: clientId() })
    await ask(sc, 'message:send', { roomId: platform, text: 'тағы бір', clientId: clientId() })
    await ask(sa, 'message:send', { roomId: platform, text: 'Алматыдан сәлем', clientId: clientId() })
    await send('бұл тікелей бөлме', sb)
    sc.close()
    const ids = await dialogueParticipants({ from, to: new Date(Date.now() + 1000) })
    expect(ids).to.have.members([carol.user!.id, alice.user!.id])
    expect(
      await dialogueParticipants({ from: new Date(Date.now() + 60_000), to: new Date(Date.now() + 120_000) }),
    ).to.deep.equal([])
  })
})
