/**
 * First contentful paint of the home page and a council's page on a slow line, in Debian's
 * Chromium (playwright-core, /usr/bin/chromium) with DevTools throttling: 1.6 Mbps down, 750 kbps
 * up, 150 ms round trip, CPU 4x slower. Each page is measured server-rendered (a guest) and, in the
 * same run, as the browser-rendered shell (what a request with a session cookie gets), each time
 * in a fresh browser profile (nothing cached), after one unmeasured visit that warms the server.
 * Prints medians; no target is enforced.
 *
 *   npx tsx scripts/bench/first-paint.ts          # BENCH_RUNS=5 for more runs (default 3)
 */
import type { Browser } from 'playwright-core'
import { ensureClientBuilt, launch } from '../../test/e2e/browser.js'
import { createCouncil } from '../../test/e2e/data.js'
import { startTestServer } from '../../test/helpers/server.js'
import { loginAs } from '../../test/helpers/users.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const PROFILE = { latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8, cpu: 4 }

interface Sample {
  fcp: number
  bytes: number
}

async function measure(browser: Browser, url: string, shell: boolean): Promise<Sample> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'kk-KZ' })
  // Any session cookie makes the server send the shell (a signed-in person's page is not rendered there).
  if (shell) await ctx.addCookies([{ name: 'kenes.sid', value: 'bench', url }])
  const page = await ctx.newPage()
  const cdp = await ctx.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: PROFILE.latency,
    downloadThroughput: PROFILE.downloadThroughput,
    uploadThroughput: PROFILE.uploadThroughput,
  })
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: PROFILE.cpu })
  let bytes = 0
  cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => {
    bytes += e.encodedDataLength
  })
  await page.goto(url, { waitUntil: 'load', timeout: 120_000 })
  await page.waitForFunction(() => document.querySelector('main h1'), undefined, { timeout: 60_000 })
  await page.waitForLoadState('networkidle')
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN)
  await ctx.close()
  return { fcp, bytes }
}

/** Median of the runs that reported a paint (a run without a first-contentful-paint entry is shown as NaN). */
const median = (xs: number[]) => {
  const ok = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  return ok.length ? ok[Math.floor(ok.length / 2)] : NaN
}

async function main() {
  ensureClientBuilt()
  const t = await startTestServer({ LOG_LEVEL: 'silent' })
  let browser: Browser | undefined
  try {
    const admin = await loginAs(t, { roles: ['admin'] })
    const council = await createCouncil(admin, {
      kk: 'Астана қаласының қоғамдық кеңесі',
      ru: 'Общественный совет города Астаны',
    })
    const member = await loginAs(t, { roles: ['council_member'], councilIds: [council.id] })
    for (let i = 1; i <= 6; i++)
      await member.post(`/api/v1/councils/${council.id}/news`, {
        title: { kk: `Кеңестің ${i}-отырысы өтті`, ru: `Состоялось ${i}-е заседание совета` },
        summary: { kk: 'Қалалық көлік мәселелері талқыланды.', ru: 'Обсуждены вопросы городского транспорта.' },
        body: { kk: '<p>Отырыста көлік талқыланды.</p>', ru: '<p>На заседании обсудили транспорт.</p>' },
        status: 'published',
      })
    browser = await launch()
    console.log(
      `profile: ${((PROFILE.downloadThroughput * 8) / 1e6).toFixed(1)} Mbps down, ${(PROFILE.uploadThroughput * 8) / 1e3} kbps up, ` +
        `${PROFILE.latency} ms RTT, CPU x${PROFILE.cpu}; ${RUNS} runs each, medians, fresh profile per run`,
    )
    for (const [name, path] of [
      ['home', '/'],
      ['council', `/councils/${council.slug}`],
    ] as const) {
      // One unmeasured visit first: the server's first render of the page and its code being loaded
      // are start-up costs, not what a visitor meets.
      await measure(browser, `${t.url}${path}`, false)
      for (const shell of [false, true]) {
        const samples: Sample[] = []
        for (let i = 0; i < RUNS; i++) samples.push(await measure(browser, `${t.url}${path}`, shell))
        const mode = shell ? 'spa_shell' : 'ssr'
        console.log(
          `first_paint.${name}.${mode}_fcp_ms: ${median(samples.map((s) => s.fcp)).toFixed(0)} ` +
            `(runs: ${samples.map((s) => s.fcp.toFixed(0)).join(', ')}; ` +
            `${(median(samples.map((s) => s.bytes)) / 1024).toFixed(0)} KB transferred)`,
        )
      }
    }
  } finally {
    await browser?.close()
    await t.close()
  }
}

await main()
