import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createHash } from 'node:crypto'
import type { ProgressLog } from '#services/backup/progress_log'

/** A regular file under a folder, with its path relative to that folder. */
export interface FolderFile {
  relativePath: string
  bytes: number
}

/**
 * Lists the regular files under `root`, skipping the paths in `excluded`
 * (absolute) and everything under them. A missing root has no files.
 * Symbolic links are skipped, so a link cannot pull outside files in.
 */
export async function listFiles(root: string, excluded: string[] = []) {
  const skip = new Set(excluded.map((path) => resolve(path)))
  const files: FolderFile[] = []

  async function walk(folder: string) {
    const entries = await readdir(folder, { withFileTypes: true }).catch((error) => {
      if (error.code === 'ENOENT') {
        return []
      }
      throw error
    })
    for (const entry of entries) {
      const path = join(folder, entry.name)
      if (skip.has(resolve(path))) {
        continue
      }
      if (entry.isDirectory()) {
        await walk(path)
      } else if (entry.isFile()) {
        const { size } = await stat(path)
        files.push({ relativePath: relative(root, path).split(sep).join('/'), bytes: size })
      }
    }
  }

  await walk(root)
  return files
}

/**
 * Copies one file, creating its folder, and returns the SHA-256 of the bytes
 * written. `progress` advances by the bytes copied.
 */
export async function copyFileWithChecksum(from: string, to: string, progress?: ProgressLog) {
  await mkdir(dirname(to), { recursive: true })
  const hash = createHash('sha256')
  const source = createReadStream(from)
  source.on('data', (chunk) => {
    hash.update(chunk)
    progress?.advance(chunk.length)
  })
  await pipeline(source, createWriteStream(to, { mode: 0o600 }))
  return hash.digest('hex')
}

/**
 * Removes everything inside `folder` but the folder itself, which may be a
 * mount point, and the paths in `preservedPaths` (absolute) with the folders above them.
 */
export async function emptyFolder(folder: string, preservedPaths: string[] = []) {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => [])
  for (const entry of entries) {
    const path = join(folder, entry.name)
    const keepsSomething = preservedPaths.some((preserved) => isInside(preserved, path))
    if (!keepsSomething) {
      await rm(path, { recursive: true, force: true })
    } else if (
      entry.isDirectory() &&
      !preservedPaths.some((preserved) => isInside(path, preserved))
    ) {
      await emptyFolder(path, preservedPaths)
    }
  }
}

/** Tells whether `path` is `folder` or lies under it. */
export function isInside(path: string, folder: string) {
  const from = relative(resolve(folder), resolve(path))
  return from === '' || (!from.startsWith('..') && !isAbsolute(from))
}
