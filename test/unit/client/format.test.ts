import { expect } from 'chai'
import { formatBytes } from '../../../client/src/lib/format.js'

describe('client: sizes in Kazakh and Russian', () => {
  it('should write sizes with a decimal comma and Cyrillic units in both languages', () => {
    expect(formatBytes(78_000, 'kk')).to.equal('76,2\u00a0КБ')
    expect(formatBytes(78_000, 'ru')).to.equal('76,2\u00a0КБ')
    expect(formatBytes(10 * 1024 * 1024, 'kk')).to.equal('10\u00a0МБ')
    expect(formatBytes(512, 'ru')).to.equal('512\u00a0Б')
    expect(formatBytes(3.5 * 1024 ** 3, 'kk')).to.equal('3,5\u00a0ГБ')
  })
})
