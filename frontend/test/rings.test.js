// rings.js against mapviz.geodesy: fixtures/rings.json (tools/js_fixtures.py) holds rings of
// the Python core with points 100 m (twice the tolerance) inside and outside the true circle,
// around the default launch points, across the antimeridian and enclosing either pole.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import geographiclib from 'geographiclib-geodesic';

const {Geodesic} = geographiclib;
import {bandBetween, enclosedPole, rangeRing, ringLine} from '../src/rings.js';

const CASES = JSON.parse(readFileSync(new URL('fixtures/rings.json', import.meta.url)));
const GEOD = Geodesic.WGS84;

// Even-odd test of (x, y) against a closed ring of [x, y] points.
function inRing(points, x, y) {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i], [xj, yj] = points[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// Whether a lon/lat point is inside a ring drawn with continuous longitudes: any of its copies
// 360 degrees apart.
const inside = (points, lon, lat) => [-720, -360, 0, 360, 720].some(
  (shift) => inRing(points, lon + shift, lat));

for (const c of CASES) {
  const name = `${c.radius_km} km around (${c.lon}, ${c.lat})`;
  test(`${name}: the pole it encloses is mapviz.geodesy's`, () => {
    assert.equal(rangeRing(c.lon, c.lat, c.radius_km, c.tolerance_m).pole, c.pole);
    assert.equal(enclosedPole(c.lon, c.lat, c.radius_km), c.pole);
  });

  test(`${name}: every edge is within the tolerance of the true circle`, () => {
    const line = ringLine(rangeRing(c.lon, c.lat, c.radius_km, c.tolerance_m));
    for (let i = 1; i < line.length; i++) {
      const [lon, lat] = [(line[i - 1][0] + line[i][0]) / 2, (line[i - 1][1] + line[i][1]) / 2];
      const distanceM = GEOD.Inverse(c.lat, c.lon, lat, lon).s12;
      assert.ok(Math.abs(distanceM - c.radius_km * 1000) <= c.tolerance_m,
        `edge ${i}: ${distanceM} m`);
    }
  });

  test(`${name}: points 100 m inside are in, 100 m outside are out`, () => {
    const {points} = rangeRing(c.lon, c.lat, c.radius_km, c.tolerance_m);
    for (const probe of c.probes) {
      assert.equal(inside(points, probe.lon, probe.lat), probe.inside,
        `(${probe.lon}, ${probe.lat}) should be ${probe.inside ? 'in' : 'out'}`);
    }
  });

  test(`${name}: its extent is mapviz.geodesy's`, () => {
    const {points} = rangeRing(c.lon, c.lat, c.radius_km, c.tolerance_m);
    const lats = points.map((p) => p[1]);
    const [, south, , north] = c.bounds;
    assert.ok(Math.abs(Math.min(...lats) - south) < 0.002, `south ${Math.min(...lats)}`);
    assert.ok(Math.abs(Math.max(...lats) - north) < 0.002, `north ${Math.max(...lats)}`);
    const lons = points.map((p) => p[0]);
    const span = Math.max(...lons) - Math.min(...lons);
    if (c.pole) assert.ok(Math.abs(span - 360) < 1e-6, `a pole ring spans ${span}`);
    else assert.ok(Math.abs(span - (c.bounds[2] - c.bounds[0])) < 0.01, `span ${span}`);
  });
}

test('a band is the outer ring with the inner one as its hole', () => {
  const outer = rangeRing(36.58, 50.61, 800, 50);
  const inner = rangeRing(36.58, 50.61, 380, 50);
  assert.deepEqual(bandBetween(outer, inner), [[outer.points, inner.points]]);
});

test('a band between two rings around the same pole is one ring', () => {
  const outer = rangeRing(170, 80, 2000, 50);
  const inner = rangeRing(170, 80, 1500, 50);
  const [[ring]] = bandBetween(outer, inner);
  const between = GEOD.Direct(80, 170, 180, 1750e3);
  assert.ok(inside(ring, between.lon2, between.lat2), 'between the two rings: in the band');
  assert.ok(!inside(ring, 0, 89.9), 'beyond the inner ring, at the pole: not in the band');
});
