// Which of the map's labels deck.gl is given: those near the view.
//
// deck.gl draws every label it is given in every frame, in view or not, and its collision filter
// (a label is hidden where one of higher priority would cover it) runs on the GPU: a label far
// out of view costs a frame as much as one in view. Drawn by Mesa's llvmpipe (no GPU), the map's
// 2,181 labels took about 150 ms of every frame of the deck they are in, the frame of a slider
// press included (docs/BENCHMARKS.md, session 22).
//
// What the view shows depends only on the labels whose point is in it or within their reach of
// it: a label's text, and its box in the collision map (`sizeScale` times its size, padding
// included), reach that far from its point. Those are chosen for a window `slackPx` wider than
// that all round, and chosen again when the view leaves the window or has zoomed in by
// `zoomStep`, so that a pan does not choose them afresh at every frame. The map view repeats the
// world: a label counts wherever one of its copies is.

export const SLACK_PX = 160;
export const ZOOM_STEP = 1;
// A character's width in ems, more than the mean of any name's letters (bold sans-serif: about
// 0.55), so that a label's reach is never underestimated.
export const CHAR_WIDTH_EM = 0.75;
// deck.gl reads the collision map around a label's point (5 x 5 texels at half resolution).
export const SAMPLE_PX = 8;

// The extent of a label's box relative to its point, before scaling: [low, high] along one axis.
const ALONG_X = {start: (w) => [0, w], middle: (w) => [-w / 2, w / 2], end: (w) => [-w, 0]};
const ALONG_Y = {top: (h) => [0, h], center: (h) => [-h / 2, h / 2], bottom: (h) => [-h, 0]};

// How far from its point, in CSS pixels across and down, any of `records` can reach: its text,
// or its box in the collision map. The records are mapviz.records' label records: size `s`,
// text `t`, anchor `a`, baseline `b`, pixel offset `o`; `sizeScale` is the collision map's scale
// of a label and `padding` its [left, top, right, bottom] padding there (the layer's props).
export function labelReach(records, {sizeScale = 1, padding = [0, 0, 0, 0]} = {}) {
  const scale = Math.max(1, sizeScale);
  let x = 0, y = 0;
  for (const {s: size, t: text, a: anchor, b: baseline, o: offset = [0, 0]} of records) {
    const lines = String(text).split('\n');
    const width = Math.max(...lines.map((line) => line.length)) * size * CHAR_WIDTH_EM;
    const [left, right] = (ALONG_X[anchor] || ALONG_X.middle)(width);
    const [top, bottom] = (ALONG_Y[baseline] || ALONG_Y.center)(lines.length * size);
    x = Math.max(x, scale * Math.max(padding[0] - left, right + padding[2]) + Math.abs(offset[0]));
    y = Math.max(y, scale * Math.max(padding[1] - top, bottom + padding[3]) + Math.abs(offset[1]));
  }
  return [x + SAMPLE_PX, y + SAMPLE_PX];
}

// The box of longitudes and latitudes that `viewport` (deck.gl's WebMercatorViewport: width,
// height, unproject) shows, with `marginX` and `marginY` CSS pixels more all round. Longitudes
// are not wrapped: west may be below -180 and east above 180.
export function viewBox(viewport, marginX, marginY) {
  const [west, north] = viewport.unproject([-marginX, -marginY]);
  const [east, south] = viewport.unproject([viewport.width + marginX, viewport.height + marginY]);
  return {west, south, east, north};
}

// Whether the point [lon, lat], or one of its copies 360 degrees apart, is in `box`.
export function inBox([lon, lat], box) {
  if (lat < box.south || lat > box.north) return false;
  if (box.east - box.west >= 360) return true;
  return box.west + ((((lon - box.west) % 360) + 360) % 360) <= box.east;
}

const within = (inner, outer) => inner.west >= outer.west && inner.east <= outer.east &&
  inner.south >= outer.south && inner.north <= outer.north;

export class LabelWindow {
  constructor({slackPx = SLACK_PX, zoomStep = ZOOM_STEP} = {}) {
    this.slackPx = slackPx;
    this.zoomStep = zoomStep;
    this.records = null;  // the records chosen from, their reach, and the window:
    this.reach = null;
    this.window = null;  // {box, zoom}
    this.near = [];  // the records chosen
  }

  // The records near `viewport`'s view (see above): the same array while the view is in the
  // window it was chosen for. `collision` has the collision map's `sizeScale` and `padding`
  // (`labelReach`). No viewport (the map not laid out) gets every record.
  select(records, viewport, collision) {
    if (records !== this.records) {
      this.records = records;
      this.reach = labelReach(records, collision);
      this.window = null;
    }
    if (!viewport) {
      this.window = null;
      this.near = records;
      return records;
    }
    const [x, y] = this.reach;
    const current = this.window;
    if (current && viewport.zoom - current.zoom < this.zoomStep &&
        within(viewBox(viewport, x, y), current.box)) {
      return this.near;
    }
    const box = viewBox(viewport, x + this.slackPx, y + this.slackPx);
    this.window = {box, zoom: viewport.zoom};
    this.near = records.filter((record) => inBox(record.p, box));
    return this.near;
  }
}
