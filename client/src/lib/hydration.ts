/**
 * True when this tab started by hydrating a server-rendered page (main.tsx sets it before
 * hydrateRoot): the providers' first render must match the server's HTML, so state the server
 * cannot know (localStorage) is read only after it (see PrefsProvider).
 */
let hydrating = false
export const isHydrating = (): boolean => hydrating
export function setHydrating(v: boolean): void {
  hydrating = v
}
