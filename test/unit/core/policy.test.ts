import { expect } from 'chai'
import { RIGHTS, ROLES, type Right, type Role } from '../../../shared/permissions.js'
import { assertCan, can, type Actor } from '../../../server/core/policy.js'
import { AppError } from '../../../server/core/errors.js'

const COUNCIL_A = 'aaaaaaaaaaaaaaaaaaaaaaaa'
const COUNCIL_B = 'bbbbbbbbbbbbbbbbbbbbbbbb'
const actor = (roles: Role[], councilIds: string[] = [COUNCIL_A]): Actor => ({
  id: '0123456789abcdef01234567',
  email: 'x@test.kz',
  displayName: 'X',
  roles,
  councilIds,
  locale: 'kk',
  emailVerified: true,
})
type Rule = { global: readonly Role[]; council?: readonly Role[] }

describe('policy: can() over the whole rights table', () => {
  for (const right of Object.keys(RIGHTS) as Right[]) {
    const rule = RIGHTS[right] as Rule
    describe(right, () => {
      it('should deny a guest', () => {
        expect(can(null, right, { councilId: COUNCIL_A })).to.equal(false)
        expect(can(undefined, right)).to.equal(false)
        expect(() => assertCan(null, right))
          .to.throw(AppError)
          .with.property('status', 401)
      })
      for (const role of ROLES) {
        const global = rule.global.includes(role)
        const council = Boolean(rule.council?.includes(role))
        if (global) {
          it(`should allow ${role} everywhere`, () => {
            expect(can(actor([role]), right)).to.equal(true)
            expect(can(actor([role]), right, { councilId: COUNCIL_B })).to.equal(true)
            expect(can(actor([role], []), right, { councilId: COUNCIL_B })).to.equal(true)
          })
        } else if (council) {
          it(`should allow ${role} for its own council only`, () => {
            expect(can(actor([role]), right, { councilId: COUNCIL_A })).to.equal(true)
            expect(can(actor([role]), right, { councilIds: [COUNCIL_B, COUNCIL_A] })).to.equal(true)
            expect(can(actor([role]), right, { councilId: COUNCIL_B }), 'other council').to.equal(false)
            expect(can(actor([role]), right), 'no scope').to.equal(false)
            expect(can(actor([role], []), right, { councilId: COUNCIL_A }), 'no councils').to.equal(false)
            expect(() => assertCan(actor([role]), right, { councilId: COUNCIL_B }))
              .to.throw(AppError)
              .with.property('status', 403)
          })
        } else {
          it(`should deny ${role}`, () => {
            expect(can(actor([role]), right, { councilId: COUNCIL_A })).to.equal(false)
            expect(can(actor([role]), right)).to.equal(false)
            expect(() => assertCan(actor([role]), right, { councilId: COUNCIL_A }))
              .to.throw(AppError)
              .with.property('status', 403)
          })
        }
      }
    })
  }

  it('should grant by any one of several roles', () => {
    expect(can(actor(['citizen', 'admin']), 'user.manage')).to.equal(true)
    expect(can(actor(['citizen', 'council_member']), 'news.publish', { councilId: COUNCIL_A })).to.equal(true)
  })

  it('should compare council ids as strings (ObjectId or string)', () => {
    const oid = { toString: () => COUNCIL_A }
    expect(can(actor(['council_member']), 'news.publish', { councilId: oid })).to.equal(true)
  })

  it('should keep the table consistent: every role named exists', () => {
    for (const rule of Object.values(RIGHTS) as Rule[]) {
      for (const r of [...rule.global, ...(rule.council ?? [])]) expect(ROLES).to.include(r)
    }
  })
})
