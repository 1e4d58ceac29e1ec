import http from 'node:http'
import type { Agent } from './agent.js'

/**
 * Starts a multipart upload and never finishes its body: the status of an answer that comes
 * anyway, which the server can only give when it decides without reading the upload.
 */
export async function unsentUpload(agent: Agent, path: string, field = 'file'): Promise<number> {
  const boundary = 'kenes-probe'
  const headers = {
    cookie: agent.cookieHeader(),
    'x-csrf-token': await agent.csrfToken(),
    'content-type': `multipart/form-data; boundary=${boundary}`,
    'content-length': String(8 * 1024 * 1024), // announced; only the part header below is sent
  }
  return new Promise<number>((resolve, reject) => {
    const req = http.request(new URL(path, agent.baseUrl), { method: 'POST', headers }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
      req.destroy()
    })
    req.on('error', (err) => (err.message.includes('socket hang up') ? undefined : reject(err)))
    req.setTimeout(5000, () => reject(new Error('no answer while the body was unsent: the upload was being read')))
    req.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="p.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`,
    )
  })
}
