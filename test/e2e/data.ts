import type { Agent } from '../helpers/agent.js'

/** Builds content through the API as a staff user would (no direct model access). */
export async function createCouncil(
  admin: Agent,
  opts: { kk: string; ru: string; regionCode?: string; level?: string },
): Promise<{ id: string; slug: string }> {
  const regions = await admin.get('/api/v1/regions')
  const list = Array.isArray(regions.body) ? regions.body : regions.body.items
  const region = list.find((r: { code: string }) => r.code === (opts.regionCode ?? 'KZ-71')) ?? list[0]
  const res = await admin.post('/api/v1/councils', {
    name: { kk: opts.kk, ru: opts.ru },
    level: opts.level ?? 'city',
    regionId: region.id,
    stateBody: { kk: 'Қала әкімдігі', ru: 'Акимат города' },
    description: {
      kk: `${opts.kk} — азаматтар мен әкімдік арасындағы диалог алаңы.`,
      ru: `${opts.ru} — площадка диалога граждан и акимата.`,
    },
    contacts: {
      phone: '+7 7172 55-00-00',
      email: 'council@example.kz',
      address: { kk: 'Бейбітшілік к-сі, 11', ru: 'ул. Бейбитшилик, 11' },
    },
    members: [
      { fullName: { kk: 'Айгүл Сәрсенова', ru: 'Айгуль Сарсенова' }, position: 'chair' },
      { fullName: { kk: 'Ерлан Қасымов', ru: 'Ерлан Касымов' }, position: 'secretary' },
    ],
  })
  if (res.status !== 201) throw new Error(`POST /councils → ${res.status} ${res.text}`)
  return { id: res.body.id, slug: res.body.slug }
}
