/**
 * Deep copy of plain JSON data. `structuredClone` rejects Vue's reactive
 * proxies, and everything the editor copies is JSON anyway.
 */
export function cloneJson<Value>(value: Value): Value {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as Value)
}
