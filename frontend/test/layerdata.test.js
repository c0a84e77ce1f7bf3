// layerdata.js: the strikes' typed arrays as mapviz.deck.strike_binary writes them
// (fixtures/strikes.bin, with what it holds in strikes.json), data files read once, tooltips.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {DataFiles, binaryData, strikeArrays, strikeTooltip} from '../src/layerdata.js';

const fixture = (name) => readFileSync(new URL(`fixtures/${name}`, import.meta.url));
const file = fixture('strikes.bin');
const BUFFER = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
const HELD = JSON.parse(fixture('strikes.json'));

test('the strikes file holds positions, radii, colours and days', () => {
  const arrays = strikeArrays(BUFFER);
  assert.equal(arrays.length, HELD.length);
  assert.deepEqual([...arrays.positions], HELD.positions);
  assert.deepEqual([...arrays.radii], HELD.radii);
  assert.deepEqual([...arrays.colours], HELD.colours);
  assert.deepEqual([...arrays.days].map((d) => (Number.isNaN(d) ? null : d)), HELD.days);
});

test('a file that is not 20 bytes a strike is refused', () => {
  assert.throws(() => strikeArrays(new ArrayBuffer(17)), /not 20 bytes a strike/);
});

test('a layer gets the attributes it names, colours as normalised bytes', () => {
  const data = binaryData(strikeArrays(BUFFER), ['getPosition', 'getLineColor', 'getRadius']);
  assert.equal(data.length, HELD.length);
  assert.deepEqual(Object.keys(data.attributes), ['getPosition', 'getLineColor', 'getRadius']);
  assert.equal(data.attributes.getPosition.size, 2);
  assert.equal(data.attributes.getLineColor.size, 4);
  assert.equal(data.attributes.getLineColor.normalized, true);
  assert.throws(() => binaryData(strikeArrays(BUFFER), ['getText']), /no strike array/);
});

const response = (body) => ({ok: true, json: async () => body,
  arrayBuffer: async () => body});

test('a data file is fetched once while named, and again once forgotten', async () => {
  const asked = [];
  const files = new DataFiles(async (url) => {
    asked.push(url);
    return response([url]);
  });
  assert.deepEqual(await Promise.all([files.get('a'), files.get('a'), files.get('b')]),
    [['a'], ['a'], ['b']]);
  assert.deepEqual(asked, ['a', 'b']);
  assert.equal(files.pending(), 0);
  files.keep(new Set(['b']));
  await files.get('a');
  await files.get('b');
  assert.deepEqual(asked, ['a', 'b', 'a']);
});

test('a file that fails is reported, and fetched again when asked again', async () => {
  let calls = 0;
  const files = new DataFiles(async () => {
    calls += 1;
    return calls === 1 ? {ok: false, status: 404} : response(['x']);
  });
  await assert.rejects(files.get('u'), /HTTP 404/);
  assert.deepEqual(await files.get('u'), ['x']);
});

test("a strike's tooltip is text of its file, by its index", async () => {
  const files = new DataFiles(async (url) => response(url === 't0' ? ['a', 'b'] : ['c']));
  const tips = {urls: ['t0', 't1'], chunk: 2};
  assert.equal(await strikeTooltip(files, tips, 1), 'b');
  assert.equal(await strikeTooltip(files, tips, 2), 'c');
});
