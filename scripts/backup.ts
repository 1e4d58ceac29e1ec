// Logical backup of a Kenes database and its stored media, with the official `mongodb` driver
// (mongodump is not packaged in Debian; this works against MongoDB and the embedded engine alike).
//
//   npx tsx scripts/backup.ts --uri mongodb://127.0.0.1:27018/?replicaSet=kenes --out /backups/kenes-2026-12-05
//       [--db kenes] [--uploads ./uploads]
//
// Writes into --out (which must not exist or be empty):
//   manifest.json             database name, time, per collection: document count and index specs
//   db/<collection>.ejson     one document per line, canonical Extended JSON (types kept: Long, Date, ObjectId …)
//   uploads/                  a copy of UPLOADS_DIR without `.tmp/` (request scratch files)
// Defaults: --uri $MONGODB_URI, --db $MONGODB_DB or `kenes`, --uploads $UPLOADS_DIR or `uploads`.
// Not a point-in-time snapshot across collections: run it with the writers stopped, or use
// `mongodump --oplog` on a replica set (docs/deploy.md). Restore with scripts/restore.ts.
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { once } from 'node:events'
import { pathToFileURL } from 'node:url'
import { BSON, MongoClient } from 'mongodb'

export interface BackupOptions {
  uri: string
  db: string
  out: string
  /** UPLOADS_DIR to copy; omitted: database only. */
  uploads?: string
}

export interface Manifest {
  format: 'kenes-backup/1'
  db: string
  createdAt: string
  collections: Record<string, { count: number; indexes: Record<string, unknown>[] }>
  uploads: { files: number; bytes: number } | null
}

/** Files under `dir` (recursively), skipping the top-level names in `skip`. */
export async function copyTree(
  from: string,
  to: string,
  skip: readonly string[] = [],
): Promise<{ files: number; bytes: number }> {
  let files = 0
  let bytes = 0
  const walk = async (rel: string): Promise<void> => {
    const entries = await fsp
      .readdir(path.join(from, rel), { withFileTypes: true })
      .catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' && rel === '') return []
        throw e
      })
    await fsp.mkdir(path.join(to, rel), { recursive: true })
    for (const e of entries) {
      if (rel === '' && skip.includes(e.name)) continue
      const r = path.join(rel, e.name)
      if (e.isDirectory()) await walk(r)
      else if (e.isFile()) {
        await fsp.copyFile(path.join(from, r), path.join(to, r))
        files++
        bytes += (await fsp.stat(path.join(to, r))).size
      }
    }
  }
  await walk('')
  return { files, bytes }
}

export async function backup(opts: BackupOptions): Promise<Manifest> {
  const existing = await fsp.readdir(opts.out).catch(() => [])
  if (existing.length) throw new Error(`${opts.out} is not empty: refusing to write a backup over it`)
  await fsp.mkdir(path.join(opts.out, 'db'), { recursive: true })
  const client = new MongoClient(opts.uri, { serverSelectionTimeoutMS: 10_000 })
  const manifest: Manifest = {
    format: 'kenes-backup/1',
    db: opts.db,
    createdAt: new Date().toISOString(),
    collections: {},
    uploads: null,
  }
  try {
    await client.connect()
    const db = client.db(opts.db)
    const names = (await db.listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name)
      .filter((n) => !n.startsWith('system.'))
      .sort()
    for (const name of names) {
      const coll = db.collection(name)
      const indexes = (await coll.indexes()).map((ix) => {
        const { v: _v, ns: _ns, ...spec } = ix as Record<string, unknown>
        return spec
      })
      const file = fs.createWriteStream(path.join(opts.out, 'db', `${name}.ejson`))
      let count = 0
      for await (const doc of coll.find({}, { sort: { _id: 1 } })) {
        if (!file.write(BSON.EJSON.stringify(doc, { relaxed: false }) + '\n')) await once(file, 'drain')
        count++
      }
      file.end()
      await once(file, 'finish')
      const fd = await fsp.open(path.join(opts.out, 'db', `${name}.ejson`), 'r+')
      await fd.sync()
      await fd.close()
      manifest.collections[name] = { count, indexes }
    }
  } finally {
    await client.close()
  }
  if (opts.uploads) manifest.uploads = await copyTree(opts.uploads, path.join(opts.out, 'uploads'), ['.tmp'])
  // The manifest last: a backup without one was interrupted and restore.ts refuses it.
  await fsp.writeFile(path.join(opts.out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
  return manifest
}

export function cliArgs(argv: string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`)
    const eq = a.indexOf('=')
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1)
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) out[a.slice(2)] = argv[++i]
    else out[a.slice(2)] = true
  }
  return out
}

const str = (v: string | true | undefined): string | undefined => (typeof v === 'string' && v ? v : undefined)

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const a = cliArgs(process.argv.slice(2))
    const uri = str(a.uri) ?? process.env.MONGODB_URI
    const out = str(a.out)
    if (!uri || !out) throw new Error('usage: backup.ts --uri <mongodb uri> --out <dir> [--db kenes] [--uploads dir]')
    const t0 = Date.now()
    const m = await backup({
      uri,
      out: path.resolve(out),
      db: str(a.db) ?? process.env.MONGODB_DB ?? 'kenes',
      uploads: a['no-uploads'] ? undefined : path.resolve(str(a.uploads) ?? process.env.UPLOADS_DIR ?? 'uploads'),
    })
    const docs = Object.values(m.collections).reduce((s, c) => s + c.count, 0)
    console.log(
      `backup: ${Object.keys(m.collections).length} collections, ${docs} documents, ` +
        `${m.uploads ? `${m.uploads.files} files (${m.uploads.bytes} bytes)` : 'no uploads'} → ${path.resolve(out)} ` +
        `in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    )
  } catch (e) {
    console.error(`backup: ${(e as Error).message}`)
    process.exit(1)
  }
}
