import { spawn } from 'node:child_process'

/**
 * ffprobe/ffmpeg from the system (Debian package `ffmpeg`), spawned with argument arrays (never a
 * shell). Pure helpers: no database, no HTTP; the job and the upload path share them, and the
 * benchmark runs the very same argument lists by hand.
 */

export interface ProbeResult {
  durationSec: number | null
  /** Display size (rotation applied: a portrait phone video is taller than wide). */
  width: number
  height: number
  videoCodec: string
  audioCodec: string | null
  bitRate: number | null
  formatName: string
}

export class ProbeError extends Error {
  constructor(
    readonly reason: 'unreadable' | 'no_video_stream',
    detail: string,
  ) {
    super(detail)
    this.name = 'ProbeError'
  }
}

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/**
 * Runs a binary to completion. `signal` kills it (SIGKILL) when aborted; `stallMs` kills it when it
 * prints nothing for that long (ffmpeg with `-progress pipe:1` reports every ~0.5 s).
 */
export function run(
  bin: string,
  args: string[],
  opts: { signal?: AbortSignal; stallMs?: number; onProgress?: (line: string) => void; maxOutput?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const max = opts.maxOutput ?? 256 * 1024
    let stdout = ''
    let stderr = ''
    let stall: NodeJS.Timeout | undefined
    const arm = () => {
      if (!opts.stallMs) return
      clearTimeout(stall)
      stall = setTimeout(() => child.kill('SIGKILL'), opts.stallMs)
    }
    const onAbort = () => child.kill('SIGKILL')
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    if (opts.signal?.aborted) onAbort()
    arm()
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      arm()
      if (stdout.length < max) stdout += d
      if (opts.onProgress) for (const line of d.split('\n')) if (line) opts.onProgress(line)
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      arm()
      // Keep the tail: the last lines say why it failed.
      stderr = (stderr + d).slice(-max)
    })
    child.once('error', (err) => {
      clearTimeout(stall)
      opts.signal?.removeEventListener('abort', onAbort)
      reject(err)
    })
    child.once('close', (code, signal) => {
      clearTimeout(stall)
      opts.signal?.removeEventListener('abort', onAbort)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

interface RawStream {
  codec_type?: string
  codec_name?: string
  width?: number
  height?: number
  duration?: string
  tags?: Record<string, string>
  side_data_list?: { rotation?: number }[]
  disposition?: { attached_pic?: number }
}

export function probeArgs(file: string): string[] {
  return ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '--', file]
}

/** Metadata of a media file; throws ProbeError when ffprobe cannot read it or finds no video stream. */
export async function probe(ffprobe: string, file: string, signal?: AbortSignal): Promise<ProbeResult> {
  const r = await run(ffprobe, probeArgs(file), { signal, stallMs: 60_000 })
  if (r.code !== 0)
    throw new ProbeError('unreadable', r.stderr.trim().slice(-500) || `ffprobe exited with ${r.code ?? r.signal}`)
  let data: { streams?: RawStream[]; format?: { duration?: string; bit_rate?: string; format_name?: string } }
  try {
    data = JSON.parse(r.stdout)
  } catch {
    throw new ProbeError('unreadable', 'ffprobe printed no JSON')
  }
  const streams = data.streams ?? []
  // Cover art in an audio file is a "video" stream with attached_pic: not a video.
  const video = streams.find(
    (s) => s.codec_type === 'video' && !s.disposition?.attached_pic && (s.width ?? 0) > 0 && (s.height ?? 0) > 0,
  )
  if (!video) throw new ProbeError('no_video_stream', 'no video stream')
  const audio = streams.find((s) => s.codec_type === 'audio')
  const rotation =
    Math.abs(Number(video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0)) %
    180
  const [width, height] = rotation === 90 ? [video.height!, video.width!] : [video.width!, video.height!]
  const duration = Number(data.format?.duration ?? video.duration)
  const bitRate = Number(data.format?.bit_rate)
  return {
    durationSec: Number.isFinite(duration) && duration > 0 ? Math.round(duration * 1000) / 1000 : null,
    width,
    height,
    videoCodec: video.codec_name ?? 'unknown',
    audioCodec: audio?.codec_name ?? null,
    bitRate: Number.isFinite(bitRate) ? bitRate : null,
    formatName: data.format?.format_name ?? '',
  }
}

export interface Rendition {
  name: string
  width: number
  height: number
  videoKbps: number
  audioKbps: number
}

const LADDER = [
  { short: 360, videoKbps: 800, audioKbps: 96 },
  { short: 720, videoKbps: 2800, audioKbps: 128 },
]
const even = (n: number) => Math.max(2, Math.round(n / 2) * 2)

/**
 * The renditions for a source: 360p and 720p by the short side (so portrait videos work too) when
 * the source is at least that large; never upscaled; a smaller source gets one rendition at its own
 * size.
 */
export function planRenditions(width: number, height: number): Rendition[] {
  const short = Math.min(width, height)
  const fit = (target: number) => {
    const k = target / short
    return { width: even(width * k), height: even(height * k) }
  }
  const rungs = LADDER.filter((r) => short >= r.short).map((r) => ({
    name: `${r.short}p`,
    ...fit(r.short),
    videoKbps: r.videoKbps,
    audioKbps: r.audioKbps,
  }))
  if (rungs.length) return rungs
  const kbps = Math.max(200, Math.round((800 * (width * height)) / (640 * 360)))
  return [{ name: `${even(short)}p`, width: even(width), height: even(height), videoKbps: kbps, audioKbps: 96 }]
}

export const SEGMENT_SEC = 4

/**
 * One ffmpeg run for every rendition: H.264 (main profile) + AAC stereo, keyframes forced every
 * SEGMENT_SEC so all renditions cut at the same instants (clean ABR switches), VOD playlists and a
 * master playlist with BANDWIDTH/RESOLUTION/CODECS. Paths are relative to `outDir` (the cwd is not
 * used: absolute paths are passed).
 */
export function hlsArgs(source: string, outDir: string, renditions: Rendition[], hasAudio: boolean): string[] {
  const n = renditions.length
  const split = `[0:v]split=${n}${renditions.map((_, i) => `[s${i}]`).join('')}`
  const scales = renditions.map((r, i) => `[s${i}]scale=${r.width}:${r.height},setsar=1[v${i}]`)
  const args = [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-progress',
    'pipe:1',
    '-nostats',
    '-y',
    '-i',
    source,
    '-filter_complex',
    [split, ...scales].join(';'),
  ]
  renditions.forEach((r, i) => {
    args.push('-map', `[v${i}]`)
    if (hasAudio) args.push('-map', '0:a:0')
    args.push(
      `-b:v:${i}`,
      `${r.videoKbps}k`,
      `-maxrate:v:${i}`,
      `${Math.round(r.videoKbps * 1.07)}k`,
      `-bufsize:v:${i}`,
      `${Math.round(r.videoKbps * 1.5)}k`,
    )
    if (hasAudio) args.push(`-b:a:${i}`, `${r.audioKbps}k`)
  })
  args.push(
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-profile:v',
    'main',
    '-pix_fmt',
    'yuv420p',
    '-force_key_frames',
    `expr:gte(t,n_forced*${SEGMENT_SEC})`,
    '-sc_threshold',
    '0',
  )
  if (hasAudio) args.push('-c:a', 'aac', '-ac', '2', '-ar', '48000')
  args.push(
    '-f',
    'hls',
    '-hls_time',
    String(SEGMENT_SEC),
    '-hls_playlist_type',
    'vod',
    '-hls_flags',
    'independent_segments',
    '-hls_segment_type',
    'mpegts',
    '-hls_segment_filename',
    `${outDir}/%v/seg_%05d.ts`,
    '-master_pl_name',
    'master.m3u8',
    '-var_stream_map',
    renditions.map((r, i) => (hasAudio ? `v:${i},a:${i},name:${r.name}` : `v:${i},name:${r.name}`)).join(' '),
    `${outDir}/%v/index.m3u8`,
  )
  return args
}

/** A JPEG still from early in the video (10 %, at most 5 s in: past black intros), 640 px wide at most. */
export function thumbnailArgs(source: string, out: string, durationSec: number | null): string[] {
  const at = durationSec ? Math.min(5, durationSec * 0.1) : 0
  return [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-y',
    '-ss',
    at.toFixed(3),
    '-i',
    source,
    '-frames:v',
    '1',
    '-vf',
    "scale='min(640,iw)':-2",
    '-q:v',
    '3',
    '-f',
    'image2',
    out,
  ]
}

/** Sum of the EXTINF durations of a media playlist. */
export function playlistDuration(m3u8: string): number {
  let total = 0
  for (const m of m3u8.matchAll(/^#EXTINF:([\d.]+)/gm)) total += Number(m[1])
  return total
}

/** BANDWIDTH of each variant in a master playlist, by its URI's first path part (the rendition name). */
export function masterBandwidths(master: string): Map<string, number> {
  const out = new Map<string, number>()
  const lines = master.split('\n')
  lines.forEach((line, i) => {
    const m = /^#EXT-X-STREAM-INF:.*BANDWIDTH=(\d+)/.exec(line)
    const uri = lines[i + 1]?.trim()
    if (m && uri) out.set(uri.split('/')[0], Number(m[1]))
  })
  return out
}

/** Lines of ffmpeg's stderr that mean the input itself is damaged (not our machine). */
export const CORRUPT_INPUT = /Invalid data found|partial file|moov atom not found|corrupt|Error while decoding|truncat/i
