// Reads the output of `node ace test` and prints one line of totals,
// "N passed, N failed" with ", N skipped" when some were. Exits non-zero when
// a test failed, the runner failed, or no test ran at all.
import { readFileSync } from 'node:fs'

const [file, runnerStatus] = process.argv.slice(2)
const output = readFileSync(file, 'utf8').replace(/\u001b\[[0-9;]*m/g, '')

function count(kind) {
  let total = 0
  for (const line of output.split('\n')) {
    if (!/^\s*Tests\s/.test(line)) {
      continue
    }
    const match = line.match(new RegExp(`(\\d+) ${kind}`))
    if (match) {
      total += Number(match[1])
    }
  }
  return total
}

const passed = count('passed')
const failed = count('failed')
const skipped = count('skipped')
const todo = count('todo')
const status = Number(runnerStatus)

console.log(`${passed} passed, ${failed} failed${skipped + todo ? `, ${skipped + todo} skipped` : ''}`)

if (passed + failed === 0) {
  console.error('no test ran')
  process.exit(1)
}
process.exit(failed > 0 || status !== 0 ? 1 : 0)
