import mongoose from 'mongoose'
import { ERASED_NAME, erasedAddress, type PersonalDataHandler } from '../../core/personal-data.js'
import { EventModel, RegistrationModel, type EventDoc, type RegistrationDoc } from './events.model.js'
import { withdraw } from './events.registrations.js'

const oid = (id: string) => new mongoose.Types.ObjectId(id)

/**
 * A person's event registrations. Erasing withdraws those for events still to come (the seat goes
 * to the waiting list) and removes the name and address from the rest; attendance stays, under
 * the id alone, since the programme's indicators count it.
 */
export const eventsPersonalData: PersonalDataHandler = {
  async export(userId) {
    const regs = await RegistrationModel.find({ userId: oid(userId) })
      .sort({ createdAt: -1 })
      .lean<RegistrationDoc[]>()
    const events = await EventModel.find(
      { _id: mongoose.trusted({ $in: regs.map((r) => r.eventId) }) },
      { title: 1, startsAt: 1, slug: 1 },
    ).lean<EventDoc[]>()
    const byId = new Map(events.map((e) => [String(e._id), e]))
    return {
      registrations: regs.map((r) => {
        const e = byId.get(String(r.eventId))
        return {
          event: e ? { id: String(e._id), slug: e.slug, title: e.title, startsAt: e.startsAt.toISOString() } : null,
          name: r.name,
          email: r.email,
          status: r.status,
          createdAt: (r.createdAt as Date).toISOString(),
          checkedInAt: r.checkedInAt ? r.checkedInAt.toISOString() : null,
        }
      }),
    }
  },
  async erase(userId) {
    const regs = await RegistrationModel.find({
      userId: oid(userId),
      status: mongoose.trusted({ $in: ['registered', 'waitlisted'] }),
      checkedInAt: null,
    }).lean<RegistrationDoc[]>()
    for (const reg of regs) {
      const e = await EventModel.findById(reg.eventId).lean<EventDoc>()
      if (e && e.status === 'published' && e.startsAt.getTime() > Date.now()) await withdraw(e, reg)
    }
    await RegistrationModel.updateMany(
      { userId: oid(userId) },
      { $set: { name: ERASED_NAME, email: erasedAddress(userId) } },
    )
  },
}
