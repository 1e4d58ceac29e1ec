import type { KenesModule } from '../core/module.js'

/**
 * Every business module, in mount order. Add yours with one import and one entry.
 */
export const modules: KenesModule[] = []
