// Restores a backup written by scripts/backup.ts into a database and an uploads directory.
//
//   npx tsx scripts/restore.ts --from /backups/kenes-2026-12-05 --uri mongodb://127.0.0.1:27018/?replicaSet=kenes
//       [--db kenes] [--uploads ./uploads] [--drop]
//
// Refuses a target that already holds documents (or files under --uploads) unless --drop is given,
// which drops each collection of the backup and empties the uploads directory first. Indexes are
// created before the documents go in (unique ones then refuse nothing that was not unique before).
// Defaults: --uri $MONGODB_URI, --db the backup's database, --uploads $UPLOADS_DIR or `uploads`.
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import readline from 'node:readline'
import { pathToFileURL } from 'node:url'
import { BSON, MongoClient, type Document, type IndexDescription } from 'mongodb'
import { cliArgs, copyTree, type Manifest } from './backup.js'

export interface RestoreOptions {
  from: string
  uri: string
  /** Target database (default: the one the backup was taken from). */
  db?: string
  /** UPLOADS_DIR to fill from the backup's `uploads/`; omitted: database only. */
  uploads?: string
  drop?: boolean
}

const BATCH = 1000

export async function restore(
  opts: RestoreOptions,
): Promise<{ collections: number; documents: number; files: number }> {
  const manifest = JSON.parse(
    await fsp.readFile(path.join(opts.from, 'manifest.json'), 'utf8').catch(() => {
      throw new Error(`${opts.from}/manifest.json missing: not a backup, or an interrupted one`)
    }),
  ) as Manifest
  if (manifest.format !== 'kenes-backup/1') throw new Error(`unknown backup format ${String(manifest.format)}`)
  const client = new MongoClient(opts.uri, { serverSelectionTimeoutMS: 10_000 })
  let documents = 0
  try {
    await client.connect()
    const db = client.db(opts.db ?? manifest.db)
    const names = Object.keys(manifest.collections)
    if (!opts.drop) {
      for (const name of names) {
        if (await db.collection(name).findOne({}, { projection: { _id: 1 } }))
          throw new Error(`collection ${name} is not empty: restore into an empty database, or pass --drop`)
      }
    }
    for (const name of names) {
      if (opts.drop)
        await db
          .collection(name)
          .drop()
          .catch(() => {})
      await db.createCollection(name).catch((e: { codeName?: string }) => {
        if (e.codeName !== 'NamespaceExists') throw e
      })
      const coll = db.collection(name)
      const specs = manifest.collections[name].indexes.filter(
        (ix) => ix.name !== '_id_',
      ) as unknown as IndexDescription[]
      if (specs.length) await coll.createIndexes(specs)
      const lines = readline.createInterface({
        input: fs.createReadStream(path.join(opts.from, 'db', `${name}.ejson`)),
        crlfDelay: Infinity,
      })
      let batch: Document[] = []
      let count = 0
      for await (const line of lines) {
        if (!line) continue
        batch.push(BSON.EJSON.parse(line, { relaxed: false }) as Document)
        if (batch.length === BATCH) {
          await coll.insertMany(batch, { ordered: true })
          count += batch.length
          batch = []
        }
      }
      if (batch.length) await coll.insertMany(batch, { ordered: true })
      count += batch.length
      if (count !== manifest.collections[name].count)
        throw new Error(`${name}: ${count} documents read, the manifest says ${manifest.collections[name].count}`)
      documents += count
    }
  } finally {
    await client.close()
  }
  let files = 0
  if (opts.uploads && manifest.uploads) {
    const present = (await fsp.readdir(opts.uploads).catch(() => [])).filter((n) => n !== '.tmp')
    if (present.length && !opts.drop)
      throw new Error(`${opts.uploads} is not empty: restore into an empty directory, or pass --drop`)
    for (const n of present) await fsp.rm(path.join(opts.uploads, n), { recursive: true, force: true })
    files = (await copyTree(path.join(opts.from, 'uploads'), opts.uploads)).files
    if (files !== manifest.uploads.files)
      throw new Error(`uploads: ${files} files copied, the manifest says ${manifest.uploads.files}`)
  }
  return { collections: Object.keys(manifest.collections).length, documents, files }
}

const str = (v: string | true | undefined): string | undefined => (typeof v === 'string' && v ? v : undefined)

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const a = cliArgs(process.argv.slice(2))
    const uri = str(a.uri) ?? process.env.MONGODB_URI
    const from = str(a.from)
    if (!uri || !from)
      throw new Error('usage: restore.ts --from <backup dir> --uri <mongodb uri> [--db kenes] [--uploads dir] [--drop]')
    const t0 = Date.now()
    const r = await restore({
      from: path.resolve(from),
      uri,
      db: str(a.db) ?? process.env.MONGODB_DB,
      uploads: a['no-uploads'] ? undefined : path.resolve(str(a.uploads) ?? process.env.UPLOADS_DIR ?? 'uploads'),
      drop: a.drop === true,
    })
    console.log(
      `restore: ${r.collections} collections, ${r.documents} documents, ${r.files} files ← ${path.resolve(from)} ` +
        `in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    )
  } catch (e) {
    console.error(`restore: ${(e as Error).message}`)
    process.exit(1)
  }
}
