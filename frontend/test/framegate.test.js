// framegate.js: frame requests passed on while the map is awake, held while it sleeps.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {FrameGate} from '../src/framegate.js';

// The browser's frames, run by hand: `run()` calls the callbacks requested so far.
function fakeFrames() {
  let next = 1;
  const pending = new Map();
  return {
    pending,
    requestAnimationFrame(callback) {
      pending.set(next, callback);
      return next++;
    },
    cancelAnimationFrame(id) {
      pending.delete(id);
    },
    run(time) {
      const due = [...pending.values()];
      pending.clear();
      for (const callback of due) callback(time);
    },
  };
}

function gateAt(options = {}) {
  const clock = {now: 0};
  const frames = fakeFrames();
  const gate = new FrameGate({graceMs: 300, clock: () => clock.now, frames, ...options});
  return {gate, frames, clock};
}

// A loop like luma.gl's: each frame asks for the next.
function loop(gate, drawn) {
  const frame = (time) => {
    drawn.push(time);
    gate.requestAnimationFrame(frame);
  };
  return gate.requestAnimationFrame(frame);
}

test('asleep from the start: a request is held, not passed to the browser', () => {
  const {gate, frames} = gateAt();
  gate.requestAnimationFrame(() => {});
  assert.equal(frames.pending.size, 0);
  assert.equal(gate.held, 1);
  assert.equal(gate.awake(), false);
});

test('a wake passes the held requests on, and the loop runs until the grace ends', () => {
  const {gate, frames, clock} = gateAt();
  const drawn = [];
  loop(gate, drawn);
  gate.wake();
  assert.equal(gate.held, 0);
  for (const time of [16, 100, 299]) {
    clock.now = time;
    frames.run(time);
  }
  assert.deepEqual(drawn, [16, 100, 299]);
  clock.now = 300;  // the grace is over: the frame runs, and its successor is held
  frames.run(300);
  assert.deepEqual(drawn, [16, 100, 299, 300]);
  assert.equal(frames.pending.size, 0);
  assert.equal(gate.held, 1);
  frames.run(316);
  assert.equal(drawn.length, 4);
  clock.now = 5000;  // a change much later: the held frame is drawn at the next frame
  gate.wake();
  frames.run(5016);
  assert.deepEqual(drawn.slice(4), [5016]);
});

test('each wake extends the grace from its own time; an earlier one never shortens it', () => {
  const {gate, clock} = gateAt();
  gate.wake();
  clock.now = 200;
  gate.wake();
  clock.now = 450;
  assert.equal(gate.awake(), true);
  clock.now = 500;
  assert.equal(gate.awake(), false);
});

test('busy keeps the map awake past the grace (a data file coming, a layer loading)', () => {
  let busy = true;
  const {gate, frames, clock} = gateAt({busy: () => busy});
  const drawn = [];
  loop(gate, drawn);
  clock.now = 10_000;
  frames.run(10_000);
  frames.run(10_016);
  assert.deepEqual(drawn, [10_000, 10_016]);
  busy = false;  // loaded: the frame after it draws the data, then the loop sleeps
  frames.run(10_032);
  assert.equal(frames.pending.size, 0);
  assert.equal(gate.held, 1);
});

test('a cancelled request is neither run nor held; two loops share a gate', () => {
  const {gate, frames} = gateAt();
  const id = gate.requestAnimationFrame(() => assert.fail('cancelled'));
  gate.cancelAnimationFrame(id);
  assert.equal(gate.held, 0);
  gate.wake();
  const live = gate.requestAnimationFrame(() => assert.fail('cancelled'));
  gate.cancelAnimationFrame(live);
  assert.equal(frames.pending.size, 0);
  const upper = [], lower = [];
  loop(gate, upper);
  loop(gate, lower);
  frames.run(16);
  assert.deepEqual([upper, lower], [[16], [16]]);
});
