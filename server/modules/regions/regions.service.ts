import mongoose from 'mongoose'
import type { Lang } from '../../../shared/schemas/common.js'
import type { Region } from '../../../shared/schemas/regions.js'
import { REGIONS } from './regions.data.js'
import { RegionModel, type RegionDoc } from './regions.model.js'

function toRegion(d: RegionDoc): Region {
  return { id: String(d._id), code: d.code, name: { kk: d.name.kk, ru: d.name.ru }, kind: d.kind }
}

/** Idempotent: upserts every region by its code (names are corrected if they changed). */
export async function seedRegions(): Promise<void> {
  for (const [order, r] of REGIONS.entries()) {
    await RegionModel.updateOne(
      { code: r.code },
      { $set: { kind: r.kind, name: r.name, order }, $setOnInsert: { code: r.code } },
      { upsert: true },
    )
  }
}

/**
 * The three cities of republican significance first (Astana, Almaty, Shymkent), then the
 * oblasts alphabetically in the requested language.
 */
export async function listRegions(lng: Lang = 'kk'): Promise<Region[]> {
  const docs = await RegionModel.find().sort({ order: 1 }).lean<RegionDoc[]>()
  const regions = docs.map(toRegion)
  const collator = new Intl.Collator(lng)
  const rank = (r: Region) => (r.kind === 'city' ? 0 : 1)
  const order = new Map(regions.map((r, i) => [r.id, i]))
  return regions.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.kind === 'city' ? order.get(a.id)! - order.get(b.id)! : collator.compare(sortName(a, lng), sortName(b, lng))),
  )
}
/** "область Абай" sorts under А like "Абай облысы". */
const sortName = (r: Region, lng: Lang) => r.name[lng].replace(/^область\s+/i, '')

export async function findRegionById(id: string): Promise<Region | null> {
  if (typeof id !== 'string' || !/^[0-9a-f]{24}$/i.test(id)) return null
  const d = await RegionModel.findById(new mongoose.Types.ObjectId(id)).lean<RegionDoc>()
  return d ? toRegion(d) : null
}
export async function findRegionByCode(code: string): Promise<Region | null> {
  if (typeof code !== 'string') return null
  const d = await RegionModel.findOne({ code: code.toUpperCase() }).lean<RegionDoc>()
  return d ? toRegion(d) : null
}
/** By id or ISO code (`?region=` accepts both). */
export async function findRegion(idOrCode: string): Promise<Region | null> {
  return (await findRegionById(idOrCode)) ?? (await findRegionByCode(idOrCode))
}
