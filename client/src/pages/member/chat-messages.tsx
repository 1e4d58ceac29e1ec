import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { emitAck, newClientId, type ChatSocket } from '../../lib/chat-socket.js'
import { formatDate, formatTime, personName } from '../../lib/format.js'
import { useLang } from '../../lib/hooks.js'
import { useSession } from '../../lib/session.js'
import type { ChatMessage, ChatRoom } from '../../lib/types.js'
import type { RoomRead } from '../../../../shared/socket-events.js'
import { hasRole } from '../../lib/session.js'
import { pick } from '../../lib/format.js'
import { MESSAGE_EDIT_WINDOW_MS as EDIT_WINDOW_MS } from '../../../../shared/domain.js'
import { AttachButton, MessageFiles, PendingFiles, useAttachments } from './chat-attachments.js'
import { ErrorBox } from '../../components/status.js'
import type { ApiError } from '../../lib/api.js'

interface Props {
  socket: ChatSocket
  roomId: string
  messages: ChatMessage[]
  /** The history has arrived (an empty list before that is not an empty room). */
  loaded: boolean
  /** The history could not be read. */
  loadError: ApiError | null
  hasOlder: boolean
  onOlder(): void
  onSent(m: ChatMessage): void
  typingNames: string[]
  online: Set<string>
  connected: boolean
  room: ChatRoom
  /** Other people's read marks in this room. */
  reads: RoomRead[]
}

/** The message log (a live region), the typing line and the composer of one room. */
export function MessageList({
  socket,
  roomId,
  messages,
  loaded,
  loadError,
  hasOlder,
  onOlder,
  onSent,
  typingNames,
  online,
  connected,
  room,
  reads,
}: Props) {
  const { t } = useTranslation()
  const lng = useLang()
  const { user } = useSession()
  const [text, setText] = useState('')
  const [error, setError] = useState('')
  const [editing, setEditing] = useState<string | null>(null)
  // A moderator removing someone else's message: which one, and why (kept in the audit log).
  const [moderating, setModerating] = useState<string | null>(null)
  const [reason, setReason] = useState('')
  const moderator = hasRole(user, 'moderator', 'admin')
  const pending = useRef<{ clientId: string; text: string } | null>(null)
  const log = useRef<HTMLDivElement>(null)
  const lastTyping = useRef(0)
  const att = useAttachments(roomId)

  useEffect(() => {
    const el = log.current
    if (el) el.scrollTop = el.scrollHeight
  }, [messages.length, roomId])

  const send = async (e?: FormEvent) => {
    e?.preventDefault()
    const body = text.trim()
    if (editing ? !body : (!body && !att.ids.length) || att.busy) return
    setError('')
    if (editing) {
      const ack = await emitAck(socket, 'message:edit', { messageId: editing, text: body })
      if (!ack.ok) return setError(ack.error.message || ack.error.code)
      onSent(ack.message)
      setEditing(null)
      setText('')
      return
    }
    // The same clientId on a retry: the server stores the message once.
    const ids = att.ids
    const what = `${body}\u0000${ids.join(',')}`
    if (!pending.current || pending.current.text !== what) pending.current = { clientId: newClientId(), text: what }
    const ack = await emitAck(socket, 'message:send', {
      roomId,
      text: body,
      clientId: pending.current.clientId,
      ...(ids.length ? { attachmentIds: ids } : {}),
    })
    if (!ack.ok) return setError(ack.error.message || t('chat.notSent'))
    pending.current = null
    onSent(ack.message)
    setText('')
    att.clear()
  }
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault()
      void send()
    } else if (e.key === 'Escape' && editing) {
      setEditing(null)
      setText('')
    }
  }
  // On input, not keydown: IME, dictation and pasting type too.
  const onInput = (value: string) => {
    setText(value)
    if (!editing && value && Date.now() - lastTyping.current > 2000) {
      lastTyping.current = Date.now()
      void emitAck(socket, 'typing', { roomId })
    }
  }
  const remove = async (m: ChatMessage, why?: string) => {
    if (!why && !window.confirm(t('chat.confirmDelete'))) return
    const ack = await emitAck(socket, 'message:delete', { messageId: m.id, ...(why ? { reason: why } : {}) })
    if (!ack.ok) return setError(ack.error.message || ack.error.code)
    onSent({ ...m, text: '', deletedAt: new Date().toISOString() })
    setModerating(null)
    setReason('')
  }
  const receipts = useReceipts(messages, reads, room, user?.id, user?.councilIds ?? [])

  let lastDay = ''
  return (
    <>
      {hasOlder && (
        <p className="more">
          <button type="button" className="btn btn-small" onClick={onOlder}>
            {t('chat.older')}
          </button>
        </p>
      )}
      {/* role=log on a wrapper: on the <ol> itself it would take away the list semantics */}
      <div
        className="messages"
        ref={log}
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-label={t('chat.messages')}
        tabIndex={0}
      >
        <ol className="message-list">
          {messages.map((m) => {
            const day = formatDate(m.createdAt, lng)
            const sep = day !== lastDay
            lastDay = day
            const mine = m.senderId === user?.id
            const editable = mine && !m.deletedAt && Date.now() - new Date(m.createdAt).getTime() < EDIT_WINDOW_MS
            return (
              <li key={m.id} className={`message${mine ? ' mine' : ''}`} data-message-id={m.id}>
                {sep && <p className="day-sep">{day}</p>}
                <p className="meta">
                  <strong>{personName(m.senderName, t)}</strong>
                  {online.has(m.senderId) && (
                    <span className="online-dot" title={t('chat.isOnline')}>
                      <span className="sr-only">({t('chat.isOnline')})</span>
                    </span>
                  )}
                  {' · '}
                  <time dateTime={m.createdAt}>{formatTime(m.createdAt, lng)}</time>
                  {m.editedAt && <> · {t('chat.edited')}</>}
                </p>
                {m.deletedAt ? (
                  <p className="muted">
                    <em>{t('chat.deleted')}</em>
                  </p>
                ) : (
                  <p className="prewrap message-text">{m.text}</p>
                )}
                {!m.deletedAt && m.attachments?.length > 0 && <MessageFiles files={m.attachments} />}
                {m.id === receipts.lastMineId && receipts.readers.length > 0 && (
                  <p className="read-receipt muted" data-testid="read-receipt">
                    {t('chat.readBy', { count: receipts.readers.length })}
                    {receipts.readers.length <= 3 && <> ({receipts.readers.map((n) => personName(n, t)).join(', ')})</>}
                  </p>
                )}
                {!mine && !m.deletedAt && moderator && moderating !== m.id && (
                  <p className="message-actions">
                    <button type="button" className="btn-link" onClick={() => setModerating(m.id)}>
                      {t('chat.deleteAsModerator')}
                      <span className="sr-only">: {personName(m.senderName, t)}</span>
                    </button>
                  </p>
                )}
                {moderating === m.id && (
                  <form
                    className="form moderate-form"
                    onSubmit={(e) => {
                      e.preventDefault()
                      if (reason.trim()) void remove(m, reason.trim())
                    }}
                  >
                    <label htmlFor={`reason-${m.id}`}>{t('chat.deleteReason')}</label>
                    <textarea
                      id={`reason-${m.id}`}
                      rows={2}
                      maxLength={500}
                      required
                      value={reason}
                      autoFocus
                      onChange={(e) => setReason(e.target.value)}
                      onKeyDown={(e) => e.key === 'Escape' && setModerating(null)}
                    />
                    <p className="actions">
                      <button className="btn btn-small btn-danger" disabled={!reason.trim()}>
                        {t('chat.confirmDeleteBtn')}
                      </button>{' '}
                      <button type="button" className="btn btn-small" onClick={() => setModerating(null)}>
                        {t('moderation.cancel')}
                      </button>
                    </p>
                  </form>
                )}
                {editable && (
                  <p className="message-actions">
                    <button
                      type="button"
                      className="btn-link"
                      onClick={() => {
                        setEditing(m.id)
                        setText(m.text)
                      }}
                    >
                      {t('chat.edit')}
                    </button>{' '}
                    <button type="button" className="btn-link" onClick={() => void remove(m)}>
                      {t('chat.delete')}
                    </button>
                  </p>
                )}
              </li>
            )
          })}
        </ol>
      </div>
      <ErrorBox error={loadError} />
      {loaded && messages.length === 0 && <p className="muted">{t('chat.noMessages')}</p>}
      {receipts.other && messages.length > 0 && (
        <p className="small muted" data-testid="other-read">
          {receipts.other.time
            ? t('chat.otherRead', { council: receipts.other.council, time: receipts.other.time })
            : t('chat.otherNotRead', { council: receipts.other.council })}
        </p>
      )}
      <p className="typing" aria-live="polite">
        {typingNames.length ? t('chat.typing', { names: typingNames.join(', ') }) : ''}
      </p>
      <form className="composer" onSubmit={send}>
        <label htmlFor="chat-text" className={editing ? '' : 'sr-only'}>
          {editing ? t('chat.editing') : t('chat.message')}
        </label>
        <textarea
          id="chat-text"
          rows={2}
          maxLength={4000}
          value={text}
          onChange={(e) => onInput(e.target.value)}
          onKeyDown={onKey}
          placeholder={t('chat.placeholder')}
          aria-describedby="chat-hint chat-err"
        />
        <span id="chat-hint" className="sr-only">
          {t('chat.hint')}
        </span>
        {!editing && <AttachButton onFiles={att.add} disabled={!connected} />}
        <button
          className="btn btn-primary"
          disabled={!connected || (editing ? !text.trim() : (!text.trim() && !att.ids.length) || att.busy)}
        >
          {editing ? t('chat.save') : t('chat.send')}
        </button>
        <span id="chat-err" className="field-error" role="alert">
          {error}
        </span>
        {!editing && <PendingFiles att={att} />}
      </form>
    </>
  )
}

/**
 * Read receipts for the page: who has read the newest message of mine (their read mark is at it
 * or after it), and in a direct room how far the other council has read (its members' furthest
 * mark), as the time of that message.
 */
function useReceipts(
  messages: ChatMessage[],
  reads: RoomRead[],
  room: ChatRoom,
  me: string | undefined,
  mine: string[],
) {
  const lng = useLang()
  return useMemo(() => {
    const index = new Map(messages.map((m, i) => [m.id, i]))
    const at = (r: RoomRead) => index.get(r.messageId) ?? -1
    let lastMine = -1
    for (let i = messages.length - 1; i >= 0; i--)
      if (messages[i].senderId === me && !messages[i].deletedAt) {
        lastMine = i
        break
      }
    const readers = lastMine < 0 ? [] : reads.filter((r) => at(r) >= lastMine).map((r) => r.displayName)
    let other: { council: string; time: string | null } | null = null
    const otherCouncil = room.kind === 'direct' ? room.councils.find((c) => !mine.includes(c.id)) : undefined
    if (otherCouncil && room.councils.some((c) => mine.includes(c.id))) {
      const furthest = Math.max(-1, ...reads.filter((r) => r.councilIds.includes(otherCouncil.id)).map(at))
      other = {
        council: pick(otherCouncil.name, lng),
        time: furthest >= 0 ? formatTime(messages[furthest].createdAt, lng) : null,
      }
    }
    return { lastMineId: lastMine >= 0 ? messages[lastMine].id : null, readers, other }
  }, [messages, reads, room, me, mine.join(','), lng])
}
