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
    const answered = await Ticket.find(
      { 'messages.authorId': oid(userId), 'author.userId': mongoose.trusted({ $ne: oid(userId) }) },
      { number: 1, messages: 1, createdAt: 1 },
    )
      .sort({ createdAt: -1 })
      .lean<TicketDoc[]>()
    return {
      // Answers written as staff: the person's own words, without the other side's details.
      answers: answered.flatMap((t) =>
        t.messages
          .filter((m) => String(m.authorId) === userId)
          .map((m) => ({ number: t.number, text: m.text, createdAt: m.createdAt.toISOString() })),
      ),
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
    // The author's messages too, also those written with the access code (no account id).
    await Ticket.updateMany(
      { 'author.userId': id, 'messages.by': 'author' },
      { $set: { 'messages.$[theirs].authorName': ERASED_NAME } },
      { arrayFilters: [{ 'theirs.by': 'author' }] },
    )
    // A staff member's open tickets go back to the queue.
    await Ticket.updateMany(
      { assigneeId: id, status: mongoose.trusted({ $nin: ['resolved', 'closed'] }) },
      { $set: { assigneeId: null } },
    )
    await Ticket.updateMany(
      { 'messages.authorId': id },
      { $set: { 'messages.$[mine].authorName': ERASED_NAME } },
      { arrayFilters: [{ 'mine.authorId': id }] },
    )
  },
}
