// The rings, bands, reach envelopes and ring labels of a range, as plain data: what follows the
// range sliders, computed in the browser (rings.js) so that a press is drawn without a round trip
// to the server. index.js draws them with deck.gl layers.

import {bandBetween, rangeRing, ringLine} from './rings.js';

const plainRing = (site, km, toleranceM) => rangeRing(site.lon, site.lat, km, toleranceM);
const round = (x, decimals) => Math.round(x * 10 ** decimals) / 10 ** decimals;
const rounded = (line, decimals) => line.map(([lon, lat]) => [round(lon, decimals),
  round(lat, decimals)]);

// The northernmost vertex of a ring's line: where its radius label goes.
const top = (ring) => ringLine(ring).reduce((a, b) => (b[1] > a[1] ? b : a));

// For the sites of `spec` (mapviz.mapcomponent.ring_spec) and a range in km (`minKm` 0: no min
// ring): the bands (deck.gl polygons with a tooltip `tt`), the min and max rings and the reach
// envelopes (lines of [lon, lat]), and the ring labels (position `p`, text `t`, colour `c`).
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
    const label = (circle, km, kind) => {
      const [lon, lat] = top(circle);
      return {...kind, p: [round(lon, 4), round(lat, 4)], t: `${km} km`};
    };
    maxLines.push(rounded(ringLine(outer), style.decimals));
    maxLabels.push(label(outer, maxKm, style.labels.max));
    if (inner) {
      minLines.push(rounded(ringLine(inner), style.decimals));
      minLabels.push(label(inner, minKm, style.labels.min));
    }
    if (spec.envelopes && site.uncertainty_km > 0) {
      const radii = [maxKm + site.uncertainty_km];
      if (maxKm > site.uncertainty_km) radii.push(maxKm - site.uncertainty_km);
      for (const km of radii) {
        reach.push(rounded(ringLine(ring(site, km, spec.tolerance_m)), style.decimals));
      }
    }
  }
  return {bands, minLines, maxLines, reach, labels: [...maxLabels, ...minLabels]};
}
