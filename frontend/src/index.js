// The map of mapviz as a Streamlit component (src/mapviz/mapcomponent.py sends its arguments).
//
// Three transparent 2D canvases, one over the other, share one view:
// - layercanvas.js: the spec's layers that do not follow the range sliders (basemap and strikes
//   images, hypothetical areas, strikes, launch points), read from pydeck's JSON spec;
// - textcanvas.js: the spec's text layers (place names, launch point names, HYPOTHETICAL
//   labels);
// - ringcanvas.js: the range bands, min and max rings, reach envelopes and ring labels,
//   computed here (rings.js, ringdata.js) whenever a range slider moves.
// Beneath them, a deck.gl deck with no layers moves the view (drag, wheel, keys) and shows the
// tooltips. Nothing is drawn with WebGL: under software WebGL (SwiftShader, any machine without
// a GPU) every layer type's GPU pipeline and every image's upload held up the first paint by
// hundreds of ms, and the slider by a redraw of the whole map (docs/BENCHMARKS.md).
// The range sliders are part of the component: a press redraws the rings' canvas at once, with
// no round trip to the server; the new range then goes to the server (the component's value)
// for the ring counts, the downloads and the link.
//
// Text from data is only ever shown as text: tooltips are deck.gl's text tooltips, labels are
// drawn with `fillText`, and nothing here sets innerHTML.

import {Deck, MapView, WebMercatorViewport} from '@deck.gl/core';
import {JSONConverter, JSONConfiguration} from '@deck.gl/json';
import {rangeRing} from './rings.js';
import {ringData} from './ringdata.js';
import {LayerCanvas} from './layercanvas.js';
import {RingCanvas} from './ringcanvas.js';
import {TextCanvas} from './textcanvas.js';

// The layer types and props mapviz.deck uses, as the canvases draw them, with deck.gl's defaults
// but one: a polygon is only filled (mapviz.deck draws outlines as lines). Line widths are in
// pixels; a text layer's characters are any the browser's fonts have. A test in
// tests/test_app.py checks that the page sends no other type or prop.
const BLACK = [0, 0, 0, 255];
const LAYER_PROPS = {
  BitmapLayer: {image: null, bounds: [0, 0, 0, 0]},
  LineLayer: {getSourcePosition: null, getTargetPosition: null, getColor: BLACK, getWidth: 1,
    widthUnits: 'pixels'},
  PolygonLayer: {getPolygon: null, getFillColor: BLACK, stroked: false, pickable: false},
  ScatterplotLayer: {getPosition: null, getRadius: 1, radiusUnits: 'meters', getFillColor: BLACK,
    getLineColor: BLACK, stroked: false, lineWidthMinPixels: 0, pickable: false},
  TextLayer: {getPosition: null, getText: null, getColor: BLACK, getPixelOffset: [0, 0],
    getSize: 32, fontFamily: 'Monaco, monospace', fontWeight: 'normal', characterSet: 'auto'},
};
// The converter reads a layer as its type and props, accessors ("@@=p") made functions.
const layerOf = (type) => class {
  constructor(props) {
    this.type = type;
    this.props = {...LAYER_PROPS[type], ...props};
  }
};
const converter = new JSONConverter({
  configuration: new JSONConfiguration({
    classes: {MapView, ...Object.fromEntries(Object.keys(LAYER_PROPS).map((t) => [t, layerOf(t)]))},
  }),
});
// The deck's WebGL context draws nothing: no depth, stencil or multisampled buffers.
const DEVICE = {webgl: {antialias: false, depth: false, stencil: false,
  preserveDrawingBuffer: false}};
// Pan and zoom; no rotation or tilt.
const CONTROLLER = {dragRotate: false, touchRotate: false, keyboard: {rotateSpeedX: 0,
  rotateSpeedY: 0}};
const RING_CACHE_SIZE = 256;

const post = (type, extra) =>
  window.parent.postMessage({isStreamlitMessage: true, type, ...extra}, '*');

let args = null;
let specText = null;
let viewKey = null;
let ringsKey = null;
let rangeSeq = null;
let deck = null;
let layerCanvas = null;  // over the deck
let textCanvas = null;  // over the layers
let ringCanvas = null;  // over the text
let ringsDrawn = null;  // ringData's output for the sliders' range
let mapLayers = [];  // the spec's layers but text, for the layer canvas: {type, props, records}
let textLayers = [];  // the spec's text layers, for the text canvas
const records = new Map();  // a layer's data file (URL) -> its records, once read
let viewState = null;  // the view as last shown
const ringCache = new Map();
const byId = (id) => document.getElementById(id);

// --- rings -------------------------------------------------------------------------------

function cachedRing(site, radiusKm, toleranceM) {
  const key = `${site.lon},${site.lat},${radiusKm},${toleranceM}`;
  let ring = ringCache.get(key);
  if (!ring) {
    ring = rangeRing(site.lon, site.lat, radiusKm, toleranceM);
    if (ringCache.size >= RING_CACHE_SIZE) ringCache.delete(ringCache.keys().next().value);
    ringCache.set(key, ring);
  }
  return ring;
}

// --- sliders ----------------------------------------------------------------------------

function range() {
  const minKm = Number(byId('min').value), maxKm = Number(byId('max').value);
  return {minKm, maxKm, drawnMin: minKm < maxKm ? minKm : 0};
}

function showRange() {
  for (const id of ['min', 'max']) {
    const input = byId(id);
    byId(`${id}-value`).textContent = input.value;
    const filled = (100 * (input.value - input.min)) / (input.max - input.min || 1);
    input.style.setProperty('--filled', `${filled}%`);
  }
}

function drawRings() {
  const rings = args.rings;
  const {drawnMin, maxKm} = range();
  const shown = rings.show && rings.sites.length;
  ringsDrawn = shown ? ringData(rings, drawnMin, maxKm, cachedRing) : null;
  paintRings();
}

function paintRings() {
  ringCanvas.draw(ringsDrawn, args.rings.style, currentViewport());
}

// While a slider moves (each key press, each step of a drag) the rings are redrawn here; the
// range goes to the server when it is set (each key press, the end of a drag), once the frame
// with the new rings is on screen: they are drawn on their canvas at once and shown in the next
// animation frame or so. The page's rerun that follows (its messages, the counts table) then
// does not hold up that frame.
function onSlide() {
  showRange();
  drawRings();
}

const afterFrames = (count, callback) =>
  requestAnimationFrame(() => (count > 1 ? afterFrames(count - 1, callback) : callback()));

// The link follows the sliders as Streamlit's own URL-bound widgets do: in place, without a
// history entry per press. The server then sets the same parameters (the link stays right if
// this cannot be done), and Streamlit, finding the address already as it asks, adds no entry.
function keepInLink(minKm, maxKm) {
  const {default_min: defaultMin, default_max: defaultMax} = args.slider;
  try {
    const page = window.parent;
    const url = new URL(page.location.href);
    const wanted = [['min_km', minKm, defaultMin], ['max_km', maxKm, defaultMax]];
    for (const [key, km, fallback] of wanted) {
      if (km === fallback) url.searchParams.delete(key);
      else url.searchParams.set(key, String(km));
    }
    if (url.href !== page.location.href) {
      page.history.replaceState(page.history.state, '', url.href);
    }
  } catch (error) {
    // a page of another origin: the server's update of the link stands
  }
}

function onSet() {
  const {minKm, maxKm} = range();
  const value = {min_km: minKm, max_km: maxKm, seq: rangeSeq};
  afterFrames(3, () => {
    keepInLink(minKm, maxKm);
    post('streamlit:setComponentValue', {value, dataType: 'json'});
  });
}

function setUpSliders(slider) {
  for (const [id, low] of [['min', slider.min_low], ['max', slider.max_low]]) {
    const input = byId(id);
    input.min = low;
    input.max = slider.high;
    input.step = slider.step;
    input.addEventListener('input', onSlide);
    input.addEventListener('change', onSet);
  }
  byId('min-help').textContent = slider.min_help;
}

// --- the map: the deck and the 2D canvases over it ---------------------------------------

// The spec's static files ("app/static/...") are relative to the app's page; this page is two
// levels below it (component/<name>/index.html), whatever path the app is served under.
const APP_ROOT = new URL('../../', window.location.href);
const absolute = (value) => {
  if (typeof value === 'string') {
    return value.startsWith('app/static/') ? new URL(value, APP_ROOT).href : value;
  }
  if (Array.isArray(value)) return value.map(absolute);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, absolute(v)]));
  }
  return value;
};

// The map's Web Mercator viewport for the view as last shown.
function currentViewport() {
  const element = byId('map');
  return new WebMercatorViewport({
    ...viewState, width: element.clientWidth || 1, height: element.clientHeight || 1,
  });
}

function paintLayers() {
  const viewport = currentViewport();
  layerCanvas.draw(mapLayers, viewport);
  textCanvas.draw(textLayers, viewport);
}

// The map is drawn again in the next animation frame, once however many changes come before
// it: the layers when an image or a data file has arrived, everything when the view has moved
// or the map was resized.
let paintPending = null;  // null, or whether the rings are to be drawn too
function paintSoon(rings = false) {
  if (paintPending === null) {
    requestAnimationFrame(() => {
      paintLayers();
      if (paintPending) paintRings();
      paintPending = null;
    });
  }
  paintPending = paintPending || rings;
}
const paintAllSoon = () => paintSoon(true);
window.addEventListener('resize', paintAllSoon);

// A layer of the spec ({type, props: its props with accessors as functions, records}): its
// records are its data, or those of its data file once read (read once).
function readLayer({type, props}) {
  const layer = {type, props, records: null};
  const {data} = props;
  if (typeof data !== 'string') {
    layer.records = data || [];
  } else if (records.has(data)) {
    layer.records = records.get(data);
  } else {
    fetch(data).then((response) => response.json()).then((read) => {
      records.set(data, read);
      layer.records = read;
      paintSoon();
    }).catch((error) => console.warn(`mapviz: the map's data from ${data}: ${error}`));
  }
  return layer;
}

// The view moves (a drag, a zoom, a step of a transition): it stays flat (the 2D canvases draw
// a map seen from straight above), and the map is drawn again in the next frame.
function onViewStateChange({viewState: next}) {
  viewState = {...next, pitch: 0, bearing: 0};
  paintAllSoon();
  return viewState;
}

// A hovered point's tooltip: a strike, a launch point or an area, else the band it lies in.
function tooltip({x, y}) {
  const object = layerCanvas.objectAt(x, y);
  if (object) return {text: String(object.tt)};
  const band = ringCanvas.bandAt(x, y);
  return band ? {text: String(band)} : null;
}

// The view settings (mapviz.deck.deck's) come from the spec. The deck draws no layers: it moves
// the view (its controller) and shows the tooltips.
function createMap(views) {
  const parent = byId('map');
  deck = new Deck({parent, views, controller: CONTROLLER, layers: [], deviceProps: DEVICE,
    style: {position: 'absolute', left: 0, top: 0}, getTooltip: tooltip, onViewStateChange});
  layerCanvas = new LayerCanvas(parent, () => paintSoon());
  textCanvas = new TextCanvas(parent);
  ringCanvas = new RingCanvas(parent);
  window.mapviz = {deck, layers: layerCanvas, text: textCanvas, rings: ringCanvas};  // for tests
}

function showView(view) {
  viewState = view;
  deck.setProps({initialViewState: view});
  paintLayers();
  paintRings();
}

function render(next) {
  args = next;
  document.documentElement.style.setProperty('--map-height', `${args.height}px`);
  if (args.spec !== specText) {
    specText = args.spec;
    const converted = converter.convert(absolute(JSON.parse(specText)));
    if (!deck) {
      setUpSliders(args.slider);
      createMap(converted.views);
    }
    const layers = converted.layers.map(readLayer);
    mapLayers = layers.filter((layer) => layer.type !== 'TextLayer');
    textLayers = layers.filter((layer) => layer.type === 'TextLayer');
    if (args.view_key !== viewKey) {
      viewKey = args.view_key;
      showView(converted.initialViewState);
    } else {
      paintLayers();
    }
  }
  let redraw = false;
  if (args.range.seq !== rangeSeq) {  // a range set by the page (a preset, the link)
    rangeSeq = args.range.seq;
    byId('min').value = args.range.min_km;
    byId('max').value = args.range.max_km;
    showRange();
    redraw = true;
  }
  const key = JSON.stringify(args.rings);
  if (key !== ringsKey) {
    ringsKey = key;
    redraw = true;
  }
  if (redraw) drawRings();
}

window.addEventListener('message', (event) => {
  if (event.source !== window.parent) return;  // only the page that holds the map sends to it
  if (event.data && event.data.type === 'streamlit:render') {
    render(event.data.args);
    post('streamlit:setFrameHeight', {height: document.body.scrollHeight});
  }
});
// For the tests (tests/test_browser_rings.py): the rings as computed here, as plain data.
window.mapvizRings = {rangeRing, ringData};
post('streamlit:componentReady', {apiVersion: 1});
