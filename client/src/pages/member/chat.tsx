import { useQueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams } from 'react-router-dom'
import {
  chatKeys,
  patchRoom,
  putMessages,
  useChatCacheFeed,
  useOlderMessagesMutation,
  useRoomMessagesQuery,
  useRoomsQuery,
  type RoomLog,
} from '../../api/chat.js'
import { asApiError } from '../../api/query-client.js'
import { emitAck, useChatSocket } from '../../lib/chat-socket.js'
import { personName, pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { useSession } from '../../lib/session.js'
import type { ChatMessage, ChatRoom } from '../../lib/types.js'
import type { RoomRead } from '../../../../shared/socket-events.js'
import { ErrorBox, Loading } from '../../components/status.js'
import { NewRoom } from './chat-new-room.js'
import { MessageList } from './chat-messages.js'
import { AddCouncils } from './chat-add-councils.js'

/** Chat between councils: rooms with unread counts, live messages, typing, presence, reconnect banner. */
export default function Chat() {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('chat.title'))
  const { roomId } = useParams()
  const nav = useNavigate()
  const { user } = useSession()
  const { socket, state, refusal } = useChatSocket(lng)
  const qc = useQueryClient()
  const roomsQuery = useRoomsQuery()
  const rooms = roomsQuery.data ?? null
  const roomsError = asApiError(roomsQuery.error)
  const logQuery = useRoomMessagesQuery(roomId)
  const log = logQuery.data
  const older = useOlderMessagesMutation(roomId ?? '')
  const [typing, setTyping] = useState<Record<string, Record<string, number>>>({})
  const [online, setOnline] = useState<Set<string>>(new Set())
  // Read receipts by room and reader (from room:join, then each `read`), and the names of typists.
  const [reads, setReads] = useState<Record<string, Record<string, RoomRead>>>({})
  const typistNames = useRef(new Map<string, string>())
  const [creating, setCreating] = useState(false)
  const roomRef = useRef(roomId)
  roomRef.current = roomId
  const openRoom = useCallback(() => roomRef.current, [])
  // New, edited and deleted messages and unread counts go into the query cache.
  const markRead = useChatCacheFeed(socket, openRoom)

  // (Re)join every room on each connection; `lastMessageId` brings what was missed while away.
  useEffect(() => {
    if (!socket || state !== 'online' || !rooms) return
    for (const r of rooms) {
      const have = qc.getQueryData<RoomLog>(chatKeys.messages(r.id))?.items
      const last = have?.length ? have[have.length - 1].id : undefined
      void emitAck(socket, 'room:join', {
        roomId: r.id,
        ...(last ? { lastMessageId: last } : {}),
      }).then((ack) => {
        if (!ack.ok) return
        if (ack.online) setOnline((o) => new Set([...o, ...ack.online]))
        if (ack.reads) setReads((all) => ({ ...all, [r.id]: Object.fromEntries(ack.reads.map((x) => [x.userId, x])) }))
        if (ack.missed?.length) putMessages(qc, r.id, ack.missed)
        patchRoom(qc, r.id, (x) => ({ unread: ack.room.unread, lastMessage: ack.room.lastMessage ?? x.lastMessage }))
      })
    }
  }, [socket, state, rooms?.map((r) => r.id).join(',')])

  // Ephemeral server events (not data): who is typing, who is online.
  useEffect(() => {
    if (!socket) return
    const onNew = ({ message }: { message: ChatMessage }) =>
      setTyping((ty) => ({
        ...ty,
        [message.roomId]: Object.fromEntries(
          Object.entries(ty[message.roomId] ?? {}).filter(([u]) => u !== message.senderId),
        ),
      }))
    const onTyping = ({
      roomId: rid,
      userId,
      displayName,
    }: {
      roomId: string
      userId: string
      displayName?: string
    }) => {
      if (displayName) typistNames.current.set(userId, displayName)
      setTyping((ty) => ({ ...ty, [rid]: { ...(ty[rid] ?? {}), [userId]: Date.now() + 5000 } }))
    }
    const onRead = (r: {
      roomId: string
      userId: string
      messageId: string
      displayName?: string
      councilIds?: string[]
    }) =>
      setReads((all) => ({
        ...all,
        [r.roomId]: {
          ...(all[r.roomId] ?? {}),
          [r.userId]: {
            userId: r.userId,
            displayName: r.displayName ?? all[r.roomId]?.[r.userId]?.displayName ?? '',
            councilIds: r.councilIds ?? all[r.roomId]?.[r.userId]?.councilIds ?? [],
            messageId: r.messageId,
            at: new Date().toISOString(),
          },
        },
      }))
    const onPresence = ({ userId, online: on }: { userId: string; online: boolean }) =>
      setOnline((o) => {
        const n = new Set(o)
        if (on) n.add(userId)
        else n.delete(userId)
        return n
      })
    socket.on('message:new', onNew)
    socket.on('typing', onTyping)
    socket.on('read', onRead)
    socket.on('presence', onPresence)
    return () => {
      socket.off('message:new', onNew)
      socket.off('typing', onTyping)
      socket.off('read', onRead)
      socket.off('presence', onPresence)
    }
  }, [socket])

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

  // Opening a room reads it (the unread badge goes at once; see useMarkReadMutation).
  const list = log?.items
  useEffect(() => {
    if (!socket || state !== 'online' || !roomId || !list?.length) return
    const last = list[list.length - 1]
    markRead.mutate({ roomId, messageId: last.id })
  }, [socket, state, roomId, list?.length])

  const room = rooms?.find((r) => r.id === roomId)
  const roomName = (r: ChatRoom) =>
    r.kind === 'dialogue' && r.title ? pick(r.title, lng) : r.councils.map((c) => pick(c.name, lng)).join(' ↔ ')
  const typingNames = useMemo(() => {
    if (!roomId) return []
    const ids = Object.keys(typing[roomId] ?? {}).filter((u) => u !== user?.id)
    const names = new Map((list ?? []).map((m) => [m.senderId, personName(m.senderName, t)]))
    return ids.map((u) => typistNames.current.get(u) ?? names.get(u) ?? t('chat.someone'))
  }, [typing, roomId, list, user, t])

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
                nav(`/member/chat/${r.id}`)
              }}
            />
          )}
          {roomsError ? (
            <ErrorBox error={roomsError} />
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
                <AddCouncils room={room} />
              </header>
              {socket && (
                <MessageList
                  socket={socket}
                  roomId={room.id}
                  messages={list ?? []}
                  loaded={list !== undefined}
                  loadError={asApiError(logQuery.error)}
                  hasOlder={Boolean(log?.older)}
                  onOlder={() => older.mutate()}
                  online={online}
                  onSent={(m) => putMessages(qc, m.roomId, [m])}
                  typingNames={typingNames}
                  connected={state === 'online'}
                  room={room}
                  reads={Object.values(reads[room.id] ?? {}).filter((r) => r.userId !== user?.id)}
                />
              )}
            </>
          )}
        </section>
      </div>
    </>
  )
}
