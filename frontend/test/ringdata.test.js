// ringdata.js on what the page sends for the default launch points (fixtures/ring_spec.json,
// mapviz.mapcomponent.ring_spec): bands, rings, envelopes and labels of a range.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {ringData} from '../src/ringdata.js';

const SPEC = JSON.parse(readFileSync(new URL('fixtures/ring_spec.json', import.meta.url)));

test('a band, a min and a max ring and two envelopes per launch point', () => {
  const data = ringData(SPEC, 380, 800);
  const n = SPEC.sites.length;
  assert.equal(data.bands.length, n);
  assert.equal(data.minLines.length, n);
  assert.equal(data.maxLines.length, n);
  assert.equal(data.reach.length, 2 * n);  // 800 +- 50 km
  assert.match(data.bands[0].tt, /^Belgorod \(city centre\): 380 to 800 km away/);
});

test('min 0 draws the max disk and no min ring', () => {
  const data = ringData(SPEC, 0, 800);
  assert.equal(data.minLines.length, 0);
  assert.deepEqual(data.bands.map((b) => b.polygon.length), SPEC.sites.map(() => 1));
});

test('ring labels carry their kind from mapviz.deck: text, colour, priority, offset', () => {
  const {labels} = ringData(SPEC, 380, 800);
  const n = SPEC.sites.length;
  assert.deepEqual(labels.map((l) => l.t), [...Array(n).fill('800 km'), ...Array(n).fill('380 km')]);
  for (const label of labels) {
    const kind = SPEC.style.labels[label.t === '800 km' ? 'max' : 'min'];
    for (const field of ['c', 's', 'a', 'b', 'o', 'pr']) assert.deepEqual(label[field], kind[field]);
  }
  // each above the northernmost point of its ring
  const north = Math.max(...ringData(SPEC, 380, 800).maxLines[0].map((p) => p[1]));
  assert.ok(Math.abs(labels[0].p[1] - north) < 1e-4);
});

test('names from data stay text in tooltips', () => {
  const spec = {...SPEC, sites: [{...SPEC.sites[0], name: '<img src=x onerror=alert(1)>'}]};
  assert.match(ringData(spec, 380, 800).bands[0].tt, /^<img src=x onerror=alert\(1\)>: /);
});
