// The map of mapviz as a Streamlit component (src/mapviz/mapcomponent.py sends its arguments).
//
// Three canvases, one over the other, share one view:
// - deck.gl's, with the layers that do not follow the range sliders (basemap, strikes, launch
//   points, hypothetical areas), converted once from pydeck's JSON spec;
// - a transparent 2D canvas (textcanvas.js) with the spec's text layers: place names, launch
//   point names, HYPOTHETICAL labels;
// - a transparent 2D canvas (ringcanvas.js) with the range bands, min and max rings, reach
//   envelopes and ring labels, computed here (rings.js, ringdata.js) whenever a range slider
//   moves.
// The range sliders are part of the component: a press redraws the rings' canvas at once, with
// no round trip to the server; the new range then goes to the server (the component's value)
// for the ring counts, the downloads and the link.
// An image layer (the basemap's pieces, the strikes as one image) fetches its image only once
// the view first shows its bounds.
//
// Text from data is only ever shown as text: tooltips are deck.gl's text tooltips, labels are
// drawn with `fillText`, and nothing here sets innerHTML.

import {Deck, MapView, WebMercatorViewport} from '@deck.gl/core';
import {
  BitmapLayer, LineLayer, PolygonLayer, ScatterplotLayer, TextLayer,
} from '@deck.gl/layers';
import {JSONConverter, JSONConfiguration} from '@deck.gl/json';
import {rangeRing} from './rings.js';
import {ringData} from './ringdata.js';
import {RingCanvas} from './ringcanvas.js';
import {TextCanvas} from './textcanvas.js';

// The layer types mapviz.deck uses (a test in tests/test_app.py checks the page sends no other).
const converter = new JSONConverter({
  configuration: new JSONConfiguration({
    classes: {BitmapLayer, LineLayer, PolygonLayer, ScatterplotLayer, TextLayer, MapView},
  }),
});
const RING_CACHE_SIZE = 256;

const post = (type, extra) =>
  window.parent.postMessage({isStreamlitMessage: true, type, ...extra}, '*');

let args = null;
let specText = null;
let viewKey = null;
let ringsKey = null;
let rangeSeq = null;
let deck = null;
let textCanvas = null;  // over the deck
let ringCanvas = null;  // over the text
let ringsDrawn = null;  // ringData's output for the sliders' range
let overlaysStale = false;  // the view has moved since the 2D canvases were drawn
let staticLayers = [];  // converted from the spec, for the deck
let textLayers = [];  // the spec's text layers, for the text canvas: {props, records}
const textRecords = new Map();  // a text layer's data file (URL) -> its records, once read
let viewState = null;  // the view as last shown
const imagesInView = new Set();  // ids of the image layers whose bounds the view has shown
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

function paintText() {
  textCanvas.draw(textLayers, currentViewport());
}

// A text layer's records: its data (`data`, as in the spec), or the records of its data file,
// read once.
function readText(layer, data) {
  const entry = {props: layer.props, records: null};
  if (typeof data !== 'string') {
    entry.records = data;
  } else if (textRecords.has(data)) {
    entry.records = textRecords.get(data);
  } else {
    fetch(data).then((response) => response.json()).then((records) => {
      textRecords.set(data, records);
      entry.records = records;
      paintText();
    }).catch((error) => console.warn(`mapviz: the map's text from ${data}: ${error}`));
  }
  return entry;
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

// Whether lon/lat boxes [west, south, east, north] overlap; the view's box may reach past the
// antimeridian (the map view repeats the world), an image's does not.
function overlaps(image, view) {
  if (image[1] > view[3] || image[3] < view[1]) return false;
  if (view[2] - view[0] >= 360) return true;
  return [-360, 0, 360].some((shift) => image[0] + shift <= view[2] && image[2] + shift >= view[0]);
}

// The map's Web Mercator viewport for the view as last shown.
function currentViewport() {
  const element = byId('map');
  return new WebMercatorViewport({
    ...viewState, width: element.clientWidth || 1, height: element.clientHeight || 1,
  });
}

// Marks the image layers the view now shows; returns whether there were any new ones.
function markImagesInView() {
  const box = currentViewport().getBounds();
  let added = false;
  for (const layer of staticLayers) {
    if (layer instanceof BitmapLayer && !imagesInView.has(layer.id)
        && overlaps(layer.props.bounds, box)) {
      imagesInView.add(layer.id);
      added = true;
    }
  }
  return added;
}

// The deck's layers; an image layer out of view so far is drawn without its image, so nothing
// is fetched for it.
function shownStaticLayers() {
  const outOfView = (layer) => layer instanceof BitmapLayer && !imagesInView.has(layer.id);
  return staticLayers.map((layer) => (outOfView(layer) ? layer.clone({image: null}) : layer));
}

// The view moves (a drag, a zoom): the deck draws the new view in its next frame, and the 2D
// canvases are drawn again just after it (onAfterRender), so that all show in the same frame.
function onViewStateChange({viewState: next}) {
  viewState = next;
  overlaysStale = true;
  if (markImagesInView()) deck.setProps({layers: shownStaticLayers()});
}

function onAfterRender() {
  if (!overlaysStale) return;
  overlaysStale = false;
  paintText();
  paintRings();
}
window.addEventListener('resize', () => { overlaysStale = true; });  // the deck redraws, resized

// A hovered object's tooltip: a strike, a launch point or an area, else the band it lies in.
function tooltip({x, y, object}) {
  if (object && object.tt) return {text: String(object.tt)};
  const band = ringCanvas.bandAt(x, y);
  return band ? {text: String(band)} : null;
}

// The view settings (mapviz.deck.deck's) come from the spec; `showView` sets the view.
function createMap(views) {
  const parent = byId('map');
  deck = new Deck({parent, views, controller: true, layers: [],
    style: {position: 'absolute', left: 0, top: 0}, getTooltip: tooltip, onViewStateChange,
    onAfterRender});
  textCanvas = new TextCanvas(parent);
  ringCanvas = new RingCanvas(parent);
  window.mapviz = {deck, text: textCanvas, rings: ringCanvas};  // for the browser tests
}

function showView(view) {
  viewState = view;
  overlaysStale = true;
  markImagesInView();
  deck.setProps({initialViewState: view, layers: shownStaticLayers()});
}

function render(next) {
  args = next;
  document.documentElement.style.setProperty('--map-height', `${args.height}px`);
  if (args.spec !== specText) {
    specText = args.spec;
    const spec = absolute(JSON.parse(specText));
    const converted = converter.convert(spec);
    if (!deck) {
      setUpSliders(args.slider);
      createMap(converted.views);
    }
    staticLayers = converted.layers.filter((layer) => !(layer instanceof TextLayer));
    // A layer's data as given (its props hold a data file's records only once a deck loads it).
    const data = Object.fromEntries(spec.layers.map((layer) => [layer.id, layer.data]));
    textLayers = converted.layers.filter((layer) => layer instanceof TextLayer)
      .map((layer) => readText(layer, data[layer.id]));
    if (args.view_key !== viewKey) {
      viewKey = args.view_key;
      showView(converted.initialViewState);
    } else {
      markImagesInView();
      deck.setProps({layers: shownStaticLayers()});
      paintText();
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
