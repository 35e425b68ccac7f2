import { test } from '@japa/runner'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { TYPE, parse, type MessageFormatElement } from '@formatjs/icu-messageformat-parser'

/** Folders that hold translation files, one subfolder per language: the core's and every plugin's. */
async function languageRoots() {
  const plugins = await readdir('plugins')
  return ['resources/lang', ...plugins.map((plugin) => `plugins/${plugin}/lang`)]
}

/** Lists the translation files under the roots that exist, as paths from the project root. */
async function translationFiles() {
  const files: string[] = []
  for (const root of await languageRoots()) {
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

/** Returns the messages of a translation file, flattened, by key. */
function messagesOf(value: unknown, prefix = ''): [string, string][] {
  if (typeof value === 'string') return [[prefix.slice(0, -1), value]]
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([key, item]) => messagesOf(item, `${prefix}${key}.`))
}

/** Returns the option sets of every plural in a parsed message, nested ones included. */
function pluralOptions(elements: MessageFormatElement[]): string[][] {
  return elements.flatMap((element) => {
    if (element.type === TYPE.plural) {
      const nested = Object.values(element.options).flatMap((option) => pluralOptions(option.value))
      return [Object.keys(element.options), ...nested]
    }
    if (element.type === TYPE.select || element.type === TYPE.tag) {
      const children =
        element.type === TYPE.tag
          ? element.children
          : Object.values(element.options).flatMap((option) => option.value)
      return pluralOptions(children)
    }
    return []
  })
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

  test('count zero in the plural in Portuguese', async ({ assert }) => {
    // Brazilian Portuguese puts 0 in the "one" category ("0 linha"), so every plural with a
    // singular form spells zero out with the plural words ("0 linhas").
    const allFiles = await translationFiles()
    const files = allFiles.filter((file) => file.includes('/pt-BR/'))
    assert.isAbove(files.length, 10)
    let plurals = 0
    for (const file of files) {
      for (const [key, message] of messagesOf(JSON.parse(await readFile(file, 'utf8')))) {
        for (const options of pluralOptions(parse(message))) {
          plurals += 1
          if (options.includes('one')) {
            assert.include(options, '=0', `${file}: ${key}`)
          }
        }
      }
    }
    assert.isAbove(plurals, 40)
  })

  test('contain no invisible characters', async ({ assert }) => {
    // A soft hyphen or a zero-width space shows as nothing, so an example such as a
    // garbled accent would read wrong on the page.
    const invisible = /[\u00AD\u200B-\u200F\u2060\uFEFF]/u
    for (const file of await translationFiles()) {
      for (const [key, message] of messagesOf(JSON.parse(await readFile(file, 'utf8')))) {
        assert.notMatch(message, invisible, `${file}: ${key}`)
      }
    }
  })
})
