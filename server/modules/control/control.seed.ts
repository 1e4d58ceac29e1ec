/**
 * Demo recommendations for `npm run seed`, in every state (sent and not yet due, overdue,
 * answered on time and late with each decision, implementation in progress, done, not done),
 * some tied to the demo 2026 grants. Idempotent: nothing is written when they exist.
 */
import mongoose from 'mongoose'
import { currentConfig } from '../../core/config.js'
import { log } from '../../core/logger.js'
import { almatyYear, workingDeadline } from '../appeals/index.js'
import { listDemoCouncils } from '../councils/index.js'
import { findCouncilAwardIds } from '../grants/index.js'
import { Recommendation } from './control.model.js'
import { stateBodyKey } from './control.service.js'

const BODIES = [
  { kk: 'Денсаулық сақтау басқармасы', ru: 'Управление здравоохранения' },
  { kk: 'Білім басқармасы', ru: 'Управление образования' },
  { kk: 'Қала әкімдігі', ru: 'Акимат города' },
  {
    kk: 'Жолаушылар көлігі және автомобиль жолдары басқармасы',
    ru: 'Управление пассажирского транспорта и автомобильных дорог',
  },
]
type Seed = {
  sentDaysAgo: number
  answerAfterDays?: number
  decision?: 'accepted' | 'partially' | 'rejected'
  implementation?: 'in_progress' | 'implemented' | 'not_implemented'
}
const STATES: Seed[] = [
  { sentDaysAgo: 3 }, // sent, not yet due
  { sentDaysAgo: 60 }, // sent, overdue
  { sentDaysAgo: 90, answerAfterDays: 10, decision: 'accepted' },
  { sentDaysAgo: 90, answerAfterDays: 40, decision: 'partially' }, // late
  { sentDaysAgo: 80, answerAfterDays: 12, decision: 'rejected' },
  { sentDaysAgo: 120, answerAfterDays: 14, decision: 'accepted', implementation: 'in_progress' },
  { sentDaysAgo: 150, answerAfterDays: 9, decision: 'accepted', implementation: 'implemented' },
  { sentDaysAgo: 140, answerAfterDays: 20, decision: 'partially', implementation: 'not_implemented' },
]
const DAY = 86_400_000

export async function seedControl(): Promise<void> {
  if (await Recommendation.exists({ 'text.ru': mongoose.trusted({ $regex: '^\\[Демо\\]' }) })) return
  const councils = await listDemoCouncils()
  if (!councils.length) return
  const days = currentConfig().recommendationDueWorkingDays
  const now = Date.now()
  let n = 0
  for (const [ci, c] of councils.slice(0, 12).entries()) {
    const [awardId] = await findCouncilAwardIds(c.id, 2026)
    for (const [si, st] of STATES.entries()) {
      if ((ci + si) % 3 === 2) continue // not every council in every state
      const body = BODIES[(ci + si) % BODIES.length]
      const sentAt = new Date(now - st.sentDaysAgo * DAY)
      const dueAt = workingDeadline(sentAt, days)
      const receivedAt = st.answerAfterDays ? new Date(sentAt.getTime() + st.answerAfterDays * DAY) : null
      await Recommendation.create({
        councilId: c.id,
        regionId: c.regionId,
        stateBody: body,
        stateBodyKey: stateBodyKey(body),
        text: {
          kk: `[Демо] ${body.kk} қызметін жақсарту бойынша ұсыным №${si + 1}`,
          ru: `[Демо] Рекомендация №${si + 1} по улучшению работы: ${body.ru}`,
        },
        sentAt,
        year: almatyYear(sentAt),
        dueAt,
        awardId: si % 2 === 0 ? (awardId ?? null) : null,
        status: receivedAt ? 'answered' : 'sent',
        response: receivedAt
          ? {
              receivedAt,
              text: { kk: 'Ұсыным қаралды.', ru: 'Рекомендация рассмотрена.' },
              decision: st.decision,
            }
          : null,
        answeredLate: receivedAt ? receivedAt > dueAt : null,
        implementation: st.implementation ? { status: st.implementation, note: '', at: new Date(now - 5 * DAY) } : null,
        createdBy: new mongoose.Types.ObjectId(),
        // Demo data: no reminder mails for the overdue ones.
        overdueRemindedFor: receivedAt ? null : dueAt,
      })
      n++
    }
  }
  log.info({ recommendations: n }, 'demo recommendations in place')
}
