import { test } from '@japa/runner'
import { MAX_SUMMARY_LENGTH, summarizeFieldValue } from '#flow/config_summary'

const templateNames = new Map([[7, 'Welcome']])

function summary(kind: string, value: unknown) {
  return summarizeFieldValue(
    { name: 'field', kind },
    value,
    (templateId) => templateNames.get(templateId),
    (key, values) => `${key} ${JSON.stringify(values)}`
  )
}

test.group('Node configuration summary', () => {
  test('{kind} field: {expected}')
    .with([
      { kind: 'template', value: { templateId: 7 }, expected: 'Welcome' },
      { kind: 'template', value: { templateId: 8 }, expected: '' },
      { kind: 'template', value: { text: 'Olá\n\n  {{name}}' }, expected: 'Olá {{name}}' },
      {
        kind: 'duration',
        value: { amount: 2, unit: 'hours' },
        expected: 'flow.fields.duration_value.hours {"amount":2}',
      },
      { kind: 'duration', value: { amount: 2, unit: 'weeks' }, expected: '' },
      { kind: 'time-window', value: { start: '08:00', end: '20:00' }, expected: '08:00–20:00' },
      { kind: 'time-window', value: { start: '08:00' }, expected: '08:00–?' },
      { kind: 'number', value: 3, expected: '3' },
      { kind: 'select', value: 'a', expected: '' },
      { kind: 'text', value: null, expected: '' },
    ])
    .run(({ assert }, { kind, value, expected }) => {
      assert.equal(summary(kind, value), expected)
    })

  test('long text cut with an ellipsis', ({ assert }) => {
    const text = summary('textarea', 'x'.repeat(200))
    assert.lengthOf(text, MAX_SUMMARY_LENGTH)
    assert.isTrue(text.endsWith('…'))
  })

  test('missing field gives no summary', ({ assert }) => {
    assert.equal(
      summarizeFieldValue(
        undefined,
        'x',
        () => undefined,
        (key) => key
      ),
      ''
    )
  })
})
