import mongoose from 'mongoose'
import { ERASED_NAME, erasedAddress, type PersonalDataHandler } from '../../core/personal-data.js'
import { Appeal, type AppealDoc } from './appeal.model.js'
import { redactName } from './appeals.view.js'

const oid = (id: string) => new mongoose.Types.ObjectId(id)

/**
 * A person's appeals (as author) and answers (as a council member). Erasing removes their name
 * and address; the appeal's text, files and answers stay: they are the council's record of the
 * appeal, which it must keep and count. The name is first taken out of the texts themselves
 * (the public Q&A hid it by the author's name, which is about to go); the public view still
 * removes e-mails and phone numbers as it always does.
 */
export const appealsPersonalData: PersonalDataHandler = {
  async export(userId) {
    const id = oid(userId)
    const mine = await Appeal.find({ 'author.userId': id }).sort({ createdAt: -1 }).lean<AppealDoc[]>()
    const answered = await Appeal.find(
      { 'replies.userId': id, 'author.userId': mongoose.trusted({ $ne: id }) },
      { trackingNumber: 1, replies: 1, createdAt: 1 },
    )
      .sort({ createdAt: -1 })
      .lean<AppealDoc[]>()
    return {
      appeals: mine.map((a) => ({
        trackingNumber: a.trackingNumber,
        councilId: String(a.councilId),
        category: a.category,
        subject: a.subject,
        text: a.text,
        isPublic: a.isPublic,
        status: a.status,
        author: { name: a.author.name, email: a.author.email },
        createdAt: a.createdAt.toISOString(),
        replies: (a.replies ?? []).map((r) => ({ by: r.by, text: r.text, createdAt: r.createdAt.toISOString() })),
        attachments: (a.attachments ?? []).map((f) => ({ name: f.name, mime: f.mime, size: f.size })),
        rating: a.rating ? { score: a.rating.score, comment: a.rating.comment } : null,
      })),
      // Answers written for a council: the person's own words, without the citizen's details.
      answers: answered.flatMap((a) =>
        (a.replies ?? [])
          .filter((r) => String(r.userId) === userId)
          .map((r) => ({ trackingNumber: a.trackingNumber, text: r.text, createdAt: r.createdAt.toISOString() })),
      ),
    }
  },
  async erase(userId) {
    const id = oid(userId)
    const gone = erasedAddress(userId)
    // One appeal at a time, each in one write; a retry finds the ones done by their placeholder address.
    const mine = await Appeal.find(
      { 'author.userId': id, 'author.email': mongoose.trusted({ $ne: gone }) },
      { subject: 1, text: 1, replies: 1, author: 1 },
    ).lean<AppealDoc[]>()
    for (const a of mine) {
      const name = a.author.name
      // Only the name leaves the texts (the council keeps dates, numbers and addresses of its record);
      // replies are changed one by one, so a reply added meanwhile is kept.
      const set: Record<string, unknown> = {
        subject: redactName(a.subject, name),
        text: redactName(a.text, name),
        'author.name': ERASED_NAME,
        'author.email': gone,
      }
      const arrayFilters: Record<string, unknown>[] = []
      for (const r of a.replies ?? []) {
        const text = redactName(r.text, name)
        if (text === r.text) continue
        const k = `r${arrayFilters.length}`
        set[`replies.$[${k}].text`] = text
        arrayFilters.push({ [`${k}._id`]: r._id })
      }
      // MongoDB refuses an array filter the update does not use: only those of changed replies, if any.
      await Appeal.updateOne(
        { _id: a._id, 'author.email': a.author.email },
        { $set: set },
        arrayFilters.length ? { arrayFilters } : {},
      )
      // The author's own replies, also those written with the access code (no account id).
      await Appeal.updateOne(
        { _id: a._id, 'replies.by': 'author' },
        { $set: { 'replies.$[theirs].authorName': ERASED_NAME } },
        { arrayFilters: [{ 'theirs.by': 'author' }] },
      )
    }
    await Appeal.updateMany(
      { 'replies.userId': id },
      { $set: { 'replies.$[mine].authorName': ERASED_NAME } },
      { arrayFilters: [{ 'mine.userId': id }] },
    )
  },
}
