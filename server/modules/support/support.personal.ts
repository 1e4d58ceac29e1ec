import mongoose from 'mongoose'
import { ERASED_NAME, erasedAddress, type PersonalDataHandler } from '../../core/personal-data.js'
import { Ticket, type TicketDoc } from './support.model.js'

const oid = (id: string) => new mongoose.Types.ObjectId(id)

/**
 * A person's support tickets (as author) and answers (as staff). Erasing removes their name and
 * address; the ticket and its messages stay, counted by the support indicators.
 */
export const supportPersonalData: PersonalDataHandler = {
  async export(userId) {
    const mine = await Ticket.find({ 'author.userId': oid(userId) })
      .sort({ createdAt: -1 })
      .lean<TicketDoc[]>()
    return {
      tickets: mine.map((t) => ({
        number: t.number,
        category: t.category,
        subject: t.subject,
        text: t.text,
        status: t.status,
        author: { name: t.author.name, email: t.author.email },
        createdAt: t.createdAt.toISOString(),
        messages: t.messages.map((m) => ({ by: m.by, text: m.text, createdAt: m.createdAt.toISOString() })),
        attachments: t.attachments.map((f) => ({ name: f.name, mime: f.mime, size: f.size })),
      })),
    }
  },
  async erase(userId) {
    const id = oid(userId)
    await Ticket.updateMany(
      { 'author.userId': id },
      { $set: { 'author.name': ERASED_NAME, 'author.email': erasedAddress(userId) } },
    )
    await Ticket.updateMany(
      { 'messages.authorId': id },
      { $set: { 'messages.$[mine].authorName': ERASED_NAME } },
      { arrayFilters: [{ 'mine.authorId': id }] },
    )
  },
}
