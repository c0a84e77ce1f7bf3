// The layers that follow the sliders (ringdata.js: bands, min and max rings, reach envelopes,
// ring labels), drawn on a 2D canvas over the deck.gl map, as mapviz.deck draws its layers.
//
// A 2D canvas rather than a second WebGL context: under software WebGL each context builds its
// own GPU pipelines, about half a second of the first load, and a press redraws only this
// canvas either way (docs/BENCHMARKS.md). It is a CPU canvas (`willReadFrequently`), so a
// press's rings are drawn when `draw` returns. Text is drawn as text (`fillText`), never parsed.

const MERCATOR_MAX_LAT = 85.051129;
const css = (c) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${c.length > 3 ? c[3] / 255 : 1})`;

export class RingCanvas {
  constructor(parent) {
    this.canvas = document.createElement('canvas');
    Object.assign(this.canvas.style, {position: 'absolute', left: 0, top: 0, width: '100%',
      height: '100%', pointerEvents: 'none'});
    parent.appendChild(this.canvas);
    this.context = this.canvas.getContext('2d', {willReadFrequently: true});
    this.data = null;  // ringData's output as last drawn (for the browser tests)
    this.bands = [];  // [Path2D, tooltip text] of the bands as drawn, for hovering
  }

  // Draws `data` (ringData's output, or null for nothing) in `viewport` (deck.gl's Web
  // Mercator viewport of the map), with `style` (mapviz.mapcomponent's ring style).
  draw(data, style, viewport) {
    const {canvas, context} = this;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(viewport.width * ratio), height = Math.round(viewport.height * ratio);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, viewport.width, viewport.height);
    this.data = data;
    this.bands = [];
    if (!data) return;
    // The map view repeats the world east and west: so do the rings (their longitudes run on
    // past 180 where they cross the antimeridian).
    const [west, , east] = viewport.getBounds();
    for (let shift = 360 * Math.floor((west - 180) / 360); shift <= east + 180; shift += 360) {
      const at = (lon, lat) => viewport.project(
        [lon + shift, Math.max(-MERCATOR_MAX_LAT, Math.min(MERCATOR_MAX_LAT, lat))]);
      this.drawCopy(data, style, at);
    }
  }

  drawCopy(data, style, at) {
    const {context} = this;
    context.fillStyle = css(style.band_fill);
    for (const band of data.bands) {
      const path = new Path2D();
      for (const ring of band.polygon) {
        ring.forEach(([lon, lat], i) => {
          const [x, y] = at(lon, lat);
          if (i) path.lineTo(x, y);
          else path.moveTo(x, y);
        });
        path.closePath();
      }
      context.fill(path, 'evenodd');
      this.bands.push([path, band.tt]);
    }
    const lines = (segments, colour, width) => {
      context.strokeStyle = css(colour);
      context.lineWidth = width;
      context.beginPath();
      for (const [lon0, lat0, lon1, lat1] of segments) {
        context.moveTo(...at(lon0, lat0));
        context.lineTo(...at(lon1, lat1));
      }
      context.stroke();
    };
    lines(data.minLines, style.min_colour, style.ring_width_px);
    lines(data.maxLines, style.max_colour, style.ring_width_px);
    lines(data.reach, style.max_colour, style.envelope_width_px);
    context.font = `700 ${style.label_size_px}px ${style.label_font}`;
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    for (const label of data.labels) {
      const [x, y] = at(label.p[0], label.p[1]);
      context.fillStyle = css(label.c);
      context.fillText(label.t, x + label.o[0], y + label.o[1]);
    }
  }

  // The tooltip text of the band drawn at (x, y) (CSS pixels in the map), or null.
  bandAt(x, y) {
    const ratio = window.devicePixelRatio || 1;
    const hit = this.bands.find(([path]) =>
      this.context.isPointInPath(path, x * ratio, y * ratio, 'evenodd'));
    return hit ? hit[1] : null;
  }
}
