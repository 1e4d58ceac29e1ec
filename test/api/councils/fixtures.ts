import type { Agent } from '../../helpers/agent.js'

let n = 0
/** A council created through the API by a moderator/admin agent; returns its profile. */
export async function makeCouncil(staff: Agent, over: Record<string, unknown> = {}): Promise<any> {
  n++
  const body = {
    name: { kk: `Сынақ қоғамдық кеңесі ${n}`, ru: `Тестовый общественный совет ${n}` },
    level: 'republican',
    stateBody: { kk: 'Сынақ министрлігі', ru: 'Министерство тестирования' },
    ...over,
  }
  const res = await staff.post('/api/v1/councils', body)
  if (res.status !== 201) throw new Error(`makeCouncil: ${res.status} ${res.text}`)
  return res.body
}

export async function regions(agent: Agent): Promise<{ id: string; code: string; kind: string }[]> {
  const res = await agent.get('/api/v1/regions')
  if (res.status !== 200) throw new Error(`regions: ${res.status}`)
  return res.body
}
