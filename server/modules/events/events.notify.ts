import ical, { ICalEventStatus } from 'ical-generator'
import QRCode from 'qrcode'
import type { Lang } from '../../../shared/schemas/common.js'
import { currentConfig } from '../../core/config.js'
import { localized, pick, t } from '../../core/i18n.js'
import { sendMail, type MailAttachment } from '../../core/mail.js'
import type { EventDoc, RegistrationDoc } from './events.model.js'
import { displayCode } from './events.registrations.js'

const txt = (v: { kk?: unknown; ru?: unknown } | null | undefined, lng: Lang) => pick(localized(v), lng)

/** Dates in mails are Kazakhstan time (one zone, UTC+5, since 2024), in the reader's language. */
export function formatWhen(d: Date, lng: Lang): string {
  return new Intl.DateTimeFormat(lng === 'kk' ? 'kk-KZ' : 'ru-RU', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Asia/Almaty',
  }).format(d)
}

export const eventUrl = (e: Pick<EventDoc, 'slug'>) => `${currentConfig().publicUrl}/events/${e.slug}`

/** The iCalendar file of one event (`GET /events/:id/calendar.ics`, and attached to mails). */
export function eventIcs(e: EventDoc, lng: Lang, opts: { includeOnlineUrl?: boolean } = {}): string {
  const cal = ical({
    prodId: { company: 'Kenes', product: 'events', language: lng.toUpperCase() },
    name: txt(e.title, lng),
  })
  const where = [e.venue?.address ? txt(e.venue.address, lng) : '', opts.includeOnlineUrl ? (e.onlineUrl ?? '') : '']
    .filter(Boolean)
    .join(' · ')
  cal.createEvent({
    id: `${String(e._id)}@kenes`,
    start: e.startsAt,
    end: e.endsAt,
    summary: txt(e.title, lng),
    description: txt(e.description, lng),
    location: where || null,
    url: eventUrl(e),
    status: e.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    stamp: (e.updatedAt as Date | undefined) ?? new Date(),
  })
  return cal.toString()
}

async function attachments(e: EventDoc, r: RegistrationDoc, lng: Lang): Promise<MailAttachment[]> {
  const qr = await QRCode.toBuffer(r.code, { type: 'png', width: 320, margin: 2, errorCorrectionLevel: 'M' })
  return [
    { filename: `qr-${displayCode(r.code)}.png`, contentType: 'image/png', content: qr.toString('base64') },
    {
      filename: 'event.ics',
      contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
      content: Buffer.from(eventIcs(e, lng, { includeOnlineUrl: true })).toString('base64'),
    },
  ]
}

export type RegistrationMail = 'registered' | 'waitlisted' | 'promoted' | 'reminder' | 'cancelled'

/** One mail to a registrant, in their language; the ones that give a seat carry the QR code and the .ics. */
export async function mailRegistrant(
  e: EventDoc,
  r: RegistrationDoc,
  kind: RegistrationMail,
  vars: Record<string, unknown> = {},
  /** Idempotency key of the mail (core/mail.ts). */
  key?: string,
): Promise<void> {
  const lng = (r.lng as Lang) ?? 'kk'
  const withTicket = kind === 'registered' || kind === 'promoted' || kind === 'reminder'
  await sendMail({
    to: r.email,
    lng,
    template: `events:email.${kind}`,
    ...(key ? { key } : {}),
    vars: {
      name: r.name,
      title: txt(e.title, lng),
      when: formatWhen(e.startsAt, lng),
      where: e.venue?.address ? txt(e.venue.address, lng) : t(lng, 'events:format.online'),
      onlineUrl: e.onlineUrl ?? '',
      code: displayCode(r.code),
      eventUrl: eventUrl(e),
      ...vars,
    },
    attachments: withTicket ? await attachments(e, r, lng) : undefined,
  })
}
