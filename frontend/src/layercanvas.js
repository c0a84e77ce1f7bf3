// The spec's layers other than text (mapviz.deck: the basemap's and the strikes' images, the
// hypothetical areas, strikes, dashed outlines and circles, launch points), drawn in the spec's
// order on a 2D canvas (overlay.js) as deck.gl's layers of those types draw them: an image
// stretched over its lon/lat bounds (the images are Web Mercator), polygons filled, dots of a
// radius in pixels or metres with a rim, straight lines of a width in pixels.
//
// An image is fetched, and decoded off the main thread, once the view first shows its bounds;
// it is drawn from the next paint on. A layer's records are its data, or those of its data file.
// What a pickable layer drew answers `objectAt`, topmost first.

import {Overlay, css, polygonPath, value} from './overlay.js';

// Whether a box [x0, y0, x1, y1] (CSS pixels) reaches into a view of `width` by `height`.
const onScreen = ([x0, y0, x1, y1], width, height) =>
  x1 >= 0 && x0 <= width && y1 >= 0 && y0 <= height;

export class LayerCanvas extends Overlay {
  constructor(parent, onImage) {
    super(parent);
    this.onImage = onImage;  // called when an image has arrived, to paint again
    this.images = new Map();  // URL -> ImageBitmap once decoded, null while it comes
    this.hits = [];  // what pickable layers drew, in drawing order: [test(x, y), record]
  }

  // Draws each of `layers` ({type, props: the converted layer's props, records: its records or
  // null while they load}) in `viewport`.
  draw(layers, viewport) {
    this.hits = [];
    this.paint(viewport, (at) => {
      for (const layer of layers) this[`draw${layer.type}`](layer, at, viewport);
    });
  }

  drawBitmapLayer({props}, at, viewport) {
    const [west, south, east, north] = props.bounds;
    const [x0, y0] = at(west, north), [x1, y1] = at(east, south);
    if (!props.image || !onScreen([x0, y0, x1, y1], viewport.width, viewport.height)) return;
    const image = this.image(props.image);
    if (!image) return;
    // Mipmapped, as deck.gl samples an image: shrunk, the strikes' image shows their density
    // rather than a speckle of whichever dots the pixel grid hits.
    this.context.imageSmoothingQuality = 'medium';
    this.context.drawImage(image, x0, y0, x1 - x0, y1 - y0);
  }

  // The image at `url` if it has been decoded; else starts fetching it (once) and returns null.
  // `images` holds null while an image comes, false if it could not be had.
  image(url) {
    if (!this.images.has(url)) {
      this.images.set(url, null);
      fetch(url).then((response) => response.blob()).then((blob) => createImageBitmap(blob))
        .then((bitmap) => {
          if (this.images.has(url)) {
            this.images.set(url, bitmap);
            this.onImage();
          } else {
            bitmap.close();  // forgotten meanwhile
          }
        })
        .catch((error) => {
          if (this.images.has(url)) this.images.set(url, false);
          console.warn(`mapviz: the map's image ${url}: ${error}`);
        });
    }
    return this.images.get(url);
  }

  // Whether an image is still coming.
  loading() {
    return [...this.images.values()].some((image) => image === null);
  }

  // Lets go of the images whose URLs are not in `urls` (a Set): a strikes' image is decoded
  // whole (4,096 by 2,596 px for Ukraine: 42 MB), and every filter change makes a new one.
  forgetImages(urls) {
    for (const [url, image] of this.images) {
      if (urls.has(url)) continue;
      if (image) image.close();
      this.images.delete(url);
    }
  }

  drawPolygonLayer({props, records}, at) {
    const {context} = this;
    context.fillStyle = css(value(props.getFillColor, null));
    for (const record of records || []) {
      let rings = value(props.getPolygon, record);
      if (typeof rings[0][0] === 'number') rings = [rings];  // a simple polygon: its outer ring
      const path = polygonPath(rings, at);
      context.fill(path, 'evenodd');
      if (props.pickable) this.hits.push([(x, y) => this.inPath(path, x, y), record]);
    }
  }

  // deck.gl's scatterplot: a dot of radius `getRadius` (pixels, or metres on the ground), with a
  // rim of `lineWidthMinPixels` centred on its edge.
  drawScatterplotLayer({props, records}, at, viewport) {
    const {context} = this;
    const rim = props.stroked ? props.lineWidthMinPixels : 0;
    const inMetres = props.radiusUnits === 'meters';
    context.lineWidth = rim;
    for (const record of records || []) {
      const [lon, lat] = value(props.getPosition, record);
      const [x, y] = at(lon, lat);
      const radius = value(props.getRadius, record) * (inMetres ? viewport.pixelsPerMetre(lat) : 1);
      const reach = radius + rim / 2;
      if (!onScreen([x - reach, y - reach, x + reach, y + reach],
        viewport.width, viewport.height)) continue;
      context.beginPath();
      context.arc(x, y, radius, 0, 2 * Math.PI);
      context.fillStyle = css(value(props.getFillColor, record));
      context.fill();
      if (rim) {
        context.strokeStyle = css(value(props.getLineColor, record));
        context.stroke();
      }
      if (props.pickable) {
        this.hits.push([(px, py) => (px - x) ** 2 + (py - y) ** 2 <= reach ** 2, record]);
      }
    }
  }

  drawLineLayer({props, records}, at) {
    const {context} = this;
    context.strokeStyle = css(value(props.getColor, null));
    context.lineWidth = value(props.getWidth, null);
    context.beginPath();
    for (const record of records || []) {
      const [lon0, lat0] = value(props.getSourcePosition, record);
      const [lon1, lat1] = value(props.getTargetPosition, record);
      context.moveTo(...at(lon0, lat0));
      context.lineTo(...at(lon1, lat1));
    }
    context.stroke();
  }

  // The record drawn topmost at (x, y) (CSS pixels in the map) by a pickable layer, or null.
  objectAt(x, y) {
    for (let i = this.hits.length - 1; i >= 0; i -= 1) {
      if (this.hits[i][0](x, y)) return this.hits[i][1];
    }
    return null;
  }
}
