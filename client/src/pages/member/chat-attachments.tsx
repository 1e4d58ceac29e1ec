import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../lib/api.js'
import { formatBytes, formatNumber } from '../../lib/format.js'
import { useLang } from '../../lib/hooks.js'
import type { ChatAttachment } from '../../lib/types.js'
import { uploadAttachment } from '../../api/chat.js'
import { problemText } from '../../components/status.js'

import {
  ATTACHMENT_MAX_BYTES as MAX_BYTES,
  ATTACHMENT_TYPES,
  MESSAGE_MAX_ATTACHMENTS as MAX_FILES,
} from '../../../../shared/domain.js'

// The limits of shared/domain.ts (zod-free); the server checks again, by the bytes.
const ACCEPT = ATTACHMENT_TYPES.join(',')

export interface PendingFile {
  key: string
  file: File
  sent: number
  total: number
  attachment?: ChatAttachment
  error?: string
}

export interface Attachments {
  items: PendingFile[]
  /** Ids of the uploaded files, to send with the message. */
  ids: string[]
  /** Some file is still uploading: sending now would leave it out. */
  busy: boolean
  add(files: File[]): void
  remove(key: string): void
  clear(): void
}

/** Files attached to the message being written: each uploads at once, with its progress and error. */
export function useAttachments(roomId: string): Attachments {
  const { t } = useTranslation()
  const lng = useLang()
  const [items, setItems] = useState<PendingFile[]>([])
  const uploads = useRef(new Map<string, AbortController>())
  const abortAll = () => {
    for (const c of uploads.current.values()) c.abort()
    uploads.current.clear()
  }
  // Another room: what was attached here is not for it.
  useEffect(() => {
    setItems([])
    return abortAll
  }, [roomId])

  const update = (key: string, patch: Partial<PendingFile>) =>
    setItems((list) => list.map((p) => (p.key === key ? { ...p, ...patch } : p)))
  const upload = async (p: PendingFile) => {
    const ctl = new AbortController()
    uploads.current.set(p.key, ctl)
    try {
      const attachment = await uploadAttachment(
        roomId,
        p.file,
        (sent, total) => update(p.key, { sent, total }),
        ctl.signal,
      )
      update(p.key, { attachment, sent: p.total })
    } catch (err) {
      if ((err as Error).name === 'AbortError') return
      update(p.key, { error: err instanceof ApiError ? problemText(err, t) : t('status.error') })
    } finally {
      uploads.current.delete(p.key)
    }
  }
  const add = (files: File[]) => {
    const room = Math.max(0, MAX_FILES - items.length)
    const added = files.map((file, i): PendingFile => {
      const p: PendingFile = { key: `${Date.now()}-${i}-${file.name}`, file, sent: 0, total: file.size }
      if (i >= room) p.error = t('chat.tooManyFiles', { n: formatNumber(MAX_FILES, lng) })
      else if (file.size > MAX_BYTES) p.error = t('chat.fileTooLarge', { size: formatBytes(MAX_BYTES, lng) })
      return p
    })
    setItems((list) => [...list, ...added])
    for (const p of added) if (!p.error) void upload(p)
  }
  const remove = (key: string) => {
    uploads.current.get(key)?.abort()
    setItems((list) => list.filter((p) => p.key !== key))
  }
  return {
    items,
    ids: items.flatMap((p) => (p.attachment ? [p.attachment.id] : [])),
    busy: items.some((p) => !p.attachment && !p.error),
    add,
    remove,
    clear: () => setItems([]),
  }
}

/** The attach button (a real button: keyboard and screen readers) that opens the file picker. */
export function AttachButton({ onFiles, disabled }: { onFiles(files: File[]): void; disabled: boolean }) {
  const { t } = useTranslation()
  const lng = useLang()
  const input = useRef<HTMLInputElement>(null)
  return (
    <>
      <input
        ref={input}
        type="file"
        accept={ACCEPT}
        multiple
        hidden
        tabIndex={-1}
        onChange={(e) => {
          onFiles([...(e.target.files ?? [])])
          e.target.value = '' // the same file may be picked again after removing it
        }}
      />
      <button
        type="button"
        className="btn"
        disabled={disabled}
        onClick={() => input.current?.click()}
        aria-describedby="chat-attach-hint"
      >
        <svg
          aria-hidden="true"
          focusable="false"
          width="16"
          height="16"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
          style={{ verticalAlign: '-0.15em', marginInlineEnd: '0.35em' }}
        >
          <path d="M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l9.2-9.2a3.7 3.7 0 0 1 5.2 5.2l-9.2 9.2a1.8 1.8 0 0 1-2.6-2.6l8.5-8.5" />
        </svg>
        {t('chat.attach')}
      </button>
      <span id="chat-attach-hint" className="sr-only">
        {t('chat.attachHint', { size: formatBytes(MAX_BYTES, lng) })}
      </span>
    </>
  )
}

/** The files waiting to go with the message: progress while uploading, the server's error, a remove button. */
export function PendingFiles({ att }: { att: Attachments }) {
  const { t } = useTranslation()
  const lng = useLang()
  if (!att.items.length) return null
  return (
    <ul className="attach-list" aria-label={t('chat.attachments')}>
      {att.items.map((p) => {
        const pct = p.total ? Math.min(100, Math.floor((p.sent / p.total) * 100)) : 0
        return (
          <li key={p.key} className="attach-item">
            <span className="attach-name">{p.file.name}</span>{' '}
            <span className="muted">{formatBytes(p.file.size, lng)}</span>
            {!p.attachment && !p.error && (
              <progress
                max={100}
                value={pct}
                aria-label={t('chat.uploading', { name: p.file.name })}
                aria-valuetext={`${pct}%`}
              />
            )}
            {p.attachment && <span className="muted"> · {t('chat.attached')}</span>}
            {p.error && (
              <span className="field-error" role="alert">
                {' '}
                {p.error}
              </span>
            )}{' '}
            <button type="button" className="btn-link" onClick={() => att.remove(p.key)}>
              {t('chat.removeFile')}
              <span className="sr-only">: {p.file.name}</span>
            </button>
          </li>
        )
      })}
    </ul>
  )
}

/** A sent message's files: images as thumbnails (their name shown too, for the no-images mode), PDFs as links. */
export function MessageFiles({ files }: { files: ChatAttachment[] }) {
  const lng = useLang()
  return (
    <ul className="message-files">
      {files.map((a) => (
        <li key={a.id}>
          {a.mime.startsWith('image/') ? (
            <a href={a.url} target="_blank" rel="noopener" className="chat-image">
              <img src={a.url} alt="" loading="lazy" />
              <span className="attach-name">{a.name}</span>
            </a>
          ) : (
            <a href={a.url} download={a.name}>
              {a.name}
            </a>
          )}{' '}
          <span className="muted">
            ({a.mime === 'application/pdf' ? 'PDF, ' : ''}
            {formatBytes(a.size, lng)})
          </span>
        </li>
      ))}
    </ul>
  )
}
