/**
 * The template language: text with `{{variable}}` or `{{variable|fallback}}`
 * and variations `{Hi|Hello|Hey}` whose options may hold variables.
 * `\{` and `\}` write a literal brace.
 */
export type TemplateNode =
  | { kind: 'text'; value: string }
  | { kind: 'variable'; name: string; fallback: string | null; index: number }
  | { kind: 'variation'; options: TemplateNode[][]; index: number }

export interface SyntaxProblem {
  /** Translation key under `templates.errors`. */
  code:
    | 'unclosed_variable'
    | 'empty_variable'
    | 'bad_variable'
    | 'unclosed_variation'
    | 'single_option'
    | 'stray_brace'
    | 'nested_variation'
  /** Offset in the body, 0-based. */
  index: number
  line: number
  column: number
  value?: string
}

export type ParseResult =
  { ok: true; nodes: TemplateNode[] } | { ok: false; problems: SyntaxProblem[] }

const VARIABLE_NAME = /^[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)?$/

/** Returns the 1-based line and column of an offset. */
export function positionOf(body: string, index: number) {
  const before = body.slice(0, index)
  const line = before.split('\n').length
  const column = index - before.lastIndexOf('\n')
  return { line, column }
}

/**
 * Parses a template body. Every syntax problem is reported with its
 * position, so the editor can point at it.
 */
export function parseTemplate(body: string): ParseResult {
  const problems: SyntaxProblem[] = []
  const report = (code: SyntaxProblem['code'], index: number, value?: string) =>
    problems.push({ code, index, ...positionOf(body, index), value })

  const nodes = parseSequence(body, 0, body.length, false, report)
  return problems.length > 0 ? { ok: false, problems } : { ok: true, nodes }
}

type Report = (code: SyntaxProblem['code'], index: number, value?: string) => void

function parseSequence(
  body: string,
  start: number,
  end: number,
  inVariation: boolean,
  report: Report
) {
  const nodes: TemplateNode[] = []
  let text = ''
  const flush = () => {
    if (text !== '') {
      nodes.push({ kind: 'text', value: text })
      text = ''
    }
  }

  let i = start
  while (i < end) {
    const char = body[i]
    if (char === '\\' && (body[i + 1] === '{' || body[i + 1] === '}')) {
      text += body[i + 1]
      i += 2
    } else if (body.startsWith('{{', i)) {
      flush()
      i = parseVariable(body, i, end, nodes, report)
    } else if (char === '{') {
      flush()
      if (inVariation) {
        report('nested_variation', i)
      }
      i = parseVariation(body, i, end, nodes, report)
    } else if (char === '}') {
      report('stray_brace', i)
      i += 1
    } else {
      text += char
      i += 1
    }
  }
  flush()
  return nodes
}

function parseVariable(
  body: string,
  start: number,
  end: number,
  nodes: TemplateNode[],
  report: Report
) {
  const close = body.indexOf('}}', start + 2)
  if (close === -1 || close >= end) {
    report('unclosed_variable', start)
    return end
  }
  const inner = body.slice(start + 2, close)
  const bar = inner.indexOf('|')
  const name = (bar === -1 ? inner : inner.slice(0, bar)).trim()
  const fallback = bar === -1 ? null : inner.slice(bar + 1).trim()
  if (name === '') {
    report('empty_variable', start)
  } else if (!VARIABLE_NAME.test(name)) {
    report('bad_variable', start, name)
  } else {
    nodes.push({
      kind: 'variable',
      name,
      fallback: fallback === '' ? null : fallback,
      index: start,
    })
  }
  return close + 2
}

function parseVariation(
  body: string,
  start: number,
  end: number,
  nodes: TemplateNode[],
  report: Report
) {
  const close = findVariationEnd(body, start + 1, end)
  if (close === -1) {
    report('unclosed_variation', start)
    return end
  }
  const bounds = splitOptions(body, start + 1, close)
  if (bounds.length < 2) {
    report('single_option', start, body.slice(start, close + 1))
    return close + 1
  }
  const options = bounds.map(([from, to]) => parseSequence(body, from, to, true, report))
  nodes.push({ kind: 'variation', options, index: start })
  return close + 1
}

/** Finds the `}` that closes a variation, skipping `{{...}}` and escapes. */
function findVariationEnd(body: string, from: number, end: number) {
  let i = from
  while (i < end) {
    if (body[i] === '\\') {
      i += 2
    } else if (body.startsWith('{{', i)) {
      const close = body.indexOf('}}', i + 2)
      if (close === -1) return -1
      i = close + 2
    } else if (body[i] === '}') {
      return i
    } else if (body[i] === '\n' && body[i + 1] === '\n') {
      // A variation spans one paragraph at most, so a lone `{` does not swallow the rest.
      return -1
    } else {
      i += 1
    }
  }
  return -1
}

/** Splits the inside of a variation at `|` outside variables. */
function splitOptions(body: string, from: number, to: number) {
  const bounds: [number, number][] = []
  let optionStart = from
  let i = from
  while (i < to) {
    if (body[i] === '\\') {
      i += 2
    } else if (body.startsWith('{{', i)) {
      i = body.indexOf('}}', i + 2) + 2
    } else if (body[i] === '|') {
      bounds.push([optionStart, i])
      optionStart = i + 1
      i += 1
    } else {
      i += 1
    }
  }
  bounds.push([optionStart, to])
  return bounds
}

/** Returns every variable of the nodes, in order, with variations' options. */
export function variablesOf(nodes: TemplateNode[]): Extract<TemplateNode, { kind: 'variable' }>[] {
  return nodes.flatMap((node) => {
    if (node.kind === 'variable') return [node]
    if (node.kind === 'variation') return node.options.flatMap((option) => variablesOf(option))
    return []
  })
}
