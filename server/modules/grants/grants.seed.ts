/**
 * Demo data for `npm run seed`: a closed 2026 call of 10 grants × up to 500 000 ₸ with twelve
 * applications from demo councils, ten awards, and interim/final reports in every state.
 * Idempotent: nothing is written when the demo call is already there.
 */
import mongoose from 'mongoose'
import { log } from '../../core/logger.js'
import { listDemoCouncils } from '../councils/index.js'
import { findUsersByRole } from '../users/index.js'
import { GrantApplication, GrantAward, GrantCall, GrantReport } from './grants.model.js'

export const DEMO_CALL_TITLE = {
  kk: '[Демо] Қоғамдық бақылауға шағын гранттар 2026',
  ru: '[Демо] Малые гранты на общественный контроль 2026',
}
const SUBJECTS = [
  {
    kk: 'Емханалардағы кезек',
    ru: 'Очереди в поликлиниках',
    body: { kk: 'Денсаулық сақтау басқармасы', ru: 'Управление здравоохранения' },
  },
  { kk: 'Мектеп асханалары', ru: 'Школьное питание', body: { kk: 'Білім басқармасы', ru: 'Управление образования' } },
  {
    kk: 'Жол жөндеу сапасы',
    ru: 'Качество ремонта дорог',
    body: {
      kk: 'Жолаушылар көлігі және автомобиль жолдары басқармасы',
      ru: 'Управление пассажирского транспорта и автомобильных дорог',
    },
  },
  { kk: 'Қоғамдық көлік', ru: 'Общественный транспорт', body: { kk: 'Қала әкімдігі', ru: 'Акимат города' } },
]
const d = (iso: string) => new Date(iso)

export async function seedGrants(): Promise<void> {
  if (await GrantCall.exists({ 'title.ru': DEMO_CALL_TITLE.ru })) return
  const councils = (await listDemoCouncils()).slice(0, 12)
  if (councils.length < 2) return
  const admin = (await findUsersByRole('admin'))[0]?.id ?? new mongoose.Types.ObjectId().toString()
  const call = await GrantCall.create({
    year: 2026,
    title: DEMO_CALL_TITLE,
    description: {
      kk: 'Қоғамдық кеңестерге мемлекеттік органдардың жұмысын бақылауға арналған шағын гранттар (демо).',
      ru: 'Малые гранты общественным советам на контроль работы государственных органов (демо).',
    },
    grantsCount: 10,
    maxAmountTiyn: 500_000_00,
    budgetTiyn: 5_000_000_00,
    opensAt: d('2026-02-02T04:00:00Z'),
    closesAt: d('2026-03-16T18:59:59Z'),
    criteria: [
      { key: 'relevance', title: { kk: 'Өзектілік', ru: 'Актуальность' }, weight: 3 },
      { key: 'reach', title: { kk: 'Кеңестерді қамту', ru: 'Охват советов' }, weight: 2 },
      { key: 'budget', title: { kk: 'Бюджеттің негізділігі', ru: 'Обоснованность бюджета' }, weight: 1 },
    ],
    expertIds: [],
    status: 'closed',
    createdBy: admin,
  })
  const awarded = Math.min(10, councils.length - 1)
  let awardedTiyn = 0
  for (const [i, c] of councils.entries()) {
    const s = SUBJECTS[i % SUBJECTS.length]
    const amount = 500_000_00 - (i % 3) * 25_000_00
    const app = await GrantApplication.create({
      callId: call._id,
      councilId: c.id,
      title: { kk: `${s.kk}: қоғамдық мониторинг`, ru: `${s.ru}: общественный мониторинг` },
      stateBody: s.body,
      subject: { kk: `${s.kk} — ${c.name.kk}`, ru: `${s.ru} — ${c.name.ru}` },
      plan: [
        { title: 'Сауалнама / Анкетирование', dueAt: d('2026-05-29T12:00:00Z') },
        { title: 'Қоғамдық тыңдау / Общественные слушания', dueAt: d('2026-09-15T12:00:00Z') },
        { title: 'Қорытынды есеп / Итоговый отчёт', dueAt: d('2026-12-01T12:00:00Z') },
      ],
      budget: [
        { item: 'Сауалнама / Анкетирование', amountTiyn: amount - 150_000_00 },
        { item: 'Тыңдау өткізу / Проведение слушаний', amountTiyn: 150_000_00 },
      ],
      totalTiyn: amount,
      status: i < awarded ? 'awarded' : 'submitted',
      createdBy: admin,
      submittedBy: admin,
      submittedAt: d('2026-03-01T06:00:00Z'),
    })
    if (i >= awarded) continue
    const completed = i < 3
    const award = await GrantAward.create({
      callId: call._id,
      year: 2026,
      applicationId: app._id,
      councilId: c.id,
      amountTiyn: amount,
      status: completed ? 'completed' : 'active',
      awardedBy: admin,
      completedAt: completed ? d('2026-11-20T06:00:00Z') : null,
    })
    awardedTiyn += amount
    await GrantApplication.updateOne({ _id: app._id }, { $set: { awardId: award._id } })
    const report = (
      kind: 'interim' | 'final',
      status: 'submitted' | 'accepted' | 'returned',
      spent: number,
      at: string,
    ) =>
      GrantReport.create({
        awardId: award._id,
        councilId: c.id,
        kind,
        text:
          kind === 'final'
            ? `Мониторинг аяқталды, ұсынымдар жіберілді. / Мониторинг завершён, рекомендации направлены. (${c.name.ru})`
            : `Сауалнамаға 400-ден астам адам қатысты. / В анкетировании участвовали более 400 человек. (${c.name.ru})`,
        spending: [{ item: 'Сауалнама / Анкетирование', amountTiyn: spent }],
        spentTiyn: spent,
        status,
        comment: status === 'returned' ? 'Чектерді қосыңыз / Приложите чеки' : '',
        submittedBy: admin,
        decidedBy: status === 'submitted' ? null : admin,
        decidedAt: status === 'submitted' ? null : d(at),
      })
    if (i % 4 === 3) await report('interim', 'returned', 200_000_00, '2026-06-10T06:00:00Z')
    if (i !== 9) await report('interim', i % 4 === 2 ? 'submitted' : 'accepted', 250_000_00, '2026-06-15T06:00:00Z')
    if (completed) await report('final', 'accepted', amount, '2026-11-20T06:00:00Z')
  }
  await GrantCall.updateOne({ _id: call._id }, { $set: { awardedCount: awarded, awardedTiyn } })
  log.info({ awards: awarded, awardedTiyn }, 'demo grants in place (2026)')
}
