/**
 * CSV that spreadsheets open as intended: UTF-8 with a BOM (else Excel garbles Cyrillic), CRLF
 * rows, RFC 4180 quoting, and a formula-injection guard: a cell starting with = + - @ (or a
 * tab/CR) gets a leading apostrophe, so a spreadsheet shows it as text and never runs it.
 */
export function csvCell(value: unknown): string {
  let s = value == null ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n;]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s
}

/** A header row and data rows → the whole file's text. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const lines = [header, ...rows].map((r) => r.map(csvCell).join(','))
  return '\uFEFF' + lines.join('\r\n') + '\r\n'
}

/** The most rows one export writes (a larger export is narrowed with filters). */
export const CSV_MAX_ROWS = 10_000
