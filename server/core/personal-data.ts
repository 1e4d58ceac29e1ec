import type { KenesModule } from './module.js'

/**
 * A person's data across modules, for "download my data" and "delete my account" (the Law of the
 * Republic of Kazakhstan "On personal data and their protection": a person may see what is kept
 * about them and withdraw consent). Each module answers for its own records through its front
 * door (`KenesModule.personalData`); core knows no domain.
 */
export interface PersonalDataHandler {
  /** This module's records of the person, as plain JSON, for the person themselves. */
  export?(userId: string): Promise<Record<string, unknown>>
  /**
   * Removes what identifies the person from this module's records (names, addresses) and ends
   * what they had pending; the records themselves stay where they are part of a council's work.
   * Must be safe to run again (a job retries it after a crash).
   */
  erase?(userId: string): Promise<void>
}

/** The name kept where an erased account's name was (language-neutral; pages show a label). */
export { ERASED_NAME } from '../../shared/domain.js'
const ERASED_DOMAIN = 'erased.invalid'
/** The address an erased account's records keep: unique, and `.invalid` never delivers (RFC 2606). */
export const erasedAddress = (userId: string) => `erased-${userId}@${ERASED_DOMAIN}`
export const isErasedAddress = (to: string) => to.toLowerCase().endsWith(`@${ERASED_DOMAIN}`)

let handlers: { name: string; handler: PersonalDataHandler }[] = []

/** Called by startServer with the running modules. */
export function usePersonalDataOf(modules: readonly KenesModule[]): void {
  handlers = modules.flatMap((m) => (m.personalData ? [{ name: m.name, handler: m.personalData }] : []))
}

/** Every module's records of the person, by module name. */
export async function exportPersonalData(userId: string): Promise<Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, unknown>> = {}
  for (const { name, handler } of handlers) if (handler.export) out[name] = await handler.export(userId)
  return out
}

/** Runs every module's erasure, in module order; a failure throws (the job retries all: each is idempotent). */
export async function erasePersonalData(userId: string): Promise<void> {
  for (const { handler } of handlers) await handler.erase?.(userId)
}
