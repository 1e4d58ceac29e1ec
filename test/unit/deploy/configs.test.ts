import { execFile } from 'node:child_process'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'chai'
import { ROOT_DIR, loadConfig } from '../../../server/core/config.js'

// The example deployment files in deploy/ (docs/deploy.md), checked with the real tools where this
// machine has them: `nginx -t` on nginx.conf, `systemd-analyze verify` on the units (skipped with a
// message where absent), and a YAML parse plus shape checks of compose.yaml (Docker is not available
// in CI, so `docker compose config` cannot run; js-yaml comes with mocha, which reads .mocharc.yml files with it).
const run = promisify(execFile)
const DEPLOY = path.join(ROOT_DIR, 'deploy')
const which = (names: string[]) => names.find((p) => fs.existsSync(p))
const NGINX = which(['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'])
const OPENSSL = which(['/usr/bin/openssl', '/usr/local/bin/openssl'])
const SYSTEMD_ANALYZE = which(['/usr/bin/systemd-analyze', '/bin/systemd-analyze'])
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown }

describe('deploy/ example configs', function () {
  this.timeout(60_000)
  let tmp: string
  before(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'kenes-deploy-'))
  })
  after(() => fsp.rm(tmp, { recursive: true, force: true }))

  describe('nginx.conf', () => {
    const conf = fs.readFileSync(path.join(DEPLOY, 'nginx.conf'), 'utf8')

    it('should pass `nginx -t` with a throw-away certificate (only the TLS, log and pid paths moved to a temp dir)', async function () {
      if (!NGINX || !OPENSSL) {
        console.log(`      skipped: ${NGINX ? 'openssl' : 'nginx'} is not installed (.ci/run installs both)`)
        return this.skip()
      }
      await run(OPENSSL, [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=kenes.test',
        '-keyout',
        path.join(tmp, 'privkey.pem'),
        '-out',
        path.join(tmp, 'fullchain.pem'),
      ])
      // The file as shipped, but for absolute paths that only exist on a real host.
      const moves: [string, string][] = [
        ['/etc/ssl/kenes/', `${tmp}/`],
        ['/var/log/nginx/', `${tmp}/`],
        ['/run/nginx.pid', `${tmp}/nginx.pid`],
      ]
      let test = conf
      for (const [from, to] of moves) {
        expect(test, from).to.include(from)
        test = test.split(from).join(to)
      }
      const file = path.join(tmp, 'nginx.conf')
      await fsp.writeFile(file, test)
      const { stderr } = await run(NGINX, ['-t', '-c', file, '-e', path.join(tmp, 'error.log')])
      expect(stderr).to.match(/syntax is ok/)
      expect(stderr).to.match(/test is successful/)
    })

    it('should upgrade WebSockets on /socket.io/, stream uploads and balance over two or more processes', () => {
      const location = (re: RegExp) => {
        const m = conf.match(re)
        expect(m, String(re)).to.not.equal(null)
        return conf.slice(m!.index!, conf.indexOf('}', m!.index!))
      }
      const io = location(/location \/socket\.io\/ \{/)
      expect(io).to.match(/proxy_set_header Upgrade \$http_upgrade;/)
      expect(io).to.match(/proxy_set_header Connection \$connection_upgrade;/)
      expect(io).to.match(/proxy_pass http:\/\/kenes_sticky;/)
      // nginx does not merge proxy_set_header into a location that sets its own: the client
      // address and scheme must be repeated there, or req.ip and Secure cookies break on sockets.
      for (const h of ['Host', 'X-Forwarded-For', 'X-Forwarded-Proto'])
        expect(io).to.match(new RegExp(`proxy_set_header ${h} `), h)
      for (const block of conf.split(/(?=\blocation\b)/).slice(1))
        if (/proxy_set_header/.test(block.slice(0, block.indexOf('}'))))
          expect(block.slice(0, block.indexOf('}'))).to.match(/proxy_set_header X-Forwarded-For \$remote_addr;/)
      const tus = location(/location ~ \^\/api\/v1\/councils\/\[\^\/\]\+\/videos\/tus/)
      expect(tus).to.match(/proxy_request_buffering off;/)
      expect(tus).to.match(/client_max_body_size 2g;/)
      // Not sticky: the tus lock is shared through Redis (test/api/core/two-processes.test.ts).
      expect(tus).to.match(/proxy_pass http:\/\/kenes;/)
      expect(location(/location ~ \^\/api\/v1\/councils\/\[\^\/\]\+\/videos\$/)).to.match(
        /proxy_request_buffering off;/,
      )
      for (const name of ['kenes', 'kenes_sticky']) {
        const up = location(new RegExp(`upstream ${name} \\{`))
        expect(up.match(/^\s*server 127\.0\.0\.1:\d+/gm)?.length ?? 0, name).to.be.greaterThanOrEqual(2)
      }
      expect(conf).to.match(/ssl_certificate /)
      expect(conf).to.match(/proxy_set_header X-Forwarded-Proto \$scheme;/)
    })
  })

  describe('systemd units', () => {
    it('should pass `systemd-analyze verify` (kenes-web@.service as instance 3001, kenes-worker.service)', async function () {
      if (!SYSTEMD_ANALYZE) {
        console.log('      skipped: systemd-analyze is not installed here')
        return this.skip()
      }
      // verify checks that ExecStart's binary exists: where node is not /usr/bin/node (a CI image
      // with its own Node), this machine's node stands in for it.
      const node = fs.existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath
      const units: [string, string][] = [
        ['kenes-web@.service', 'kenes-web@3001.service'],
        ['kenes-worker.service', 'kenes-worker.service'],
      ]
      const files: string[] = []
      for (const [from, to] of units) {
        const text = (await fsp.readFile(path.join(DEPLOY, from), 'utf8')).split('/usr/bin/node ').join(`${node} `)
        await fsp.writeFile(path.join(tmp, to), text)
        files.push(path.join(tmp, to))
      }
      try {
        const { stderr } = await run(SYSTEMD_ANALYZE, ['verify', ...files])
        // Warnings about this machine (no systemd as PID 1, unknown users) are not about the files.
        const ours = stderr.split('\n').filter((l) => l.includes('kenes-'))
        expect(ours, stderr).to.deep.equal([])
      } catch (e) {
        const err = e as { stderr?: string; message: string }
        expect.fail(`systemd-analyze verify failed:\n${err.stderr ?? err.message}`)
      }
    })

    it('should run web processes without jobs and the worker with them, both in production behind the proxy', () => {
      const web = fs.readFileSync(path.join(DEPLOY, 'kenes-web@.service'), 'utf8')
      const worker = fs.readFileSync(path.join(DEPLOY, 'kenes-worker.service'), 'utf8')
      expect(web).to.match(/^Environment=JOBS_ENABLED=false$/m)
      expect(web).to.match(/^Environment=PORT=%i$/m)
      // Only nginx's address (loopback), not any hop: a direct client cannot forge X-Forwarded-For.
      expect(web).to.match(/^Environment=TRUST_PROXY=loopback$/m)
      expect(worker).to.match(/^Environment=JOBS_ENABLED=true$/m)
      for (const unit of [web, worker]) {
        expect(unit).to.match(/^Environment=NODE_ENV=production$/m)
        expect(unit).to.match(/^EnvironmentFile=\/etc\/kenes\/kenes\.env$/m)
      }
    })
  })

  describe('compose.yaml', () => {
    type Service = {
      image?: string
      build?: unknown
      command?: string[] | string
      environment?: Record<string, string>
      volumes?: string[]
      depends_on?: Record<string, unknown>
      network_mode?: string
    }
    const doc = yaml.load(fs.readFileSync(path.join(DEPLOY, 'compose.yaml'), 'utf8')) as {
      services: Record<string, Service>
      volumes: Record<string, unknown>
    }
    const services = doc.services
    // The variables README.md's configuration table documents.
    const readme = fs.readFileSync(path.join(ROOT_DIR, 'README.md'), 'utf8')
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Architecture'))
    const documented = new Set(
      [...table.matchAll(/^\|([^|]+)\|/gm)].flatMap((m) => m[1].match(/[A-Z][A-Z0-9_]+/g) ?? []),
    )

    it('should declare the replica set, Redis, nginx, two web processes and a worker', () => {
      expect(Object.keys(services)).to.include.members([
        'mongo1',
        'mongo2',
        'mongo3',
        'mongo-init',
        'redis',
        'nginx',
        'web1',
        'web2',
        'worker',
      ])
      for (const m of ['mongo1', 'mongo2', 'mongo3'])
        expect(services[m].command).to.include.members(['--replSet', 'rs0'])
      const init = JSON.stringify(services['mongo-init'].command)
      for (const m of ['mongo1', 'mongo2', 'mongo3']) expect(init).to.include(`${m}:27017`)
      expect(services.nginx.volumes).to.include('./nginx.conf:/etc/nginx/nginx.conf:ro')
    })

    it('should give every app container a configuration the server accepts (production, shared uploads)', () => {
      for (const [name, jobs] of [
        ['web1', 'false'],
        ['web2', 'false'],
        ['worker', 'true'],
      ] as const) {
        const s = services[name]
        const env = { ...s.environment! }
        for (const k of Object.keys(env)) expect(documented, `${name}: ${k} is not in README's table`).to.include(k)
        expect(env.JOBS_ENABLED, name).to.equal(jobs)
        expect(env.NODE_ENV).to.equal('production')
        expect(env.MONGODB_URI).to.match(/^mongodb:\/\/mongo1:27017,mongo2:27017,mongo3:27017\/\?replicaSet=rs0$/)
        expect(env.REDIS_URL).to.match(/^redis:\/\/redis:6379$/)
        expect(env.SESSION_SECRET).to.match(/^\$\{SESSION_SECRET:\?/)
        expect(s.volumes).to.include(`uploads:${env.UPLOADS_DIR}`)
        // Compose's `${VAR:?…}` stands for a value given at `up`: a real one here.
        const config = loadConfig({ ...env, SESSION_SECRET: 'x'.repeat(64) })
        expect(config.production).to.equal(true)
        expect(config.jobsEnabled).to.equal(jobs === 'true')
      }
      for (const web of ['web1', 'web2']) expect(services[web].network_mode).to.equal('service:nginx')
      const ports = ['web1', 'web2'].map((w) => `127.0.0.1:${services[w].environment!.PORT}`)
      const conf = fs.readFileSync(path.join(DEPLOY, 'nginx.conf'), 'utf8')
      for (const p of ports) expect(conf).to.include(`server ${p} `)
    })

    it('should only refer to declared services and volumes', () => {
      for (const [name, s] of Object.entries(services)) {
        for (const dep of Object.keys(s.depends_on ?? {})) expect(services, `${name} → ${dep}`).to.have.property(dep)
        if (s.network_mode?.startsWith('service:')) expect(services).to.have.property(s.network_mode.slice(8))
        for (const v of s.volumes ?? []) {
          const src = v.split(':')[0]
          if (!src.startsWith('.') && !src.startsWith('/')) expect(doc.volumes, `${name}: ${v}`).to.have.property(src)
        }
        expect(s.image ?? s.build, name).to.not.equal(undefined)
      }
    })
  })
})
