import { AssertionError } from 'node:assert'
import { inspect } from 'node:util'
import type { Locator, Page } from 'playwright'

/** How long a page assertion waits for the page to match, in milliseconds. */
const ASSERTION_TIMEOUT_MS = 5000
/** Time between two checks of a page assertion, in milliseconds. */
const POLL_INTERVAL_MS = 100

type Selector = string | Locator

function locate(page: Page, selector: Selector) {
  return typeof selector === 'string' ? page.locator(selector) : selector
}

/**
 * Runs `check` until it returns `null` (a match) or the timeout passes, and
 * returns the last reason it gave for a mismatch. A check that throws counts
 * as a mismatch with the error's message.
 */
async function pollUntilMatch(check: () => Promise<string | null>) {
  const deadline = Date.now() + ASSERTION_TIMEOUT_MS
  for (;;) {
    const reason = await check().catch((error: Error) => error.message)
    if (reason === null || Date.now() >= deadline) {
      return reason
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS))
  }
}

/** Reads the inner texts of every element `selector` matches, or a reason when none does. */
async function innerTexts(page: Page, selector: Selector) {
  const texts = await locate(page, selector).allInnerTexts()
  return texts.length === 0 ? `no element matches ${inspect(selector)}` : texts
}

/**
 * Page assertions that wait for the page to match and fail when it never
 * does. They replace the browser client's assertions of the same names,
 * which could pass for an element that never appeared: their retry loop
 * ended without an error once its time ran out while a check was pending.
 */
export const waitingAssertions = {
  page(page: Page) {
    async function assertWith(
      check: () => Promise<string | null>,
      describe: string,
      stackStartFn: (...args: any[]) => unknown
    ) {
      const reason = await pollUntilMatch(check)
      if (reason !== null) {
        throw new AssertionError({ message: `${describe}: ${reason}`, stackStartFn })
      }
    }

    page.assertTextContains = async function assertTextContains(
      selector: Selector,
      expected: string
    ) {
      await assertWith(
        async () => {
          const texts = await innerTexts(page, selector)
          if (typeof texts === 'string') return texts
          return texts.some((text) => text.includes(expected)) ? null : `found ${inspect(texts)}`
        },
        `expected ${inspect(selector)} inner text to include '${expected}'`,
        assertTextContains
      )
    }

    page.assertText = async function assertText(selector: Selector, expected: string) {
      await assertWith(
        async () => {
          const texts = await innerTexts(page, selector)
          if (typeof texts === 'string') return texts
          return texts.some((text) => text.trim() === expected) ? null : `found ${inspect(texts)}`
        },
        `expected ${inspect(selector)} inner text to be '${expected}'`,
        assertText
      )
    }

    page.assertExists = async function assertExists(selector: Selector) {
      await assertWith(
        async () => ((await locate(page, selector).count()) > 0 ? null : 'no element matches'),
        `expected ${inspect(selector)} to exist`,
        assertExists
      )
    }

    page.assertNotExists = async function assertNotExists(selector: Selector) {
      await assertWith(
        async () => {
          const count = await locate(page, selector).count()
          return count === 0 ? null : `${count} element(s) match`
        },
        `expected ${inspect(selector)} not to exist`,
        assertNotExists
      )
    }
  },
}
