import { readFile } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import iconv from 'iconv-lite'
import { parse } from 'csv-parse/sync'
import {
  CsvRecordReader,
  MAX_RECORD_CHARS,
  MAX_RECORD_LINES,
  readCsvRecords,
  readCsvText,
  type CsvItem,
} from '#services/imports/csv_records'

/** Pushes the text in chunks of `size` characters, as a stream delivers it. */
function readInChunks(text: string, delimiter: string, size: number) {
  const reader = new CsvRecordReader(delimiter)
  const items: CsvItem[] = []
  for (let index = 0; index < text.length; index += size) {
    items.push(...reader.push(text.slice(index, index + size)))
  }
  return [...items, ...reader.end()]
}

function lines(items: CsvItem[]) {
  return items.map((item) => item.line)
}

const FIXTURES = [
  { file: 'basic.csv', encoding: 'utf-8', delimiter: ',' },
  { file: 'excel-ptbr.csv', encoding: 'windows-1252', delimiter: ';' },
  { file: 'google-contacts.csv', encoding: 'utf-8', delimiter: ',' },
]

test.group('CSV records', () => {
  test('cells match csv-parse in {file}')
    .with(FIXTURES)
    .run(async ({ assert }, fixture) => {
      const bytes = await readFile(app.makePath('tests/fixtures/contacts', fixture.file))
      const text = iconv.decode(bytes, fixture.encoding)
      const expected = parse(text, {
        delimiter: fixture.delimiter,
        bom: true,
        relax_quotes: true,
        relax_column_count: true,
        skip_empty_lines: true,
      })

      for (const size of [1, 2, 3, 7, 64, text.length]) {
        const items = readInChunks(text, fixture.delimiter, size)
        assert.deepEqual(
          items.map((item) => ('cells' in item ? item.cells : item.problem)),
          expected,
          `chunks of ${size}`
        )
      }
    })

  test('lines count every line break', ({ assert }) => {
    const google = 'h1,h2\r\nMarina,"fair,\nasked"\r\nOtávio,x\r\n'
    const blank = 'h1,h2\n\nAna,"a\n\nb"\n\n\nBia,x\n'
    const oldMac = 'h1,h2\rAna,"a\rb"\rBia,x\r'

    assert.deepEqual(lines(readCsvText(google, ',', true)), [1, 2, 4])
    assert.deepEqual(lines(readCsvText(blank, ',', true)), [1, 3, 8])
    assert.deepEqual(lines(readCsvText(oldMac, ',', true)), [1, 2, 4])
    assert.deepEqual(lines(readInChunks(google, ',', 1)), [1, 2, 4])
  })

  test('unclosed quote at end of file', ({ assert }) => {
    const text = 'name,phone\nAna,1\nBia,"2\nCaio,3\nDani,4'

    for (const size of [1, 5, text.length]) {
      assert.deepEqual(readInChunks(text, ',', size), [
        { line: 1, cells: ['name', 'phone'] },
        { line: 2, cells: ['Ana', '1'] },
        { line: 3, problem: { code: 'quote_unclosed', values: { line: 3, value: 'Bia,"2' } } },
        { line: 4, cells: ['Caio', '3'] },
        { line: 5, cells: ['Dani', '4'] },
      ])
    }
  })

  test('stray quote closed by a later value', ({ assert }) => {
    const text = 'a,b,c\r\nAna,1,"Santos\r\nBia,2,x\r\nCaio,3,"Curitiba, PR"\r\n'

    assert.deepEqual(readInChunks(text, ',', 4), [
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 2, problem: { code: 'quote_unclosed', values: { line: 2, value: 'Ana,1,"Santos' } } },
      { line: 3, cells: ['Bia', '2', 'x'] },
      { line: 4, cells: ['Caio', '3', 'Curitiba, PR'] },
    ])
  })

  test('quote opened on a later line of its record', ({ assert }) => {
    const text = 'a,b,c\n"one\ntwo",x,"never closed\nnext,1,2\n'

    assert.deepEqual(readCsvText(text, ',', true), [
      { line: 1, cells: ['a', 'b', 'c'] },
      {
        line: 2,
        problem: { code: 'quote_unclosed', values: { line: 3, value: 'two",x,"never closed' } },
      },
      { line: 4, cells: ['next', '1', '2'] },
    ])
  })

  test('quote on one line stays relaxed', ({ assert }) => {
    const text = 'a,b\n"Dudu" Ferreira,1\nx,"y"z"\n12" monitor,2\n'

    assert.deepEqual(
      readCsvText(text, ',', true).map((item) => ('cells' in item ? item.cells : item.problem)),
      [
        ['a', 'b'],
        ['"Dudu" Ferreira', '1'],
        ['x', '"y"z"'],
        ['12" monitor', '2'],
      ]
    )
  })

  test('quote open past the line limit', ({ assert }) => {
    const text = `a,b\nAna,"open\n${'more\n'.repeat(MAX_RECORD_LINES + 5)}`

    const items = readInChunks(text, ',', 4096)

    assert.deepEqual(items[1], {
      line: 2,
      problem: {
        code: 'quote_too_long',
        values: {
          line: 2,
          value: 'Ana,"open',
          lines: MAX_RECORD_LINES,
          characters: MAX_RECORD_CHARS,
        },
      },
    })
    assert.deepEqual(items[2], { line: 3, cells: ['more'] })
    assert.equal(items.at(-1)!.line, MAX_RECORD_LINES + 7)
  })

  test('line past the character limit', ({ assert }) => {
    const text = `a,b\r\n${'x'.repeat(MAX_RECORD_CHARS + 10)},1\r\nBia,2\r\n`
    const tooLong = { code: 'record_too_long', values: { limit: MAX_RECORD_CHARS } }

    for (const size of [65_536, text.length]) {
      assert.deepEqual(readInChunks(text, ',', size), [
        { line: 1, cells: ['a', 'b'] },
        { line: 2, problem: tooLong },
        { line: 3, cells: ['Bia', '2'] },
      ])
    }
  })

  test('stream decoded without byte order mark', async ({ assert }) => {
    const bytes = iconv.encode('\uFEFFnome;cidade\r\nJoão;São Paulo\r\n', 'utf-16le', {
      addBOM: false,
    })
    const chunks = [bytes.subarray(0, 5), bytes.subarray(5, 17), bytes.subarray(17)]

    const items: CsvItem[] = []
    for await (const item of readCsvRecords(Readable.from(chunks), 'utf-16le', ';')) {
      items.push(item)
    }

    assert.deepEqual(items, [
      { line: 1, cells: ['nome', 'cidade'] },
      { line: 2, cells: ['João', 'São Paulo'] },
    ])
  })
})
