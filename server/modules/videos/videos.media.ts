import path from 'node:path'
import { Router } from 'express'
import { z } from 'zod'
import { notFound } from '../../core/errors.js'
import type { MaybeActor } from '../../core/policy.js'
import { route } from '../../core/route.js'
import { resolveStored } from '../../core/storage.js'
import { IdParams, ObjectIdString } from '../../../shared/schemas/common.js'
import { sendFile } from './send-file.js'
import { mediaPath, RENDITION_NAME, SEGMENT_NAME } from './videos.files.js'
import { findVisibleMedia } from './videos.service.js'
import { recordView, visitorKey } from './videos.views.js'

/**
 * /media/videos/:id/… — HLS playlists and segments, the thumbnail and the original. Who may see
 * the video decides who gets its media; everyone else gets 404, so an unpublished video's
 * existence does not leak. Names are matched against strict patterns, never joined blindly.
 */
export const mediaRouter = Router()

const HLS = 'application/vnd.apple.mpegurl'
const CACHE = {
  // The master playlist is revalidated on each playback start (that is where views are counted).
  master: 'public, no-cache',
  playlist: 'public, max-age=3600',
  file: 'public, max-age=86400',
  private: 'private, no-store',
}

type Media = NonNullable<Awaited<ReturnType<typeof findVisibleMedia>>>

async function load(actor: MaybeActor, id: string): Promise<Media> {
  const media = /^[0-9a-f]{24}$/.test(id) ? await findVisibleMedia(actor, id) : null
  if (!media) throw notFound()
  return media
}
const cacheFor = (m: Media, kind: keyof typeof CACHE) => (m.status === 'published' ? CACHE[kind] : CACHE.private)

function built(m: Media, parts: string[]): string {
  const file = m.mediaDir ? mediaPath(m.id, m.mediaDir, parts) : null
  if (!file) throw notFound()
  return file
}

const description =
  "Published: everyone. Otherwise only the video's council and moderators (404 for others). Cache-Control `public` when published, `private, no-store` otherwise."
const media = (path: string, summary: string, responseType: string) => ({
  method: 'get' as const,
  path: `/media/videos/{id}${path}`,
  tags: ['videos'],
  summary,
  auth: 'public' as const,
  responseType,
  errors: [404],
  description,
})

route(
  mediaRouter,
  { ...media('/master.m3u8', 'HLS master playlist (counts a view)', HLS), params: IdParams },
  async ({ actor, params, req, res }) => {
    const m = await load(actor, params.id)
    const file = built(m, ['master.m3u8'])
    if (m.status === 'published' && req.method === 'GET')
      await recordView(m.id, visitorKey(actor?.id ?? null, req.ip, req.get('user-agent')))
    await sendFile(req, res, file, HLS, cacheFor(m, 'master'))
  },
)

route(
  mediaRouter,
  { ...media('/thumbnail.jpg', 'Thumbnail (JPEG)', 'image/jpeg'), params: IdParams },
  async ({ actor, params, req, res }) => {
    const m = await load(actor, params.id)
    await sendFile(req, res, built(m, ['thumbnail.jpg']), 'image/jpeg', cacheFor(m, 'file'))
  },
)

route(
  mediaRouter,
  {
    ...media('/source', 'The original file; `Range` supported (206, 416)', 'application/octet-stream'),
    params: IdParams,
  },
  async ({ actor, params, req, res }) => {
    const m = await load(actor, params.id)
    res.setHeader('Content-Disposition', `inline; filename="video${path.extname(m.source.key)}"`)
    await sendFile(req, res, resolveStored(m.source.key), m.source.mime, cacheFor(m, 'file'))
  },
)

// The names are matched below, before the video is looked up (the schema only takes them as text).
const SegmentParams = z.strictObject({ id: ObjectIdString, rendition: z.string(), file: z.string() })
route(
  mediaRouter,
  {
    ...media(
      '/{rendition}/{file}',
      'Variant playlist (`index.m3u8`) or MPEG-TS segment (`seg_00000.ts`)',
      'video/mp2t',
    ),
    params: SegmentParams,
  },
  async ({ actor, params: { id, rendition, file }, req, res }) => {
    if (!RENDITION_NAME.test(rendition) || !SEGMENT_NAME.test(file)) throw notFound()
    const m = await load(actor, id)
    const playlist = file.endsWith('.m3u8')
    await sendFile(
      req,
      res,
      built(m, [rendition, file]),
      playlist ? HLS : 'video/mp2t',
      cacheFor(m, playlist ? 'playlist' : 'file'),
    )
  },
)
