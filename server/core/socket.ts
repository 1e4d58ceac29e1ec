import type { Server as SocketServer } from 'socket.io'
import type { Config } from './config.js'
import { log } from './logger.js'

/**
 * With REDIS_URL set, socket.io rooms span every server process (the Redis adapter); without
 * it one process needs nothing else. The Redis clients are closed when `io` closes.
 * - The channel prefix names the database, so two deployments sharing one Redis (staging and
 *   production) never deliver each other's events.
 * - This adapter (pub/sub) does not keep sessions for connection state recovery: behind it a
 *   reconnecting client gets `socket.recovered === false` and asks for what it missed
 *   (chat: `room:join { roomId, lastMessageId }`).
 * - `fetchSockets()` (chat presence) waits at most `requestsTimeout` for the other processes.
 */
export async function attachSocketAdapter(io: SocketServer, config: Config): Promise<void> {
  if (!config.redisUrl) return
  const [{ createClient }, { createAdapter }] = await Promise.all([import('redis'), import('@socket.io/redis-adapter')])
  const pub = createClient({ url: config.redisUrl })
  const sub = pub.duplicate()
  for (const c of [pub, sub]) c.on('error', (err) => log.error({ err }, 'redis error'))
  await Promise.all([pub.connect(), sub.connect()])
  io.adapter(createAdapter(pub, sub, { key: `kenes:${config.mongodbDb}`, requestsTimeout: 3000 }))
  const close = io.close.bind(io)
  io.close = (fn) =>
    close((err) => {
      void Promise.allSettled([pub.quit(), sub.quit()]).then(() => fn?.(err))
    })
  log.info('socket.io Redis adapter attached')
}
