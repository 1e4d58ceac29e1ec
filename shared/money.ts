/**
 * Money in the portal is an integer number of tiyn (1 ₸ = 100 tiyn). These helpers turn it into
 * text and back with integer arithmetic only; no zod here, so the web client can import them.
 */

/** "500 000 ₸" from tiyn (tiyn shown only when present: "1 234,50 ₸"); non-breaking spaces. */
export function formatTenge(tiyn: number): string {
  const whole = Math.trunc(tiyn / 100)
  const rest = Math.abs(tiyn % 100)
  const grouped = String(Math.abs(whole)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0')
  return `${tiyn < 0 ? '−' : ''}${grouped}${rest ? `,${String(rest).padStart(2, '0')}` : ''}\u00a0₸`
}

/** "500 000", "500000,5" or "1 234.50 ₸" typed in tenge → integer tiyn; null when it is not an amount. */
export function parseTenge(text: string): number | null {
  const m = /^\s*(\d{1,3}(?:[\s\u00a0]\d{3})+|\d{1,13})(?:[.,](\d{1,2}))?\s*(?:₸|тг|тенге|теңге)?\s*$/i.exec(text)
  if (!m) return null
  const whole = Number(m[1].replace(/[\s\u00a0]/g, ''))
  const frac = m[2] ? Number(m[2].padEnd(2, '0')) : 0
  const tiyn = whole * 100 + frac
  return Number.isSafeInteger(tiyn) ? tiyn : null
}
