import net from 'node:net'

export interface SmtpMessage {
  to: string[]
  data: string
}
export interface SmtpSink {
  url: string
  /** Messages accepted, in order. */
  messages: SmtpMessage[]
  /** Recipients refused (`refuse: true`). */
  refused: string[]
  /** How long the server takes to accept a message's data (a slow mail server); settable. */
  delayMs: number
  close(): Promise<void>
}

/**
 * A minimal SMTP server on a free loopback port, enough for nodemailer without TLS or auth: it
 * accepts every message, or (`refuse`) refuses every recipient repeating the address in its reply,
 * as real servers do.
 */
export async function startSmtpSink(opts: { refuse?: boolean } = {}): Promise<SmtpSink> {
  const messages: SmtpMessage[] = []
  const refused: string[] = []
  // eslint-disable-next-line prefer-const
  let sink: SmtpSink
  const server = net.createServer((c) => {
    c.on('error', () => {})
    c.write('220 sink.test ESMTP\r\n')
    let buf = ''
    let to: string[] = []
    let data: string | null = null
    c.on('data', (d) => {
      buf += String(d)
      for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
        const line = buf.slice(0, i)
        buf = buf.slice(i + 2)
        if (data !== null) {
          if (line === '.') {
            messages.push({ to, data })
            data = null
            to = []
            setTimeout(() => c.write('250 queued\r\n'), sink.delayMs)
          } else data += `${line}\n`
          continue
        }
        const addr = /<([^>]*)>/.exec(line)?.[1] ?? ''
        if (/^(EHLO|HELO)/i.test(line)) c.write('250 sink.test\r\n')
        else if (/^RCPT TO/i.test(line)) {
          if (opts.refuse) {
            refused.push(addr)
            c.write(`550 5.1.1 <${addr}>: recipient ${addr} unknown\r\n`)
          } else {
            to.push(addr)
            c.write('250 OK\r\n')
          }
        } else if (/^DATA/i.test(line)) {
          data = ''
          c.write('354 go ahead\r\n')
        } else if (/^QUIT/i.test(line)) c.end('221 bye\r\n')
        else c.write('250 OK\r\n')
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as net.AddressInfo
  sink = {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refused,
    delayMs: 0,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
  return sink
}
