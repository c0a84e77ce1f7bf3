// The map's view: Web Mercator seen from straight above, as deck.gl's map view shows it with no
// pitch or bearing. The world is 512 CSS pixels wide at zoom 0 (512 * 2^z at zoom z); world
// coordinates here are pixels at zoom 0, x east from 180W, y south from the top (85.05N).

const WORLD_PX = 512;
const MAX_LATITUDE = 85.051129;  // Web Mercator's limit: the world is square
const RADIANS = Math.PI / 180;
const EARTH_CIRCUMFERENCE_M = 40.03e6;  // deck.gl's, for sizes in metres

// World coordinates of a [lon, lat] point (latitude clamped to Web Mercator's limit).
export function lngLatToWorld([lon, lat]) {
  const phi = Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat)) * RADIANS;
  const y = Math.PI - Math.log(Math.tan(Math.PI / 4 + phi / 2));
  return [(WORLD_PX * (lon + 180)) / 360, (WORLD_PX * y) / (2 * Math.PI)];
}

export function worldToLngLat([x, y]) {
  const phi = 2 * Math.atan(Math.exp(Math.PI - (2 * Math.PI * y) / WORLD_PX)) - Math.PI / 2;
  return [(360 * x) / WORLD_PX - 180, phi / RADIANS];
}

// A view {longitude, latitude, zoom, width, height} (CSS pixels) with deck.gl's map controller's
// limits: longitude within [-180, 180], the zoom within [minZoom, maxZoom] and no lower than
// shows the world's whole height, and the centre no nearer the top or bottom of the world than
// half the view's height (no blank band above or below the map).
export function normalized(view) {
  const {width, height, minZoom = 0, maxZoom = 20} = view;
  const zoom = Math.max(minZoom, Math.log2(height / WORLD_PX), Math.min(maxZoom, view.zoom));
  const longitude = ((((view.longitude + 180) % 360) + 360) % 360) - 180;
  const half = height / 2 / 2 ** zoom;
  const [x, y] = lngLatToWorld([longitude, view.latitude]);
  const centreY = 2 * half >= WORLD_PX ? WORLD_PX / 2
    : Math.max(half, Math.min(WORLD_PX - half, y));
  const latitude = worldToLngLat([x, centreY])[1];
  return {...view, width, height, longitude, latitude, zoom};
}

// Projection between [lon, lat] and CSS pixels in the view.
export class FlatViewport {
  constructor({longitude, latitude, zoom, width, height}) {
    Object.assign(this, {longitude, latitude, zoom, width, height});
    this.scale = 2 ** zoom;
    this.centre = lngLatToWorld([longitude, latitude]);
  }

  project(lonLat) {
    const [x, y] = lngLatToWorld(lonLat);
    return [(x - this.centre[0]) * this.scale + this.width / 2,
      (y - this.centre[1]) * this.scale + this.height / 2];
  }

  unproject([x, y]) {
    return worldToLngLat([this.centre[0] + (x - this.width / 2) / this.scale,
      this.centre[1] + (y - this.height / 2) / this.scale]);
  }

  // CSS pixels per metre on the ground at latitude `lat` (Web Mercator's scale there).
  pixelsPerMetre(lat) {
    return (this.scale * WORLD_PX) / (EARTH_CIRCUMFERENCE_M * Math.cos(lat * RADIANS));
  }

  // The view's [west, south, east, north]; west and east may lie beyond 180 either way.
  getBounds() {
    const [west, north] = this.unproject([0, 0]);
    const [east, south] = this.unproject([this.width, this.height]);
    return [west, south, east, north];
  }
}
