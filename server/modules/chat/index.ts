import { chatPersonalData } from './chat.personal.js'
import type { KenesModule } from '../../core/module.js'
import type { Actor } from '../../core/policy.js'
import type { LocalizedText } from '../../../shared/schemas/common.js'
import { createRoom } from './chat.rooms.service.js'
import { setChatNamespace } from './chat.bus.js'
import './chat.docs.js'
import './chat.revoke.js'
import { chatJobs } from './chat.jobs.js'
import { chatRouter } from './chat.routes.js'
import { setupChatSockets } from './chat.socket.js'

export { dialogueParticipants, dialogueParticipation, dialogueSendersByMonth } from './chat.participation.js'

/** Chat between councils: REST under /api/v1/chat, socket.io namespace /chat. */
export const chatModule: KenesModule = {
  name: 'chat',
  api: chatRouter,
  jobs: chatJobs,
  personalData: chatPersonalData,
  sockets(ctx) {
    setupChatSockets(ctx)
  },
  stop() {
    setChatNamespace(undefined)
  },
}

/**
 * Opens a dialogue room for councils from at least two regions (events call this for their
 * dialogue platforms): the same rules as `POST /chat/rooms` with `kind: "dialogue"`.
 */
export async function openDialogueRoom(
  actor: Actor,
  input: { councilIds: string[]; title: LocalizedText; topic?: LocalizedText },
): Promise<{ roomId: string }> {
  const { room } = await createRoom(actor, { kind: 'dialogue', ...input })
  return { roomId: room.id }
}
