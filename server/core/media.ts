import { Router, type Response } from 'express'
import { z } from 'zod'
import { notFound } from './errors.js'
import { route } from './route.js'
import { resolveStored } from './storage.js'

/**
 * `GET /media/files/<key>`: the public stored images that `storedUrl()` links to (council logos,
 * member photos, news covers). Only keys of the shape the server itself writes under the public
 * prefixes are served — `councils|news/<id>/<name>-<random>.<image ext>` — so nothing private in
 * UPLOADS_DIR (appeal and chat files, video sources, temp files) is reachable, and no path made
 * of `..`, encoded slashes or dot files gets past the pattern. Keys change with the content, so
 * the answer is cached for a year.
 */
const PublicKey = z.strictObject({
  folder: z.enum(['councils', 'news']),
  owner: z.string().regex(/^[0-9a-f]{24}$/),
  name: z.string().regex(/^[a-z]+-[0-9a-f]{24}\.(webp|jpg|png)$/),
})
const TYPES: Record<string, string> = { webp: 'image/webp', jpg: 'image/jpeg', png: 'image/png' }

/** `res.sendFile` as a promise: settles once the file is sent (or the client went away); rejects if nothing was. */
export function sendFileDone(res: Response, file: string, options: Parameters<Response['sendFile']>[1]): Promise<void> {
  return new Promise((resolve, reject) =>
    res.sendFile(file, options ?? {}, (err) => (err && !res.headersSent ? reject(err) : resolve())),
  )
}

export const publicMediaRouter = Router()
route(
  publicMediaRouter,
  {
    method: 'get',
    path: '/media/files/{folder}/{owner}/{name}',
    tags: ['media'],
    summary: 'A public stored image (council logo, member photo, news cover)',
    auth: 'public',
    params: PublicKey,
    openapi: false,
  },
  async ({ params: { folder, owner, name }, res }) => {
    const ext = name.slice(name.lastIndexOf('.') + 1)
    await sendFileDone(res, resolveStored(`${folder}/${owner}/${name}`), {
      headers: { 'Content-Type': TYPES[ext] },
      maxAge: '365d',
      immutable: true,
      dotfiles: 'deny',
    }).catch(() => {
      throw notFound()
    })
  },
)
