// size.mjs prints the size of the console's JavaScript in dist/, raw and
// gzipped (what a browser downloads): `npm run size` after `npm run build`.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

export function jsSize(dist) {
  const dir = join(dist, 'assets')
  let raw = 0
  let gzip = 0
  let files = 0
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.js')) continue
    const b = readFileSync(join(dir, f))
    raw += b.length
    gzip += gzipSync(b, { level: 9 }).length
    files++
  }
  return { raw, gzip, files }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const s = jsSize(resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist'))
  console.log(`console JavaScript: ${s.files} files, ${(s.raw / 1024).toFixed(0)} KiB raw, ${(s.gzip / 1024).toFixed(0)} KiB gzipped`)
}
