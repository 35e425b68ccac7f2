/**
 * Converts WhatsApp's text formatting into safe HTML, as the app shows it:
 * ```monospace``` blocks, `inline code`, *bold*, _italic_ and ~strike~. A
 * marker counts only at a word edge and around non-space text, so `2*3*4`
 * stays as typed. The text is escaped first, so message content never
 * becomes markup.
 */
export function whatsappToHtml(text: string) {
  const escaped = text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')

  const blocks: string[] = []
  const withoutBlocks = escaped.replace(/```([\s\S]+?)```/g, (_, code: string) => {
    blocks.push(`<code class="wa-mono">${code}</code>`)
    return `\uE000${blocks.length - 1}\uE000`
  })

  const formatted = withoutBlocks
    .replace(/`([^`\n]+)`/g, '<code class="wa-inline">$1</code>')
    .replace(marker('\\*'), '$1<strong>$2</strong>')
    .replace(marker('_'), '$1<em>$2</em>')
    .replace(marker('~'), '$1<s>$2</s>')
    .replace(/\n/g, '<br>')

  return formatted.replace(/\uE000(\d+)\uE000/g, (_, index: string) => blocks[Number(index)])
}

function marker(symbol: string) {
  return new RegExp(
    `(^|[\\s.,;:!?()\\[\\]"'])${symbol}(?!\\s)([^\\n]*?[^\\s])${symbol}(?=$|[\\s.,;:!?()\\[\\]"'])`,
    'gu'
  )
}
