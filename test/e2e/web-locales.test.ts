import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'chai'
import { ROOT } from './browser.js'

type Tree = { [k: string]: string | Tree }
const load = (lng: string): Tree =>
  JSON.parse(fs.readFileSync(path.join(ROOT, 'shared', 'locales', lng, 'web.json'), 'utf8'))
function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`),
  )
}
function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? sources(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : [],
    )
}

/** The client's own strings (shared/locales/{kk,ru}/web.json): both languages, every key the code uses. */
describe('web client: locale files', () => {
  const kk = load('kk')
  const ru = load('ru')

  it('has the same keys in Kazakh and Russian, none empty', () => {
    expect(keys(kk).sort()).to.deep.equal(keys(ru).sort())
    const get = (tree: Tree, key: string) => key.split('.').reduce<string | Tree>((t, k) => (t as Tree)[k], tree)
    for (const k of keys(kk)) {
      expect((get(kk, k) as string).trim(), `kk ${k}`).to.not.equal('')
      expect((get(ru, k) as string).trim(), `ru ${k}`).to.not.equal('')
    }
  })

  it("defines every key the client code asks for with a literal t('…')", () => {
    const defined = new Set(keys(kk))
    const missing: string[] = []
    for (const file of sources(path.join(ROOT, 'client', 'src'))) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bt\(['`]([a-zA-Z0-9_.:]+)(\$\{)?/g)) {
        if (m[2] || m[1].includes(':')) continue // another namespace, or a computed key (`status.${x}`): checked by the pages' tests
        if (!defined.has(m[1])) missing.push(`${path.relative(ROOT, file)}: ${m[1]}`)
      }
    }
    expect(missing).to.deep.equal([])
  })

  it('is written in Kazakh where it says Kazakh (letters ә ғ қ ң ө ұ ү һ і appear throughout)', () => {
    const texts = keys(kk).map((k) => k.split('.').reduce<string | Tree>((t, p) => (t as Tree)[p], kk) as string)
    const kazakh = texts.filter((s) => /[әғқңөұүһі]/i.test(s))
    expect(kazakh.length / texts.length).to.be.above(0.5)
    expect(
      texts.filter((s) =>
        /[a-z]{4,}/i.test(
          s
            .replace(/\{\{\w+\}\}/g, '')
            .replace(/(PDF|JPEG|PNG|WebP|MP4|MOV|WebM|CSV|JSON|RSS|API|Enter|Shift|Ctrl|Esc|https)/g, ''),
        ),
      ),
    ).to.deep.equal([])
  })
})
