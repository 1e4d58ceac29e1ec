import { useEffect, useState } from 'react'
import { api } from './api.js'
import type { CouncilSummary, Page, Region } from './types.js'

/**
 * Regions and the council list change rarely; one request each per page load is shared by
 * every component that needs a name for an id.
 */
let regions: Promise<Region[]> | null = null
let councils: Promise<CouncilSummary[]> | null = null

export function loadRegions(): Promise<Region[]> {
  regions ??= api<Region[] | Page<Region>>('/regions')
    .then((r) => (Array.isArray(r) ? r : r.items))
    .catch((e) => {
      regions = null
      throw e
    })
  return regions
}

/** Every council (264 nationally: a few pages of 100). */
export function loadAllCouncils(): Promise<CouncilSummary[]> {
  councils ??= (async () => {
    const all: CouncilSummary[] = []
    let cursor: string | null = null
    for (let i = 0; i < 20; i++) {
      const page: Page<CouncilSummary> = await api<Page<CouncilSummary>>('/councils', { query: { limit: 100, cursor } })
      all.push(...page.items)
      cursor = page.nextCursor
      if (!cursor) break
    }
    return all
  })().catch((e) => {
    councils = null
    throw e
  })
  return councils
}
export function forgetCouncils(): void {
  councils = null
}

function useAsync<T>(load: () => Promise<T>, initial: T): T {
  const [v, setV] = useState<T>(initial)
  useEffect(() => {
    let live = true
    load().then(
      (x) => live && setV(x),
      () => {},
    )
    return () => {
      live = false
    }
  }, [load])
  return v
}
const NO_REGIONS: Region[] = []
const NO_COUNCILS: CouncilSummary[] = []
export function useRegions(): Region[] {
  return useAsync(loadRegions, NO_REGIONS)
}
export function useCouncils(): CouncilSummary[] {
  return useAsync(loadAllCouncils, NO_COUNCILS)
}
export function useCouncilMap(): Map<string, CouncilSummary> {
  const list = useCouncils()
  const [map, setMap] = useState(() => new Map<string, CouncilSummary>())
  useEffect(() => setMap(new Map(list.map((c) => [c.id, c]))), [list])
  return map
}
