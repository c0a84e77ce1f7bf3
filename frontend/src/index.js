// The map of mapviz as a Streamlit component (src/mapviz/mapcomponent.py sends its arguments).
//
// Three transparent 2D canvases, one over the other, share one view:
// - layercanvas.js: the spec's layers that do not follow the range sliders (basemap and strikes
//   images, hypothetical areas, strikes, launch points), read from pydeck's JSON spec;
// - textcanvas.js: the spec's text layers (place names, launch point names, HYPOTHETICAL
//   labels);
// - ringcanvas.js: the range bands, min and max rings, reach envelopes and ring labels,
//   computed here (rings.js, ringdata.js) whenever a range slider moves.
// The view moves as deck.gl's map controller moves it (controller.js) and is drawn as its map
// view draws it (view.js). Nothing is drawn with WebGL: under software WebGL (SwiftShader, any
// machine without a GPU) every layer type's GPU pipeline, every image's upload and the WebGL
// context itself held up the first paint by tens to hundreds of ms each, and a slider press by a
// redraw of the whole map (docs/BENCHMARKS.md); and the map works where WebGL does not.
// The range sliders are part of the component: a press redraws the rings' canvas at once, with
// no round trip to the server; the new range then goes to the server (the component's value)
// for the ring counts, the downloads and the link.
//
// Text from data is only ever shown as text: tooltips are set as `textContent`, labels are
// drawn with `fillText`, and nothing here sets innerHTML.

import {Controller} from './controller.js';
import {rangeRing} from './rings.js';
import {ringData} from './ringdata.js';
import {LayerCanvas} from './layercanvas.js';
import {RingCanvas} from './ringcanvas.js';
import {readSpec} from './spec.js';
import {TextCanvas} from './textcanvas.js';

const RING_CACHE_SIZE = 256;

const post = (type, extra) =>
  window.parent.postMessage({isStreamlitMessage: true, type, ...extra}, '*');

let args = null;
let specText = null;
let viewKey = null;
let ringsKey = null;
let rangeSeq = null;
let controller = null;  // the view, moved by the pointer, the wheel and the keys
let tooltipElement = null;
let layerCanvas = null;
let textCanvas = null;  // over the layers
let ringCanvas = null;  // over the text
let ringsDrawn = null;  // ringData's output for the sliders' range
let mapLayers = [];  // the spec's layers but text, for the layer canvas: {type, props, records}
let textLayers = [];  // the spec's text layers, for the text canvas
// The spec's data files: URL -> {records (null until read), read (the promise of them), done}.
// Each is fetched once, and forgotten once the spec no longer names it.
const dataFiles = new Map();
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

// --- the map: its canvases, its view and its tooltip ------------------------------------

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

const currentViewport = () => controller.viewport();

function paintLayers() {
  const viewport = currentViewport();
  layerCanvas.draw(mapLayers, viewport);
  textCanvas.draw(textLayers, viewport);
}

// The map is drawn again in the next animation frame, once however many changes come before
// it: the layers when an image or a data file has arrived, everything when the view has moved
// or the map was resized.
// (The window can be resized before the map has been given anything to draw.)
let paintPending = null;  // null, or whether the rings are to be drawn too
function paintSoon(rings = false) {
  if (paintPending === null) {
    requestAnimationFrame(() => {
      const withRings = paintPending;
      paintPending = null;
      if (!controller) return;
      paintLayers();
      if (withRings) paintRings();
    });
  }
  paintPending = paintPending || rings;
}
const paintAllSoon = () => paintSoon(true);
window.addEventListener('resize', paintAllSoon);

// A layer of the spec ({type, props: its props with accessors as functions, records}): its
// records are its data, or those of its data file once read.
function readLayer({type, props}) {
  const layer = {type, props, records: null};
  const {data} = props;
  if (typeof data !== 'string') {
    layer.records = data || [];
    return layer;
  }
  let file = dataFiles.get(data);
  if (!file) {
    file = {records: null, done: false};
    file.read = fetch(data).then((response) => response.json()).then((read) => {
      file.records = read;
      return read;
    }).finally(() => {
      file.done = true;
    });
    file.read.catch((error) => console.warn(`mapviz: the map's data from ${data}: ${error}`));
    dataFiles.set(data, file);
  }
  if (file.records) {
    layer.records = file.records;
  } else {
    file.read.then((read) => {
      layer.records = read;
      paintSoon();
    }, () => {});  // reported above
  }
  return layer;
}

// Lets go of the data files and images that `layers` (the spec's now) do not name.
function forgetUnnamed(layers) {
  const named = new Set(layers.flatMap(({props}) => [props.data, props.image]));
  for (const url of dataFiles.keys()) {
    if (!named.has(url)) dataFiles.delete(url);
  }
  layerCanvas.forgetImages(named);
}

// The view has moved: the tooltip goes, and the map is drawn again in the next frame.
function onView() {
  showTooltip(null);
  paintAllSoon();
}

// The pointer is over the map at (x, y) (CSS pixels in it), or has left it (null): the tooltip of
// what lies under it (a strike, a launch point or an area, else the band it lies in), beside
// the pointer and inside the map.
function onHover(x, y) {
  if (x === null) {
    showTooltip(null);
    return;
  }
  const object = layerCanvas.objectAt(x, y);
  showTooltip(object ? object.tt : ringCanvas.bandAt(x, y), x, y);
}

// Shows `text` (or nothing, for null) at the pointer's lower right, or to its left or above it
// where the map ends.
function showTooltip(text, x, y) {
  if (text === null || text === undefined) {
    tooltipElement.style.display = 'none';
    return;
  }
  tooltipElement.textContent = String(text);
  tooltipElement.style.display = 'block';
  const {offsetWidth: width, offsetHeight: height} = tooltipElement;
  const map = byId('map');
  const left = x + width > map.clientWidth ? x - width : x;
  const top = y + height > map.clientHeight ? y - height : y;
  tooltipElement.style.transform = `translate(${Math.max(0, left)}px, ${Math.max(0, top)}px)`;
}

// The map: its canvases, its tooltip, and the controller that moves its view (`view`, the
// spec's initial view).
function createMap(view) {
  const parent = byId('map');
  layerCanvas = new LayerCanvas(parent, () => paintSoon());
  textCanvas = new TextCanvas(parent);
  ringCanvas = new RingCanvas(parent);
  tooltipElement = document.createElement('div');
  tooltipElement.className = 'tooltip';
  parent.appendChild(tooltipElement);
  controller = new Controller(parent, view, {onView, onHover});
  // For the tests and benchmarks: the map's parts, and whether it has yet to draw something it
  // has been given (a data file or an image still coming, or a paint to come).
  const busy = () => paintPending !== null || layerCanvas.loading()
    || [...dataFiles.values()].some((file) => !file.done);
  window.mapviz = {controller, layers: layerCanvas, text: textCanvas, rings: ringCanvas, busy};
}

function showView(view) {
  controller.setView(view);
  showTooltip(null);
  paintLayers();
  paintRings();
}

function render(next) {
  args = next;
  document.documentElement.style.setProperty('--map-height', `${args.height}px`);
  if (args.spec !== specText) {
    specText = args.spec;
    const spec = readSpec(absolute(JSON.parse(specText)));
    if (!controller) {
      setUpSliders(args.slider);
      createMap(spec.initialViewState);
    }
    const layers = spec.layers.map(readLayer);
    forgetUnnamed(layers);
    mapLayers = layers.filter((layer) => layer.type !== 'TextLayer');
    textLayers = layers.filter((layer) => layer.type === 'TextLayer');
    if (args.view_key !== viewKey) {
      viewKey = args.view_key;
      showView(spec.initialViewState);
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
