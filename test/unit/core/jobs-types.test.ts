import { expect } from 'chai'
import { enqueueJob, type JobName } from '../../../server/core/jobs.js'
import { modules } from '../../../server/modules/index.js'
import { loadConfig } from '../../../server/core/config.js'

/** Never called: `npm run typecheck` fails if a wrong payload or an unknown job name compiles. */
export function wrongPayloadsDoNotCompile(): void {
  // @ts-expect-error a payload of another shape
  void enqueueJob('news.publish', { videoId: 'x' })
  // @ts-expect-error a job nobody declared
  void enqueueJob('news.unknown', {})
}

describe('typed jobs', () => {
  it('should list every declared job with a handler in exactly one module', () => {
    const config = loadConfig({ ...process.env, NODE_ENV: 'test' })
    const owners = new Map<string, string>()
    for (const m of modules) {
      const jobs = typeof m.jobs === 'function' ? m.jobs(config) : (m.jobs ?? {})
      for (const name of Object.keys(jobs)) {
        expect(owners.has(name), `${name} registered by ${owners.get(name)} and ${m.name}`).to.equal(false)
        owners.set(name, m.name)
      }
    }
    const expected: JobName[] = [
      'news.publish',
      'news.views.prune',
      'appeals.reminder',
      'appeals.announce',
      'appeals.purge_unconfirmed',
      'users.password_reset_mail',
      'users.verification_mail',
      'users.erase_copies',
      'support.mail',
      'videos.process',
      'videos.tus_cleanup',
      'chat.attachment_expire',
      'practices.compendium',
      'events.mail',
      'events.reminder',
      'events.cancelled',
      'grants.milestone_reminder',
      'control.overdue_reminder',
    ]
    expect([...owners.keys()].sort()).to.deep.equal([...expected].sort())
  })
})
