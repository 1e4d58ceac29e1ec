import type { ReactNode } from 'react'

/**
 * A data table's own scrolling region: on a narrow screen a wide table scrolls sideways inside
 * it (never the page), and keyboard users can focus the region to scroll it with the arrow keys.
 */
export function TableRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  )
}
