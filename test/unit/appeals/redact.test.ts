import { expect } from 'chai'
import { redact } from '../../../server/modules/appeals/appeals.view.js'

describe('appeals: redaction of the public Q&A', () => {
  it("should remove e-mails, phone numbers and the author's name, keeping the rest", () => {
    const text =
      'Айгүл Серікқызы: жазыңыз aigul.s+kenes@mail.kz немесе +7 (701) 123-45-67, 87011234567. Серікқызы рахмет!'
    expect(redact(text, 'Айгүл Серікқызы')).to.equal('[…]: жазыңыз […] немесе […], […]. […] рахмет!')
    expect(redact('Пишите на ivan_petrov@почта.рф', 'Иван')).to.equal('Пишите на […]')
    expect(redact('a@b.c и 123-45', 'Ли')).to.equal('a@b.c и 123-45')
  })

  // Every GET /appeals/public redacts up to 100 appeals of up to 10,000 characters: a pattern
  // that backtracks quadratically on a long run of letters (no "@") would hold the event loop
  // for seconds per request. 100 such texts must take a small fraction of the default timeout.
  it('should stay linear on long runs that only look like the start of an address', function () {
    this.timeout(3000)
    const worst = ['а'.repeat(10_000), 'a'.repeat(10_000), `x@${'y'.repeat(9_998)}`, '_.'.repeat(5_000)]
    for (let i = 0; i < 25; i++) for (const text of worst) expect(redact(text, 'Ерлан').length).to.equal(text.length)
  })
})
