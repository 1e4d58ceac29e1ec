/**
 * Demo data for `npm run seed` (the councils module's `seed()` hook): the 20 regions, republican
 * councils attached to ministries, one oblast/city council per region, a few district councils,
 * and their members (the news module's seed adds their news). Everything it writes has `demo: true`
 * and a "[Демо]" note. Idempotent: it upserts by slug and never touches a council that is not demo data.
 */
import { indexTokens, normalize } from '../../core/search.js'
import { Council } from './council.model.js'
import { LEVEL_RANK } from './councils.view.js'
import { slugify } from '../../core/slug.js'
import { listRegions, seedRegions } from '../regions/index.js'
import { DISTRICTS, MINISTRIES, PEOPLE, regionCouncilName } from './councils.seed-data.js'

type L = { kk: string; ru: string }
interface CouncilSpec {
  name: L
  level: 'republican' | 'oblast' | 'city' | 'district'
  regionId: string | null
  stateBody: L
}

const DEMO_NOTE: L = {
  kk: '[Демо] Бұл — порталды көрсетуге арналған демонстрациялық деректер, нақты кеңес емес.',
  ru: '[Демо] Это демонстрационные данные для показа портала, а не настоящий совет.',
}

export async function seedDemo(log: (s: string) => void = console.log): Promise<{ councils: number; skipped: number }> {
  await seedRegions()
  const regions = await listRegions('ru')
  const specs: CouncilSpec[] = [
    ...MINISTRIES.map((m) => ({
      name: {
        kk: `${m.kk} министрлігінің жанындағы қоғамдық кеңес`,
        ru: `Общественный совет при Министерстве ${m.ruGen}`,
      },
      level: 'republican' as const,
      regionId: null,
      stateBody: {
        kk: `Қазақстан Республикасының ${m.kk} министрлігі`,
        ru: `Министерство ${m.ruGen} Республики Казахстан`,
      },
    })),
    ...regions.map((r) => ({
      ...regionCouncilName(r),
      level: r.kind === 'city' ? ('city' as const) : ('oblast' as const),
      regionId: r.id,
    })),
    ...DISTRICTS.map((d) => ({
      name: { kk: `${d.kk} ауданының қоғамдық кеңесі`, ru: `Общественный совет ${d.ruGen} района` },
      level: 'district' as const,
      regionId: regions.find((r) => r.code === d.region)!.id,
      stateBody: { kk: `${d.kk} ауданының әкімдігі`, ru: `Акимат ${d.ruGen} района` },
    })),
  ]

  let councils = 0
  let skipped = 0
  for (const [i, spec] of specs.entries()) {
    const slug = slugify(spec.name.ru)
    const existing = await Council.findOne({ slug }, { demo: 1 }).lean()
    if (existing && !existing.demo) {
      skipped++
      log(`skip (not demo data): ${slug}`)
      continue
    }
    const region = spec.regionId ? regions.find((r) => r.id === spec.regionId) : undefined
    const description = {
      kk: `${DEMO_NOTE.kk} ${spec.name.kk} азаматтар мен мемлекеттік органның арасындағы диалогты қамтамасыз етеді.`,
      ru: `${DEMO_NOTE.ru} ${spec.name.ru} обеспечивает диалог граждан с государственным органом.`,
    }
    const members = PEOPLE.slice(i % 7, (i % 7) + 5).map((p, order) => ({
      fullName: p,
      position: (['chair', 'deputy_chair', 'secretary', 'member', 'member'] as const)[order],
      userId: null,
      order,
    }))
    await Council.updateOne(
      { slug },
      {
        $set: {
          name: spec.name,
          level: spec.level,
          regionId: spec.regionId,
          stateBody: spec.stateBody,
          description,
          members,
          demo: true,
          contacts: {
            email: `${slug.slice(0, 40)}@demo.kenes.kz`,
            phone: `+7 700 ${String(100 + i).padStart(3, '0')} 00 00`,
          },
          levelRank: LEVEL_RANK[spec.level],
          sortName: normalize(spec.name.kk),
          searchTokens: indexTokens(spec.name, spec.stateBody, region?.name, description),
        },
        $setOnInsert: { slug, logo: null, archivedAt: null },
      },
      { upsert: true },
    )
    councils++
  }
  return { councils, skipped }
}

/** The demo councils (for other modules' demo data), in creation order. */
export async function listDemoCouncils(): Promise<{ id: string; slug: string; name: L; regionId: string | null }[]> {
  const rows = await Council.find({ demo: true, archivedAt: null }, { slug: 1, name: 1, regionId: 1 })
    .sort({ _id: 1 })
    .lean()
  return rows.map((c) => ({
    id: String(c._id),
    slug: c.slug,
    name: { kk: c.name?.kk ?? '', ru: c.name?.ru ?? '' },
    regionId: c.regionId ? String(c.regionId) : null,
  }))
}
