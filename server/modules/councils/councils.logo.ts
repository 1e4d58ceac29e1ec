import { invalidatePublicCache } from '../../core/cache.js'
import { notFound } from '../../core/errors.js'
import { reencodeImage } from '../../core/images.js'
import { assertCan, type Actor } from '../../core/policy.js'
import { randomName, removeStored, writeStored } from '../../core/storage.js'
import { councilStats } from './council-stats.js'
import { Council } from './council.model.js'
import { COUNCIL_CACHE_TAGS } from './councils.service.js'
import { toProfile } from './councils.view.js'

export const LOGO_MAX_BYTES = 5 * 1024 * 1024

/**
 * Replaces a council's logo with the re-encoded upload (WebP, at most 512×512, metadata stripped).
 * The old file is removed only once the new one is recorded, so a failure never leaves a council
 * without a logo; the upload's temp file is removed by acceptUpload when the response ends.
 */
export async function setCouncilLogo(actor: Actor, id: string, tmpPath: string) {
  assertCan(actor, 'council.update', { councilId: id })
  const before = await Council.findOne({ _id: id, archivedAt: null }, { logo: 1 }).lean()
  if (!before) throw notFound('council')
  const image = await reencodeImage(tmpPath, { maxWidth: 512, maxHeight: 512 })
  const key = await writeStored(`councils/${id}/logo-${randomName('webp')}`, image)
  const after = await Council.findOneAndUpdate(
    { _id: id, archivedAt: null },
    { $set: { logo: key } },
    { returnDocument: 'after' },
  ).lean()
  if (!after) {
    await removeStored(key)
    throw notFound('council')
  }
  if (before.logo && before.logo !== key) await removeStored(before.logo as string)
  invalidatePublicCache(COUNCIL_CACHE_TAGS)
  return toProfile(after, await councilStats(id))
}
