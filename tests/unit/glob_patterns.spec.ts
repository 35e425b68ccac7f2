import { test } from '@japa/runner'
import Database from 'better-sqlite3'
import { containingGlob } from '#services/database/glob_patterns'

/** Tells whether SQLite's GLOB finds `term` in `text` through `containingGlob`. */
function matches(text: string, term: string) {
  const database = new Database(':memory:')
  try {
    const row = database.prepare('select ? glob ? as found').get(text, containingGlob(term)) as {
      found: number
    }
    return row.found === 1
  } finally {
    database.close()
  }
}

test.group('Contains GLOB pattern', () => {
  const cases: [text: string, term: string, found: boolean][] = [
    ['Zuleica Ávila', 'avila', true],
    ['Zuleica Ávila', 'ÁVILA', true],
    ['JOÃO PEÇANHA', 'joao pecanha', true],
    ['Muñoz', 'MUNOZ', true],
    ['Érica', 'erika', false],
    ['Academia 100% Fit', '100%', true],
    ['Loja * Centro', '*', true],
    ['Loja Centro', '*', false],
    ['Loja Centro', '?', false],
    ['Loja [Centro]', '[centro]', true],
  ]
  for (const [text, term, found] of cases) {
    test(`${found ? 'finds' : 'misses'} "${term}" in "${text}"`, ({ assert }) => {
      assert.equal(matches(text, term), found)
    })
  }
})
