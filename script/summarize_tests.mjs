// Reads the output of `node ace test` and prints one line of totals,
// "N passed, N failed" with ", N skipped" when some were. Exits non-zero when
// a test failed, the runner failed, or no test ran at all.
import { readFileSync } from 'node:fs'

const [file, runnerStatus] = process.argv.slice(2)
const output = readFileSync(file, 'utf8').replace(/\u001b\[[0-9;]*m/g, '')

// Japa ends its report with one totals line, such as "Tests  2 failed, 6 passed (8)".
// The last such line counts: output of child processes can contain earlier ones.
const totalsLine =
  output
    .split('\n')
    .filter((line) => /^\s*Tests\s+\d+ /.test(line))
    .at(-1) ?? ''

function count(kind) {
  const match = totalsLine.match(new RegExp(`(\\d+) ${kind}`))
  return match ? Number(match[1]) : 0
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
