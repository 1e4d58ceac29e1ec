import mongoose from 'mongoose'
import type { PersonalDataHandler } from '../../core/personal-data.js'
import { GrantCall } from './grants.model.js'

/**
 * An expert who deleted their account leaves the calls still open (draft or published): they can no
 * longer review, and the administrator's expert list, which shows only live experts, would else
 * keep an id it cannot show. Closed calls keep them: their reviews are part of the record.
 */
export const grantsPersonalData: PersonalDataHandler = {
  async erase(userId) {
    const id = new mongoose.Types.ObjectId(userId)
    await GrantCall.updateMany(
      { expertIds: id, status: mongoose.trusted({ $in: ['draft', 'published'] }) },
      { $pull: { expertIds: id } },
    )
  },
}
