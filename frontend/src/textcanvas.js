// The map's text (place names, launch-point names, HYPOTHETICAL labels): the spec's text layers
// (mapviz.deck's `label_layer`, `place_names_layer`), drawn on a 2D canvas (overlay.js) rather
// than by deck.gl, with their props: position, text, colour and pixel offset per record, size,
// font family and weight; centred on the point, as deck.gl's text layer draws them.

import {Overlay, css, value} from './overlay.js';

export class TextCanvas extends Overlay {
  // Draws each of `layers` ({props: a converted text layer's props, records: its data or null
  // while it loads}) in `viewport`.
  draw(layers, viewport) {
    this.paint(viewport, (at) => {
      const {context} = this;
      context.textAlign = 'center';
      context.textBaseline = 'middle';
      for (const {props, records} of layers) {
        const size = value(props.getSize, null);
        context.font = `${props.fontWeight} ${size}px ${props.fontFamily}`;
        for (const record of records || []) {
          const [lon, lat] = value(props.getPosition, record);
          const [x, y] = at(lon, lat);
          const [dx, dy] = value(props.getPixelOffset, record);
          if (x + dx < -viewport.width || x + dx > 2 * viewport.width) continue;
          context.fillStyle = css(value(props.getColor, record));
          // Lines one text size apart, centred together (deck.gl's line height 1).
          const lines = String(value(props.getText, record)).split('\n');
          lines.forEach((line, i) => {
            context.fillText(line, x + dx, y + dy + (i - (lines.length - 1) / 2) * size);
          });
        }
      }
    });
  }
}
