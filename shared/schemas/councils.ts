import { z } from 'zod'
import { Cursor, LimitParam, localizedText, ObjectIdString } from './common.js'

import { COUNCIL_LEVELS, MEMBER_POSITIONS } from '../domain.js'
export { COUNCIL_LEVELS, MEMBER_POSITIONS } from '../domain.js'
export type CouncilLevel = (typeof COUNCIL_LEVELS)[number]
export const CouncilLevel = z.enum(COUNCIL_LEVELS)
export const MemberPosition = z.enum(MEMBER_POSITIONS)

const Phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()-]{5,25}$/, { message: 'invalid_phone' })
const WebUrl = z
  .string()
  .trim()
  .max(300)
  .regex(/^https?:\/\/[^\s<>"]+$/i, { message: 'invalid_url' })

export const CouncilContacts = z.strictObject({
  address: localizedText({ max: 300 }).optional(),
  phone: Phone.optional(),
  email: z.email().max(200).optional(),
  website: WebUrl.optional(),
})

export const CouncilMemberInput = z.strictObject({
  fullName: localizedText({ max: 200 }),
  position: MemberPosition.default('member'),
  userId: ObjectIdString.nullable().optional(),
})

const councilFields = {
  name: localizedText({ min: 3, max: 300 }),
  level: CouncilLevel,
  regionId: ObjectIdString.nullable().optional(),
  stateBody: localizedText({ max: 300 }),
  description: localizedText({ max: 10_000 }).optional(),
  contacts: CouncilContacts.optional(),
  members: z.array(CouncilMemberInput).max(200).optional(),
}

/**
 * POST /councils. A republican council has no region; every other level needs one. A name already
 * used by a live council of the same region (or republic-level) is 409 `councils.duplicate_name`
 * unless `allowDuplicate: true` says the person has seen that and confirmed.
 */
export const CreateCouncil = z
  .strictObject({ ...councilFields, allowDuplicate: z.boolean().optional() })
  .superRefine((v, ctx) => {
    if (v.level === 'republican' && v.regionId)
      ctx.addIssue({ code: 'custom', path: ['regionId'], message: 'region_not_allowed' })
    if (v.level !== 'republican' && !v.regionId)
      ctx.addIssue({ code: 'custom', path: ['regionId'], message: 'region_required' })
  })
export type CreateCouncil = z.infer<typeof CreateCouncil>

/** PATCH /councils/:id: any subset; `level`/`regionId` only for moderators and admins. */
export const UpdateCouncil = z
  .strictObject({
    ...councilFields,
    description: localizedText({ max: 10_000 }).nullable().optional(),
    contacts: CouncilContacts.nullable().optional(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'empty_update' })
  .meta({ minProperties: 1 })
export type UpdateCouncil = z.infer<typeof UpdateCouncil>

/** A council by id or slug in the path: anything else is a 404. */
export const CouncilRef = z
  .string()
  .regex(/^(?:[0-9a-f]{24}|[a-z0-9]+(?:-[a-z0-9]+)*)$/, { message: 'invalid_id' })
  .max(120)
/** `/councils/{id}`: one parameter name per path position, whatever the operation accepts there. */
export const CouncilRefParams = z.strictObject({ id: CouncilRef.describe("The council's id or its slug") })
export const CouncilIdParams = z.strictObject({ id: ObjectIdString })

/** GET /councils. Unknown query keys are ignored (as for every list), bad values are 400. */
export const CouncilListQuery = z.object({
  region: z
    .string()
    .trim()
    .regex(/^(?:[0-9a-fA-F]{24}|KZ-[A-Z0-9]{1,4})$/i, { message: 'invalid_region' })
    .optional(),
  level: CouncilLevel.optional(),
  q: z.string().trim().max(200).optional(),
  limit: LimitParam,
  cursor: Cursor.optional(),
})
export type CouncilListQuery = z.infer<typeof CouncilListQuery>

const Localized = z.object({ kk: z.string().optional(), ru: z.string().optional() })
export const CouncilListItem = z.object({
  id: z.string(),
  slug: z.string(),
  name: Localized,
  level: CouncilLevel,
  regionId: z.string().nullable(),
  stateBody: Localized,
  logoUrl: z.string().nullable(),
})
export const CouncilStatsSchema = z.object({
  news: z.number(),
  videos: z.number(),
  appeals: z.object({ received: z.number(), answered: z.number(), overdue: z.number() }),
  medianResponseDays: z.number().nullable(),
})
export const CouncilProfile = CouncilListItem.extend({
  description: Localized.nullable(),
  contacts: z.object({
    address: Localized.optional(),
    phone: z.string().optional(),
    email: z.string().optional(),
    website: z.string().optional(),
  }),
  members: z.array(
    z.object({
      id: z.string(),
      fullName: Localized,
      position: MemberPosition,
      /** Only for those who may edit the council (its members and staff): the public has no use for user ids. */
      userId: z.string().nullable().optional(),
      photoUrl: z.string().nullable(),
    }),
  ),
  stats: CouncilStatsSchema,
  demo: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export const CouncilPage = z.object({ items: z.array(CouncilListItem), nextCursor: z.string().nullable() })
