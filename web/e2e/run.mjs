// The console's end-to-end test: drives Debian's Chromium (playwright-core,
// which downloads no browser) against a running `weir serve`.
//
//   node e2e/run.mjs --url http://127.0.0.1:8080 --token TOKEN [--out DIR] [--only NAME,NAME]
//
// Every page of steps.mjs is opened and must load with no console error; each
// is screenshot into --out (default e2e/artifacts). Then the flows of steps.mjs
// run. It prints one line per check, the Hub's render time, the gzipped size of
// the JavaScript in dist/, and "N passed, M failed"; it exits 1 on a failure.
// cmd/weir/console_e2e_test.go runs it against simulated data.

import { mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { flows, pages } from './steps.mjs'
import { jsSize } from '../scripts/size.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
)
if (!args.url || !args.token) {
  console.error('usage: node e2e/run.mjs --url URL --token TOKEN [--out DIR] [--only NAME,...]')
  process.exit(2)
}
const base = args.url.replace(/\/$/, '')
const out = resolve(args.out ?? join(here, 'artifacts'))
const only = args.only ? new Set(args.only.split(',')) : null
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium'
mkdirSync(out, { recursive: true })

const browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox', '--disable-gpu'] })
let passed = 0
let failed = 0
const figures = []

// session opens a page, signed in unless signedIn is false, that records
// console errors and failed requests.
async function session({ signedIn = true } = {}) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
  if (signedIn) await context.addInitScript((t) => sessionStorage.setItem('weir.token', t), args.token)
  const page = await context.newPage()
  const errors = []
  page.on('console', (m) => m.type() === 'error' && errors.push('console: ' + m.text()))
  page.on('pageerror', (e) => errors.push('page error: ' + e.message))
  page.on('response', (r) => r.status() >= 500 && errors.push(`HTTP ${r.status()} ${r.url()}`))
  page.setDefaultTimeout(15000)
  return { context, page, errors }
}

// The helpers a step gets.
const tools = {
  base,
  token: args.token,
  out,
  session,
  shot: (page, name) => page.screenshot({ path: join(out, name + '.png'), fullPage: true }),
  figure: (line) => {
    figures.push(line)
    console.log(line)
  },
  expect(cond, msg) {
    if (!cond) throw new Error(msg)
  },
}

async function check(name, fn) {
  const t0 = Date.now()
  try {
    await fn()
    passed++
    console.log(`ok   ${name} (${Date.now() - t0} ms)`)
  } catch (e) {
    failed++
    console.log(`FAIL ${name}: ${e.message.split('\n').slice(0, 6).join('\n     ')}`)
  }
}

for (const p of pages) {
  if (only && !only.has(p.name)) continue
  await check(`page ${p.name} (${p.path}) loads with no console error`, async () => {
    const { context, page, errors } = await session()
    try {
      await page.goto(base + p.path)
      await p.ready(page, tools)
      await tools.shot(page, p.name)
      tools.expect(errors.length === 0, errors.join('\n'))
    } finally {
      await context.close()
    }
  })
}
for (const f of flows) {
  if (only && !only.has(f.name)) continue
  await check(f.title ?? f.name, () => f.run(tools))
}
await browser.close()

try {
  const s = jsSize(resolve(here, '..', 'dist'))
  tools.figure(`figure: console JavaScript ${s.files} files, ${(s.raw / 1024).toFixed(0)} KiB raw, ${(s.gzip / 1024).toFixed(0)} KiB gzipped (target < 1024 KiB)`)
  if (s.gzip >= 1024 * 1024) {
    failed++
    console.log('FAIL the gzipped JavaScript is 1 MiB or more')
  }
} catch (e) {
  console.log('size: ' + e.message)
}
console.log(`screenshots in ${out}`)
console.log(`e2e: ${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
