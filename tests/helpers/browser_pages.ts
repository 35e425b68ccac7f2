import type { Assert } from '@japa/assert'
import type { Locator } from 'playwright'

/** The charts' colour of the "sent" bars, #128c7e, as RGB. */
const SENT_COLOUR = [0x12, 0x8c, 0x7e]

/**
 * Waits for the chart inside `selector` and returns how many of its canvas
 * pixels have the "sent" bars' colour: 0 when the chart drew axes but no data.
 */
export async function sentBarPixels(page: { locator(selector: string): any }, selector: string) {
  const canvas = page.locator(`${selector} canvas`)
  await canvas.waitFor()
  return canvas.evaluate((element: any, colour: number[]) => {
    const { data } = element.getContext('2d').getImageData(0, 0, element.width, element.height)
    let matching = 0
    for (let index = 0; index < data.length; index += 4) {
      const close = [0, 1, 2].every(
        (channel) => Math.abs(data[index + channel] - colour[channel]) < 8
      )
      if (close && data[index + 3] > 200) matching++
    }
    return matching
  }, SENT_COLOUR)
}

/**
 * Saves a full-page screenshot when SCREENSHOT_DIR is set, to review the
 * page by eye.
 */
export async function capture(
  page: { screenshot(options: object): Promise<unknown> },
  name: string
) {
  if (process.env.SCREENSHOT_DIR) {
    await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/${name}.png`, fullPage: true })
  }
}

/**
 * Checks that `input` is marked invalid and described by `message`, which
 * shows `text` just below the input and within its column.
 */
export async function assertMessageBeside(
  assert: Assert,
  input: Locator,
  message: Locator,
  text: string
) {
  await message.waitFor()
  assert.equal(await message.innerText(), text)
  assert.equal(await input.getAttribute('aria-invalid'), 'true')
  assert.equal(await input.getAttribute('aria-describedby'), await message.getAttribute('id'))

  const inputBox = (await input.boundingBox())!
  const messageBox = (await message.boundingBox())!
  const gap = messageBox.y - (inputBox.y + inputBox.height)
  assert.isAtLeast(gap, 0, 'the message sits below its input')
  assert.isBelow(gap, 24, 'the message sits right below its input')
  assert.isBelow(Math.abs(messageBox.x - inputBox.x), 4, 'the message starts where its input does')
}

/**
 * Uploads `content` as a CSV file named `name` on the import page and
 * submits it, without waiting for the next page.
 */
export async function submitCsvUpload(
  page: { locator(selector: string): Locator },
  name: string,
  content: string | Buffer
) {
  await page.locator('[data-test-id="import-file"]').setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: Buffer.isBuffer(content) ? content : Buffer.from(content),
  })
  await page.locator('[data-test-id="import-upload-submit"]').click()
}
