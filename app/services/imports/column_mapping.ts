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

/**
 * Checks a mapping chosen in the page. Returns the translation key of the
 * problem, or null when the mapping can be imported.
 */
export function mappingProblem(mapping: string[], customFields: Pick<CustomField, 'key'>[]) {
  const valid = new Set(validTargets(customFields))
  if (mapping.some((target) => !valid.has(target))) {
    return 'imports.errors.unknown_target'
  }
  if (!mapping.includes('phone')) {
    return 'imports.errors.phone_unmapped'
  }
  const single = mapping.filter((target) => !REPEATABLE_TARGETS.has(target))
  if (new Set(single).size !== single.length) {
    return 'imports.errors.target_twice'
  }
  return null
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
