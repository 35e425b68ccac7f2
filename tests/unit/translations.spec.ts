import { test } from '@japa/runner'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

/** Folders that hold translation files, one subfolder per language. */
const LANGUAGE_ROOTS = [
  'resources/lang',
  ...['audit', 'reports', 'sandbox', 'webhooks', 'whatsapp'].map(
    (plugin) => `plugins/${plugin}/lang`
  ),
]

/** Lists the translation files under the roots that exist, as paths from the project root. */
async function translationFiles() {
  const files: string[] = []
  for (const root of LANGUAGE_ROOTS) {
    const languages = await readdir(root).catch(() => [] as string[])
    for (const language of languages) {
      const names = await readdir(join(root, language))
      files.push(
        ...names.filter((name) => name.endsWith('.json')).map((name) => join(root, language, name))
      )
    }
  }
  return files
}

/** Returns the keys a JSON text repeats inside one object, which JSON.parse would silently merge. */
function repeatedKeys(text: string) {
  const repeated: string[] = []
  const stack: Set<string>[] = []
  // Strings are matched whole, so braces inside a message are never read as objects.
  const tokens = text.matchAll(/"((?:[^"\\]|\\.)*)"(\s*:)?|[{}]/g)
  for (const token of tokens) {
    if (token[0] === '{') {
      stack.push(new Set())
    } else if (token[0] === '}') {
      stack.pop()
    } else if (token[2] !== undefined && stack.length > 0) {
      const keys = stack[stack.length - 1]
      if (keys.has(token[1])) repeated.push(token[1])
      keys.add(token[1])
    }
  }
  return repeated
}

test.group('Translation files', () => {
  test('repeat no key in one object', async ({ assert }) => {
    const files = await translationFiles()
    assert.isAbove(files.length, 20)
    for (const file of files) {
      assert.deepEqual(repeatedKeys(await readFile(file, 'utf8')), [], file)
    }
  })

  test('hold the same keys in each language', async ({ assert }) => {
    const flatten = (value: unknown, prefix = ''): string[] =>
      value !== null && typeof value === 'object'
        ? Object.entries(value).flatMap(([key, item]) => flatten(item, `${prefix}${key}.`))
        : [prefix.slice(0, -1)]
    const files = await translationFiles()
    for (const english of files.filter((file) => file.includes('/en/'))) {
      const portuguese = english.replace('/en/', '/pt-BR/')
      const keysOf = async (file: string) =>
        flatten(JSON.parse(await readFile(file, 'utf8'))).sort()
      assert.deepEqual(await keysOf(portuguese), await keysOf(english), portuguese)
    }
  })
})
