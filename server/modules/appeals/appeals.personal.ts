import mongoose from 'mongoose'
import { ERASED_NAME, erasedAddress, type PersonalDataHandler } from '../../core/personal-data.js'
import { Appeal, type AppealDoc } from './appeal.model.js'

const oid = (id: string) => new mongoose.Types.ObjectId(id)

/**
 * A person's appeals (as author) and answers (as a council member). Erasing removes their name
 * and address; the appeal's text, files and answers stay: they are the council's record of
 * the appeal, which it must keep and count.
 */
export const appealsPersonalData: PersonalDataHandler = {
  async export(userId) {
    const mine = await Appeal.find({ 'author.userId': oid(userId) })
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
    }
  },
  async erase(userId) {
    const id = oid(userId)
    await Appeal.updateMany(
      { 'author.userId': id },
      { $set: { 'author.name': ERASED_NAME, 'author.email': erasedAddress(userId) } },
    )
    await Appeal.updateMany(
      { 'replies.userId': id },
      { $set: { 'replies.$[mine].authorName': ERASED_NAME } },
      { arrayFilters: [{ 'mine.userId': id }] },
    )
  },
}
