import mongoose from 'mongoose'
import { ERASED_NAME, type PersonalDataHandler } from '../../core/personal-data.js'
import { Video } from './video.model.js'

/** A moderator's decisions on videos keep the decision, not the name. */
export const videosPersonalData: PersonalDataHandler = {
  async erase(userId) {
    const id = new mongoose.Types.ObjectId(userId)
    await Video.updateMany(
      { 'moderation.by': id },
      { $set: { 'moderation.$[mine].byName': ERASED_NAME } },
      { arrayFilters: [{ 'mine.by': id }] },
    )
  },
}
