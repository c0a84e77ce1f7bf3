// Geodesic range rings on the WGS84 ellipsoid, computed in the browser: the direct way of
// src/mapviz/geodesy.py (`_checked_ring_vertices`, `enclosed_pole`, `range_ring`,
// `band_between`), so a slider press draws without waiting for the server.
//
// A ring's vertices come from geodesic direct problems (Karney's algorithm, GeographicLib);
// every edge midpoint is checked against the true circle with a geodesic inverse and the edges
// too far from it are halved until all are within the tolerance. Longitudes are continuous
// around the centre (display form); a ring that encloses a pole is closed along the pole's
// latitude and spans 360 degrees of longitude. tests/test_browser_rings.py checks these rings
// against mapviz.geodesy in Chromium.

import geographiclib from 'geographiclib-geodesic';

const {Geodesic} = geographiclib;

const GEOD = Geodesic.WGS84;
const MIN_VERTICES = 16;
const MAX_VERTICES = 1 << 16;
const MAX_REFINEMENTS = 24;
const VERTEX_SAFETY = 1.15;
const MIN_M_PER_DEG_LAT = 110574.0;
const POLE_LAT = 90;

function initialVertexCount(radiusM, toleranceM) {
  if (toleranceM >= radiusM) return MIN_VERTICES;
  const halfAngle = Math.acos(1 - toleranceM / radiusM);
  return Math.max(MIN_VERTICES, Math.ceil((VERTEX_SAFETY * Math.PI) / halfAngle));
}

// Unwrap longitudes so consecutive vertices never jump; centre their span on `centreLon`.
function continuous(lons, centreLon) {
  const out = [lons[0]];
  for (let i = 1; i < lons.length; i++) {
    let step = lons[i] - lons[i - 1];
    step -= 360 * Math.round(step / 360);
    out.push(out[i - 1] + step);
  }
  const middle = 0.5 * (Math.min(...out) + Math.max(...out));
  const shift = 360 * Math.round((centreLon - middle) / 360);
  return out.map((x) => x + shift);
}

// Vertices in azimuth order (clockwise from north), closed: the last repeats the first with
// the longitude wrap of the last edge. Only the eastern half is computed and checked; the
// western half is its mirror image across the centre's meridian.
function checkedVertices(lon, lat, radiusM, toleranceM) {
  const count = Math.floor(initialVertexCount(radiusM, toleranceM) / 2) + 1;
  let azimuths = Array.from({length: count}, (_, i) => (180 * i) / (count - 1));
  for (let pass = 0; pass < MAX_REFINEMENTS; pass++) {
    const n = azimuths.length;
    const eastLons = [], eastLats = [];
    for (const azimuth of azimuths) {
      const p = GEOD.Direct(lat, lon, azimuth, radiusM);
      eastLons.push(p.lon2);
      eastLats.push(p.lat2);
    }
    const westLons = [], westLats = [];
    for (let i = n - 2; i >= 0; i--) {
      westLons.push(2 * lon - eastLons[i]);
      westLats.push(eastLats[i]);
    }
    const lons = continuous(eastLons.concat(westLons), lon);
    const lats = eastLats.concat(westLats);
    const tooFar = [];
    for (let i = 0; i < n - 1; i++) {
      const midLon = 0.5 * (lons[i] + lons[i + 1]);
      const midLat = 0.5 * (lats[i] + lats[i + 1]);
      const d = GEOD.Inverse(lat, lon, midLat, midLon).s12;
      if (Math.abs(d - radiusM) > toleranceM) tooFar.push(i);
    }
    if (!tooFar.length) return {lons, lats};
    if (2 * n > MAX_VERTICES) break;
    azimuths = azimuths
      .concat(tooFar.map((i) => 0.5 * (azimuths[i] + azimuths[i + 1])))
      .sort((a, b) => a - b);
  }
  throw new Error(`no ring within ${toleranceM} m of the ${radiusM / 1000} km circle`);
}

// +1 if the ring encloses the North Pole, -1 the South Pole, 0 neither.
export function enclosedPole(lon, lat, radiusKm) {
  const radiusM = radiusKm * 1000;
  if (radiusM < (POLE_LAT - Math.abs(lat)) * MIN_M_PER_DEG_LAT) return 0;
  for (const sign of [1, -1]) {
    if (GEOD.Inverse(lat, lon, sign * POLE_LAT, lon).s12 < radiusM) return sign;
  }
  return 0;
}

const rotate = (values, by) => values.slice(by).concat(values.slice(0, by));

// The closed ring of geodesic radius `radiusKm` around (lon, lat) as [lon, lat] pairs, with
// every edge midpoint within `toleranceM` metres of the true circle. `pole` says whether the
// ring encloses a pole; a pole ring ends with two vertices on the pole's latitude.
export function rangeRing(lon, lat, radiusKm, toleranceM) {
  let {lons, lats} = checkedVertices(lon, lat, radiusKm * 1000, toleranceM);
  const pole = enclosedPole(lon, lat, radiusKm);
  if (pole) {
    if (pole < 0) {
      // The seam opposite the centre (azimuth 180 crosses the South Pole), as for a North
      // Pole ring, whose seam is at azimuth 0.
      const opposite = Math.floor((lons.length - 1) / 2);
      const rolledLons = rotate(lons.slice(0, -1), opposite);
      const rolledLats = rotate(lats.slice(0, -1), opposite);
      lons = continuous(rolledLons.concat([rolledLons[0]]), lon);
      lats = rolledLats.concat([rolledLats[0]]);
    }
    const poleLat = pole * POLE_LAT;
    lons = lons.concat([lons[lons.length - 1], lons[0]]);
    lats = lats.concat([poleLat, poleLat]);
    return {points: lons.map((x, i) => [x, lats[i]]).concat([[lons[0], lats[0]]]), pole};
  }
  lons[lons.length - 1] = lons[0];
  lats[lats.length - 1] = lats[0];
  return {points: lons.map((x, i) => [x, lats[i]]), pole};
}

// The band between two rings around one centre, as deck.gl polygons (lists of rings).
// The inner ring is a hole of the outer one, except when both enclose the same pole: then the
// band is one ring that runs along the outer ring's curve and back along the inner one's.
export function bandBetween(outer, inner) {
  if (outer.pole && inner.pole) {
    const curve = (ring) => ring.points.slice(0, -3);
    return [[curve(outer).concat(curve(inner).reverse())]];
  }
  return [[outer.points, inner.points]];
}

// The line without its pole closure: the pole edges are not part of the circle.
export function ringLine(ring) {
  return ring.pole ? ring.points.slice(0, -3) : ring.points;
}
