// The data files of the map's layers, fetched once per URL, and the strikes' tooltips.
//
// A layer's `data` in the spec is the URL of a static file: JSON records, or for the strikes raw
// typed arrays (`mapviz.deck.strike_binary`): for n strikes, n lon/lat pairs (float32), then n
// radii in metres (float32), then n RGBA colours (uint8), then n dates as days since 1970-01-01
// (float32, NaN where undated), little-endian. `binaryAttributes` of
// the layer name the accessors that read those arrays; the rest are the layer's constants.
// No text from data passes through deck.gl's JSON converter: it is only ever in these files.

const BYTES_PER_STRIKE = 20;
const FROM_FILE = {
  getPosition: (arrays) => ({value: arrays.positions, size: 2}),
  getRadius: (arrays) => ({value: arrays.radii, size: 1}),
  getFillColor: (arrays) => ({value: arrays.colours, size: 4, normalized: true}),
  getLineColor: (arrays) => ({value: arrays.colours, size: 4, normalized: true}),
  getFilterValue: (arrays) => ({value: arrays.days, size: 1}),
};

// The strikes' arrays in a file of `strike_binary`'s layout.
export function strikeArrays(buffer) {
  if (buffer.byteLength % BYTES_PER_STRIKE) {
    throw new Error(
      `a strikes file of ${buffer.byteLength} bytes: not ${BYTES_PER_STRIKE} bytes a strike`);
  }
  const n = buffer.byteLength / BYTES_PER_STRIKE;
  return {
    length: n,
    positions: new Float32Array(buffer, 0, 2 * n),
    radii: new Float32Array(buffer, 8 * n, n),
    colours: new Uint8Array(buffer, 12 * n, 4 * n),
    days: new Float32Array(buffer, 16 * n, n),
  };
}

// deck.gl's binary data for a layer that reads `names` (accessor names) from `arrays`.
export function binaryData(arrays, names) {
  const attributes = {};
  for (const name of names) {
    if (!FROM_FILE[name]) throw new Error(`no strike array for ${name}`);
    attributes[name] = FROM_FILE[name](arrays);
  }
  return {length: arrays.length, attributes};
}

// Fetches each file once while the spec names it: `get(url, binary)` gives a promise of its
// JSON, or of its ArrayBuffer; `keep(urls)` forgets the others; `pending()` counts reads going on.
export class DataFiles {
  constructor(fetchFile = (url) => fetch(url)) {
    this.fetchFile = fetchFile;
    this.files = new Map();
    this.reading = 0;
  }

  get(url, binary = false) {
    let file = this.files.get(url);
    if (!file) {
      this.reading += 1;
      file = this.fetchFile(url).then((response) => {
        if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
        return binary ? response.arrayBuffer() : response.json();
      }).finally(() => {
        this.reading -= 1;
      });
      this.files.set(url, file);
      file.catch(() => this.files.delete(url));  // a later call may try again
    }
    return file;
  }

  keep(urls) {
    for (const url of this.files.keys()) {
      if (!urls.has(url)) this.files.delete(url);
    }
  }

  pending() {
    return this.reading;
  }
}

// The tooltip of strike `index`: files of `chunk` strikes' tooltip texts each (`urls`, in order),
// read from `files` when first hovered.
export async function strikeTooltip(files, {urls, chunk}, index) {
  const texts = await files.get(urls[Math.floor(index / chunk)]);
  return String(texts[index % chunk]);
}
