// Reading the map's spec: pydeck's JSON of a deck (mapviz.deck writes it), for the canvases.
//
// A layer is read as its type ("@@type") and its props, with the props the canvases draw given
// deck.gl's defaults where the spec leaves them out (`LAYER_PROPS`). An accessor is one of the
// two expressions mapviz.deck writes, read as deck.gl's JSON converter reads them: "@@=name",
// the record's field `name`, and "@@=[this[0], this[1]]", a list of the record's items. No other
// expression is evaluated: any other string stays a string, whatever it starts with.

const BLACK = [0, 0, 0, 255];

// The layer types and props mapviz.deck uses, as the canvases draw them, with deck.gl's defaults
// but one: a polygon is only filled (mapviz.deck draws outlines as lines). Line widths are in
// pixels; a text layer's characters are any the browser's fonts have. A test in
// tests/test_app.py checks that the page sends no other type or prop.
export const LAYER_PROPS = {
  BitmapLayer: {image: null, bounds: [0, 0, 0, 0]},
  LineLayer: {getSourcePosition: null, getTargetPosition: null, getColor: BLACK, getWidth: 1,
    widthUnits: 'pixels'},
  PolygonLayer: {getPolygon: null, getFillColor: BLACK, stroked: false, pickable: false},
  ScatterplotLayer: {getPosition: null, getRadius: 1, radiusUnits: 'meters', getFillColor: BLACK,
    getLineColor: BLACK, stroked: false, lineWidthMinPixels: 0, pickable: false},
  TextLayer: {getPosition: null, getText: null, getColor: BLACK, getPixelOffset: [0, 0],
    getSize: 32, fontFamily: 'Monaco, monospace', fontWeight: 'normal', characterSet: 'auto'},
};

const FIELD = /^@@=([A-Za-z_]\w*)$/;
const ITEMS = /^@@=\[\s*this\[\d+\](\s*,\s*this\[\d+\])*\s*\]$/;

// A prop's value as the canvases use it: an accessor as a function of the record.
function propValue(value) {
  if (typeof value !== 'string') return value;
  const field = value.match(FIELD);
  if (field) return (record) => record[field[1]];
  if (ITEMS.test(value)) {
    const items = [...value.matchAll(/this\[(\d+)\]/g)].map((match) => Number(match[1]));
    return (record) => items.map((item) => record[item]);
  }
  return value;
}

// The spec (parsed JSON): its initial view and its layers, [{type, id, props}] in drawing order.
// A layer of a type the canvases do not draw is left out, with a warning.
export function readSpec(spec) {
  const layers = [];
  for (const {'@@type': type, ...given} of spec.layers) {
    if (!(type in LAYER_PROPS)) {
      console.warn(`mapviz: the map does not draw layers of type ${type}`);
      continue;
    }
    const props = {...LAYER_PROPS[type]};
    for (const [key, value] of Object.entries(given)) props[key] = propValue(value);
    layers.push({type, id: given.id, props});
  }
  return {initialViewState: spec.initialViewState, layers};
}
