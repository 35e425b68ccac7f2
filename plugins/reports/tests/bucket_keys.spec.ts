import { test } from '@japa/runner'
import { dayBucket, hourBucket } from '../services/bucket_keys.js'

test.group('Report bucket keys', () => {
  test('hour bucket is the UTC hour', ({ assert }) => {
    assert.equal(hourBucket(new Date('2025-03-11T00:30:00Z')), '2025-03-11T00')
  })

  test('day bucket across daylight saving', ({ assert }) => {
    // New York moved from -05:00 to -04:00 at 07:00 UTC on 9 March 2025.
    assert.equal(dayBucket(new Date('2025-03-09T04:59:00Z'), 'America/New_York'), '2025-03-08')
    assert.equal(dayBucket(new Date('2025-03-09T05:00:00Z'), 'America/New_York'), '2025-03-09')
    assert.equal(dayBucket(new Date('2025-03-10T03:59:00Z'), 'America/New_York'), '2025-03-09')
    assert.equal(dayBucket(new Date('2025-03-10T04:00:00Z'), 'America/New_York'), '2025-03-10')
    // The same minute in two zones gets each zone's own date.
    assert.equal(dayBucket(new Date('2025-03-11T00:30:00Z'), 'America/Sao_Paulo'), '2025-03-10')
    assert.equal(dayBucket(new Date('2025-03-11T00:30:00Z'), 'Asia/Tokyo'), '2025-03-11')
  })

  test('an unknown zone counts in UTC', ({ assert }) => {
    assert.equal(dayBucket(new Date('2025-03-11T00:30:00Z'), 'Mars/Olympus'), '2025-03-11')
  })
})
