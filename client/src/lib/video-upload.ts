import { DetailedError, Upload } from 'tus-js-client'
import { ApiError, csrfHeader } from './api.js'

/**
 * Resumable video uploads on tus-js-client (tus 1.0): 8 MiB chunks with progress, the upload URL
 * remembered per file (localStorage) so a reload resumes where the server stopped, and retries
 * with back-off when the connection drops or the server hiccups. Loaded only by the upload form
 * (dynamic import), never with the first page.
 */
export const CHUNK_BYTES = 8 * 1024 * 1024
/** Back-off between automatic retries; the person may resume sooner with the button. */
export const RETRY_DELAYS = [3_000, 6_000, 12_000, 24_000, 48_000]

export interface TusProgress {
  sent: number
  total: number
}
export interface VideoUpload {
  /** The new video's id once the last chunk is in; rejects with ApiError, or AbortError when paused. */
  done: Promise<{ videoId: string | null }>
  pause(): void
  /** Skips the wait of a scheduled retry. */
  resumeNow(): void
}

/** The server's problem+json of a failed tus request, as the rest of the client sees errors. */
function toApiError(err: Error): ApiError {
  const res = err instanceof DetailedError ? err.originalResponse : null
  const status = res?.getStatus() ?? 0
  let problem
  try {
    problem = JSON.parse(res?.getBody() ?? '')
  } catch {}
  if (!problem?.code)
    problem = {
      type: 'about:blank',
      title: '',
      detail: '',
      status,
      code:
        status === 0
          ? 'network'
          : status === 413
            ? 'upload.too_large'
            : status === 415
              ? 'upload.unsupported_type'
              : 'http',
    }
  return new ApiError(status, problem)
}

function options(endpoint: string, file: File, metadata: Record<string, string>) {
  return {
    endpoint,
    chunkSize: CHUNK_BYTES,
    retryDelays: RETRY_DELAYS,
    storeFingerprintForResuming: true,
    removeFingerprintOnSuccess: true,
    metadata: { ...metadata, filename: file.name, filetype: file.type || 'application/octet-stream' },
    async onBeforeRequest(req: { getMethod(): string; setHeader(k: string, v: string): void }) {
      // Unsafe methods carry the session's CSRF token, like every other API call.
      if (req.getMethod() !== 'HEAD') req.setHeader('X-CSRF-Token', await csrfHeader())
    },
  }
}

/** Whether this file has a half-finished upload to this endpoint (the form says it will resume). */
export async function hasPartialUpload(endpoint: string, file: File): Promise<boolean> {
  const previous = await new Upload(file, options(endpoint, file, {})).findPreviousUploads()
  return previous.length > 0
}

export function uploadVideo(
  endpoint: string,
  file: File,
  metadata: Record<string, string>,
  on: { progress(p: TusProgress): void; retrying(): void },
): VideoUpload {
  let settle: { resolve(v: { videoId: string | null }): void; reject(e: unknown): void } | undefined
  const done = new Promise<{ videoId: string | null }>((resolve, reject) => (settle = { resolve, reject }))
  const upload = new Upload(file, {
    ...options(endpoint, file, metadata),
    onProgress: (sent, total) => on.progress({ sent, total }),
    onShouldRetry: (err) => {
      const status = err.originalResponse?.getStatus() ?? 0
      const retry = (status < 400 || status >= 500 || status === 409 || status === 423) && navigator.onLine
      if (retry) on.retrying()
      return retry
    },
    onSuccess: ({ lastResponse }) => settle?.resolve({ videoId: lastResponse.getHeader('X-Video-Id') ?? null }),
    onError: (err) => settle?.reject(toApiError(err)),
  })
  const start = async () => {
    const previous = await upload.findPreviousUploads()
    if (previous.length) upload.resumeFromPreviousUpload(previous[0])
    upload.start()
  }
  start().catch((err: Error) => settle?.reject(toApiError(err)))
  return {
    done,
    pause: () => {
      void upload?.abort()
      settle?.reject(new DOMException('paused', 'AbortError'))
    },
    resumeNow: () => {
      // abort() cancels the pending retry; start() asks the server for the offset and goes on.
      void upload.abort().then(() => upload.start())
    },
  }
}
