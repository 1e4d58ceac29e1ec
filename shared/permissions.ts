/**
 * Who may do what: the one table access decisions come from (server/core/policy.ts reads it;
 * the client reads it to hide buttons, never to enforce).
 *
 * - `global`: roles that hold the right everywhere.
 * - `council`: roles that hold it only for resources of their own councils (`actor.councilIds`).
 * Rights whose rule depends on more than role and council (the appeal's author, the message's
 * sender within 15 minutes, a video's publication state) combine a right from here with a
 * predicate in the domain's `*.policy.ts`, which still calls `can()` from server/core/policy.ts.
 */
export const ROLES = ['citizen', 'council_member', 'moderator', 'admin', 'expert'] as const
export type Role = (typeof ROLES)[number]

interface Rule {
  global: readonly Role[]
  council?: readonly Role[]
}
const staff = ['moderator', 'admin'] as const

export const RIGHTS = {
  // users and roles
  'user.list': { global: ['admin'] },
  'user.manage': { global: ['admin'] },
  'metrics.read': { global: ['admin'] },
  'audit.read': { global: ['admin'] },
  'jobs.manage': { global: ['admin'] }, // retry failed background jobs
  // councils
  'council.create': { global: staff },
  'council.update': { global: staff, council: ['council_member'] },
  'council.update_structure': { global: staff }, // level and regionId
  'council.archive': { global: ['admin'] },
  // news
  'news.publish': { global: staff, council: ['council_member'] },
  'news.read_draft': { global: staff, council: ['council_member'] },
  // videos
  'video.upload': { global: staff, council: ['council_member'] },
  'video.read_unpublished': { global: staff, council: ['council_member'] },
  'video.delete_unpublished': { global: staff, council: ['council_member'] },
  'video.delete': { global: staff },
  'video.moderate': { global: staff },
  // appeals
  'appeal.submit': { global: ['citizen', 'council_member', 'moderator', 'admin'] },
  'appeal.read_council': { global: staff, council: ['council_member'] },
  'appeal.answer': { global: [], council: ['council_member'] },
  'appeal.change_status': { global: ['moderator'], council: ['council_member'] },
  'appeal.oversee': { global: staff },
  // chat
  'chat.connect': { global: ['council_member', 'moderator', 'admin'] },
  'chat.room_access': { global: staff, council: ['council_member'] },
  'chat.create_room': { global: staff, council: ['council_member'] },
  'chat.moderate': { global: staff },
  // events: organizers are staff or members of one of the event's organizer councils
  'event.create': { global: staff, council: ['council_member'] },
  'event.organize': { global: staff, council: ['council_member'] },
  // small grants (the call's experts: grants.policy.ts; an expert never reviews their own council)
  'grants.manage': { global: ['admin'] },
  'grants.apply': { global: [], council: ['council_member'] },
  'grants.review': { global: ['expert'] },
  // public control: recommendations to state bodies
  'control.record': { global: [], council: ['council_member'] },
  'control.update': { global: ['moderator'], council: ['council_member'] },
  // content moderation across the portal
  'content.hide': { global: staff },
  // best practices and the yearly compendium
  'practice.propose': { global: staff, council: ['council_member'] },
  'practice.moderate': { global: staff },
  // support desk: staff handle the queue (authors reach their own tickets by account or code)
  'support.manage': { global: staff },
} as const satisfies Record<string, Rule>

export type Right = keyof typeof RIGHTS
