import { watch } from 'vue'
import { useForm } from '@inertiajs/vue3'
import type { FormDataType } from '@inertiajs/core'

/**
 * Flattens form data into values by dotted path, the way the server names
 * its error keys (`config.failurePercent`, `variables.2.name`). Files,
 * dates and other class instances are leaves, compared by identity.
 */
function flatten(value: unknown, path: string, into: Map<string, unknown>) {
  const plain =
    value !== null &&
    typeof value === 'object' &&
    (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)
  if (!plain) {
    into.set(path, value)
    return into
  }
  for (const [key, child] of Object.entries(value as object)) {
    flatten(child, path === '' ? key : `${path}.${key}`, into)
  }
  return into
}

/** Returns the paths whose value differs between two flattened copies, removed paths included. */
function changedPaths(before: Map<string, unknown>, after: Map<string, unknown>) {
  const paths = new Set([...before.keys(), ...after.keys()])
  return [...paths].filter((path) => before.get(path) !== after.get(path))
}

/** Whether an error key concerns a changed path: the same field, a part of it or its parent. */
function concerns(errorKey: string, path: string) {
  return errorKey === path || path.startsWith(`${errorKey}.`) || errorKey.startsWith(`${path}.`)
}

/**
 * Inertia's form helper whose server errors of a field clear as soon as
 * the member changes that field, so a fixed field stops showing its
 * message and `aria-invalid` before the next submit. Errors of other
 * fields stay until those change or the form is submitted again, and a
 * `reset()` clears none.
 */
export function useFieldForm<TForm extends FormDataType<TForm>>(data: TForm) {
  const form = useForm<TForm>(data)
  let previous = flatten(form.data(), '', new Map())

  watch(
    () => form.data(),
    (current) => {
      const next = flatten(current, '', new Map())
      const changed = changedPaths(previous, next)
      previous = next

      const cleared = Object.keys(form.errors).filter((key) =>
        changed.some((path) => concerns(key, path))
      )
      if (cleared.length > 0) {
        form.clearErrors(...(cleared as Parameters<typeof form.clearErrors>))
      }
    },
    { deep: true }
  )

  // A reset is no fix by the member: clearing the password after a failed
  // login, say, keeps the error that explains the failure.
  const reset = form.reset.bind(form)
  form.reset = (...fields) => {
    reset(...fields)
    previous = flatten(form.data(), '', new Map())
    return form
  }

  return form
}
