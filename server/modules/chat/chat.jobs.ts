import { enqueueJob, type JobHandlers } from '../../core/jobs.js'
import { expireAttachment } from './chat.attachments.service.js'

/** An upload never sent with a message is removed after a day (file and record). */
export const ATTACHMENT_TTL_MS = 24 * 3600 * 1000

declare module '../../core/jobs.js' {
  interface JobPayloads {
    'chat.attachment_expire': { id: string }
  }
}

export const chatJobs: JobHandlers = {
  'chat.attachment_expire': { run: async ({ id }) => void (await expireAttachment(id)), maxAttempts: 5 },
}

export async function scheduleAttachmentExpiry(id: string): Promise<void> {
  await enqueueJob(
    'chat.attachment_expire',
    { id },
    { runAt: new Date(Date.now() + ATTACHMENT_TTL_MS), dedupeKey: `chat.attachment_expire:${id}` },
  )
}
