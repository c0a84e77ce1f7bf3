// The map of mapviz as a Streamlit component (src/mapviz/mapcomponent.py sends its arguments).
//
// deck.gl draws every layer. Those that do not follow the range sliders (the vector basemap,
// place names, strikes, launch points, hypothetical areas, labels) come as pydeck's JSON spec
// (`mapviz.deck.deck`) in a static file named by its content, fetched and converted by deck.gl's
// JSONConverter once per change (a slider press sends the same name again); their data are
// static files fetched once (layerdata.js), so no text from data passes through the converter.
// The range bands, rings, reach envelopes and ring labels are computed here (rings.js,
// ringdata.js) whenever a range slider moves.
// Two decks, one over the other, share one view: below, the layers that do not follow the
// sliders (basemap, areas, strikes, launch points); above, on a transparent canvas, the bands,
// rings and every label (the labels are one layer for deck.gl's collision filter, and the ring
// radii are among them). A slider press redraws the upper deck only: without a GPU, redrawing
// the basemap and 100,000 strikes on every press held the page up by hundreds of ms
// (docs/BENCHMARKS.md). Hovering asks the lower deck first, so a strike inside a band answers.
// The decks draw frames only while the map is awake (framegate.js): for a moment after each
// change given to them, the pointer or keys on the map, or a resize, and while data load; at
// rest their animation loops ask the browser for no frame.
// The range sliders are part of the component: a press redraws the rings at once, with no
// round trip to the server; the new range then goes to the server (the component's value) for
// the ring counts, the downloads and the link.
// The time window plays the strikes week by week or month by month (timewindow.js): deck.gl's
// DataFilterExtension hides the others on the GPU, and the count is made here, so playing
// needs no rerun of the page.
//
// Text from data is only ever shown as text: the tooltip is set as `textContent`, labels are
// drawn by deck.gl's text layer, and nothing here sets innerHTML.

import {Deck, MapView} from '@deck.gl/core';
import {
  CollisionFilterExtension, DataFilterExtension, PathStyleExtension,
} from '@deck.gl/extensions';
import {JSONConfiguration, JSONConverter} from '@deck.gl/json';
import {
  GeoJsonLayer, PathLayer, PolygonLayer, ScatterplotLayer, SolidPolygonLayer, TextLayer,
} from '@deck.gl/layers';
import {Streamlit} from 'streamlit-component-lib/dist/streamlit.js';
import {FrameGate} from './framegate.js';
import {DataFiles, binaryData, strikeArrays, strikeTooltip} from './layerdata.js';
import {rangeRing} from './rings.js';
import {ringData} from './ringdata.js';
import {countInWindow, dateSpan, filterRange, timeWindows, windowText} from './timewindow.js';

// The layer and extension types mapviz.deck writes; the converter makes nothing else.
const converter = new JSONConverter({
  configuration: new JSONConfiguration({
    classes: {
      GeoJsonLayer, PathLayer, PolygonLayer, ScatterplotLayer, TextLayer, MapView,
      CollisionFilterExtension, DataFilterExtension, PathStyleExtension,
    },
  }),
});
const RING_CACHE_SIZE = 256;
const PLAY_STEP_MS = 900;
// How long the decks keep drawing frames after a change (framegate.js): the frames that draw
// it, with room to spare.
const AWAKE_MS = 300;
// What wakes the map (framegate.js), besides the changes given to its decks.
const WAKING_EVENTS = ['pointerdown', 'pointermove', 'pointerup', 'pointerleave', 'wheel',
  'keydown', 'keyup', 'touchstart', 'touchmove', 'touchend', 'contextmenu'];

let args = null;
let specUrl = null;  // the spec shown, or being fetched
let viewKey = null;
let ringsKey = null;
let rangeSeq = null;
let under = null;  // the deck of the layers that do not follow the sliders
let deck = null;  // the deck over it, which the pointer moves: bands, rings, labels
let staticLayers = [];  // converted from the spec
let ringLayers = {under: [], over: [], labels: []};  // drawn here for the sliders' range
let labelLayer = null;  // the spec's one text layer (mapviz.deck.label_layer), and its records:
let labelRecords = [];  // deck.gl's collision filter compares labels of one layer only
let labelUrl = null;
let strikeTips = null;  // {urls, chunk} of the strikes' tooltip files
let hovered = null;  // what the pointer is over: {layerId, index}
let tooltipElement = null;
// the time window: the strikes' days (null until read), its windows, the one shown (-1: all
// dates) and the timer while playing
const time = {url: null, days: null, span: null, windows: [], index: -1, timer: null};
const files = new DataFiles();
const gate = new FrameGate({graceMs: AWAKE_MS, busy: () => window.mapviz.busy()});
const ringCache = new Map();
const byId = (id) => document.getElementById(id);
// Every change given to a deck goes through here, which wakes the map to draw it.
const update = (target, props) => {
  target.setProps(props);
  gate.wake();
};

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

// The layers that follow the sliders: bands under the strikes, lines over them; and the ring
// labels, which join the spec's labels in its one text layer.
function makeRingLayers(spec, minKm, maxKm) {
  const {style} = spec;
  const data = ringData(spec, minKm, maxKm, cachedRing);
  const lines = (id, paths, colour, width, extra = {}) => new PathLayer({
    id, data: paths, getPath: (d) => d, getColor: colour, getWidth: width,
    widthUnits: 'pixels', ...extra,
  });
  const under = [new SolidPolygonLayer({
    id: 'range-bands', data: data.bands, getPolygon: (d) => d.polygon,
    getFillColor: style.band_fill, pickable: true,
  })];
  const over = [
    lines('max-rings', data.maxLines, style.max_colour, style.ring_width_px),
    lines('min-rings', data.minLines, style.min_colour, style.ring_width_px),
  ];
  if (spec.envelopes) {
    over.push(lines('reach-envelopes', data.reach, style.max_colour, style.envelope_width_px, {
      extensions: [new PathStyleExtension({dash: true})], getDashArray: style.dash_array,
      dashJustified: true,
    }));
  }
  return {under, over, labels: data.labels, data};
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
  if (rings.show && rings.sites.length) {
    const drawn = makeRingLayers(rings, drawnMin, maxKm);
    ringLayers = drawn;
    window.mapviz.rings = drawn.data;
  } else {
    ringLayers = {under: [], over: [], labels: []};
    window.mapviz.rings = null;
  }
  showRingLayers();
}

// While a slider moves (each key press, each step of a drag) the rings are redrawn here; the
// range goes to the server when it is set (each key press, the end of a drag), once the frame
// with the new rings is on screen: deck.gl draws them in the next animation frame, which is
// shown by the one after it. The page's rerun that follows (its messages, the counts table)
// then does not hold up that frame.
function onSlide() {
  showRange();
  if (deck) drawRings();
}

const afterFrames = (count, callback) =>
  requestAnimationFrame(() => (count > 1 ? afterFrames(count - 1, callback) : callback()));

// The link follows the sliders as Streamlit's own URL-bound widgets do: in place, without a
// history entry per press. The server then sets the same parameters (the link stays right if
// this cannot be done), and Streamlit, finding the address already as it asks, adds no entry.
function keepInLink(minKm, maxKm) {
  const {default_min: defaultMin, default_max: defaultMax} = args.settings.slider;
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
  } catch {
    // a page of another origin: the server's update of the link stands
  }
}

function onSet() {
  const {minKm, maxKm} = range();
  const value = {min_km: minKm, max_km: maxKm, seq: rangeSeq};
  const report = () => {
    keepInLink(minKm, maxKm);
    Streamlit.setComponentValue(value);
  };
  if (deck) afterFrames(1, report);
  else report();  // no map: no frame to wait for
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

// --- the time window ----------------------------------------------------------------------

// The lower deck's layers, the strikes filtered to the time window shown (all dates: no filter).
function showStaticLayers() {
  const current = time.index >= 0 ? time.windows[time.index] : null;
  const timed = (layer) => (layer.props.binaryAttributes
    ? layer.clone({filterEnabled: Boolean(current), filterRange: current ? filterRange(current)
      : [0, 0]})
    : layer);
  update(under, {layers: staticLayers.map(timed)});
}

function showTime() {
  const current = time.index >= 0 ? time.windows[time.index] : null;
  const total = time.days ? time.days.length : 0;
  const inWindow = current ? countInWindow(time.days, current) : total;
  byId('window').textContent = windowText(current, inWindow, total, time.span?.undated || 0);
  byId('when').max = Math.max(0, time.windows.length - 1);
  byId('when').value = Math.max(0, time.index);
  byId('play').textContent = time.timer ? 'Pause' : 'Play';
  const hidden = !time.windows.length;
  if (byId('time').hidden !== hidden) {
    byId('time').hidden = hidden;
    Streamlit.setFrameHeight();  // the row of the time window comes or goes
  }
  window.mapviz.time = {index: time.index, windows: time.windows.length, inWindow, total};
}

function showWindow(index) {
  time.index = index;
  showTime();
  if (deck) showStaticLayers();
}

function stopPlaying() {
  clearInterval(time.timer);
  time.timer = null;
}

function makeWindows() {
  const step = byId('step').value;
  time.windows = time.span ? timeWindows(time.span.first, time.span.last, step) : [];
}

// The strikes' days, from the file their layers read (fetched once for both).
function readDays(url) {
  if (url === time.url) return;
  stopPlaying();
  Object.assign(time, {url, days: null, span: null, windows: [], index: -1});
  showTime();
  if (!url) return;
  files.get(url, true).then((buffer) => {
    if (time.url !== url) return;
    time.days = strikeArrays(buffer).days;
    time.span = dateSpan(time.days);
    makeWindows();
    showTime();
  }, (error) => console.warn(`mapviz: the strikes' dates from ${url}: ${error}`));
}

function setUpTime() {
  byId('play').addEventListener('click', () => {
    if (time.timer) {
      stopPlaying();
      showTime();
      return;
    }
    if (time.index < 0 || time.index >= time.windows.length - 1) showWindow(0);
    time.timer = setInterval(() => {
      if (time.index >= time.windows.length - 1) {
        stopPlaying();
        showTime();
      } else {
        showWindow(time.index + 1);
      }
    }, PLAY_STEP_MS);
    showTime();
  });
  byId('when').addEventListener('input', () => {
    stopPlaying();
    showWindow(Number(byId('when').value));
  });
  byId('step').addEventListener('change', () => {
    const shown = time.index >= 0 ? time.windows[time.index].start : null;
    makeWindows();
    const index = shown === null ? -1
      : Math.max(0, time.windows.findLastIndex((w) => w.start <= shown));
    showWindow(index);
  });
  byId('all-dates').addEventListener('click', () => {
    stopPlaying();
    showWindow(-1);
  });
}

// --- the map ----------------------------------------------------------------------------

// The layer files ("component/<app>.mapviz_files/...": the app serves its layer cache as a
// component's files) are relative to the app's page; this page is two levels below it
// (component/<name>/index.html), whatever path the app is served under.
const APP_ROOT = new URL('../../', window.location.href);
const absolute = (value) => {
  if (typeof value === 'string') {
    return value.startsWith('component/') ? new URL(value, APP_ROOT).href : value;
  }
  if (Array.isArray(value)) return value.map(absolute);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, absolute(v)]));
  }
  return value;
};

// A layer's data file: JSON records, or the strikes' typed arrays for the accessors the layer
// names in `binaryAttributes` (both strike layers read one file, fetched once: `files` keeps
// it; its arrays are views on it). One object per file and accessors: deck.gl compares a layer's
// data by identity, so a new spec naming the same file keeps its layer's data (the strikes are
// not uploaded to the GPU again).
const strikeData = new WeakMap();  // a file's ArrayBuffer -> accessor names -> binary data
function fetchLayerData(url, {layer}) {
  const names = layer.props.binaryAttributes;
  if (!names) return files.get(url);
  return files.get(url, true).then((buffer) => {
    const made = strikeData.get(buffer) || new Map();
    strikeData.set(buffer, made);
    const key = names.join(' ');
    if (!made.has(key)) made.set(key, binaryData(strikeArrays(buffer), names));
    return made.get(key);
  });
}

// The upper deck's layers in drawing order: the range bands, the ring lines, then the labels
// (the spec's and the ring labels, in one layer). The lower deck has the spec's other layers.
function showRingLayers() {
  update(deck, {layers: [...ringLayers.under, ...ringLayers.over, ...labelLayers()]});
}

// The one text layer: the spec's labels, then the ring labels. When only the ring labels have
// changed (a slider press), deck.gl is told so (`_dataDiff`), and lays out only their rows.
let labelsShown = null;  // the last layer's static records
function labelLayers() {
  if (!labelLayer) return [];
  const data = [...labelRecords, ...ringLayers.labels];
  const onlyRings = labelsShown === labelRecords;
  labelsShown = labelRecords;
  const first = labelRecords.length;
  return [labelLayer.clone({
    data, _dataDiff: onlyRings ? () => [{startRow: first, endRow: data.length}] : null,
  })];
}

// The spec's labels (`layer`, its data from `url`): their records are read here, to be drawn
// with the ring labels.
function readLabels(layer, url) {
  const sameData = labelLayer && url === labelUrl;
  labelLayer = layer;
  labelUrl = url;
  if (!sameData) labelRecords = [];
  if (!layer) return;
  files.get(url).then((records) => {
    if (labelLayer === layer) {
      labelRecords = records;
      showRingLayers();
    }
  }, (error) => console.warn(`mapviz: the map's labels from ${url}: ${error}`));
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

// The pointer is over something deck.gl picked (or nothing): its tooltip, `tt` of its record,
// or for a strike its text from the tooltip files, once read.
function onHover(info) {
  const below = info.x >= 0 ? under.pickObject({x: info.x, y: info.y, radius: 0}) : null;
  const {layer, index, object, x, y} = below && below.layer ? {...below, x: info.x, y: info.y}
    : info;
  if (!layer || index < 0) {
    hovered = null;
    showTooltip(null);
    return;
  }
  if (object && object.tt !== undefined) {
    hovered = null;
    showTooltip(object.tt, x, y);
    return;
  }
  if (layer.props.binaryAttributes && strikeTips) {
    const key = {layerId: layer.id, index};
    hovered = key;
    strikeTooltip(files, strikeTips, index).then((text) => {
      if (hovered === key) showTooltip(text, x, y);
    }, (error) => {
      console.warn(`mapviz: a strike's tooltip: ${error}`);
      if (hovered === key) showTooltip('This strike\'s details could not be read.', x, y);
    });
  }
}

// Whether this browser can draw the map: deck.gl needs WebGL 2 (asked once: every context
// asked for counts against the browser's limit of live WebGL contexts).
function hasWebGL2() {
  try {
    const context = document.createElement('canvas').getContext('webgl2');
    if (context) context.getExtension('WEBGL_lose_context')?.loseContext();
    return Boolean(context);
  } catch {
    return false;
  }
}

function showNoWebGL(reason) {
  const map = byId('map');
  map.replaceChildren();
  const note = document.createElement('div');
  note.className = 'no-webgl';
  note.setAttribute('role', 'alert');
  note.textContent = `The map cannot be drawn in this browser: ${reason} ` +
    'The range sliders above, the ring counts, the strike table and the downloads below still ' +
    'work. To see the map, ' +
    'turn on hardware acceleration (WebGL) in the browser\'s settings, or open the page in ' +
    'another browser.';
  map.appendChild(note);
  window.mapviz.noWebGL = true;
}

function createMap(converted) {
  const parent = byId('map');
  tooltipElement = document.createElement('div');
  tooltipElement.className = 'tooltip';
  parent.appendChild(tooltipElement);
  const onError = (error) => {
    console.warn(`mapviz: ${error}`);
    if (!deck || !deck.device || !under.device) showNoWebGL('it has no WebGL 2.');
  };
  const layered = {position: 'absolute', left: 0, top: 0};
  under = new Deck({
    parent, views: converted.views, viewState: converted.initialViewState, controller: false,
    layers: [], style: {...layered, pointerEvents: 'none'}, onError,
  });
  deck = new Deck({
    parent,
    views: converted.views,
    initialViewState: converted.initialViewState,
    layers: [],
    style: layered,
    onHover,
    onViewStateChange: ({viewState}) => {
      showTooltip(null);
      update(under, {viewState});
      return viewState;
    },
    onError,
  });
  parent.appendChild(tooltipElement);  // over both canvases
  // The decks draw frames while the map is awake (framegate.js). `animationLoop` is deck.gl's
  // luma.gl AnimationLoop, whose frame provider is one of its props.
  for (const each of [under, deck]) each.animationLoop.setProps({animationFrameProvider: gate});
  for (const type of WAKING_EVENTS) {
    parent.addEventListener(type, () => gate.wake(), {capture: true, passive: true});
  }
  new ResizeObserver(() => gate.wake()).observe(parent);
  // the page zoomed (a new pixel ratio), or shown again
  window.addEventListener('resize', () => gate.wake());
  document.addEventListener('visibilitychange', () => gate.wake());
  gate.wake();
  window.mapviz.deck = deck;
  window.mapviz.under = under;
}

// The spec of the layers that do not follow the sliders (fetched from `url`): converted, and
// given to the lower deck (the map is made with the first one).
function showSpec(json) {
  const spec = absolute(json);
  const converted = converter.convert(spec);
  if (!deck && !window.mapviz.noWebGL) createMap(converted);
  if (!deck) return;
  const layers = converted.layers.map((layer) => layer.clone({fetch: fetchLayerData}));
  const strikes = spec.layers.find((layer) => layer.tooltipUrls);
  const tips = strikes ? {urls: strikes.tooltipUrls, chunk: strikes.tooltipChunk} : null;
  showWhenRead(layers.filter((layer) => !(layer instanceof TextLayer)), tips);
  const labels = spec.layers.findIndex((layer) => layer['@@type'] === 'TextLayer');
  readLabels(layers[labels] || null, labels < 0 ? null : spec.layers[labels].data);
  readDays(strikes ? strikes.data : null);
  files.keep(new Set(spec.layers.flatMap((l) => [l.data, ...(l.tooltipUrls || [])])));
  if (args.view_key !== viewKey) {
    viewKey = args.view_key;
    update(deck, {initialViewState: {...converted.initialViewState}});
    update(under, {viewState: {...converted.initialViewState}});
    showTooltip(null);
  }
  drawRings();
}

// Gives the lower deck `layers` (the previous ones stay until then) once every data file they
// read is in, or has failed (the layer then reports it): each file arriving on its own would
// redraw the whole deck, and without a GPU a frame of 100,000 strikes (every dot and precision
// circle) takes seconds (docs/BENCHMARKS.md, session 23). The layers are given the data read,
// not its URL: deck.gl takes in a URL's data after the frame that shows the layer, a layer at a
// time, and a basemap layer's data taken in after the strikes' frame drew them again (session
// 24). The strikes' tooltip files (`tips`) change with them, so a strike shown never has
// another's tooltip.
function showWhenRead(layers, tips) {
  const url = specUrl;
  const reading = layers.map((layer) => (typeof layer.props.data === 'string'
    ? fetchLayerData(layer.props.data, {layer}) : null));
  Promise.allSettled(reading).then((read) => {
    if (url !== specUrl) return;  // a newer spec came meanwhile
    staticLayers = layers.map((layer, i) => (reading[i] && read[i].status === 'fulfilled'
      ? layer.clone({data: read[i].value}) : layer));
    strikeTips = tips;
    window.mapviz.strikeTips = tips;
    showStaticLayers();
  });
}

// Fetches the spec at `url` (relative to the app) unless it is the one shown or coming; the
// data files' reader fetches it (it counts as pending while it comes), and `showSpec` drops it
// from that reader's files, which keeps only the files the spec names.
function readSpec(url) {
  if (url === specUrl) return;
  specUrl = url;
  files.get(absolute(url)).then((json) => {
    if (url === specUrl) showSpec(json);
  }, (error) => {
    console.warn(`mapviz: the map's layers from ${url}: ${error}`);
    if (url === specUrl) specUrl = null;  // asked again by the next rerun
  });
}

function render(next) {
  const first = args === null;
  args = next;
  const {settings} = args;  // mapviz.mapcomponent.MapSettings
  document.documentElement.style.setProperty('--map-height', `${settings.height}px`);
  document.documentElement.style.setProperty('--sea', `rgb(${settings.background.join(', ')})`);
  if (first) {  // the sliders work with or without a map to draw on
    if (!hasWebGL2()) showNoWebGL('it has no WebGL 2.');
    setUpSliders(settings.slider);
    setUpTime();
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
  readSpec(args.spec_url);
  if (deck && redraw) drawRings();
}

// For the tests and benchmarks: the decks, the rings as computed here, the strikes' tooltip
// files, and whether the map has yet to draw something it has been given (a data file still
// coming, or layers not yet loaded).
window.mapviz = {
  deck: null,
  under: null,
  rings: null,
  strikeTips: null,
  time: null,  // the time window: {index (-1: all dates), windows, inWindow, total}
  noWebGL: false,
  frames: gate,  // whether the decks are drawing frames: frames.awake(), frames.held
  busy: () => files.pending() > 0 || [under, deck].some((d) => d && (!d.isInitialized ||
    (d.layerManager && !d.layerManager.getLayers().every((l) => l.isLoaded)))),
  // a layer of either deck, by its id
  layer: (id) => [under, deck].map((d) => d && d.layerManager &&
    d.layerManager.getLayers().find((l) => l.id === id)).find(Boolean),
};
// For the tests (tests/test_browser_rings.py): the rings as computed here, as plain data.
window.mapvizRings = {rangeRing, ringData};

Streamlit.events.addEventListener(Streamlit.RENDER_EVENT, (event) => {
  render(event.detail.args);
  Streamlit.setFrameHeight();
});
Streamlit.setComponentReady();
