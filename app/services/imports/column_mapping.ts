import type CustomField from '#models/custom_field'

/** Contact fields a CSV column can fill. Custom fields are `field:<key>`. */
export const BUILT_IN_TARGETS = [
  'ignore',
  'name',
  'first_name',
  'last_name',
  'phone',
  'email',
  'city',
  'notes',
  'tags',
  'timezone',
  'language',
] as const

/** Targets that several columns may share: every phone column adds candidates. */
const REPEATABLE_TARGETS = new Set(['phone', 'tags', 'ignore'])

/**
 * Header names, normalised by `normalizeHeader`, in English and Portuguese,
 * with the layouts of Google Contacts and Outlook exports and the headers
 * of this application's contacts export in both languages.
 */
const HEADER_SYNONYMS: Record<string, string[]> = {
  name: [
    'name',
    'full name',
    'display name',
    'contact',
    'contact name',
    'nome',
    'nome completo',
    'contato',
    'cliente',
  ],
  first_name: ['first name', 'given name', 'firstname', 'primeiro nome', 'prenome'],
  last_name: ['last name', 'family name', 'surname', 'lastname', 'sobrenome', 'ultimo nome'],
  phone: [
    'phone',
    'phone number',
    'telephone',
    'tel',
    'mobile',
    'mobile phone',
    'cell',
    'cell phone',
    'cellphone',
    'whatsapp',
    'whats',
    'number',
    'primary phone',
    'business phone',
    'home phone',
    'telefone',
    'celular',
    'fone',
    'numero',
    'numero de telefone',
    'telefone celular',
    'zap',
    'other phones',
    'extra phones',
    'outros telefones',
  ],
  email: ['email', 'e mail', 'email address', 'e mail address', 'mail', 'correio eletronico'],
  city: ['city', 'town', 'cidade', 'municipio'],
  notes: [
    'notes',
    'note',
    'comments',
    'comment',
    'observacao',
    'observacoes',
    'obs',
    'anotacoes',
    'comentarios',
    'notas',
  ],
  tags: [
    'tags',
    'tag',
    'labels',
    'label',
    'groups',
    'group',
    'group membership',
    'etiquetas',
    'marcadores',
    'grupos',
    'grupo',
  ],
  timezone: ['timezone', 'time zone', 'tz', 'fuso horario', 'fuso'],
  language: ['language', 'lang', 'locale', 'idioma', 'lingua'],
}

/** Numbered export columns such as `Phone 2 - Value` or `E-mail 1 - Value`. */
const NUMBERED_PATTERNS: [RegExp, string][] = [
  [/^phone \d+ value$/, 'phone'],
  [/^e mail \d+ value$/, 'email'],
  [/^mobile phone \d+$/, 'phone'],
]

const SYNONYM_INDEX = new Map<string, string>(
  Object.entries(HEADER_SYNONYMS).flatMap(([target, names]) =>
    names.map((name) => [name, target] as [string, string])
  )
)

/**
 * Normalises a header for matching: no byte order mark or zero-width
 * characters, no accents, lowercase, punctuation as single spaces. `\uFEFFphone`
 * and `Phone` both become `phone`; `E-mail 1 - Value` becomes `e mail 1 value`.
 */
export function normalizeHeader(header: string) {
  return header
    .replace(/[\uFEFF\u200B-\u200D\u2060]/g, '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/**
 * Guesses the target of each column. Headers are compared by
 * `normalizeHeader`, so case and accents do not matter. A mapping the tenant
 * chose before for the same header wins, then custom fields by key or label,
 * then the synonyms. A custom field also beats a remembered "ignore", because
 * that column was most likely ignored while the field did not exist yet. A
 * target other than phone and tags goes to its first column only.
 */
export function guessMapping(
  headers: string[],
  customFields: Pick<CustomField, 'key' | 'label'>[],
  remembered: Record<string, string>
) {
  const fieldIndex = new Map<string, string>()
  for (const field of customFields) {
    fieldIndex.set(normalizeHeader(field.key), `field:${field.key}`)
    fieldIndex.set(normalizeHeader(field.label), `field:${field.key}`)
  }
  const valid = new Set(validTargets(customFields))
  const used = new Set<string>()

  return headers.map((header) => {
    const key = normalizeHeader(header)
    const field = fieldIndex.get(key)
    const choice = remembered[key] === 'ignore' && field ? undefined : remembered[key]
    const candidates = [choice, field, SYNONYM_INDEX.get(key), numbered(key)]
    const target = candidates.find((entry) => entry !== undefined && valid.has(entry)) ?? 'ignore'
    if (used.has(target) && !REPEATABLE_TARGETS.has(target)) {
      return 'ignore'
    }
    used.add(target)
    return target
  })
}

function numbered(key: string) {
  return NUMBERED_PATTERNS.find(([pattern]) => pattern.test(key))?.[1]
}

export function validTargets(customFields: Pick<CustomField, 'key'>[]) {
  return [...BUILT_IN_TARGETS, ...customFields.map((field) => `field:${field.key}`)]
}

/** A problem of a chosen mapping: where the page shows it, and its message's translation key and values. */
export interface MappingProblem {
  /** `mapping` for the whole mapping, `mapping.<index>` for one column. */
  field: string
  key: string
  values?: Record<string, string>
}

/**
 * Checks a mapping chosen in the page against the file's headers and returns
 * every problem found. A column set to a target that does not exist, or that
 * an earlier column already fills, gets a problem under its own key that
 * names it (`column` is the header, or `#3` for an empty one). A missing
 * phone column or a mapping of another length gets one under `mapping`.
 * `first` names the earlier column, and `target` is `target` or
 * `field:<key>` for the caller to name.
 */
export function mappingProblems(
  mapping: string[],
  headers: string[],
  customFields: Pick<CustomField, 'key'>[]
): MappingProblem[] {
  if (mapping.length !== headers.length) {
    return [{ field: 'mapping', key: 'imports.errors.unknown_target' }]
  }
  const columnName = (index: number) => headers[index] || `#${index + 1}`
  const valid = new Set(validTargets(customFields))
  const firstColumn = new Map<string, number>()
  const problems: MappingProblem[] = []
  mapping.forEach((target, index) => {
    const field = `mapping.${index}`
    if (!valid.has(target)) {
      problems.push({
        field,
        key: 'imports.errors.column_unknown_target',
        values: { column: columnName(index) },
      })
      return
    }
    const first = firstColumn.get(target)
    if (first === undefined) {
      firstColumn.set(target, index)
    } else if (!REPEATABLE_TARGETS.has(target)) {
      problems.push({
        field,
        key: 'imports.errors.column_target_twice',
        values: { column: columnName(index), first: columnName(first), target },
      })
    }
  })
  if (!mapping.includes('phone')) {
    problems.push({ field: 'mapping', key: 'imports.errors.phone_unmapped' })
  }
  return problems
}

/**
 * The headers and their chosen targets, to remember for the next import.
 */
export function mappingMemory(headers: string[], mapping: string[]) {
  const memory: Record<string, string> = {}
  headers.forEach((header, index) => {
    const key = normalizeHeader(header)
    if (key !== '' && mapping[index]) {
      memory[key] = mapping[index]
    }
  })
  return memory
}
