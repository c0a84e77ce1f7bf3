// timewindow.js: weeks and months over the strikes' dates (fixtures/strikes.bin, as
// mapviz.deck.strike_binary writes them, with the dates it was made from in strikes.json).
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {strikeArrays} from '../src/layerdata.js';
import {
  countInWindow, dateSpan, filterRange, isoDate, timeWindows, windowLabel, windowText,
} from '../src/timewindow.js';

const fixture = (name) => readFileSync(new URL(`fixtures/${name}`, import.meta.url));
const file = fixture('strikes.bin');
const DAYS = strikeArrays(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength))
  .days;
const HELD = JSON.parse(fixture('strikes.json'));
const dayOf = (iso) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

test('the days in the strikes file are the dates the core wrote, undated as NaN', () => {
  assert.deepEqual([...DAYS].map((d) => (Number.isNaN(d) ? null : isoDate(d))), HELD.dates);
  const span = dateSpan(DAYS);
  const dated = HELD.dates.filter(Boolean).sort();
  assert.equal(isoDate(span.first), dated[0]);
  assert.equal(isoDate(span.last), dated.at(-1));
  assert.equal(span.undated, HELD.dates.filter((d) => d === null).length);
  assert.deepEqual(dateSpan(new Float32Array([NaN])), {first: null, last: null, undated: 1});
});

test('months are calendar months, across a year end, covering every dated strike', () => {
  const span = dateSpan(DAYS);
  const months = timeWindows(span.first, span.last, 'month');
  assert.equal(windowLabel(months[0]), '2023-12-01 to 2023-12-31');
  assert.equal(windowLabel(months[1]), '2024-01-01 to 2024-01-31');
  assert.equal(windowLabel(months[2]), '2024-02-01 to 2024-02-29');  // a leap year
  assert.equal(windowLabel(months.at(-1)), '2025-04-01 to 2025-04-30');
  assert.equal(months.length, 17);
  for (let i = 1; i < months.length; i += 1) assert.equal(months[i].start, months[i - 1].end);
  const counted = months.reduce((sum, w) => sum + countInWindow(DAYS, w), 0);
  assert.equal(counted, HELD.dates.filter(Boolean).length);
  assert.equal(countInWindow(DAYS, months[1]), 2);  // two strikes on 2024-01-02
});

test('weeks run Monday to Sunday', () => {
  const weeks = timeWindows(dayOf('2024-01-03'), dayOf('2024-01-15'), 'week');
  assert.deepEqual(weeks.map(windowLabel), [
    '2024-01-01 to 2024-01-07', '2024-01-08 to 2024-01-14', '2024-01-15 to 2024-01-21',
  ]);
  // before 1970 too (negative day numbers)
  assert.equal(windowLabel(timeWindows(dayOf('1969-12-31'), dayOf('1969-12-31'), 'week')[0]),
    '1969-12-29 to 1970-01-04');
  assert.deepEqual(timeWindows(null, null, 'week'), []);
  assert.throws(() => timeWindows(0, 1, 'year'), /no time step/);
});

test('the filter range keeps the window\'s days and no others', () => {
  const [low, high] = filterRange({start: 10, end: 17});
  for (const [day, kept] of [[9, false], [10, true], [16, true], [17, false]]) {
    assert.equal(day >= low && day <= high, kept, String(day));
  }
});

test('what the map says of a window', () => {
  const window = {start: dayOf('2024-01-01'), end: dayOf('2024-02-01')};
  assert.equal(windowText(window, 2, 6, 1),
    '2024-01-01 to 2024-01-31: 2 of 6 strikes; 1 without a date not shown');
  assert.equal(windowText(null, 0, 1234, 0), 'All dates: 1,234 strikes');
  assert.equal(windowText(null, 0, 1, 1), 'All dates: 1 strike (1 without a date)');
});
