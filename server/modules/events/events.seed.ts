/**
 * Demo events for `npm run seed` (the events module's `seed()` hook, after councils and news): a
 * past republican Forum with people checked in, and upcoming inter-regional dialogue platforms in
 * several regions, so a newcomer sees a living calendar. Everything has `demo: true`; events are
 * upserted by slug, demo participants by e-mail (`…@demo.kenes.kz`, random passwords: they never
 * sign in). Idempotent.
 */
import crypto from 'node:crypto'
import mongoose from 'mongoose'
import { AppError } from '../../core/errors.js'
import { listDemoCouncils } from '../councils/index.js'
import { createUserDirect, findCouncilMembers } from '../users/index.js'
import { indexTokens, type Indexable } from '../../core/search.js'
import { AttendanceModel, EventModel, RegistrationModel, type EventDoc } from './events.model.js'
import { newCode } from './events.registrations.js'

const DAY = 86_400_000
const oid = (id: string) => new mongoose.Types.ObjectId(id)
type Council = { id: string; slug: string; name: { kk: string; ru: string }; regionId: string | null }

const NAMES = ['Айгүл', 'Ерлан', 'Динара', 'Нұрлан', 'Сәуле', 'Бауыржан', 'Гүлнар', 'Асқар']

/** Demo members of a council (created once). */
async function demoMembers(council: Council, count: number) {
  for (let i = 0; i < count; i++) {
    try {
      await createUserDirect({
        email: `events-${council.slug.slice(0, 40)}-${i + 1}@demo.kenes.kz`,
        password: crypto.randomBytes(18).toString('base64url'),
        displayName: `${NAMES[i % NAMES.length]} (демо)`,
        roles: ['council_member'],
        councilIds: [council.id],
        locale: i % 2 ? 'ru' : 'kk',
        emailVerified: true,
      })
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'auth.email_taken')) throw err
    }
  }
  return (await findCouncilMembers(council.id)).filter((u) => u.email.endsWith('@demo.kenes.kz')).slice(0, count)
}

async function upsertEvent(slug: string, fields: Record<string, unknown>): Promise<EventDoc | null> {
  const existing = await EventModel.findOne({ slug }, { demo: 1 }).lean<EventDoc>()
  if (existing && !existing.demo) return null // a real event took the slug: leave it alone
  return EventModel.findOneAndUpdate(
    { slug },
    {
      $set: {
        ...fields,
        demo: true,
        searchTokens: indexTokens(fields.title as Indexable, fields.description as Indexable),
      },
      $setOnInsert: { slug, createdBy: new mongoose.Types.ObjectId() },
    },
    { upsert: true, returnDocument: 'after' },
  ).lean<EventDoc>()
}

export async function seedDemoEvents(): Promise<{ events: number; attendees: number }> {
  const councils = (await listDemoCouncils()).filter((c) => c.regionId)
  if (councils.length < 2) return { events: 0, attendees: 0 }
  // One council per region (the Forum gathers all 17 oblasts and 3 cities).
  const byRegion = [...new Map(councils.map((c) => [c.regionId!, c])).values()]
  let events = 0

  // A past Forum, finished, with members of every region checked in.
  const start = new Date(Date.now() - 30 * DAY)
  start.setUTCHours(4, 0, 0, 0) // 10:00 in Astana
  const forum = await upsertEvent(`demo-forum-${start.getUTCFullYear()}`, {
    kind: 'forum',
    title: { kk: 'Қоғамдық кеңестердің республикалық форумы', ru: 'Республиканский форум общественных советов' },
    description: {
      kk: '[Демо] Барлық өңірлердің қоғамдық кеңестері мүшелерінің жыл сайынғы форумы: қоғамдық бақылау тәжірибесі, шағын гранттар, өңіраралық диалог.',
      ru: '[Демо] Ежегодный форум членов общественных советов всех регионов: практика общественного контроля, малые гранты, межрегиональный диалог.',
    },
    format: 'hybrid',
    venue: {
      address: { kk: 'Астана, Тәуелсіздік даңғылы, 57', ru: 'Астана, проспект Тауелсиздик, 57' },
      regionId: oid(byRegion[0].regionId!),
    },
    onlineUrl: 'https://example.kz/forum-stream',
    startsAt: start,
    endsAt: new Date(start.getTime() + 8 * 3600_000),
    registrationClosesAt: new Date(start.getTime() - 2 * DAY),
    organizerCouncilIds: byRegion.slice(0, 3).map((c) => oid(c.id)),
    regionIds: byRegion.map((c) => oid(c.regionId!)),
    capacity: 200,
    regionQuota: 10,
    audience: 'members',
    status: 'finished',
    publishedAt: new Date(start.getTime() - 40 * DAY),
    outcome: {
      summary: {
        kk: '[Демо] Форумға 20 өңірден кеңес мүшелері қатысты. Қоғамдық бақылау нәтижелері талқыланды.',
        ru: '[Демо] В форуме участвовали члены советов из 20 регионов. Обсуждены итоги общественного контроля.',
      },
      recommendations: [
        { kk: 'Бюджеттік бағдарламалар туралы деректерді ашу', ru: 'Открыть данные о бюджетных программах' },
        {
          kk: 'Жыл сайын өңіраралық диалог алаңдарын өткізу',
          ru: 'Ежегодно проводить межрегиональные диалоговые площадки',
        },
      ],
      relatedNewsIds: [],
      relatedVideoIds: [],
      updatedAt: new Date(start.getTime() + DAY),
    },
  })
  let attendees = 0
  if (forum) {
    events++
    const regionCounts: Record<string, number> = {}
    for (const council of byRegion) {
      for (const m of await demoMembers(council, 4)) {
        const at = new Date(start.getTime() - 20 * 60_000 + attendees * 7000)
        const reg = await RegistrationModel.findOneAndUpdate(
          { eventId: forum._id, userId: oid(m.id) },
          {
            $setOnInsert: {
              name: m.displayName,
              email: m.email,
              lng: m.locale,
              councilId: oid(council.id),
              regionId: oid(council.regionId!),
              status: 'registered',
              seq: attendees + 1,
              code: newCode(),
              checkedInAt: at,
              mailed: ['registered', 'reminder'],
            },
          },
          { upsert: true, returnDocument: 'after' },
        ).lean<{ _id: mongoose.Types.ObjectId; checkedInAt: Date }>()
        await AttendanceModel.updateOne(
          { eventId: forum._id, userId: oid(m.id) },
          {
            $setOnInsert: {
              registrationId: reg!._id,
              kind: 'forum',
              year: start.getUTCFullYear(),
              member: true,
              councilIds: [oid(council.id)],
              at: reg!.checkedInAt ?? at,
            },
          },
          { upsert: true },
        )
        regionCounts[council.regionId!] = (regionCounts[council.regionId!] ?? 0) + 1
        attendees++
      }
    }
    const registered = await RegistrationModel.countDocuments({ eventId: forum._id, status: 'registered' })
    await EventModel.updateOne(
      { _id: forum._id },
      { $set: { registeredCount: registered, seatsLeft: 200 - registered, regionCounts, seq: registered } },
    )
  }

  // Upcoming dialogue platforms, each between councils of two regions.
  const topics = [
    { kk: 'Ауыл жолдары және қоғамдық бақылау', ru: 'Сельские дороги и общественный контроль' },
    { kk: 'Жастар бастамалары', ru: 'Молодёжные инициативы' },
    { kk: 'Экология: су ресурстары', ru: 'Экология: водные ресурсы' },
    { kk: 'Денсаулық сақтау қолжетімділігі', ru: 'Доступность здравоохранения' },
    { kk: 'Цифрлық мемлекеттік қызметтер', ru: 'Цифровые госуслуги' },
  ]
  for (const [i, topic] of topics.entries()) {
    const a = byRegion[(i * 2) % byRegion.length]
    const b = byRegion[(i * 2 + 1) % byRegion.length]
    if (a.regionId === b.regionId) continue
    const s = new Date(Date.now() + (7 + i * 7) * DAY)
    s.setUTCHours(5, 0, 0, 0)
    const e = await upsertEvent(`demo-dialogue-${i + 1}`, {
      kind: 'dialogue',
      title: { kk: `Диалог алаңы: ${topic.kk}`, ru: `Диалоговая площадка: ${topic.ru}` },
      description: {
        kk: `[Демо] ${a.name.kk} мен ${b.name.kk} арасындағы өңіраралық диалог. Тақырыбы: ${topic.kk}.`,
        ru: `[Демо] Межрегиональный диалог: ${a.name.ru} и ${b.name.ru}. Тема: ${topic.ru}.`,
      },
      format: i % 2 ? 'online' : 'hybrid',
      venue:
        i % 2
          ? null
          : {
              address: { kk: 'Облыстық әкімдік, мәжіліс залы', ru: 'Областной акимат, зал заседаний' },
              regionId: oid(a.regionId!),
            },
      onlineUrl: 'https://example.kz/dialogue',
      startsAt: s,
      endsAt: new Date(s.getTime() + 3 * 3600_000),
      registrationClosesAt: new Date(s.getTime() - DAY),
      organizerCouncilIds: [oid(a.id), oid(b.id)],
      regionIds: [...new Set([a.regionId!, b.regionId!])].map(oid),
      capacity: 40,
      regionQuota: 20,
      audience: i === 4 ? 'public' : 'members',
      status: 'published',
      publishedAt: new Date(),
    })
    if (!e) continue
    events++
    // Fresh demo events start with every seat free (counters match their registrations).
    if (!(await RegistrationModel.exists({ eventId: e._id })))
      await EventModel.updateOne(
        { _id: e._id },
        { $set: { registeredCount: 0, waitlistedCount: 0, seatsLeft: 40, regionCounts: {} } },
      )
  }
  return { events, attendees }
}
