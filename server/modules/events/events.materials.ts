import mongoose from 'mongoose'
import { MAX_EVENT_MATERIALS, type EventView } from '../../../shared/schemas/events.js'
import { audit } from '../../core/audit.js'
import { AppError, conflict, notFound } from '../../core/errors.js'
import { assertCan, type Actor, type MaybeActor } from '../../core/policy.js'
import { randomName, removeStored, resolveStored, storeFile } from '../../core/storage.js'
import { safeFileName, type UploadedFile } from '../../core/uploads.js'
import { EventModel, type EventDoc } from './events.model.js'
import { getEvent, isObjectId, loadEvent, loadOrganized } from './events.service.js'

/**
 * What a material upload must pass: the event's organizers, not cancelled, under the limit. Run
 * before the body is read (the route's scope: 404/403/409/400 without a byte on disk) and again
 * with the file in hand, since the event may have changed while it arrived.
 */
function assertMayAddMaterial(actor: MaybeActor, e: EventDoc): asserts actor is Actor {
  assertCan(actor, 'event.organize', { councilIds: e.organizerCouncilIds.map(String) })
  if (e.status === 'cancelled') throw conflict('events.not_editable')
  if ((e.materials?.length ?? 0) >= MAX_EVENT_MATERIALS)
    throw new AppError(400, 'upload.too_many_files', { max: MAX_EVENT_MATERIALS })
}

export async function materialUploadScope(actor: MaybeActor, id: string): Promise<{ councilIds: string[] }> {
  const e = isObjectId(id)
    ? await EventModel.findById(id, { organizerCouncilIds: 1, status: 1, materials: 1 }).lean<EventDoc>()
    : null
  if (!e) throw notFound('event')
  assertMayAddMaterial(actor, e)
  return { councilIds: e.organizerCouncilIds.map(String) }
}

/** POST /events/:id/materials: the file was sniffed and size-checked by the upload middleware. */
export async function addMaterial(
  actor: Actor,
  id: string,
  file: UploadedFile,
  title: { kk?: string; ru?: string },
): Promise<EventView> {
  const e = await loadOrganized(actor, id)
  assertMayAddMaterial(actor, e)
  const key = await storeFile(file.path, `events/${String(e._id)}/${randomName(file.ext)}`)
  const materialId = new mongoose.Types.ObjectId()
  // The limit holds under parallel uploads: the push only matches while a place is free.
  const res = await EventModel.updateOne(
    {
      _id: e._id,
      status: mongoose.trusted({ $ne: 'cancelled' }),
      [`materials.${MAX_EVENT_MATERIALS - 1}`]: mongoose.trusted({ $exists: false }),
    },
    {
      $push: {
        materials: {
          _id: materialId,
          title,
          key,
          fileName: safeFileName(file.originalName, file.ext),
          mime: file.mime,
          size: file.size,
          uploadedBy: new mongoose.Types.ObjectId(actor.id),
          uploadedAt: new Date(),
        },
      },
    },
  )
  if (!res.modifiedCount) {
    await removeStored(key)
    assertMayAddMaterial(actor, await loadEvent(id)) // says why: cancelled (409) or full (400)
    throw notFound('event')
  }
  await audit({
    actorId: actor.id,
    action: 'event.material_added',
    target: { kind: 'event', id: String(e._id) },
    details: { materialId: String(materialId), mime: file.mime, size: file.size },
  })
  return getEvent(actor, String(e._id))
}

/** DELETE /events/:id/materials/:materialId (extension). */
export async function removeMaterial(actor: Actor, id: string, materialId: string): Promise<void> {
  const e = await loadOrganized(actor, id)
  const m = (e.materials ?? []).find((x) => String(x._id) === materialId)
  if (!m) throw notFound('material')
  await EventModel.updateOne({ _id: e._id }, { $pull: { materials: { _id: m._id } } })
  await removeStored(m.key)
  await audit({
    actorId: actor.id,
    action: 'event.material_removed',
    target: { kind: 'event', id: String(e._id) },
    details: { materialId },
  })
}

/** A material's file, with the event's visibility (drafts: organizers only). */
export async function materialFile(actor: MaybeActor, id: string, materialId: string) {
  const view = await getEvent(actor, id)
  const e = await loadEvent(view.id)
  const m = (e.materials ?? []).find((x) => String(x._id) === materialId)
  if (!m) throw notFound('material')
  return { path: resolveStored(m.key), name: m.fileName, mime: m.mime }
}
