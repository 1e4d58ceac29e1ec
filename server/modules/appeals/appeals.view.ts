import type { z } from 'zod'
import type { AppealListItem, AppealView, PublicAppeal } from '../../../shared/schemas/appeals.js'
import { OPEN_STATUSES } from '../../../shared/schemas/appeals.js'
import { indexTokens } from '../../core/search.js'
import type { AppealDoc } from './appeal.model.js'

/**
 * The shapes an appeal leaves the service in. Personal data (author, e-mail, attachments) only
 * in `toAppealView`, which callers reach after the access check; the public Q&A is redacted.
 */
const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null)

export function isOverdue(a: Pick<AppealDoc, 'status' | 'dueAt'>, now = new Date()): boolean {
  return Boolean(a.dueAt && (OPEN_STATUSES as readonly string[]).includes(a.status) && new Date(a.dueAt) < now)
}

export function needsTriage(a: Pick<AppealDoc, 'status' | 'triageDueAt'>, now = new Date()): boolean {
  return Boolean(
    a.triageDueAt && (a.status === 'submitted' || a.status === 'redirected') && new Date(a.triageDueAt) < now,
  )
}

export function attachmentUrl(appealId: string, attachmentId: string): string {
  return `/api/v1/appeals/${appealId}/attachments/${attachmentId}`
}

/** Full view for the author and for those who handle the appeal (`withHistory` for the council). */
export function toAppealView(a: AppealDoc, opts: { withHistory?: boolean } = {}): z.infer<typeof AppealView> {
  const id = String(a._id)
  const view: z.infer<typeof AppealView> = {
    id,
    trackingNumber: a.trackingNumber,
    councilId: String(a.councilId),
    category: a.category as z.infer<typeof AppealView>['category'],
    subject: a.subject,
    text: a.text,
    status: a.status as z.infer<typeof AppealView>['status'],
    statusReason: a.statusReason ?? null,
    isPublic: Boolean(a.isPublic),
    dueAt: iso(a.dueAt),
    overdue: isOverdue(a),
    createdAt: iso(a.createdAt)!,
    registeredAt: iso(a.registeredAt),
    answeredAt: iso(a.answeredAt),
    extension: a.extension
      ? { reason: a.extension.reason ?? '', at: iso(a.extension.at)!, previousDueAt: iso(a.extension.previousDueAt)! }
      : null,
    author: { name: a.author.name, email: a.author.email, guest: !a.author.userId },
    attachments: (a.attachments ?? []).map((f) => ({
      id: String(f._id),
      name: f.name,
      type: f.mime,
      size: f.size,
      url: attachmentUrl(id, String(f._id)),
    })),
    replies: (a.replies ?? []).map((r) => ({
      id: String(r._id),
      by: r.by as 'council' | 'author',
      authorName: r.authorName,
      text: r.text,
      createdAt: iso(r.createdAt)!,
    })),
  }
  if (a.rating) view.rating = { score: a.rating.score!, comment: a.rating.comment ?? null, at: iso(a.rating.at)! }
  if (opts.withHistory)
    view.history = (a.history ?? []).map((h) => ({
      status: h.status as z.infer<typeof AppealView>['status'],
      at: iso(h.at)!,
      reason: h.reason ?? null,
      councilId: String(h.councilId),
    }))
  return view
}

export function toListItem(a: AppealDoc, opts: { withAuthor?: boolean } = {}): z.infer<typeof AppealListItem> {
  return {
    id: String(a._id),
    trackingNumber: a.trackingNumber,
    councilId: String(a.councilId),
    category: a.category as z.infer<typeof AppealListItem>['category'],
    subject: a.subject,
    status: a.status as z.infer<typeof AppealListItem>['status'],
    dueAt: iso(a.dueAt),
    overdue: isOverdue(a),
    needsTriage: needsTriage(a),
    createdAt: iso(a.createdAt)!,
    registeredAt: iso(a.registeredAt),
    answeredAt: iso(a.answeredAt),
    ...(opts.withAuthor ? { authorName: a.author.name } : {}),
  }
}

// Matches start only where a run of address characters starts (the lookbehind): without it every
// position inside a long run of letters is tried and scanned to its end, quadratic in the text.
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu
// Phone numbers: +7 (701) 123-45-67, 8 701 1234567, 87011234567 … (7+ digits with separators).
const PHONE = /(?:\+?\d[\s()-]*){7,}\d/g
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Removes e-mails, phone numbers and the author's name (and its words) from a public text. */
export function redact(text: string, authorName: string): string {
  return redactName(text.replace(EMAIL, '[…]').replace(PHONE, '[…]'), authorName)
}

/** Removes the author's name (and its words of 3 letters or more) from a text. */
export function redactName(text: string, authorName: string): string {
  let out = text
  const parts = [authorName, ...authorName.split(/\s+/)].map((p) => p.trim()).filter((p) => p.length >= 3)
  for (const p of parts.sort((x, y) => y.length - x.length))
    out = out.replace(new RegExp(`(?<![\\p{L}])${escapeRegExp(p)}(?![\\p{L}])`, 'giu'), '[…]')
  return out
}

export function toPublicAppeal(a: AppealDoc): z.infer<typeof PublicAppeal> {
  const name = a.author.name
  return {
    id: String(a._id),
    councilId: String(a.councilId),
    category: a.category as z.infer<typeof PublicAppeal>['category'],
    subject: redact(a.subject, name),
    question: redact(a.text, name),
    answers: (a.replies ?? [])
      .filter((r) => r.by === 'council')
      .map((r) => ({ text: redact(r.text, name), createdAt: iso(r.createdAt)! })),
    answeredAt: iso(a.answeredAt)!,
  }
}

/** What the public Q&A can be searched by: exactly the redacted texts it shows (never the author's name). */
export function publicSearchTokens(
  a: Pick<AppealDoc, 'subject' | 'text' | 'author'>,
  councilAnswers: string[],
): string[] {
  const name = a.author.name
  return indexTokens(redact(a.subject, name), redact(a.text, name), ...councilAnswers.map((t) => redact(t, name)))
}
