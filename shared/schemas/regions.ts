import { z } from 'zod'

export const REGION_KINDS = ['oblast', 'city'] as const
export const RegionKind = z.enum(REGION_KINDS)

export const Region = z.object({
  id: z.string(),
  /** ISO 3166-2:KZ, e.g. `KZ-71` (Astana). */
  code: z.string(),
  name: z.object({ kk: z.string(), ru: z.string() }),
  kind: RegionKind,
})
export type Region = z.infer<typeof Region>
export const RegionList = z.array(Region)
