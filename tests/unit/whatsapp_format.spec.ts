import { test } from '@japa/runner'
import { whatsappPreviewHtml, whatsappToHtml } from '../../resources/js/lib/whatsapp_format.js'

test.group('WhatsApp formatting', () => {
  test('markup is escaped', ({ assert }) => {
    assert.equal(
      whatsappToHtml('<img src=x onerror="alert(1)">'),
      '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    )
  })

  test('markup inside formatting is escaped', ({ assert }) => {
    assert.equal(
      whatsappToHtml('*<b>x</b>* `<i>` ```<script>1</script>```'),
      '<strong>&lt;b&gt;x&lt;/b&gt;</strong> <code class="wa-inline">&lt;i&gt;</code> ' +
        '<code class="wa-mono">&lt;script&gt;1&lt;/script&gt;</code>'
    )
  })

  test('private-use characters stay as typed', ({ assert }) => {
    assert.equal(whatsappToHtml('a \uE0000\uE000 b'), 'a \uE0000\uE000 b')
    assert.equal(
      whatsappToHtml('```x``` \uE0000\uE000'),
      '<code class="wa-mono">x</code> \uE0000\uE000'
    )
  })

  test('blocks keep line breaks, text gets br', ({ assert }) => {
    assert.equal(
      whatsappToHtml('one\ntwo ```a\nb``` _three_'),
      'one<br>two <code class="wa-mono">a\nb</code> <em>three</em>'
    )
  })

  test('markers inside words stay as typed', ({ assert }) => {
    assert.equal(whatsappToHtml('2*3*4 ~a~ snake_case_name'), '2*3*4 <s>a</s> snake_case_name')
  })

  test('preview keeps formatting on one line', ({ assert }) => {
    assert.equal(
      whatsappPreviewHtml('Oferta:\n  *20% de desconto*\n_hoje_'),
      'Oferta: <strong>20% de desconto</strong> <em>hoje</em>'
    )
    assert.equal(whatsappPreviewHtml('<b>*x*</b>'), '&lt;b&gt;*x*&lt;/b&gt;')
  })
})
