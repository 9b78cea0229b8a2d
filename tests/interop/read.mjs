// Reads an Arrow IPC stream with the apache-arrow package (a reader that is not PlotPipe's own) and prints, as
// JSON, what the tests compare with what was sent: rows, batches, the schema's metadata, and per series value of
// the dictionary-encoded series column its count, first and last point, and the sums of x and y; and the markers
// (plotpipe.events) of every batch's metadata, in order; and the derived series rules of the last definitions
// (plotpipe.definitions' derived field), or null.
import { readFileSync } from 'node:fs';
import { RecordBatchReader } from 'apache-arrow';

const bytes = readFileSync(process.argv[2]);
const reader = RecordBatchReader.from(bytes);
const series = {};
const markers = [];
let derived = null;
let rows = 0, batches = 0, error = null, schema = null, columns = null, firstTime = null, lastTime = null;
try {
  for (const batch of reader) {
    schema ??= Object.fromEntries(reader.schema.metadata);
    columns ??= reader.schema.fields.map(f => `${f.name}:${f.type}`);
    batches++;
    const names = batch.getChild('series');
    const xs = batch.getChild('x').toArray();
    const ys = batch.getChild('y').toArray();
    // Version 1 has a time column; version 2 says when a batch's first and last rows arrived in its metadata.
    const times = batch.getChild('time');
    const received = batch.metadata ?? new Map();
    for (let i = 0; i < batch.numRows; i++) {
      const name = names.get(i);
      const s = (series[name] ??= { count: 0, firstX: xs[i], firstY: ys[i], lastX: 0, lastY: 0, sumX: 0, sumY: 0 });
      s.count++;
      s.lastX = xs[i];
      s.lastY = ys[i];
      s.sumX += xs[i];
      s.sumY += ys[i];
    }
    if (batch.numRows > 0 && times) {
      firstTime ??= Number(times.get(0));
      lastTime = Number(times.get(batch.numRows - 1));
    } else if (batch.numRows > 0 && received.has('plotpipe.received.first')) {
      firstTime ??= Number(received.get('plotpipe.received.first')) / 1000;
      lastTime = Number(received.get('plotpipe.received.last')) / 1000;
    }
    if (received.has('plotpipe.definitions')) derived = JSON.parse(received.get('plotpipe.definitions')).derived ?? null;
    if (received.has('plotpipe.events')) markers.push(...JSON.parse(received.get('plotpipe.events')));
    rows += batch.numRows;
  }
} catch (e) {
  error = String(e);
}
console.log(JSON.stringify({ rows, batches, series, schema, columns, firstTime, lastTime, markers, derived, error }));
