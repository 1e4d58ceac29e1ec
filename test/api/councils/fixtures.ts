import { Agent as AgentClass, type Agent } from '../../helpers/agent.js'
import type { TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'

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

/**
 * The usual cast for access tests: a guest, a moderator, a citizen, two councils in different
 * regions (Karaganda oblast and Shymkent city) and one member of each.
 */
export interface TwoCouncils {
  guest: Agent
  moderator: Agent
  citizen: Agent
  councilA: any
  councilB: any
  memberA: Agent
  memberB: Agent
}
export async function twoCouncils(t: TestServer): Promise<TwoCouncils> {
  const guest = new AgentClass(t.url)
  const moderator = await loginAs(t, { roles: ['moderator'] })
  const citizen = await loginAs(t, { roles: ['citizen'] })
  const rs = await regions(guest)
  const councilA = await makeCouncil(moderator, {
    level: 'oblast',
    regionId: rs.find((r) => r.code === 'KZ-35')!.id,
    name: { ru: 'Общественный совет Карагандинской области' },
  })
  const councilB = await makeCouncil(moderator, {
    level: 'city',
    regionId: rs.find((r) => r.code === 'KZ-79')!.id,
    name: { ru: 'Общественный совет города Шымкент' },
  })
  const memberA = await loginAs(t, { roles: ['council_member'], councilIds: [councilA.id] })
  const memberB = await loginAs(t, { roles: ['council_member'], councilIds: [councilB.id] })
  return { guest, moderator, citizen, councilA, councilB, memberA, memberB }
}
