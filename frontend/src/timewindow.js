// The map's time window: the strikes' dates (days since 1970-01-01 as `strike_binary` writes
// them, NaN where undated) in steps of a week (Monday to Sunday) or a calendar month, and how
// many strikes each window holds. The map plays the windows one after another through deck.gl's
// DataFilterExtension, without a round trip to the server.

const DAY_MS = 86_400_000;
const WEEK_DAYS = 7;
const THURSDAY = 3;  // 1970-01-01 was a Thursday: day d is (d + 3) % 7 days after a Monday

// ISO date (YYYY-MM-DD) of a day number.
export const isoDate = (day) => new Date(day * DAY_MS).toISOString().slice(0, 10);

// The first and last day of the dated strikes (null without any), and how many are undated.
export function dateSpan(days) {
  let first = Infinity;
  let last = -Infinity;
  let undated = 0;
  for (const day of days) {
    if (Number.isNaN(day)) {
      undated += 1;
    } else {
      first = Math.min(first, day);
      last = Math.max(last, day);
    }
  }
  return first <= last ? {first, last, undated} : {first: null, last: null, undated};
}

// The windows [start, end) (day numbers) that cover `first`..`last`: whole weeks from Monday
// (`step` "week") or calendar months ("month"); none without dates.
export function timeWindows(first, last, step) {
  const windows = [];
  if (first === null) return windows;
  if (step === 'week') {
    const monday = first - (((first + THURSDAY) % WEEK_DAYS) + WEEK_DAYS) % WEEK_DAYS;
    for (let start = monday; start <= last; start += WEEK_DAYS) {
      windows.push({start, end: start + WEEK_DAYS});
    }
    return windows;
  }
  if (step !== 'month') throw new Error(`no time step "${step}"`);
  const firstDate = new Date(first * DAY_MS);
  let year = firstDate.getUTCFullYear();
  let month = firstDate.getUTCMonth();
  for (let start = Date.UTC(year, month, 1) / DAY_MS; start <= last;) {
    month += 1;
    if (month === 12) {
      month = 0;
      year += 1;
    }
    const end = Date.UTC(year, month, 1) / DAY_MS;
    windows.push({start, end});
    start = end;
  }
  return windows;
}

// "2024-01-01 to 2024-01-31": the window's first and last day.
export const windowLabel = ({start, end}) => `${isoDate(start)} to ${isoDate(end - 1)}`;

// How many of `days` fall in the window (undated strikes never do).
export function countInWindow(days, {start, end}) {
  let count = 0;
  for (const day of days) {
    if (day >= start && day < end) count += 1;
  }
  return count;
}

// The DataFilterExtension's `filterRange` (inclusive) of a window of whole days.
export const filterRange = ({start, end}) => [start, end - 0.5];

// What the map says of a window (null: all dates), for `total` strikes of which `undated`
// have no date.
export function windowText(window, inWindow, total, undated) {
  const strikes = (n) => `${n.toLocaleString('en-US')} strike${n === 1 ? '' : 's'}`;
  if (!window) {
    return `All dates: ${strikes(total)}` +
      (undated ? ` (${undated.toLocaleString('en-US')} without a date)` : '');
  }
  return `${windowLabel(window)}: ${inWindow.toLocaleString('en-US')} of ${strikes(total)}` +
    (undated ? `; ${undated.toLocaleString('en-US')} without a date not shown` : '');
}
