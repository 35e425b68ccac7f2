import { createHash } from 'node:crypto'
import type { TemplateNode } from '#services/templates/template_syntax'

export type RenderResult =
  { ok: true; text: string } | { ok: false; text: string; missing: string[] }

/**
 * Renders parsed template nodes with `values`. Each variation picks its
 * option from a hash of `seed` (such as `<templateId>:<contactId>`) and the
 * variation's position, so a retry gives the same text to the same person.
 *
 * A variable without a value uses its fallback; without one, the result is
 * not ok and lists the variable, and its `text` leaves the place empty. The
 * sender must not send a result that is not ok, so a literal `{{name}}`
 * never reaches anyone.
 */
export function renderNodes(
  nodes: TemplateNode[],
  values: Record<string, string | null | undefined>,
  seed: string
): RenderResult {
  const missing = new Set<string>()
  const text = renderSequence(nodes, values, seed, missing)
  return missing.size === 0 ? { ok: true, text } : { ok: false, text, missing: [...missing] }
}

function renderSequence(
  nodes: TemplateNode[],
  values: Record<string, string | null | undefined>,
  seed: string,
  missing: Set<string>
): string {
  return nodes
    .map((node) => {
      if (node.kind === 'text') {
        return node.value
      }
      if (node.kind === 'variable') {
        const value = values[node.name]?.trim()
        if (value) return value
        if (node.fallback !== null) return node.fallback
        missing.add(node.name)
        return ''
      }
      const option = node.options[pick(seed, node.index, node.options.length)]
      return renderSequence(option, values, seed, missing)
    })
    .join('')
}

function pick(seed: string, position: number, count: number) {
  const digest = createHash('sha256').update(`${seed}:${position}`).digest()
  return digest.readUInt32BE(0) % count
}
