// The layers that follow the sliders (ringdata.js: bands, min and max rings, reach envelopes,
// ring labels), drawn on a 2D canvas over the map (overlay.js); a press redraws only this one.

import {Overlay, css, polygonPath} from './overlay.js';

export class RingCanvas extends Overlay {
  constructor(parent) {
    super(parent);
    this.data = null;  // ringData's output as last drawn (for the browser tests)
    this.bands = [];  // [Path2D, tooltip text] of the bands as drawn, for hovering
  }

  // Draws `data` (ringData's output, or null for nothing) in `viewport`, with `style`
  // (mapviz.mapcomponent's ring style).
  draw(data, style, viewport) {
    this.data = data;
    this.bands = [];
    this.paint(viewport, data && ((at) => this.drawCopy(data, style, at)));
  }

  drawCopy(data, style, at) {
    const {context} = this;
    context.fillStyle = css(style.band_fill);
    for (const band of data.bands) {
      const path = polygonPath(band.polygon, at);
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
    const hit = this.bands.find(([path]) => this.inPath(path, x, y));
    return hit ? hit[1] : null;
  }
}
