import { createRequire } from 'node:module'
import path from 'node:path'
import PDFDocument from 'pdfkit'
import sharp from 'sharp'
import type { Lang } from '../../../shared/schemas/common.js'

/**
 * The compendium as a PDF, laid out with pdfkit (see README: why not Chromium printing). DejaVu Sans
 * (from the `dejavu-fonts-ttf` package, so no system font is needed) covers the Kazakh letters
 * ә ғ қ ң ө ұ ү һ і; pdfkit embeds a subset with a ToUnicode map, so the text is searchable and
 * extractable. Pages are buffered: the table of contents is reserved up front and filled with the
 * page numbers once every section has been laid out.
 */
const require = createRequire(import.meta.url)
const FONT_DIR = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf')
const FONT = path.join(FONT_DIR, 'DejaVuSans.ttf')
const FONT_BOLD = path.join(FONT_DIR, 'DejaVuSans-Bold.ttf')

export interface CompendiumPractice {
  title: string
  council: string
  summary: string
  /** Absolute paths of the stored pictures. */
  images: string[]
}
export interface CompendiumSection {
  heading: string
  practices: CompendiumPractice[]
}
export interface CompendiumTexts {
  title: string
  subtitle: string
  generated: string
  contents: string
  empty: string
  page: string
}

const MARGIN = 56
const TOC_LINE = 18

async function jpeg(file: string): Promise<Buffer | null> {
  try {
    return await sharp(file).resize({ width: 900, height: 900, fit: 'inside' }).jpeg({ quality: 80 }).toBuffer()
  } catch {
    return null // a missing or broken picture leaves a gap, never a failed compendium
  }
}

/** Shortens a line to fit `width` at the current font and size. */
function fit(doc: PDFKit.PDFDocument, s: string, width: number): string {
  if (doc.widthOfString(s) <= width) return s
  let out = s
  while (out.length > 1 && doc.widthOfString(`${out}…`) > width) out = out.slice(0, -1)
  return `${out}…`
}

export async function renderCompendium(
  sections: CompendiumSection[],
  texts: CompendiumTexts,
  lng: Lang,
  onProgress: (done: number, total: number) => Promise<void> | void = () => {},
): Promise<{ pdf: Buffer; pages: number }> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    lang: lng,
    info: { Title: texts.title },
  })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve)
    doc.on('error', reject)
  })
  doc.registerFont('body', FONT)
  doc.registerFont('bold', FONT_BOLD)
  const width = doc.page.width - 2 * MARGIN
  const bottom = () => doc.page.height - MARGIN - 20

  // Cover.
  doc.font('bold').fontSize(26).text(texts.title, MARGIN, 220, { width, align: 'center' })
  doc.moveDown(1).font('body').fontSize(14).text(texts.subtitle, { width, align: 'center' })
  doc.moveDown(2).fontSize(10).fillColor('#555555').text(texts.generated, { width, align: 'center' }).fillColor('black')

  // Table of contents: reserved now, written at the end.
  const entries = sections.length + sections.reduce((n, s) => n + s.practices.length, 0)
  const perPage = Math.floor((doc.page.height - 2 * MARGIN - 60) / TOC_LINE)
  const tocPages = Math.max(1, Math.ceil(entries / perPage))
  const tocStart = doc.bufferedPageRange().count
  for (let i = 0; i < tocPages; i++) doc.addPage()

  const total = sections.reduce((n, s) => n + s.practices.length, 0)
  let done = 0
  const toc: { text: string; page: number; level: 0 | 1 }[] = []
  const pageNo = () => doc.bufferedPageRange().start + doc.bufferedPageRange().count
  for (const section of sections) {
    doc.addPage()
    toc.push({ text: section.heading, page: pageNo(), level: 0 })
    doc.font('bold').fontSize(20).text(section.heading, { width })
    doc.moveDown(0.8)
    if (!section.practices.length)
      doc.font('body').fontSize(11).fillColor('#555555').text(texts.empty).fillColor('black')
    for (const p of section.practices) {
      if (doc.y > bottom() - 120) doc.addPage()
      toc.push({ text: p.title, page: pageNo(), level: 1 })
      doc.font('bold').fontSize(14).text(p.title, { width })
      doc.font('body').fontSize(10).fillColor('#444444').text(p.council, { width }).fillColor('black')
      doc.moveDown(0.4).fontSize(11).text(p.summary, { width, align: 'left' })
      doc.moveDown(0.6)
      const pics = (await Promise.all(p.images.map(jpeg))).filter((b): b is Buffer => Boolean(b))
      const w = (width - 12) / 2
      const h = 150
      for (let i = 0; i < pics.length; i += 2) {
        if (doc.y + h > bottom()) doc.addPage()
        const y = doc.y
        doc.image(pics[i], MARGIN, y, { fit: [w, h], align: 'center', valign: 'center' })
        if (pics[i + 1]) doc.image(pics[i + 1], MARGIN + w + 12, y, { fit: [w, h], align: 'center', valign: 'center' })
        doc.x = MARGIN
        doc.y = y + h + 8
      }
      doc.moveDown(1)
      await onProgress(++done, total)
    }
  }

  // Fill the table of contents.
  for (let i = 0; i < toc.length; i++) {
    const k = Math.floor(i / perPage)
    if (i % perPage === 0) {
      doc.switchToPage(tocStart + k)
      doc.font('bold').fontSize(18).text(texts.contents, MARGIN, MARGIN, { width })
    }
    const e = toc[i]
    const y = MARGIN + 40 + (i % perPage) * TOC_LINE
    const indent = e.level ? 16 : 0
    doc.font(e.level ? 'body' : 'bold').fontSize(e.level ? 10 : 11)
    const num = String(e.page)
    const numW = doc.widthOfString(num)
    doc.text(fit(doc, e.text, width - indent - numW - 24), MARGIN + indent, y, { lineBreak: false })
    doc.text(num, MARGIN + width - numW, y, { lineBreak: false })
  }

  // Page numbers (not on the cover).
  const range = doc.bufferedPageRange()
  for (let i = range.start + 1; i < range.start + range.count; i++) {
    doc.switchToPage(i)
    doc.page.margins.bottom = 0 // the footer sits in the margin: no automatic new page
    const label = `${texts.page} ${i + 1}`
    doc.font('body').fontSize(9)
    doc.text(label, MARGIN, doc.page.height - MARGIN + 10, { width, align: 'center', lineBreak: false })
  }
  const pages = range.count
  doc.end()
  await ended
  return { pdf: Buffer.concat(chunks), pages }
}
