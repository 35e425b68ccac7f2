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

  // Splitting on the blocks' contents leaves them at the odd indexes, where
  // they keep their text and line breaks as typed.
  return escaped
    .split(/```([\s\S]+?)```/)
    .map((part, index) =>
      index % 2 === 1 ? `<code class="wa-mono">${part}</code>` : formatInline(part)
    )
    .join('')
}

/**
 * Converts a message into one line of safe HTML for a preview, such as the
 * inbox list's: line breaks become spaces and the formatting stays.
 */
export function whatsappPreviewHtml(text: string) {
  return whatsappToHtml(text.replace(/\s*\n\s*/g, ' '))
}

/** Formats escaped text outside monospace blocks: inline code, bold, italic, strike and line breaks. */
function formatInline(text: string) {
  return text
    .replace(/`([^`\n]+)`/g, '<code class="wa-inline">$1</code>')
    .replace(marker('\\*'), '$1<strong>$2</strong>')
    .replace(marker('_'), '$1<em>$2</em>')
    .replace(marker('~'), '$1<s>$2</s>')
    .replace(/\n/g, '<br>')
}

function marker(symbol: string) {
  return new RegExp(
    `(^|[\\s.,;:!?()\\[\\]"'])${symbol}(?!\\s)([^\\n]*?[^\\s])${symbol}(?=$|[\\s.,;:!?()\\[\\]"'])`,
    'gu'
  )
}
