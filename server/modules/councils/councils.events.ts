/**
 * Hooks other parts of the portal use to follow councils without councils importing them
 * (news hides an archived council's articles; keeps its region filter in step).
 */
export interface CouncilChange {
  councilId: string
  archived?: boolean
  regionId?: string | null
}
type Listener = (change: CouncilChange) => Promise<void> | void
const listeners: Listener[] = []

export function onCouncilChange(listener: Listener): void {
  listeners.push(listener)
}
export async function emitCouncilChange(change: CouncilChange): Promise<void> {
  for (const l of listeners) await l(change)
}
