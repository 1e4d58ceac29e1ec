import { createElement, lazy, useState, type ComponentType } from 'react'

export interface LazyPage {
  (): ReturnType<typeof createElement>
  /** Loads the page's chunk; once it has loaded, the page renders without suspending. */
  preload(): Promise<unknown>
}

/**
 * A page in a chunk of its own: React's `lazy`, plus `preload()`. main.tsx preloads a
 * server-rendered page's chunk before hydrating, so the page hydrates in the same pass as the rest
 * (Preact keeps only the first element of a component that suspends while hydrating, and would
 * make the page's other elements again). A page first mounted through `lazy` stays on it (no
 * remount when the chunk arrives).
 */
export function lazyPage(load: () => Promise<{ default: ComponentType }>): LazyPage {
  let loaded: ComponentType | undefined
  let pending: Promise<{ default: ComponentType }> | undefined
  const preload = () =>
    (pending ??= load().then((m) => {
      loaded = m.default
      return m
    }))
  const Lazy = lazy(preload)
  function Page() {
    const [Component] = useState<ComponentType>(() => loaded ?? Lazy)
    return createElement(Component)
  }
  return Object.assign(Page, { preload })
}
