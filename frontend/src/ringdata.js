// The rings, bands, reach envelopes and ring labels of a range, as the map draws them: the
// layers of mapviz.deck's rings (bands answer on hover; lines are segments), in the browser.

import {bandBetween, rangeRing, ringLine} from './rings.js';

const WORLD_PX_AT_ZOOM_0 = 512;
const plainRing = (site, km, toleranceM) => rangeRing(site.lon, site.lat, km, toleranceM);

const round = (x, decimals) => Math.round(x * 10 ** decimals) / 10 ** decimals;
const segments = (line, decimals) => {
  const out = [];
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1], b = line[i];
    out.push([round(a[0], decimals), round(a[1], decimals), round(b[0], decimals),
      round(b[1], decimals)]);
  }
  return out;
};

// `mapviz.deck.dashes`: `count` dashes of equal length along a line, `duty` of each period.
function dashes(line, count, duty) {
  const along = [0];
  for (let i = 1; i < line.length; i++) {
    const dx = (line[i][0] - line[i - 1][0]) *
      Math.cos(((line[i][1] + line[i - 1][1]) / 2) * Math.PI / 180);
    along.push(along[i - 1] + Math.hypot(dx, line[i][1] - line[i - 1][1]));
  }
  const total = along[along.length - 1];
  if (!(total > 0)) return [];
  const at = (s) => {
    let i = 1;
    while (i < along.length - 1 && along[i] < s) i++;
    const t = (s - along[i - 1]) / (along[i] - along[i - 1] || 1);
    return [line[i - 1][0] + t * (line[i][0] - line[i - 1][0]),
      line[i - 1][1] + t * (line[i][1] - line[i - 1][1])];
  };
  const period = total / count;
  const pieces = [];
  for (let k = 0; k < count; k++) {
    const start = k * period, end = start + duty * period;
    pieces.push([at(start), ...line.filter((_, i) => along[i] > start && along[i] < end), at(end)]);
  }
  return pieces;
}

// `mapviz.deck.screen_box`: a label's box in Web Mercator pixels at `zoom`.
function screenBox(lon, lat, zoom, width, height, offset) {
  const pxPerRadian = (WORLD_PX_AT_ZOOM_0 * 2 ** zoom) / (2 * Math.PI);
  const x = (lon * Math.PI) / 180 * pxPerRadian + offset[0];
  const y = -Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) * pxPerRadian + offset[1];
  return [x - width / 2, y - height / 2, x + width / 2, y + height / 2];
}
const overlaps = (box, others) =>
  others.some((o) => box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]);

// What follows the sliders, as plain data: the bands (polygons with a tooltip), the min and
// max rings and reach envelopes (segments [lon0, lat0, lon1, lat1]) and the ring labels that
// keep clear of `spec.taken` and of each other (as mapviz.deck.uncluttered), max rings' first.
export function ringData(spec, minKm, maxKm, ring = plainRing) {
  const {style} = spec;
  const bands = [], minLines = [], maxLines = [], reach = [], maxLabels = [], minLabels = [];
  for (const site of spec.sites) {
    const outer = ring(site, maxKm, spec.tolerance_m);
    const inner = minKm > 0 ? ring(site, minKm, spec.tolerance_m) : null;
    const text = `${site.name}: ${minKm} to ${maxKm} km away (range band)`;
    for (const polygon of inner ? bandBetween(outer, inner) : [[outer.points]]) {
      bands.push({polygon, tt: text});
    }
    const label = (ring, km, colour, into) => {
      const top = ringLine(ring).reduce((a, b) => (b[1] > a[1] ? b : a));
      into.push({p: [round(top[0], 4), round(top[1], 4)], t: `${km} km`, c: colour,
        o: style.label_offset_px});
    };
    maxLines.push(...segments(ringLine(outer), style.decimals));
    label(outer, maxKm, style.max_colour, maxLabels);
    if (inner) {
      minLines.push(...segments(ringLine(inner), style.decimals));
      label(inner, minKm, style.min_colour, minLabels);
    }
    if (spec.envelopes && site.uncertainty_km > 0) {
      const radii = [maxKm + site.uncertainty_km];
      if (maxKm > site.uncertainty_km) radii.push(maxKm - site.uncertainty_km);
      for (const km of radii) {
        for (const dash of dashes(ringLine(ring(site, km, spec.tolerance_m)),
          style.dashes_per_ring, style.dash_duty)) {
          reach.push(...segments(dash, style.decimals));
        }
      }
    }
  }
  const placed = spec.taken.map((b) => b.slice());
  const labels = [];
  for (const label of [...maxLabels, ...minLabels]) {
    const box = screenBox(label.p[0], label.p[1], spec.zoom, style.label_char_px * label.t.length,
      style.label_size_px, label.o);
    if (!overlaps(box, placed)) {
      placed.push(box);
      labels.push(label);
    }
  }
  return {bands, minLines, maxLines, reach, labels};
}
