import type { KenesModule } from '../../core/module.js'
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
  sockets(ctx) {
    setupChatSockets(ctx)
  },
  stop() {
    setChatNamespace(undefined)
  },
}
