// Moving the map's view with the pointer, the wheel and the keys, as deck.gl's map controller
// does by default, without rotation or tilt:
// - drag to pan; two fingers pan and pinch to zoom;
// - the wheel zooms about the pointer (deck.gl's step: 2 / (1 + e^-|delta / 100|) times);
// - a double click zooms in about the pointer, twice as near (with Shift, out);
// - with the map focused (it takes focus by Tab or a click), the arrow keys pan by 100 pixels
//   and + and - zoom in and out about the centre.
// The view stays within `normalized`'s limits (view.js). `onView(view)` is called with each
// new view; `onHover(x, y)` as the pointer moves over the map without dragging it, and
// `onHover(null)` when it leaves the map or starts a drag.

import {FlatViewport, normalized} from './view.js';

const WHEEL_SPEED = 0.01;
const LINE_PX = 40;  // a wheel step in lines (Firefox), as pixels
const KEY_PAN_PX = 100;
const KEYS = {
  ArrowLeft: [KEY_PAN_PX, 0], ArrowRight: [-KEY_PAN_PX, 0],
  ArrowUp: [0, KEY_PAN_PX], ArrowDown: [0, -KEY_PAN_PX],
};

export class Controller {
  constructor(element, view, {onView, onHover}) {
    Object.assign(this, {element, onView, onHover});
    this.view = this.fit(view);
    this.pointers = new Map();  // pointer id -> [x, y] of the pointers pressed on the map
    element.tabIndex = 0;
    element.setAttribute('role', 'application');
    element.setAttribute('aria-label',
      'Map. Drag to pan, wheel or + and - to zoom, arrow keys to pan.');
    Object.assign(element.style, {touchAction: 'none', cursor: 'grab'});
    const listen = (type, handler) => element.addEventListener(type, handler.bind(this));
    listen('pointerdown', this.onPointerDown);
    listen('pointermove', this.onPointerMove);
    listen('pointerup', this.onPointerUp);
    listen('pointercancel', this.onPointerUp);
    listen('pointerleave', () => this.onHover(null));
    listen('wheel', this.onWheel);
    listen('dblclick', this.onDoubleClick);
    listen('keydown', this.onKeyDown);
  }

  // The view `view` at the map's size now, within `normalized`'s limits.
  fit(view) {
    const {clientWidth, clientHeight} = this.element;
    return normalized({...view, width: clientWidth || 1, height: clientHeight || 1});
  }

  // Sets the view (a preset) without calling `onView`.
  setView(view) {
    this.view = this.fit({...this.view, ...view});
  }

  // The viewport of the view at the map's size now (it may have been resized).
  viewport() {
    this.view = this.fit(this.view);
    return new FlatViewport(this.view);
  }

  move(view) {
    this.view = this.fit(view);
    this.onView(this.view);
  }

  // Moves the map by (dx, dy) pixels and zooms by `zoomBy` about `about` (pixels in the map):
  // what lay under `about` then lies under `about` + (dx, dy).
  moveBy(dx, dy, zoomBy = 0, about = null) {
    const viewport = this.viewport();
    const {width, height} = viewport;
    const [x, y] = about || [width / 2, height / 2];
    const [lon, lat] = viewport.unproject([x, y]);
    const {zoom} = this.fit({...this.view, zoom: this.view.zoom + zoomBy});
    // the new view's centre, seen in a view of the new zoom centred on what lay under `about`
    const around = new FlatViewport({...this.view, zoom, longitude: lon, latitude: lat});
    const [longitude, latitude] = around.unproject([width - (x + dx), height - (y + dy)]);
    this.move({...this.view, longitude, latitude, zoom});
  }

  at(event) {
    const box = this.element.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  }

  // The pressed pointers' centre and spread (the distance between the first two, or 0).
  gesture() {
    const points = [...this.pointers.values()];
    const centre = [0, 1].map((i) => points.reduce((sum, p) => sum + p[i], 0) / points.length);
    const spread = points.length > 1
      ? Math.hypot(points[0][0] - points[1][0], points[0][1] - points[1][1]) : 0;
    return {centre, spread};
  }

  onPointerDown(event) {
    if (event.pointerType === 'mouse' && event.button !== 0) return;
    this.element.setPointerCapture(event.pointerId);
    this.pointers.set(event.pointerId, this.at(event));
    this.element.style.cursor = 'grabbing';
    this.onHover(null);
  }

  onPointerMove(event) {
    if (!this.pointers.has(event.pointerId)) {
      if (!this.pointers.size) this.onHover(...this.at(event));
      return;
    }
    const before = this.gesture();
    this.pointers.set(event.pointerId, this.at(event));
    const after = this.gesture();
    const zoomBy = before.spread && after.spread ? Math.log2(after.spread / before.spread) : 0;
    this.moveBy(after.centre[0] - before.centre[0], after.centre[1] - before.centre[1], zoomBy,
      before.centre);
  }

  onPointerUp(event) {
    if (!this.pointers.delete(event.pointerId)) return;
    if (!this.pointers.size) this.element.style.cursor = 'grab';
  }

  onWheel(event) {
    event.preventDefault();
    let delta = -event.deltaY * (event.deltaMode === WheelEvent.DOM_DELTA_LINE ? LINE_PX : 1);
    if (event.shiftKey) delta /= 4;
    if (!delta) return;
    const scale = 2 / (1 + Math.exp(-Math.abs(delta * WHEEL_SPEED)));
    this.moveBy(0, 0, Math.sign(delta) * Math.log2(scale), this.at(event));
  }

  onDoubleClick(event) {
    event.preventDefault();
    this.moveBy(0, 0, event.shiftKey ? -1 : 1, this.at(event));
  }

  onKeyDown(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const pan = KEYS[event.key];
    const zoomBy = {'+': 1, '=': 1, '-': -1, _: -1}[event.key];
    if (!pan && !zoomBy) return;
    event.preventDefault();
    if (pan) this.moveBy(...pan);
    else this.moveBy(0, 0, zoomBy);
  }
}
