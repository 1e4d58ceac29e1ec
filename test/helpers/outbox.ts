import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import type { TestServer } from './server.js'

export interface Mail {
  to: string
  lng: 'kk' | 'ru'
  subject: string
  text: string
  template: string
  vars: Record<string, unknown>
  createdAt: string
  /** The .json file in DATA_DIR/outbox this mail was read from. */
  file: string
}
export interface MailFilter {
  to?: string
  template?: string
}

/** Every mail written to DATA_DIR/outbox (oldest first), optionally filtered. */
export async function readOutbox(t: TestServer, filter: MailFilter = {}): Promise<Mail[]> {
  const dir = t.config.outboxDir
  let names: string[]
  try {
    names = (await fsp.readdir(dir)).filter((n) => n.endsWith('.json')).sort()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  const mails: Mail[] = []
  for (const name of names) {
    const file = path.join(dir, name)
    let mail: Mail
    try {
      mail = { ...JSON.parse(await fsp.readFile(file, 'utf8')), file }
    } catch {
      continue // being written right now: the next read sees it whole
    }
    if (matches(mail, filter)) mails.push(mail)
  }
  return mails
}

function matches(mail: Mail, filter: MailFilter): boolean {
  if (filter.to && mail.to.toLowerCase() !== filter.to.toLowerCase()) return false
  if (filter.template && mail.template !== filter.template) return false
  return true
}

/**
 * Resolves with the first matching mail beyond the `after` already seen (default 0), watching the
 * outbox directory (with a slow poll as a safety net) until `timeoutMs` (default 5000).
 */
export async function waitForMail(
  t: TestServer,
  filter: MailFilter,
  opts: { timeoutMs?: number; after?: number } = {},
): Promise<Mail> {
  const timeoutMs = opts.timeoutMs ?? 5000
  const after = opts.after ?? 0
  const dir = t.config.outboxDir
  await fsp.mkdir(dir, { recursive: true })
  return new Promise<Mail>((resolve, reject) => {
    let done = false
    let checking = false
    let again = false
    const finish = (err: Error | null, mail?: Mail) => {
      if (done) return
      done = true
      watcher.close()
      clearInterval(poll)
      clearTimeout(timer)
      if (err) reject(err)
      else resolve(mail!)
    }
    const check = async () => {
      if (checking) {
        again = true
        return
      }
      checking = true
      try {
        const mails = await readOutbox(t, filter)
        if (mails.length > after) finish(null, mails[after])
      } catch (err) {
        finish(err as Error)
      } finally {
        checking = false
        if (again && !done) {
          again = false
          void check()
        }
      }
    }
    const watcher = fs.watch(dir, () => void check())
    watcher.on('error', () => {})
    const poll = setInterval(() => void check(), 250)
    const timer = setTimeout(async () => {
      const seen = await readOutbox(t, {}).catch(() => [])
      finish(
        new Error(
          `waitForMail: no mail #${after + 1} matching ${JSON.stringify(filter)} within ${timeoutMs} ms; outbox has ${seen.length}: ${seen.map((m) => `${m.template} → ${m.to}`).join(', ') || 'nothing'}`,
        ),
      )
    }, timeoutMs)
    void check()
  })
}

/** The first link in the mail's text that starts with `${publicUrl}${pathPrefix}`. */
export function linkFrom(mail: Mail, pathPrefix: string): URL {
  const urls = mail.text.match(/https?:\/\/[^\s<>"')]+/g) ?? []
  const found = urls.find((u) => {
    const url = new URL(u)
    return url.pathname.startsWith(pathPrefix) || u.includes(pathPrefix)
  })
  if (!found) throw new Error(`linkFrom: no link with ${pathPrefix} in mail "${mail.subject}":\n${mail.text}`)
  return new URL(found)
}
