import crypto from 'node:crypto'
import fs from 'node:fs'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import multer from 'multer'
import { fileTypeFromFile } from 'file-type'
import { currentConfig } from './config.js'
import { AppError } from './errors.js'
import { log } from './logger.js'
import { OWNER, ownerIsDeadHere } from './owner.js'

/** A file received by `acceptUpload`, its type decided from its bytes, not the client's header. */
export interface UploadedFile {
  field: string
  path: string
  size: number
  originalName: string
  mime: string
  ext: string
}
declare module 'express-serve-static-core' {
  interface Request {
    uploads?: UploadedFile[]
  }
}

export interface UploadRule {
  field: string
  maxCount?: number
  maxBytes: number
  /** Allowed MIME types as sniffed by file-type, e.g. ['image/jpeg', 'image/png']. */
  allowed: readonly string[]
  /** Whether a request without any file is an error (`upload.missing_file`). */
  required?: boolean
  /** Limits for the text fields sent alongside. */
  maxFields?: number
}

export const formatBytes = (n: number): string =>
  n >= 1024 ** 3
    ? `${+(n / 1024 ** 3).toFixed(1)} GB`
    : n >= 1024 ** 2
      ? `${+(n / 1024 ** 2).toFixed(1)} MB`
      : `${Math.ceil(n / 1024)} KB`

/**
 * Streams multipart files to UPLOADS_DIR/.tmp (never into memory), enforces size and count,
 * sniffs every file's type from its magic bytes and rejects what is not allowed. Whatever
 * happens (error, refusal, client abort, or a handler that does not keep the file), every temp
 * file is removed when the response ends: a handler keeps a file by moving it with `storeFile`.
 */
export function acceptUpload(rule: UploadRule): RequestHandler {
  const maxCount = rule.maxCount ?? 1
  return (req: Request, res: Response, next: NextFunction) => {
    // A declared body bigger than every allowed file plus the text fields is refused before a byte
    // is read (multer would drain the whole body first): 413 arrives at once, and the connection
    // closes so the client stops sending.
    const declared = Number(req.headers['content-length'])
    if (declared > rule.maxBytes * maxCount + (rule.maxFields ?? 20) * 64 * 1024 + 64 * 1024) {
      res.setHeader('Connection', 'close')
      return next(new AppError(413, 'upload.too_large', { limit: formatBytes(rule.maxBytes) }))
    }
    const tmpDir = currentConfig().uploadsTmpDir
    fs.mkdirSync(tmpDir, { recursive: true })
    const created: string[] = []
    const cleanup = () => {
      for (const p of created) fs.rm(p, { force: true }, () => {})
    }
    res.once('close', cleanup)
    req.once('aborted', cleanup)

    const storage = multer.diskStorage({
      destination: tmpDir,
      filename: (_req, _file, cb) => {
        const name = tmpName('upload')
        created.push(`${tmpDir}/${name}`)
        cb(null, name)
      },
    })
    const upload = multer({
      storage,
      // Browsers send UTF-8 file names; busboy's default (latin1) would garble "карта.png".
      defParamCharset: 'utf8',
      limits: {
        fileSize: rule.maxBytes,
        files: maxCount,
        fields: rule.maxFields ?? 20,
        fieldSize: 64 * 1024,
        parts: maxCount + (rule.maxFields ?? 20),
      },
    }).array(rule.field, maxCount)

    upload(req, res, (err?: unknown) => {
      if (err) {
        cleanup()
        const e = err as { name?: string; code?: string }
        if (e.name === 'MulterError' && e.code === 'LIMIT_FILE_SIZE')
          return next(new AppError(413, 'upload.too_large', { limit: formatBytes(rule.maxBytes) }))
        if (e.name === 'MulterError' && (e.code === 'LIMIT_FILE_COUNT' || e.code === 'LIMIT_UNEXPECTED_FILE'))
          return next(
            new AppError(400, 'upload.too_many_files', { max: maxCount }, [
              { path: rule.field, code: 'invalid_value' },
            ]),
          )
        // MulterError limits are mapped by the error handler; a body busboy cannot parse (a broken
        // multipart body) is the request's fault, never a server failure: 400, nothing stored.
        if (e.name !== 'MulterError' && !isSystemError(err)) return next(new AppError(400, 'upload.malformed'))
        return next(err)
      }
      void sniffAll(req, rule)
        .then(() => next())
        .catch((e) => {
          cleanup()
          next(e)
        })
    })
  }
}

/**
 * A temporary file name in UPLOADS_DIR/.tmp: it starts with the owning process (`<host>:<pid>`), so
 * the files of a process that died mid-upload can be told from live ones of other processes.
 */
export function tmpName(ext: string): string {
  return `${OWNER}-${Date.now()}-${crypto.randomBytes(8).toString('hex')}.${ext}`
}

/**
 * At start-up: removes the temporary files of dead processes of this host (a kill -9 mid-upload),
 * and those of any process older than a day. Returns how many went.
 */
export async function sweepTmpUploads(tmpDir: string, now = Date.now()): Promise<number> {
  let names: string[]
  try {
    names = await fs.promises.readdir(tmpDir)
  } catch {
    return 0
  }
  let removed = 0
  for (const name of names) {
    const file = `${tmpDir}/${name}`
    const owner = name.slice(0, Math.max(0, name.lastIndexOf('-', name.lastIndexOf('-') - 1)))
    let stale = ownerIsDeadHere(owner)
    if (!stale) {
      const st = await fs.promises.stat(file).catch(() => null)
      stale = st !== null && now - st.mtimeMs > 24 * 3600_000
    }
    if (!stale) continue
    await fs.promises.rm(file, { recursive: true, force: true })
    removed++
  }
  if (removed) log.info({ removed }, 'temporary uploads of dead processes removed')
  return removed
}

/** An operating-system failure (disk full, permissions), as opposed to a parse error of the body. */
const isSystemError = (err: unknown): boolean =>
  typeof (err as { code?: unknown })?.code === 'string' && /^E[A-Z]+$/.test((err as { code: string }).code)

async function sniffAll(req: Request, rule: UploadRule): Promise<void> {
  const files = (req.files as Express.Multer.File[] | undefined) ?? []
  if (rule.required && files.length === 0)
    throw new AppError(400, 'upload.missing_file', {}, [{ path: rule.field, code: 'required' }])
  const out: UploadedFile[] = []
  for (const f of files) {
    const type = await fileTypeFromFile(f.path)
    if (!type || !rule.allowed.includes(type.mime))
      throw new AppError(415, 'upload.unsupported_type', {
        allowed: rule.allowed.map((m) => m.split('/')[1]).join(', '),
      })
    out.push({
      field: f.fieldname,
      path: f.path,
      size: f.size,
      originalName: f.originalname,
      mime: type.mime,
      ext: type.ext,
    })
  }
  req.uploads = out
}

/** A display name for a stored file: the client's name without directories, control characters or quotes, with the sniffed extension. */
export function safeFileName(original: string, ext: string): string {
  const base = (original.split(/[\\/]/).pop() ?? '').replace(/[\p{Cc}"<>]/gu, '').trim()
  const stem = (base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base).slice(0, 150).trim() || 'file'
  return `${stem}.${ext}`
}

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const
/** Video containers file-type recognizes; ffprobe then decides whether there is a playable video stream. */
export const VIDEO_TYPES = [
  'video/mp4',
  'video/x-m4v',
  'video/quicktime',
  'video/webm',
  'video/matroska',
  'video/vnd.avi',
  'video/mpeg',
  'video/mp2t',
  'video/3gpp',
  'video/3gpp2',
  'video/x-flv',
  'video/x-ms-asf',
  'video/ogg',
] as const
