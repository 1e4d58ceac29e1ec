import { expect } from 'chai'
import {
  addMonthsKey,
  addWorkingDays,
  almatyDay,
  almatyYear,
  isWorkingDay,
  workingDaysBefore,
  workingDaysBetween,
  workingDeadline,
  workingDayOnOrBefore,
} from '../../../server/modules/appeals/calendar.js'

const off = (...days: string[]) =>
  days.forEach((d) => expect(isWorkingDay(d), `${d} should be a day off`).to.equal(false))
const on = (...days: string[]) =>
  days.forEach((d) => expect(isWorkingDay(d), `${d} should be a working day`).to.equal(true))

describe('appeals working-day calendar (Kazakhstan)', () => {
  it('keeps New Year 1–2 January and Orthodox Christmas, without moving Christmas off a Sunday', () => {
    off('2026-01-01', '2026-01-02', '2026-01-07')
    on('2026-01-05', '2026-01-06', '2026-01-08')
    off('2024-01-01', '2024-01-02')
    on('2024-01-08') // 7 Jan 2024 was a Sunday: religious days off do not move (Labour Code)
  })

  it('moves a New Year day that falls on Saturday to Monday (2027)', () => {
    off('2027-01-01', '2027-01-02', '2027-01-04')
    on('2027-01-05', '2027-01-06')
    off('2027-01-07')
  })

  it('applies the published transfers (2025: Sun 5 Jan worked, Fri 3 Jan off; 2024: Sat 4 May worked, Wed 8 May off)', () => {
    off('2025-01-03')
    on('2025-01-05')
    on('2024-05-04')
    off('2024-05-07', '2024-05-08', '2024-05-09')
  })

  it('gives Nauryz 21–23 March plus a day for every holiday on a weekend', () => {
    off('2026-03-21', '2026-03-22', '2026-03-23', '2026-03-24', '2026-03-25') // Sat–Wed
    on('2026-03-20', '2026-03-26')
    off('2025-03-21', '2025-03-24', '2025-03-25') // Fri holiday, Sat+Sun holidays → Mon, Tue
    on('2025-03-26')
    off('2024-03-21', '2024-03-22', '2024-03-25') // Sat 23 → Mon 25
    on('2024-03-26')
  })

  it('keeps only 16 December for Independence Day (17 December is a working day since 2022)', () => {
    off('2024-12-16', '2025-12-16', '2026-12-16', '2027-12-16')
    on('2024-12-17', '2025-12-17', '2026-12-17', '2027-12-17')
  })

  it('has the other holidays and art. 85 carries of 2026 as published on eGov', () => {
    off('2026-03-09', '2026-05-01', '2026-05-07', '2026-05-11', '2026-05-27', '2026-07-06', '2026-08-31', '2026-10-26')
    on('2026-05-08', '2026-05-12', '2026-05-28', '2026-09-01', '2026-10-27')
    off('2025-07-07', '2025-09-01', '2025-10-27', '2025-06-06')
    off('2024-06-17', '2024-07-08')
  })

  it('counts working days across the year boundary', () => {
    expect(addWorkingDays('2025-12-30', 1)).to.equal('2025-12-31')
    expect(addWorkingDays('2025-12-30', 2)).to.equal('2026-01-05')
    expect(addWorkingDays('2025-12-30', 4)).to.equal('2026-01-08') // skips Christmas
    expect(addWorkingDays('2026-12-30', 2)).to.equal('2027-01-05') // 1 Jan Fri, 2 Jan Sat → Mon 4 off
  })

  it('counts 15 working days over Nauryz and over 16 December', () => {
    expect(addWorkingDays('2026-03-16', 15)).to.equal('2026-04-09')
    expect(addWorkingDays('2026-12-15', 1)).to.equal('2026-12-17')
    expect(addWorkingDays('2024-12-13', 1)).to.equal('2024-12-17')
  })

  it('puts a deadline at the end of the working day in Almaty (UTC+5)', () => {
    expect(workingDeadline(new Date('2026-12-15T10:00:00Z'), 1).toISOString()).to.equal('2026-12-17T18:59:59.999Z')
    // 18:30 UTC on 14 Dec is still the 14th in Almaty; 19:30 UTC is already the 15th.
    expect(workingDeadline(new Date('2026-12-14T18:30:00Z'), 1).toISOString()).to.equal('2026-12-15T18:59:59.999Z')
    expect(workingDeadline(new Date('2026-12-14T19:30:00Z'), 1).toISOString()).to.equal('2026-12-17T18:59:59.999Z')
  })

  it('knows the Almaty day and year of an instant', () => {
    expect(almatyDay(new Date('2026-12-31T18:59:59Z'))).to.equal('2026-12-31')
    expect(almatyDay(new Date('2026-12-31T19:00:00Z'))).to.equal('2027-01-01')
    expect(almatyYear(new Date('2026-12-31T19:30:00Z'))).to.equal(2027)
  })

  it('computes reminders, spans, month limits and the last working day', () => {
    // 3 working days before Thu 9 Apr 2026 is Mon 6 Apr, 09:00 Almaty.
    expect(workingDaysBefore(new Date('2026-04-09T18:59:59.999Z'), 3).toISOString()).to.equal(
      '2026-04-06T04:00:00.000Z',
    )
    expect(workingDaysBetween(new Date('2026-03-20T05:00:00Z'), new Date('2026-03-27T05:00:00Z'))).to.equal(2)
    expect(addMonthsKey(new Date('2026-12-31T05:00:00Z'), 2)).to.equal('2027-02-28')
    expect(workingDayOnOrBefore('2026-03-25')).to.equal('2026-03-20')
  })
})
