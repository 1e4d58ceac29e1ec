import { AppError } from './errors.js'

/**
 * A small explicit state machine: the allowed transitions of one kind of object, in one table.
 * A refused transition is 409 `<ns>.invalid_transition` with `{ from, to }` (localized by the
 * domain's namespace), so the rule lives in one place and a test can walk every pair.
 */
export interface StateMachine<S extends string> {
  readonly states: readonly S[]
  readonly table: Readonly<Record<S, readonly S[]>>
  can(from: S, to: S): boolean
  assert(from: S, to: S): void
}

export function stateMachine<S extends string>(ns: string, table: Record<S, readonly S[]>): StateMachine<S> {
  const states = Object.keys(table) as S[]
  return {
    states,
    table,
    can: (from, to) => (table[from] ?? []).includes(to),
    assert(from, to) {
      if (!(table[from] ?? []).includes(to)) throw new AppError(409, `${ns}.invalid_transition`, { from, to })
    },
  }
}
