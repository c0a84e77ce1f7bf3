// What the map's transparent 2D canvases share; one over the other they draw the spec's layers
// (layercanvas.js), its text (textcanvas.js) and the range rings (ringcanvas.js).
//
// 2D canvases rather than WebGL (deck.gl): under software WebGL every layer type builds its own
// GPU pipeline (the text layer's also a font atlas), every image is uploaded and mipmapped, and
// the context itself takes its time: tens to hundreds of ms of the first load each
// (docs/BENCHMARKS.md). They are CPU canvases (`willReadFrequently`), so what they show is drawn
// when `paint` returns. Text is drawn as text (`fillText`), never parsed.

// A layer's prop for a record: an accessor (a function of the record) or a constant.
export const value = (accessor, record) =>
  (typeof accessor === 'function' ? accessor(record) : accessor);

// A Path2D of a polygon's rings (lists of [lon, lat]) as `at` places them, to fill even-odd.
export function polygonPath(rings, at) {
  const path = new Path2D();
  for (const ring of rings) {
    ring.forEach(([lon, lat], i) => {
      const [x, y] = at(lon, lat);
      if (i) path.lineTo(x, y);
      else path.moveTo(x, y);
    });
    path.closePath();
  }
  return path;
}

export const css = (c) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${c.length > 3 ? c[3] / 255 : 1})`;

export class Overlay {
  constructor(parent) {
    this.canvas = document.createElement('canvas');
    Object.assign(this.canvas.style, {position: 'absolute', left: 0, top: 0, width: '100%',
      height: '100%', pointerEvents: 'none'});
    parent.appendChild(this.canvas);
    this.context = this.canvas.getContext('2d', {willReadFrequently: true});
  }

  // Clears the canvas for `viewport` (the map's FlatViewport, view.js), then calls
  // `drawCopy(at)` for each copy of the world the view shows: the map view repeats the world east
  // and west, and rings run on past 180 where they cross the antimeridian. `at(lon, lat)` is the
  // point's [x, y] in CSS pixels (latitudes clamped to Web Mercator's limit by the viewport).
  paint(viewport, drawCopy) {
    const {canvas, context} = this;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(viewport.width * ratio), height = Math.round(viewport.height * ratio);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, viewport.width, viewport.height);
    if (!drawCopy) return;
    const [west, , east] = viewport.getBounds();
    for (let shift = 360 * Math.floor((west - 180) / 360); shift <= east + 180; shift += 360) {
      drawCopy((lon, lat) => viewport.project([lon + shift, lat]));
    }
  }

  // Whether (x, y) (CSS pixels in the map) lies in `path` as filled on this canvas (even-odd).
  inPath(path, x, y) {
    const ratio = window.devicePixelRatio || 1;
    return this.context.isPointInPath(path, x * ratio, y * ratio, 'evenodd');
  }
}
