import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'chai'
import { fromAcceptLanguage, LOCALES_DIR, pick } from '../../../server/core/i18n.js'

function keys(obj: unknown, prefix = ''): string[] {
  if (obj === null || typeof obj !== 'object') return [prefix]
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
}

describe('i18n', () => {
  it('should pick the language from Accept-Language by q-value', () => {
    expect(fromAcceptLanguage('ru-RU,ru;q=0.9,en;q=0.8')).to.equal('ru')
    expect(fromAcceptLanguage('en;q=1, kk;q=0.5, ru;q=0.7')).to.equal('ru')
    expect(fromAcceptLanguage('kk-KZ')).to.equal('kk')
    expect(fromAcceptLanguage('en, de')).to.equal(undefined)
    expect(fromAcceptLanguage('ru;q=0')).to.equal(undefined)
    expect(fromAcceptLanguage(undefined)).to.equal(undefined)
  })

  it('should fall back to the other language only in pick()', () => {
    expect(pick({ kk: 'a', ru: 'b' }, 'ru')).to.equal('b')
    expect(pick({ ru: 'b' }, 'kk')).to.equal('b')
    expect(pick(undefined, 'kk')).to.equal('')
  })

  it('should have the same keys in kk and ru for every namespace', () => {
    const kk = fs
      .readdirSync(path.join(LOCALES_DIR, 'kk'))
      .filter((f) => f.endsWith('.json'))
      .sort()
    const ru = fs
      .readdirSync(path.join(LOCALES_DIR, 'ru'))
      .filter((f) => f.endsWith('.json'))
      .sort()
    expect(ru).to.deep.equal(kk)
    for (const file of kk) {
      const a = keys(JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, 'kk', file), 'utf8'))).sort()
      const b = keys(JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, 'ru', file), 'utf8'))).sort()
      expect(b, file).to.deep.equal(a)
    }
  })
})
