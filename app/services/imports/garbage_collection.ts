import v8 from 'node:v8'
import vm from 'node:vm'

let collect: (() => void) | null = null

/**
 * Runs a full, blocking garbage collection: the `gc()` that Node's
 * `--expose-gc` flag defines. When the process started without that flag,
 * the flag is switched on only while one new V8 context is created, and
 * that context's `gc` is kept. The application's global object gains none.
 */
export function collectGarbage() {
  if (!collect) {
    const exposed = (globalThis as { gc?: () => void }).gc
    if (exposed) {
      collect = exposed
    } else {
      v8.setFlagsFromString('--expose-gc')
      try {
        collect = vm.runInNewContext('gc') as () => void
      } finally {
        v8.setFlagsFromString('--no-expose-gc')
      }
    }
  }
  collect()
}
