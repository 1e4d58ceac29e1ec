import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'

/** The repository root (works from sources run by tsx and from the compiled dist/). */
export const ROOT_DIR = findRoot(path.dirname(fileURLToPath(import.meta.url)))

function findRoot(start: string): string {
  let dir = start
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir)
    if (up === dir) return process.cwd()
    dir = up
  }
  return dir
}

const optional = z.string().trim().min(1).optional().catch(undefined)
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: optional,
  DATA_DIR: z.string().default('data'),
  UPLOADS_DIR: z.string().default('uploads'),
  MONGODB_URI: optional,
  MONGODB_DB: z.string().default('kenes'),
  REDIS_URL: optional,
  ADMIN_EMAIL: optional,
  ADMIN_PASSWORD: optional,
  SESSION_SECRET: optional,
  SESSION_SECRET_PREVIOUS: optional,
  SMTP_URL: optional,
  MAIL_FROM: z.string().default('Kenes <no-reply@kenes.local>'),
  VIDEO_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(2 * 1024 ** 3),
  FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
  FFPROBE_PATH: z.string().min(1).default('ffprobe'),
  VIDEO_JOB_LEASE_MS: z.coerce.number().int().min(1000).default(60_000),
  APPEAL_DUE_WORKING_DAYS: z.coerce.number().int().min(1).max(60).default(15),
  RECOMMENDATION_DUE_WORKING_DAYS: z.coerce.number().int().min(1).max(60).default(15),
  METRICS_TOKEN: optional,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  LOG_FILE: z.string().min(1).optional(),
  JOBS_ENABLED: z.enum(['true', 'false']).default('true'),
  TRUST_PROXY: z.string().optional(),
  /** The in-memory response cache for hot public GETs (core/cache.ts); `false` for benchmarks and debugging. */
  PUBLIC_CACHE: z.enum(['true', 'false']).default('true'),
  PUBLIC_CACHE_TTL_SEC: z.coerce.number().int().min(0).max(300).default(10),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(50),
  LOGIN_LOCK_SEC: z.coerce.number().int().min(1).default(900),
  REGISTER_MAX_PER_IP_HOUR: z.coerce.number().int().min(1).default(20),
  PASSWORD_FORGOT_MAX_PER_IP_HOUR: z.coerce.number().int().min(1).default(20),
  PASSWORD_FORGOT_MAX_PER_EMAIL_HOUR: z.coerce.number().int().min(1).default(5),
  APPEALS_MAX_PER_IP_HOUR: z.coerce.number().int().min(1).default(100),
  APPEALS_MAX_PER_SENDER_HOUR: z.coerce.number().int().min(1).default(10),
  SUPPORT_MAX_PER_IP_HOUR: z.coerce.number().int().min(1).default(100),
  SUPPORT_MAX_PER_SENDER_HOUR: z.coerce.number().int().min(1).default(10),
  EVENT_REGISTRATIONS_MAX_PER_USER_HOUR: z.coerce.number().int().min(1).default(30),
  EVENT_REGISTRATIONS_MAX_PER_IP_HOUR: z.coerce.number().int().min(1).default(300),
  CHAT_MESSAGES_MAX_PER_10S: z.coerce.number().int().min(1).default(20),
  CHAT_CONNECTIONS_MAX_PER_USER_MIN: z.coerce.number().int().min(1).default(30),
})

export type Config = ReturnType<typeof buildConfig>

/** Reads and checks the environment once, failing fast with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
  }
  return buildConfig(parsed.data)
}

function buildConfig(e: z.infer<typeof EnvSchema>) {
  const production = e.NODE_ENV === 'production'
  const dataDir = path.resolve(ROOT_DIR, e.DATA_DIR)
  const uploadsDir = path.resolve(ROOT_DIR, e.UPLOADS_DIR)
  if (production && !e.SESSION_SECRET)
    throw new Error('Invalid configuration:\n  SESSION_SECRET: required in production')
  return {
    env: e.NODE_ENV,
    production,
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${e.PORT}`).replace(/\/$/, ''),
    dataDir,
    uploadsDir,
    /** Temporary upload files live beside the stored media so a final rename never crosses filesystems. */
    uploadsTmpDir: path.join(uploadsDir, '.tmp'),
    outboxDir: path.join(dataDir, 'outbox'),
    mongodbUri: e.MONGODB_URI,
    mongodbDb: e.MONGODB_DB,
    redisUrl: e.REDIS_URL,
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
    sessionSecret: e.SESSION_SECRET ?? developmentSecret(dataDir),
    /** The secret being rotated out: sessions it signed and job payloads it sealed stay readable. */
    sessionSecretPrevious: e.SESSION_SECRET_PREVIOUS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    videoMaxBytes: e.VIDEO_MAX_BYTES,
    ffmpegPath: e.FFMPEG_PATH,
    ffprobePath: e.FFPROBE_PATH,
    /** Lease of a transcoding job; its heartbeat renews it every third of this. */
    videoJobLeaseMs: e.VIDEO_JOB_LEASE_MS,
    appealDueWorkingDays: e.APPEAL_DUE_WORKING_DAYS,
    /** A state body's answer to a council's recommendation is due this many working days after sending. */
    recommendationDueWorkingDays: e.RECOMMENDATION_DUE_WORKING_DAYS,
    metricsToken: e.METRICS_TOKEN,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    logFile: e.LOG_FILE,
    jobsEnabled: e.JOBS_ENABLED === 'true',
    trustProxy: e.TRUST_PROXY,
    publicCache: { enabled: e.PUBLIC_CACHE === 'true', ttlMs: e.PUBLIC_CACHE_TTL_SEC * 1000 },
    /** Failed logins per account / per IP within `lockSec` before 429 `auth.locked`. */
    login: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      maxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
      lockSec: e.LOGIN_LOCK_SEC,
    },
    registerMaxPerIpHour: e.REGISTER_MAX_PER_IP_HOUR,
    /** Abuse limits on what a stranger can write (each a count per window; 429 `rate_limited` beyond). */
    limits: {
      forgotPerIpHour: e.PASSWORD_FORGOT_MAX_PER_IP_HOUR,
      /** Beyond it the request still answers 202 but sends nothing (no account enumeration). */
      forgotPerEmailHour: e.PASSWORD_FORGOT_MAX_PER_EMAIL_HOUR,
      appealsPerIpHour: e.APPEALS_MAX_PER_IP_HOUR,
      /** Per signed-in user, or per guest contact e-mail. */
      appealsPerSenderHour: e.APPEALS_MAX_PER_SENDER_HOUR,
      supportPerIpHour: e.SUPPORT_MAX_PER_IP_HOUR,
      supportPerSenderHour: e.SUPPORT_MAX_PER_SENDER_HOUR,
      eventRegistrationsPerUserHour: e.EVENT_REGISTRATIONS_MAX_PER_USER_HOUR,
      eventRegistrationsPerIpHour: e.EVENT_REGISTRATIONS_MAX_PER_IP_HOUR,
      chatMessagesPer10s: e.CHAT_MESSAGES_MAX_PER_10S,
      chatConnectionsPerUserMin: e.CHAT_CONNECTIONS_MAX_PER_USER_MIN,
    },
    version: packageVersion(),
  }
}

function packageVersion(): string {
  try {
    return String(JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')).version ?? '0.0.0')
  } catch {
    return '0.0.0'
  }
}

/** A random secret kept per data directory, so development sessions survive restarts. */
function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, '.session-secret')
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    const secret = crypto.randomBytes(32).toString('hex')
    fs.mkdirSync(dataDir, { recursive: true })
    fs.writeFileSync(file, secret, { mode: 0o600 })
    return secret
  }
}

let active: Config | undefined
/** The configuration of the running server, set once by `startServer` (core/server.ts). */
export function currentConfig(): Config {
  if (!active) active = loadConfig()
  return active
}
export function setActiveConfig(config: Config): void {
  active = config
}
