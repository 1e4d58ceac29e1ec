import { expect } from 'chai'
import {
  indexTokens,
  kazakhStems,
  matchesQuery,
  normalize,
  queryGroups,
  queryTokens,
  relevance,
  russianStem,
  searchFilter,
} from '../../../server/core/search.js'

describe('core/search', () => {
  describe('normalize', () => {
    it('lowercases, folds ё to е, composes to NFC and strips punctuation', () => {
      expect(normalize('«Ёлка», ЁЖИК!')).to.equal('елка ежик')
      // "й" written as и + combining breve becomes the composed letter
      expect(normalize('и\u0306')).to.equal('й')
      expect(normalize('Қоғамдық—кеңес...')).to.equal('қоғамдық кеңес')
    })
    it('keeps the Kazakh letters ә ғ қ ң ө ұ ү һ і', () => {
      expect(normalize('ӘҒҚҢӨҰҮҺІ')).to.equal('әғқңөұүһі')
    })
  })

  describe('Russian stemming', () => {
    it('reduces совет, совета, советов, советам to one stem', () => {
      const stems = ['совет', 'совета', 'советов', 'советам', 'советы'].map(russianStem)
      expect(new Set(stems).size).to.equal(1)
    })
    it('leaves words with Kazakh-only letters alone', () => {
      expect(russianStem('кеңестің')).to.equal('кеңестің')
    })
  })

  describe('Kazakh suffix stripping', () => {
    it('reaches кеңес from its inflected forms', () => {
      for (const w of [
        'кеңестің',
        'кеңестер',
        'кеңестерге',
        'кеңесі',
        'кеңесіне',
        'кеңестерінің',
        'кеңестен',
        'кеңесте',
        'кеңеспен',
      ])
        expect(kazakhStems(w), w).to.include('кеңес')
    })
    it('reaches the dictionary form of a stem whose final к/қ voiced before the ending', () => {
      expect(kazakhStems('министрлігінің')).to.include('министрлік')
      expect(kazakhStems('денсаулығы')).to.include('денсаулық')
      expect(kazakhStems('денсаулығын')).to.include('денсаулық')
      expect(kazakhStems('кітабы')).to.include('кітап')
    })
    it('reaches Алматы and Астана from their case forms', () => {
      expect(kazakhStems('алматының')).to.include('алматы')
      expect(kazakhStems('алматыда')).to.include('алматы')
      expect(kazakhStems('астанаға')).to.include('астана')
      expect(kazakhStems('астанадағы')).to.include('астана')
    })
    it('follows sound agreement: -та is not stripped after a vowel, -сы only after a vowel', () => {
      expect(kazakhStems('совета')).to.not.include('сове')
      expect(kazakhStems('қаласы')).to.include('қала')
      expect(kazakhStems('облысы')).to.include('облыс')
    })
    it('never shortens below three letters', () => {
      expect(kazakhStems('елге')).to.deep.equal([])
      for (const s of kazakhStems('кеңестерінің')) expect([...s].length).to.be.at.least(3)
    })
  })

  describe('matching', () => {
    const cases: [string, string][] = [
      ['кеңес', 'Кеңестің отырысы өтті'],
      ['кеңес', 'Қоғамдық кеңестер'],
      ['кеңестер', 'Кеңестерге хат'],
      ['кеңестің', 'Облыстың қоғамдық кеңесі'],
      ['совет', 'Заседание общественного совета'],
      ['совет', 'Работа советов'],
      ['советам', 'совета по делам молодежи'],
      ['Алматы', 'Алматының қоғамдық кеңесі'],
      ['Алматының', 'г. Алматы'],
      ['ёлка', 'Новогодняя елка'],
      ['елка', 'ЁЛКА'],
    ]
    for (const [q, text] of cases) {
      it(`"${q}" finds "${text}"`, () => expect(matchesQuery(text, q)).to.equal(true))
    }
    it('needs every query word (AND), in either language', () => {
      const doc = { kk: 'Алматы қаласының қоғамдық кеңесі', ru: 'Общественный совет города Алматы' }
      expect(matchesQuery(doc, 'совет алматы')).to.equal(true)
      expect(matchesQuery(doc, 'кеңес Алматы')).to.equal(true)
      expect(matchesQuery(doc, 'совет Шымкент')).to.equal(false)
      expect(matchesQuery('Совет ветеранов', 'кеңес')).to.equal(false)
    })
  })

  describe('filters and ranking', () => {
    it('builds an AND of $in groups and ignores stopwords and punctuation-only queries', () => {
      const f = searchFilter('совет и кеңес') as { $and: Record<string, { $in: string[] }>[] }
      expect(f.$and).to.have.length(2)
      expect(f.$and[0].searchTokens.$in).to.include('совет')
      expect(searchFilter('!!! и')).to.equal(null)
      expect(searchFilter(undefined)).to.equal(null)
    })
    it('ranks the exact word above a shared stem', () => {
      const exact = indexTokens('Работа советов')
      const stemOnly = indexTokens('Работа совета')
      expect(relevance(exact, 'советов')).to.be.greaterThan(relevance(stemOnly, 'советов'))
      expect(relevance(stemOnly, 'советов')).to.be.greaterThan(0)
      expect(relevance(indexTokens('Другое'), 'советов')).to.equal(0)
    })
    it('indexes both languages of a localized text and deduplicates', () => {
      const t = indexTokens({ kk: 'кеңес кеңес', ru: 'совет' })
      expect(t).to.include('кеңес').and.to.include('совет')
      expect(new Set(t).size).to.equal(t.length)
      expect(queryTokens('Совета')).to.include('совет')
      expect(queryGroups('a b совет')).to.have.length(1)
    })
  })
})
