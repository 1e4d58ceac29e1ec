import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import mongoose from 'mongoose'
import nodemailer, { type Transporter } from 'nodemailer'
import type { Lang } from '../../shared/schemas/common.js'
import { currentConfig } from './config.js'
import { hasKey, t } from './i18n.js'
import { defineJob, enqueueJob, Job, type JobDoc } from './jobs.js'
import { log } from './logger.js'
import { isErasedAddress } from './personal-data.js'
import { isSealed, unseal } from './sealed.js'

/**
 * Outgoing e-mail. Templates are i18n keys: `<ns>:<key>.subject` and `<ns>:<key>.text` (plain
 * text; `{{var}}` placeholders), written in both kk and ru. With `SMTP_URL` unset every message
 * is written to `DATA_DIR/outbox/` as `<time>-<id>.eml` plus a `.json` twin (to, subject, text,
 * template, vars) that tests and developers can read without a MIME parser.
 */
export interface MailRequest {
  to: string
  lng: Lang
  template: string
  vars?: Record<string, unknown>
  /** Files sent along (base64 so a queued retry can persist them), e.g. a QR code or an `.ics`. */
  attachments?: MailAttachment[]
  /**
   * Idempotency key (e.g. `appeal:<id>:received`): the outbox writes a message with a key once,
   * however often a job that crashed after sending runs again. (SMTP cannot promise that: there a
   * crash between the send and the caller's record means at least once.)
   */
  key?: string
}
export interface MailAttachment {
  filename: string
  contentType: string
  /** Base64 of the bytes. */
  content: string
}

let transport: Transporter | undefined
function getTransport(): Transporter {
  const config = currentConfig()
  transport ??= config.smtpUrl
    ? nodemailer.createTransport(config.smtpUrl)
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  return transport
}
/** Called by startServer so a new config (tests) gets a new transport. */
export function resetMailTransport(): void {
  transport = undefined
}

export function renderMail(req: MailRequest): { subject: string; text: string } {
  const vars = { ...req.vars, siteUrl: currentConfig().publicUrl, appName: t(req.lng, 'common:appName') }
  if (!hasKey(req.lng, `${req.template}.subject`)) throw new Error(`missing mail template ${req.template} (${req.lng})`)
  return { subject: t(req.lng, `${req.template}.subject`, vars), text: t(req.lng, `${req.template}.text`, vars) }
}

/**
 * Sends now; if the transport fails, a persisted job retries later so no message is lost. The job's
 * payload is sealed: a mail carries personal data and often a secret (a link that signs in, a code).
 */
export async function sendMail(req: MailRequest): Promise<void> {
  try {
    await deliver(req)
  } catch (err) {
    log.warn({ err, template: req.template }, 'mail delivery failed, queued for retry')
    await enqueueJob('mail.send', req, { sealed: true })
  }
}

/**
 * Mails waiting for a retry to an address whose owner deleted their account are dropped: the
 * person withdrew it, and the sealed payload holds the address and the mail's words. Returns how many.
 */
export async function dropQueuedMailTo(address: string): Promise<number> {
  const to = address.toLowerCase()
  const waiting = { name: 'mail.send', status: mongoose.trusted({ $in: ['queued', 'failed'] as const }) }
  const jobs = await Job.find(waiting, { payload: 1 }).lean<Pick<JobDoc, '_id' | 'payload'>[]>()
  let dropped = 0
  for (const j of jobs) {
    let req: Partial<MailRequest>
    try {
      req = (isSealed(j.payload) ? unseal(j.payload) : j.payload) as Partial<MailRequest>
    } catch {
      continue // sealed with a secret this process does not have: left to its expiry
    }
    if (typeof req?.to !== 'string' || req.to.toLowerCase() !== to) continue
    dropped += (await Job.deleteOne({ _id: j._id, ...waiting })).deletedCount
  }
  return dropped
}

let outboxSeq = 0

/**
 * A transport failure, without the SMTP server's reply or the refused addresses (they name the
 * recipient): what the logs and a retry job's `lastError` keep.
 */
export class MailDeliveryError extends Error {
  readonly code?: string
  readonly responseCode?: number
  readonly command?: string
  constructor(from: { code?: unknown; responseCode?: unknown; command?: unknown }) {
    const code = typeof from.code === 'string' ? from.code : undefined
    const responseCode = typeof from.responseCode === 'number' ? from.responseCode : undefined
    const command = typeof from.command === 'string' ? from.command.split(' ').slice(0, 2).join(' ') : undefined
    super(`mail delivery failed: ${[code, responseCode, command].filter((x) => x !== undefined).join(' ') || 'error'}`)
    this.name = 'MailDeliveryError'
    Object.assign(this, { code, responseCode, command })
  }
}

async function send(message: Parameters<Transporter['sendMail']>[0]) {
  try {
    return await getTransport().sendMail(message)
  } catch (err) {
    throw new MailDeliveryError((err ?? {}) as Record<string, unknown>)
  }
}

async function deliver(req: MailRequest): Promise<void> {
  // An erased account's records keep a placeholder address: nothing goes to it.
  if (isErasedAddress(req.to)) return
  const config = currentConfig()
  const { subject, text } = renderMail(req)
  const info = await send({
    from: config.mailFrom,
    to: req.to,
    subject,
    text,
    headers: { 'Content-Language': req.lng },
    attachments: req.attachments?.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: Buffer.from(a.content, 'base64'),
    })),
  })
  if (!config.smtpUrl) {
    await fs.mkdir(config.outboxDir, { recursive: true })
    // Time, then a per-process sequence: names sort in the order messages were written.
    const seq = String(++outboxSeq).padStart(6, '0')
    let base = path.join(config.outboxDir, `${Date.now()}-${seq}-${crypto.randomBytes(4).toString('hex')}`)
    if (req.key) {
      const named = await keyedName(config.outboxDir, req.key, base)
      if (!named) return // written whole by an earlier delivery
      base = named
    }
    const message = (info as { message: Buffer }).message
    // The .json twin is written last: its presence means the message is complete.
    // Each file is written under a temporary name and renamed: a crash mid-write leaves no
    // truncated message (a reader, or a keyed retry, would take a cut-off .json for a whole one).
    await writeWhole(`${base}.eml`, message)
    await writeWhole(
      `${base}.json`,
      JSON.stringify(
        {
          to: req.to,
          lng: req.lng,
          subject,
          text,
          template: req.template,
          vars: req.vars ?? {},
          attachments: (req.attachments ?? []).map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            size: Buffer.byteLength(a.content, 'base64'),
          })),
          createdAt: new Date().toISOString(),
        },
        null,
        2,
      ),
    )
  }
}

/**
 * The name a keyed message is written under. The key's record names the message before it is
 * written, so a second delivery finds it and either stops (null: written whole) or writes the same
 * message again under the same name. The record appears whole or not at all (a hard link to a
 * finished temporary file), so of two deliveries at once exactly one names the message.
 */
async function keyedName(outboxDir: string, key: string, base: string): Promise<string | null> {
  const keys = path.join(outboxDir, 'keys')
  const record = path.join(keys, crypto.createHash('sha256').update(key).digest('hex'))
  await fs.mkdir(keys, { recursive: true })
  const tmp = `${record}.${crypto.randomBytes(4).toString('hex')}.tmp`
  await fs.writeFile(tmp, base)
  try {
    await fs.link(tmp, record)
    return base
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  } finally {
    await fs.rm(tmp, { force: true })
  }
  let prior = (await fs.readFile(record, 'utf8')).trim()
  if (!prior) {
    // Left empty by an older version cut short by a crash: a name every delivery derives alike
    // (the record's time and the key), so deliveries at once still write one message.
    const { mtimeMs } = await fs.stat(record)
    prior = path.join(outboxDir, `${Math.floor(mtimeMs)}-000000-${path.basename(record).slice(0, 8)}`)
  }
  return (await fs.stat(`${prior}.json`).catch(() => null)) ? null : prior
}

async function writeWhole(file: string, data: string | Buffer): Promise<void> {
  const tmp = `${file}.${crypto.randomBytes(4).toString('hex')}.tmp`
  await fs.writeFile(tmp, data)
  await fs.rename(tmp, file)
}

declare module './jobs.js' {
  interface JobPayloads {
    'mail.send': MailRequest
  }
}
defineJob('mail.send', deliver, { maxAttempts: 10 })
