import { test } from '@japa/runner'
import { binaryKind, utf16ByteOrder } from '#services/imports/file_content'
import { detectEncoding } from '#services/imports/csv_format'
import {
  odsSpreadsheet,
  pdfDocument,
  pngImageStart,
  xlsWorkbookHeader,
  xlsxWorkbook,
  zipArchive,
} from '#tests/helpers/office_files'

const CSV = 'nome;telefone\nLuís;+5511912340001\n'

test.group('Upload content', () => {
  test('binary files are named by kind', ({ assert }) => {
    const cases = [
      { name: 'xlsx', content: xlsxWorkbook(), kind: 'excel' },
      { name: 'xlsx start only', content: xlsxWorkbook().subarray(0, 64), kind: 'excel' },
      { name: 'xls', content: xlsWorkbookHeader(), kind: 'excel' },
      { name: 'ods', content: odsSpreadsheet(), kind: 'opendocument' },
      { name: 'zip', content: zipArchive({ 'contacts.csv': CSV }), kind: 'zip' },
      {
        name: 'docx',
        content: zipArchive({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w/>' }),
        kind: 'zip',
      },
      { name: 'empty zip', content: zipArchive({}), kind: 'zip' },
      { name: 'pdf', content: pdfDocument(), kind: 'pdf' },
      { name: 'png', content: pngImageStart(), kind: 'binary' },
      { name: 'text after a nul', content: Buffer.from(`${CSV}\0\0${CSV}`), kind: 'binary' },
    ]
    for (const entry of cases) {
      assert.equal(binaryKind(entry.content), entry.kind, entry.name)
    }
  })

  test('text files are not binary', ({ assert }) => {
    const cases = [
      { name: 'utf-8', content: Buffer.from(CSV) },
      { name: 'utf-8 with mark', content: Buffer.from(`\uFEFF${CSV}`) },
      { name: 'windows-1252', content: Buffer.from(CSV, 'latin1') },
      { name: 'utf-16le with mark', content: Buffer.from(`\uFEFF${CSV}`, 'utf16le') },
      { name: 'utf-16be with mark', content: Buffer.from(`\uFEFF${CSV}`, 'utf16le').swap16() },
      { name: 'utf-16le without mark', content: Buffer.from(CSV, 'utf16le') },
      { name: 'utf-16be without mark', content: Buffer.from(CSV, 'utf16le').swap16() },
      { name: 'starts with PK', content: Buffer.from('PK;phone\nAna;+5511912340001\n') },
      { name: 'empty', content: Buffer.alloc(0) },
    ]
    for (const entry of cases) {
      assert.isNull(binaryKind(entry.content), entry.name)
    }
  })

  test('utf-16 without mark is detected', ({ assert }) => {
    const little = Buffer.from(CSV, 'utf16le')
    const big = Buffer.from(CSV, 'utf16le').swap16()

    assert.equal(utf16ByteOrder(little), 'le')
    assert.equal(utf16ByteOrder(big), 'be')
    assert.isNull(utf16ByteOrder(Buffer.from(CSV)))
    assert.isNull(utf16ByteOrder(pngImageStart()))
    assert.equal(detectEncoding(little), 'utf-16le')
    assert.equal(detectEncoding(big), 'utf-16be')
    assert.equal(detectEncoding(Buffer.from(CSV)), 'utf-8')
  })
})
