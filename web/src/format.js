// Tick values and their labels. Pure (measuring text is passed in), so node tests it.

const SUFFIXES = ["", "k", "M", "G", "T"];

/**
 * A tick label for v when ticks step by incr, in the shortest form that still tells neighbours apart:
 * 905k, 1.2M, 3.5e-7, 0.25. `mag` is the largest magnitude on the axis, so every tick shares one form.
 */
export function formatNumber(v, incr, mag) {
  if (v === 0 || !isFinite(v)) return v === 0 ? "0" : String(v);
  const m = Math.max(Math.abs(mag || v), Math.abs(v));
  const step = Math.abs(incr) > 0 ? Math.abs(incr) : Math.abs(v);
  const stepExp = Math.floor(Math.log10(step) + 1e-9);
  const magExp = Math.floor(Math.log10(m) + 1e-9);
  if (magExp >= 15 || magExp <= -5) {
    // Scientific: as many mantissa digits as the step needs.
    const e = Math.floor(Math.log10(Math.abs(v)) + 1e-9);
    const digits = Math.min(12, Math.max(0, e - stepExp));
    let mant = (v / Math.pow(10, e)).toFixed(digits);
    if (digits > 0) mant = mant.replace(/\.?0+$/, "");
    return `${mant}e${e}`;
  }
  if (magExp >= 4) {
    const k = Math.min(SUFFIXES.length - 1, Math.floor(magExp / 3));
    const scale = Math.pow(1000, k);
    return clean((v / scale).toFixed(decimalsOf(step / scale))) + SUFFIXES[k];
  }
  return clean(v.toFixed(decimalsOf(step)));
}

// The decimals a step needs to be written exactly (0.25: 2, 5000: 0), at most 15.
function decimalsOf(step) {
  for (let d = 0; d < 15; d++) {
    const scaled = step * Math.pow(10, d);
    if (Math.abs(scaled - Math.round(scaled)) <= 1e-9 * scaled) return d;
  }
  return 15;
}

function clean(s) {
  return s === "-0" || /^-0\.0*$/.test(s) ? s.slice(1) : s;
}

/** A readout value: up to 7 significant digits, compact for large and small magnitudes. */
export function formatValue(v) {
  if (!isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e7 || a < 1e-4)) return v.toExponential(4).replace(/\.?0+e/, "e");
  return String(+v.toPrecision(7));
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const p2 = (n) => String(n).padStart(2, "0");

/**
 * A time tick label for Unix seconds t (local time zone) when ticks step by incr seconds: from milliseconds to years.
 * The first tick and every tick where the day changes carry the date on a second line, so each reads alone.
 */
export function formatTime(t, incr, withDate) {
  const d = new Date(t * 1000);
  const hm = `${p2(d.getHours())}:${p2(d.getMinutes())}`;
  const day = `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  if (incr >= 365 * 86400 - 1) return String(d.getFullYear());
  if (incr >= 28 * 86400) return `${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
  if (incr >= 86400) return withDate ? `${day}\n${d.getFullYear()}` : day;
  let clock;
  if (incr >= 60) clock = hm;
  else if (incr >= 1) clock = `${hm}:${p2(d.getSeconds())}`;
  else {
    const ms = String(d.getMilliseconds()).padStart(3, "0");
    clock = `${hm}:${p2(d.getSeconds())}.${incr >= 0.1 ? ms[0] : incr >= 0.01 ? ms.slice(0, 2) : ms}`;
  }
  return withDate ? `${clock}\n${day} ${d.getFullYear()}` : clock;
}

/** Time tick labels for a list of splits: the date shows on the first and wherever the day changes. */
export function timeLabels(splits, incr) {
  let lastDay = null;
  return splits.map((t) => {
    if (t == null) return null;
    const d = new Date(t * 1000);
    const key = `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
    const withDate = key !== lastDay;
    lastDay = key;
    return formatTime(t, incr, withDate);
  });
}

/** Number tick labels for a list of splits, all in the same form. */
export function numberLabels(splits, incr) {
  let mag = 0;
  for (const v of splits) if (v != null && isFinite(v)) mag = Math.max(mag, Math.abs(v));
  return splits.map((v) => (v == null ? null : formatNumber(v, incr, mag)));
}

/** The smallest increment from sorted incrs giving at least minSpace pixels between ticks (uPlot's own rule). */
export function pickIncr(min, max, incrs, dim, minSpace) {
  const delta = max - min;
  if (!(delta > 0) || !(dim > 0)) return incrs[incrs.length - 1];
  for (const incr of incrs) if ((dim * incr) / delta >= minSpace) return incr;
  return incrs[incrs.length - 1];
}

/** Round multiples of incr within [min, max]. */
export function linearSplits(min, max, incr) {
  const out = [];
  if (!(incr > 0)) return out;
  const first = Math.ceil(min / incr - 1e-9);
  for (let k = first; k * incr <= max + incr * 1e-9 && out.length < 1000; k++) out.push(+(k * incr).toPrecision(15));
  return out;
}

/**
 * The pixel spacing a horizontal axis needs so its labels never touch: the widest label its ticks would have
 * at that spacing, plus a gap. Found by trying spacings until the labels fit (a wider spacing means a larger
 * step and, for numbers and times alike, labels no wider).
 */
export function horizontalSpace(min, max, dim, incrs, labelsFor, measure, gap = 14) {
  let space = 40;
  for (let round = 0; round < 6; round++) {
    const incr = pickIncr(min, max, incrs, dim, space);
    const labels = labelsFor(linearSplits(min, max, incr).slice(0, 64), incr);
    let widest = 0;
    for (const l of labels) if (l != null) for (const line of l.split("\n")) widest = Math.max(widest, measure(line));
    const need = Math.ceil(widest + gap);
    if (need <= space) return space;
    space = need;
  }
  return space;
}

/**
 * Ticks on a log axis over [min, max] (min > 0) with room for labels `space` pixels apart: 1, 2, 5 or every
 * integer multiple of each decade when the decades are wide, every k-th power of ten when they are narrow.
 */
export function logSplits(min, max, dim, space) {
  const lo = Math.log10(min), hi = Math.log10(max);
  const decades = hi - lo;
  if (!(decades > 0) || !(dim > 0)) return [min];
  const pxPerDecade = dim / decades;
  // The closest neighbours of each set, in decades: 9 and 10 (0.046), 1 and 2 or 5 and 10 (0.301), 1 and 3 (0.477).
  const mults = pxPerDecade * 0.046 >= space ? [1, 2, 3, 4, 5, 6, 7, 8, 9]
    : pxPerDecade * 0.301 >= space ? [1, 2, 5]
    : pxPerDecade * 0.477 >= space ? [1, 3]
    : [1];
  const every = pxPerDecade >= space ? 1 : Math.ceil(space / pxPerDecade);
  const out = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi) && out.length < 400; e++) {
    if (e % every !== 0) continue;
    const base = Math.pow(10, e);
    for (const m of mults) {
      const v = +(m * base).toPrecision(12);
      if (v >= min * (1 - 1e-12) && v <= max * (1 + 1e-12)) out.push(v);
    }
  }
  // A narrow range (inside one decade, or barely two) has too few round values: plain steps then.
  if (out.length < 2 || (out.length < 3 && decades < 1)) {
    const incr = pickIncr(min, max, NUMBER_INCRS, dim, space);
    return linearSplits(min, max, incr);
  }
  return out;
}

/** Labels for log ticks: each in its own compact form. */
export function logLabels(splits) {
  return splits.map((v) => (v == null ? null : formatNumber(v, Math.pow(10, Math.floor(Math.log10(v) + 1e-9)), v)));
}

/** Steps for number axes: 1, 2 and 5 times powers of ten. */
export const NUMBER_INCRS = (() => {
  const out = [];
  for (let e = -300; e <= 300; e++) for (const m of [1, 2, 5]) out.push(+(m + "e" + e));
  return out;
})();

const MIN = 60, HOUR = 3600, DAY = 86400;
/** Steps for time axes, in seconds: milliseconds to centuries. */
export const TIME_INCRS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
  1, 2, 5, 10, 15, 30,
  MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 3 * DAY, 7 * DAY, 14 * DAY,
  30 * DAY, 2 * 30 * DAY, 3 * 30 * DAY, 6 * 30 * DAY,
  365 * DAY, 2 * 365 * DAY, 5 * 365 * DAY, 10 * 365 * DAY, 20 * 365 * DAY, 50 * 365 * DAY, 100 * 365 * DAY,
];

/**
 * The spacing that keeps ticks on whole numbers when every x in view is one (line numbers, steps): at least one
 * unit's width, so no step under 1 is chosen, while two or more whole numbers are in [min, max] to tick.
 */
export function wholeSpace(min, max, dim, space) {
  if (!(Math.floor(max) - Math.ceil(min) >= 1)) return space;
  return Math.max(space, dim / (max - min));
}

/** Whether every finite x of the first `count` is a whole number (and there is one). */
export function allWhole(xs, count) {
  let any = false;
  for (let i = 0; i < count; i++) {
    const x = xs[i];
    if (!Number.isFinite(x)) continue;
    if (x !== Math.floor(x)) return false;
    any = true;
  }
  return any;
}
