import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams } from 'react-router-dom'
import { api } from '../../lib/api.js'
import { emitAck, useChatSocket } from '../../lib/chat-socket.js'
import { pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { useSession } from '../../lib/session.js'
import type { ChatMessage, ChatRoom, Page } from '../../lib/types.js'
import { ErrorBox, Loading } from '../../components/status.js'
import { NewRoom } from './chat-new-room.js'
import { MessageList } from './chat-messages.js'
import { AddCouncils } from './chat-add-councils.js'

const byTime = (a: ChatMessage, b: ChatMessage) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)
function merge(list: ChatMessage[], more: ChatMessage[]): ChatMessage[] {
  const m = new Map(list.map((x) => [x.id, x]))
  for (const x of more) m.set(x.id, x)
  return [...m.values()].sort(byTime)
}

/** Chat between councils: rooms with unread counts, live messages, typing, presence, reconnect banner. */
export default function Chat() {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('chat.title'))
  const { roomId } = useParams()
  const nav = useNavigate()
  const { user } = useSession()
  const { socket, state, refusal } = useChatSocket(lng)
  const [rooms, setRooms] = useState<ChatRoom[] | null>(null)
  const [roomsError, setRoomsError] = useState<Error | null>(null)
  const [messages, setMessages] = useState<Record<string, ChatMessage[]>>({})
  const [older, setOlder] = useState<Record<string, string | null>>({})
  const [typing, setTyping] = useState<Record<string, Record<string, number>>>({})
  const [online, setOnline] = useState<Set<string>>(new Set())
  const [creating, setCreating] = useState(false)
  const messagesRef = useRef(messages)
  messagesRef.current = messages
  const roomRef = useRef(roomId)
  roomRef.current = roomId

  const loadRooms = useCallback(async () => {
    try {
      const page = await api<Page<ChatRoom>>('/chat/rooms', { query: { limit: 100 } })
      setRooms(page.items)
    } catch (e) {
      setRoomsError(e as Error)
    }
  }, [])
  useEffect(() => void loadRooms(), [loadRooms])

  // History of the open room (REST, newest first → kept oldest first).
  useEffect(() => {
    if (!roomId || messagesRef.current[roomId]) return
    void api<Page<ChatMessage>>(`/chat/rooms/${roomId}/messages`, { query: { limit: 50 } }).then(
      (p) => {
        setMessages((m) => ({ ...m, [roomId]: merge(m[roomId] ?? [], p.items) }))
        setOlder((o) => ({ ...o, [roomId]: p.nextCursor }))
      },
      () => {},
    )
  }, [roomId])

  // (Re)join every room on each connection; `lastMessageId` brings what was missed while away.
  useEffect(() => {
    if (!socket || state !== 'online' || !rooms) return
    for (const r of rooms) {
      const have = messagesRef.current[r.id]
      const last = have?.length ? have[have.length - 1].id : undefined
      void emitAck<{ room: ChatRoom; online?: string[]; missed?: ChatMessage[] }>(socket, 'room:join', {
        roomId: r.id,
        ...(last ? { lastMessageId: last } : {}),
      }).then((ack) => {
        if (!ack.ok) return
        if (ack.online) setOnline((o) => new Set([...o, ...ack.online!]))
        if (ack.missed?.length) setMessages((m) => ({ ...m, [r.id]: merge(m[r.id] ?? [], ack.missed!) }))
        setRooms(
          (rs) =>
            rs?.map((x) =>
              x.id === r.id ? { ...x, unread: ack.room.unread, lastMessage: ack.room.lastMessage ?? x.lastMessage } : x,
            ) ?? rs,
        )
      })
    }
  }, [socket, state, rooms?.map((r) => r.id).join(',')])

  // Server events.
  useEffect(() => {
    if (!socket) return
    const onNew = ({ message }: { message: ChatMessage }) => {
      setMessages((m) => (m[message.roomId] ? { ...m, [message.roomId]: merge(m[message.roomId], [message]) } : m))
      setRooms(
        (rs) =>
          rs?.map((r) =>
            r.id === message.roomId
              ? {
                  ...r,
                  lastMessage: message,
                  lastMessageAt: message.createdAt,
                  unread: r.id === roomRef.current ? 0 : (r.unread ?? 0) + 1,
                }
              : r,
          ) ?? rs,
      )
      setTyping((ty) => ({
        ...ty,
        [message.roomId]: Object.fromEntries(
          Object.entries(ty[message.roomId] ?? {}).filter(([u]) => u !== message.senderId),
        ),
      }))
      if (message.roomId === roomRef.current && document.visibilityState === 'visible')
        void emitAck(socket, 'message:read', { roomId: message.roomId, messageId: message.id })
    }
    const onEdited = ({ message }: { message: ChatMessage }) =>
      setMessages((m) => (m[message.roomId] ? { ...m, [message.roomId]: merge(m[message.roomId], [message]) } : m))
    const onDeleted = ({ roomId: rid, messageId }: { roomId: string; messageId: string }) =>
      setMessages((m) =>
        m[rid]
          ? {
              ...m,
              [rid]: m[rid].map((x) =>
                x.id === messageId ? { ...x, text: '', deletedAt: new Date().toISOString() } : x,
              ),
            }
          : m,
      )
    const onTyping = ({ roomId: rid, userId }: { roomId: string; userId: string }) =>
      setTyping((ty) => ({ ...ty, [rid]: { ...(ty[rid] ?? {}), [userId]: Date.now() + 5000 } }))
    const onPresence = ({ userId, online: on }: { userId: string; online: boolean }) =>
      setOnline((o) => {
        const n = new Set(o)
        if (on) n.add(userId)
        else n.delete(userId)
        return n
      })
    const onRoomUpdated = () => void loadRooms()
    socket.on('message:new', onNew)
    socket.on('message:edited', onEdited)
    socket.on('message:deleted', onDeleted)
    socket.on('typing', onTyping)
    socket.on('presence', onPresence)
    socket.on('room:updated', onRoomUpdated)
    return () => {
      socket.off('message:new', onNew)
      socket.off('message:edited', onEdited)
      socket.off('message:deleted', onDeleted)
      socket.off('typing', onTyping)
      socket.off('presence', onPresence)
      socket.off('room:updated', onRoomUpdated)
    }
  }, [socket, loadRooms])

  // Typing hints expire.
  useEffect(() => {
    const timer = setInterval(
      () =>
        setTyping((ty) => {
          const now = Date.now()
          let changed = false
          const next: typeof ty = {}
          for (const [r, users] of Object.entries(ty)) {
            next[r] = Object.fromEntries(Object.entries(users).filter(([, until]) => until > now || !(changed = true)))
          }
          return changed ? next : ty
        }),
      1000,
    )
    return () => clearInterval(timer)
  }, [])

  // Opening a room reads it.
  const list = roomId ? messages[roomId] : undefined
  useEffect(() => {
    if (!socket || state !== 'online' || !roomId || !list?.length) return
    const last = list[list.length - 1]
    void emitAck(socket, 'message:read', { roomId, messageId: last.id })
    setRooms((rs) => rs?.map((r) => (r.id === roomId ? { ...r, unread: 0 } : r)) ?? rs)
  }, [socket, state, roomId, list?.length])

  const room = rooms?.find((r) => r.id === roomId)
  const loadOlder = async () => {
    if (!roomId || !older[roomId]) return
    const p = await api<Page<ChatMessage>>(`/chat/rooms/${roomId}/messages`, {
      query: { limit: 50, before: older[roomId] },
    })
    setMessages((m) => ({ ...m, [roomId]: merge(m[roomId] ?? [], p.items) }))
    setOlder((o) => ({ ...o, [roomId]: p.nextCursor }))
  }
  const roomName = (r: ChatRoom) =>
    r.kind === 'dialogue' && r.title ? pick(r.title, lng) : r.councils.map((c) => pick(c.name, lng)).join(' ↔ ')
  const typingNames = useMemo(() => {
    if (!roomId) return []
    const ids = Object.keys(typing[roomId] ?? {}).filter((u) => u !== user?.id)
    const names = new Map((messages[roomId] ?? []).map((m) => [m.senderId, m.senderName]))
    return ids.map((u) => names.get(u) ?? t('chat.someone'))
  }, [typing, roomId, messages, user, t])

  return (
    <>
      <nav aria-label={t('nav.breadcrumbs')} className="breadcrumbs">
        <Link to="/member">{t('nav.member')}</Link>
      </nav>
      <h1>{t('chat.title')}</h1>
      <div role="status" aria-live="assertive" className="conn-banner-wrap">
        {state === 'offline' && (
          <div className="alert alert-error conn-banner" data-testid="reconnect-banner">
            {t('chat.reconnecting')}
          </div>
        )}
        {state === 'refused' && <div className="alert alert-error">{refusal}</div>}
      </div>
      <div className="chat">
        <nav className="chat-rooms" aria-label={t('chat.rooms')}>
          <div className="section-head">
            <h2>{t('chat.rooms')}</h2>
            <button
              type="button"
              className="btn btn-small"
              aria-expanded={creating}
              onClick={() => setCreating(!creating)}
            >
              {t('chat.newRoom')}
            </button>
          </div>
          {creating && (
            <NewRoom
              onCreated={(r) => {
                setCreating(false)
                void loadRooms()
                nav(`/member/chat/${r.id}`)
              }}
            />
          )}
          {roomsError ? (
            <ErrorBox error={roomsError as never} />
          ) : !rooms ? (
            <Loading />
          ) : rooms.length === 0 ? (
            <p className="muted">{t('chat.noRooms')}</p>
          ) : (
            <ul className="room-list">
              {rooms.map((r) => (
                <li key={r.id}>
                  <Link
                    to={`/member/chat/${r.id}`}
                    aria-current={r.id === roomId ? 'page' : undefined}
                    className={r.id === roomId ? 'active' : undefined}
                  >
                    <span className="room-name">
                      {r.kind === 'dialogue' ? '◆ ' : ''}
                      {roomName(r)}
                    </span>
                    {(r.unread ?? 0) > 0 && r.id !== roomId && (
                      <span className="badge badge-count" data-testid="unread">
                        {r.unread}
                        <span className="sr-only"> {t('chat.unread')}</span>
                      </span>
                    )}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </nav>
        <section className="chat-room" aria-label={room ? roomName(room) : t('chat.pickRoom')}>
          {!room ? (
            <p className="muted">{t('chat.pickRoom')}</p>
          ) : (
            <>
              <header className="chat-head">
                <h2>{roomName(room)}</h2>
                {room.topic && <p className="muted">{pick(room.topic, lng)}</p>}
                <p className="small">
                  {room.councils.map((c) => pick(c.name, lng)).join(', ')} · {t('chat.online', { n: online.size })}
                </p>
                <AddCouncils
                  room={room}
                  onDone={(r) => setRooms((rs) => rs?.map((x) => (x.id === r.id ? { ...x, ...r } : x)) ?? rs)}
                />
              </header>
              {socket && (
                <MessageList
                  socket={socket}
                  roomId={room.id}
                  messages={list ?? []}
                  hasOlder={Boolean(older[room.id])}
                  onOlder={loadOlder}
                  online={online}
                  onSent={(m) => setMessages((all) => ({ ...all, [m.roomId]: merge(all[m.roomId] ?? [], [m]) }))}
                  typingNames={typingNames}
                  connected={state === 'online'}
                />
              )}
            </>
          )}
        </section>
      </div>
    </>
  )
}
