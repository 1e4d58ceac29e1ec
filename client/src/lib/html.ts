/**
 * A second line of defence for rich text (the server's sanitize-html is the first): only the
 * markup the news editor produces survives, links only to http(s)/mailto, no attributes else.
 */
const ALLOWED = new Set([
  'P',
  'BR',
  'STRONG',
  'B',
  'EM',
  'I',
  'U',
  'S',
  'H2',
  'H3',
  'H4',
  'UL',
  'OL',
  'LI',
  'A',
  'BLOCKQUOTE',
  'IMG',
  'FIGURE',
  'FIGCAPTION',
  'TABLE',
  'THEAD',
  'TBODY',
  'TR',
  'TH',
  'TD',
  'HR',
])
const DROP_WITH_CONTENT = new Set([
  'SCRIPT',
  'STYLE',
  'IFRAME',
  'OBJECT',
  'EMBED',
  'TEMPLATE',
  'NOSCRIPT',
  'SVG',
  'MATH',
])

function safeUrl(v: string | null, img = false): string | null {
  if (!v) return null
  const s = v.trim()
  if (img) return /^(https?:|\/)/i.test(s) ? s : null
  return /^(https?:|mailto:|\/|#)/i.test(s) ? s : null
}

function clean(node: Node, doc: Document): Node | null {
  if (node.nodeType === Node.TEXT_NODE) return doc.createTextNode(node.textContent ?? '')
  if (node.nodeType !== Node.ELEMENT_NODE) return null
  const el = node as Element
  const tag = el.tagName.toUpperCase()
  if (DROP_WITH_CONTENT.has(tag)) return null
  const kids = [...el.childNodes].map((c) => clean(c, doc)).filter((c): c is Node => c !== null)
  if (!ALLOWED.has(tag)) {
    // unknown wrapper (div, span, font…): keep its content, and keep DIVs as paragraphs
    const frag = doc.createDocumentFragment()
    if (tag === 'DIV') {
      const p = doc.createElement('p')
      kids.forEach((k) => p.appendChild(k))
      if (p.childNodes.length) frag.appendChild(p)
    } else kids.forEach((k) => frag.appendChild(k))
    return frag
  }
  const out = doc.createElement(tag === 'B' ? 'strong' : tag === 'I' ? 'em' : tag.toLowerCase())
  if (tag === 'A') {
    const href = safeUrl(el.getAttribute('href'))
    if (!href) {
      const frag = doc.createDocumentFragment()
      kids.forEach((k) => frag.appendChild(k))
      return frag
    }
    out.setAttribute('href', href)
    if (/^https?:/i.test(href)) out.setAttribute('rel', 'noopener noreferrer')
  }
  if (tag === 'IMG') {
    const src = safeUrl(el.getAttribute('src'), true)
    if (!src) return null
    out.setAttribute('src', src)
    out.setAttribute('alt', el.getAttribute('alt') ?? '')
  }
  kids.forEach((k) => out.appendChild(k))
  return out
}

export function sanitizeHtml(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html')
  const out = doc.createElement('div')
  for (const c of [...doc.body.childNodes]) {
    const n = clean(c, doc)
    if (n) out.appendChild(n)
  }
  return out.innerHTML
}

/** Plain text of some HTML (for the "is the body empty?" check). */
export function htmlText(html: string): string {
  return new DOMParser().parseFromString(html, 'text/html').body.textContent?.trim() ?? ''
}
