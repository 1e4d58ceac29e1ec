import { io as ioClient, type Socket } from 'socket.io-client'

/**
 * Connects one `/chat` socket per session cookie (websocket only, no reconnection), `batch` at a
 * time so a few hundred handshakes do not all land at once. Shared by the chat bench and the soak.
 */
export async function connectChatClients(url: string, cookies: string[], batch = 50): Promise<Socket[]> {
  const sockets: Socket[] = []
  for (let start = 0; start < cookies.length; start += batch) {
    sockets.push(
      ...(await Promise.all(
        cookies.slice(start, start + batch).map(
          (cookie) =>
            new Promise<Socket>((resolve, reject) => {
              const s = ioClient(`${url}/chat`, {
                transports: ['websocket'],
                extraHeaders: { cookie },
                reconnection: false,
                forceNew: true,
              })
              s.once('connect', () => resolve(s))
              s.once('connect_error', reject)
            }),
        ),
      )),
    )
  }
  return sockets
}
