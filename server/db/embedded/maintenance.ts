// Background maintenance: TTL deletion (like mongod's TTL monitor, once a minute) and journal compaction.
import { getPath } from './bson-utils.js'
import { Ctx, type Stats } from './exec.js'
import type { Storage } from './storage.js'
import type { Sessions } from './transactions.js'

export const TTL_INTERVAL_MS = 60_000

/** Delete documents whose TTL-indexed date is older than expireAfterSeconds; returns how many. */
export async function sweepTtl(store: Storage, sessions: Sessions, stats: Stats, now = Date.now()): Promise<number> {
  const ctx = new Ctx(store, sessions, undefined, stats)
  let removed = 0
  for (const colls of store.dbs.values()) {
    for (const c of colls.values()) {
      for (const ix of [...c.indexes.values()]) {
        const secs = ix.spec.expireAfterSeconds
        if (typeof secs !== 'number' || ix.fields.length !== 1) continue
        const cutoff = now - secs * 1000
        // Dates sort after numbers/strings/objects, so this range is a superset; the check below is exact.
        for (const id of new Set(ix.lookupRange(undefined, { value: new Date(cutoff), inclusive: true }))) {
          const d = c.docs.get(id)
          if (!d || sessions.lockedByTxn(c, id)) continue
          const v = getPath(d, ix.fields[0])
          const dates = (Array.isArray(v) ? v : [v]).filter((x): x is Date => x instanceof Date).map((x) => x.getTime())
          if (!dates.length || Math.min(...dates) > cutoff) continue
          ctx.remove(c, d)
          removed++
        }
      }
    }
  }
  await ctx.finish()
  return removed
}
