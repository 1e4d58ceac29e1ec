import mongoose from 'mongoose'
import type { PersonalDataHandler } from '../../core/personal-data.js'
import { Council } from './council.model.js'

/**
 * A council's published composition names its members (the council's own public record, kept by
 * its staff); an erased account is no longer linked to it, so ids seen elsewhere (a chat message's
 * sender) no longer lead to a full name.
 */
export const councilsPersonalData: PersonalDataHandler = {
  async erase(userId) {
    const id = new mongoose.Types.ObjectId(userId)
    await Council.updateMany(
      { 'members.userId': id },
      { $set: { 'members.$[m].userId': null } },
      { arrayFilters: [{ 'm.userId': id }] },
    )
  },
}
