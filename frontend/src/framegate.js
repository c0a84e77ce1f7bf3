// Lets the map's decks stop asking for animation frames while nothing on the map changes.
//
// deck.gl runs luma.gl's animation loop on every animation frame of the page, whether or not
// the frame has anything to draw: each deck checks its layers and views for changes, and
// luma.gl ends each frame by making a new command encoder and counting it in its statistics.
// At rest the page then spent about 60 ms of main-thread CPU a second, nearly all of it the two
// decks' loops; with the gate, none (docs/BENCHMARKS.md, session 21). The gate is their loops'
// frame provider (luma.gl's AnimationLoop `animationFrameProvider`): it passes each request for
// a frame on to the browser while the map is awake, and holds it while the map sleeps, until
// `wake()`.
//
// The map is awake for `graceMs` after each wake and whenever `busy()` (a data file coming, a
// layer loading: deck.gl loads them between frames). index.js wakes it for every change it
// gives a deck (layers, view state), for the pointer, the wheel and keys on the map, and for a
// change of the map's size; deck.gl's own view transitions (inertia, smooth zoom) go through
// its view state callback, so each of their steps wakes it too.
export class FrameGate {
  #held = new Map();  // our request id -> callback, while asleep
  #live = new Map();  // our request id -> the browser's request id
  #nextId = 1;
  #until = -Infinity;

  // `frames`: what requests frames from the browser (window; a stand-in in the tests), `clock`:
  // milliseconds (performance.now).
  constructor({graceMs, busy = () => false, clock = () => performance.now(), frames = globalThis}) {
    this.graceMs = graceMs;
    this.busy = busy;
    this.clock = clock;
    this.frames = frames;
  }

  awake() {
    return this.clock() < this.#until || this.busy();
  }

  requestAnimationFrame(callback) {
    const id = this.#nextId++;
    if (this.awake()) this.#pass(id, callback);
    else this.#held.set(id, callback);
    return id;
  }

  cancelAnimationFrame(id) {
    if (this.#live.has(id)) this.frames.cancelAnimationFrame(this.#live.get(id));
    this.#live.delete(id);
    this.#held.delete(id);
  }

  // Keeps the map awake for `graceMs` from now, and passes on the requests held.
  wake() {
    this.#until = Math.max(this.#until, this.clock() + this.graceMs);
    const held = [...this.#held];
    this.#held.clear();
    for (const [id, callback] of held) this.#pass(id, callback);
  }

  // How many requests are held (the tests' window on the gate).
  get held() {
    return this.#held.size;
  }

  #pass(id, callback) {
    this.#live.set(id, this.frames.requestAnimationFrame((time) => {
      this.#live.delete(id);
      callback(time);
    }));
  }
}
