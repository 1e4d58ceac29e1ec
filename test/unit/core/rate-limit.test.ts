import os from 'node:os'
import { expect } from 'chai'
import mongoose from 'mongoose'
import { loadConfig, setActiveConfig } from '../../../server/core/config.js'
import { AppError } from '../../../server/core/errors.js'
import { createRateLimiter } from '../../../server/core/rate-limit.js'

describe('rate limiter (in memory, before any database)', () => {
  before(function () {
    if (mongoose.connection.readyState === 1) this.skip() // another file left a connection: not this test's subject
    setActiveConfig(loadConfig({ NODE_ENV: 'test', DATA_DIR: os.tmpdir(), SESSION_SECRET: 'unit' }))
  })

  it('should allow `points` per window, then throw 429 rate_limited with retryAfterSec', async () => {
    const limiter = createRateLimiter({ name: `unit-${Date.now()}`, points: 2, durationSec: 60 })
    await limiter.consume('k')
    await limiter.consume('k')
    const err = await limiter.consume('k').then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).to.be.instanceOf(AppError)
    expect(err).to.include({ status: 429, code: 'rate_limited' })
    expect((err as AppError).extra.retryAfterSec).to.be.within(1, 60)
    await limiter.consume('other')
  })

  it('should forget a key on reset and report usage with peek', async () => {
    const limiter = createRateLimiter({ name: `unit-reset-${Date.now()}`, points: 1, durationSec: 60 })
    expect(await limiter.peek('k')).to.equal(null)
    await limiter.consume('k')
    expect((await limiter.peek('k'))!.consumed).to.equal(1)
    await limiter.reset('k')
    await limiter.consume('k')
  })

  it('should block for blockSec once exhausted', async () => {
    const limiter = createRateLimiter({ name: `unit-block-${Date.now()}`, points: 1, durationSec: 1, blockSec: 120 })
    await limiter.consume('k')
    const err = (await limiter.consume('k').catch((e) => e)) as AppError
    expect(err.extra.retryAfterSec).to.be.greaterThan(60)
  })
})
