import { Router, type NextFunction, type Request, type Response } from 'express'
import { notFound } from './errors.js'
import { resolveStored } from './storage.js'

/**
 * `GET /media/files/<key>`: the public stored images that `storedUrl()` links to (council logos,
 * member photos, news covers). Only keys of the shape the server itself writes under the public
 * prefixes are served — `councils|news/<id>/<name>-<random>.<image ext>` — so nothing private in
 * UPLOADS_DIR (appeal and chat files, video sources, temp files) is reachable, and no path made
 * of `..`, encoded slashes or dot files gets past the pattern. Keys change with the content, so
 * the answer is cached for a year.
 */
const PUBLIC_KEY = /^\/media\/files\/((?:councils|news)\/[0-9a-f]{24}\/[a-z]+-[0-9a-f]{24}\.(webp|jpg|png))$/
const TYPES: Record<string, string> = { webp: 'image/webp', jpg: 'image/jpeg', png: 'image/png' }

export const publicMediaRouter = Router()
publicMediaRouter.get(PUBLIC_KEY, (req: Request, res: Response, next: NextFunction) => {
  const params = req.params as unknown as Record<string, string>
  const [key, ext] = [params[0], params[1]]
  res.sendFile(
    resolveStored(key),
    { headers: { 'Content-Type': TYPES[ext] }, maxAge: '365d', immutable: true, dotfiles: 'deny' },
    (err) => {
      if (err && !res.headersSent) next(notFound())
    },
  )
})
