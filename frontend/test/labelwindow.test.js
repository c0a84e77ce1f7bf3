// labelwindow.js on the map's labels (fixtures/labels.json, from mapviz.records and
// mapviz.style): which labels deck.gl is given for a view, and when they are chosen again.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {WebMercatorViewport} from '@deck.gl/core';
import {CHAR_WIDTH_EM, LabelWindow, SAMPLE_PX, SLACK_PX, inBox, labelReach, viewBox}
  from '../src/labelwindow.js';

const {collision: COLLISION, records: RECORDS} = JSON.parse(
  readFileSync(new URL('fixtures/labels.json', import.meta.url)));
// The map's views (mapviz.reference's view presets) in a map 930 x 620 CSS pixels.
const THEATRE = {longitude: 36, latitude: 49.5, zoom: 4.2, width: 930, height: 620};
const PACIFIC = {longitude: 128, latitude: 13, zoom: 2.6, width: 930, height: 620};
const at = (view) => new WebMercatorViewport(view);

// Where a record (or one of its copies 360 degrees apart) is drawn, in CSS pixels of `viewport`.
const drawnAt = (viewport, [lon, lat]) => [-360, 0, 360].map((shift) =>
  viewport.project([lon + shift, lat]));
const nearView = (viewport, record, [x, y]) => drawnAt(viewport, record.p).some(([px, py]) =>
  px >= -x && px <= viewport.width + x && py >= -y && py <= viewport.height + y);

test("a label's reach is its collision box's: scale, padding, anchor and offset", () => {
  const label = {s: 12, t: 'Ten chars!', a: 'middle', b: 'bottom', o: [0, -3]};
  const half = (10 * 12 * CHAR_WIDTH_EM) / 2;
  assert.deepEqual(labelReach([label], COLLISION), [
    2.5 * (half + 6) + SAMPLE_PX,
    2.5 * (12 + 16) + 3 + SAMPLE_PX,
  ]);
  // a stack of lines (HYPOTHETICAL labels): the longest line across, every line down
  const stacked = {...label, t: 'HYPOTHETICAL\nTyphon', b: 'center', o: [0, 0]};
  assert.deepEqual(labelReach([stacked], COLLISION), [
    2.5 * ((12 * 12 * CHAR_WIDTH_EM) / 2 + 6) + SAMPLE_PX,
    2.5 * (12 + 16) + SAMPLE_PX,
  ]);
  // the farthest of them all
  assert.deepEqual(labelReach([label, stacked], COLLISION), labelReach([stacked], COLLISION)
    .map((v, i) => Math.max(v, labelReach([label], COLLISION)[i])));
});

test('the labels near a view are every one within reach of it, and none far beyond', () => {
  const viewport = at(THEATRE);
  const reach = labelReach(RECORDS, COLLISION);
  const near = new LabelWindow().select(RECORDS, viewport, COLLISION);
  const outer = reach.map((v) => v + SLACK_PX + 1);
  for (const record of RECORDS) {
    if (nearView(viewport, record, reach)) assert.ok(near.includes(record), record.t);
    if (!nearView(viewport, record, outer)) assert.ok(!near.includes(record), record.t);
  }
  assert.ok(near.length > 20 && near.length < RECORDS.length / 2, near.length);
  // in their order in the spec (deck.gl's collision filter breaks ties by it)
  assert.deepEqual(near, RECORDS.filter((record) => near.includes(record)));
});

test('across the antimeridian, a label counts where its copy is drawn', () => {
  const viewport = at({...PACIFIC, longitude: -178, latitude: -18, zoom: 4});  // east of Fiji
  const box = viewBox(viewport, 0, 0);
  assert.ok(box.west < -180 && box.east > -180, box);
  assert.ok(inBox([178, -18], box) && inBox([-178, -18], box));
  assert.ok(!inBox([150, -18], box) && !inBox([-150, -18], box) && !inBox([178, 40], box));
  const near = new LabelWindow().select(RECORDS, viewport, COLLISION);
  assert.ok(near.some((record) => record.t === 'Fiji'));  // at 178 E, drawn at 182 W
  const reach = labelReach(RECORDS, COLLISION);
  for (const record of RECORDS) {
    if (nearView(viewport, record, reach)) assert.ok(near.includes(record), record.t);
  }
});

test('a view wider than the world gets every label', () => {
  const viewport = at({longitude: 0, latitude: 0, zoom: 0, width: 1800, height: 1200});
  assert.equal(new LabelWindow().select(RECORDS, viewport, COLLISION).length, RECORDS.length);
});

test('the same labels while a pan stays in the window; chosen again past it', () => {
  const labels = new LabelWindow();
  const first = labels.select(RECORDS, at(THEATRE), COLLISION);
  const slightly = at(THEATRE).unproject([THEATRE.width / 2 + SLACK_PX / 2, THEATRE.height / 2]);
  const panned = {...THEATRE, longitude: slightly[0], latitude: slightly[1]};
  assert.equal(labels.select(RECORDS, at(panned), COLLISION), first);
  const far = at(THEATRE).unproject([THEATRE.width / 2 + 2 * SLACK_PX, THEATRE.height / 2]);
  const moved = labels.select(RECORDS, at({...THEATRE, longitude: far[0], latitude: far[1]}),
    COLLISION);
  assert.notEqual(moved, first);
});

test('zooming in by a step, or out past the window, chooses again; a smaller zoom in does not', () => {
  const labels = new LabelWindow();
  const first = labels.select(RECORDS, at(THEATRE), COLLISION);
  assert.equal(labels.select(RECORDS, at({...THEATRE, zoom: THEATRE.zoom + 0.5}), COLLISION),
    first);
  const closer = labels.select(RECORDS, at({...THEATRE, zoom: THEATRE.zoom + 1}), COLLISION);
  assert.notEqual(closer, first);
  assert.ok(closer.length < first.length);
  const wider = labels.select(RECORDS, at({...THEATRE, zoom: THEATRE.zoom + 0.5}), COLLISION);
  assert.notEqual(wider, closer);
});

test('new records are chosen from at once; a map not laid out gets them all', () => {
  const labels = new LabelWindow();
  labels.select(RECORDS, at(THEATRE), COLLISION);
  const fewer = RECORDS.slice(0, 50);
  assert.ok(labels.select(fewer, at(THEATRE), COLLISION).every((r) => fewer.includes(r)));
  assert.equal(labels.select(RECORDS, null, COLLISION), RECORDS);
});
