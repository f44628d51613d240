// The live page: one tile per camera, fed by the viewer's server-sent events. Every string that
// comes from the topics (camera ids, labels, model names) is set as text, never as HTML.
'use strict';

const token = new URLSearchParams(location.search).get('token');
const grid = document.getElementById('grid');
const statusBadge = document.getElementById('status');
const template = document.getElementById('tile');
const filterCamera = document.getElementById('filter-camera');
const filterLabel = document.getElementById('filter-label');
const tiles = new Map();
// counts for whoever measures the page (the viewer's load benchmark reads them)
window.actionstreamStats = { frames: 0, events: 0 };

function setStatus(state, text) {
  statusBadge.dataset.state = state;
  statusBadge.textContent = text;
}

function tile(camera) {
  let t = tiles.get(camera);
  if (t) return t;
  const element = template.content.firstElementChild.cloneNode(true);
  element.dataset.camera = camera;
  element.querySelector('.camera').textContent = camera;
  element.addEventListener('click', () => element.classList.toggle('enlarged'));
  t = { camera, element, frame: null, events: [] };
  tiles.set(camera, t);
  grid.appendChild(element);
  applyFilter(t);
  return t;
}

function onFrame(frame) {
  window.actionstreamStats.frames++;
  const t = tile(frame.camera);
  t.frame = frame;
  const img = t.element.querySelector('.frame');
  img.src = 'data:image/jpeg;base64,' + frame.jpeg;
  t.element.dataset.frameSequence = frame.sequence;
  drawOverlay(t);
}

function onEvent(event) {
  window.actionstreamStats.events++;
  const t = tile(event.camera);
  t.events.push(event);
  if (t.events.length > 50) t.events.shift();
  const top = event.labels[0];
  t.element.dataset.eventId = event.eventId;
  t.element.dataset.topLabel = top ? top.label : '';
  const labels = t.element.querySelector('.labels');
  labels.replaceChildren(...event.labels.map((l, i) => {
    const li = document.createElement('li');
    li.textContent = l.label + ' ' + l.score.toFixed(2);
    if (i === 0) li.className = 'top';
    return li;
  }));
  t.element.querySelector('.model').textContent = event.model + ' ' + event.version + ' on ' + event.provider;
  t.element.querySelector('.latency').textContent = Math.round(event.captureToEventMs) + ' ms after capture';
  const strip = t.element.querySelector('.strip');
  strip.replaceChildren(...t.events.slice(-20).map(e => {
    const chip = document.createElement('i');
    const label = e.labels[0] ? e.labels[0].label : '';
    chip.style.background = colour(label);
    chip.title = label;
    return chip;
  }));
  const history = t.element.querySelector('.history');
  const item = document.createElement('li');
  item.textContent = new Date(event.startTimeUs / 1000).toLocaleTimeString() + '  frames ' + event.firstSequence + '-'
      + event.lastSequence + '  ' + event.labels.map(l => l.label + ' ' + l.score.toFixed(2)).join(', ');
  history.prepend(item);
  while (history.children.length > 50) history.lastChild.remove();
  drawOverlay(t);
  applyFilter(t);
}

// normalized source coordinates to the frame image's pixels, through the ingest's crop or padding
function toImage(frame, u, v) {
  const s = frame.sourceRegion, i = frame.imageRegion;
  return {
    x: i.x + (u * frame.sourceWidth - s.x) * i.width / s.width,
    y: i.y + (v * frame.sourceHeight - s.y) * i.height / s.height,
  };
}

function drawOverlay(t) {
  const frame = t.frame, event = t.events[t.events.length - 1];
  if (!frame || !event) return;
  const boxes = t.element.querySelector('.boxes');
  boxes.replaceChildren(...event.boxes.map(b => {
    const a = toImage(frame, b.xMin, b.yMin), z = toImage(frame, b.xMax, b.yMax);
    const div = document.createElement('div');
    div.className = 'box';
    div.style.left = (100 * a.x / frame.width) + '%';
    div.style.top = (100 * a.y / frame.height) + '%';
    div.style.width = (100 * (z.x - a.x) / frame.width) + '%';
    div.style.height = (100 * (z.y - a.y) / frame.height) + '%';
    const share = document.createElement('span');
    share.textContent = Math.round(100 * b.mass) + '%';
    div.appendChild(share);
    return div;
  }));
  const canvas = t.element.querySelector('.heat');
  canvas.width = frame.width;
  canvas.height = frame.height;
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const map = event.map;
  if (!map) return;
  const cells = Uint8Array.from(atob(map.values), c => c.charCodeAt(0));
  const small = document.createElement('canvas');
  small.width = map.width;
  small.height = map.height;
  const pixels = small.getContext('2d').createImageData(map.width, map.height);
  for (let k = 0; k < cells.length; k++) {
    const level = cells[k] / 255;
    pixels.data[4 * k] = 255;
    pixels.data[4 * k + 1] = Math.round(220 * (1 - level));
    pixels.data[4 * k + 2] = 0;
    pixels.data[4 * k + 3] = Math.round(170 * level);
  }
  small.getContext('2d').putImageData(pixels, 0, 0);
  const a = toImage(frame, map.xMin, map.yMin), z = toImage(frame, map.xMax, map.yMax);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, a.x, a.y, z.x - a.x, z.y - a.y);
}

function colour(label) {
  let h = 0;
  for (const c of label) h = (h * 31 + c.charCodeAt(0)) % 360;
  return 'hsl(' + h + ', 70%, 50%)';
}

function applyFilter(t) {
  const camera = filterCamera.value.trim().toLowerCase();
  const label = filterLabel.value.trim().toLowerCase();
  const top = (t.element.dataset.topLabel || '').toLowerCase();
  const shown = t.camera.toLowerCase().includes(camera) && (!label || top.includes(label));
  t.element.classList.toggle('hidden', !shown);
}

filterCamera.addEventListener('input', () => tiles.forEach(applyFilter));
filterLabel.addEventListener('input', () => tiles.forEach(applyFilter));

function connect() {
  const source = new EventSource('stream' + (token ? '?token=' + encodeURIComponent(token) : ''));
  source.onopen = () => setStatus('live', 'live');
  source.onerror = () => {
    setStatus('disconnected', 'disconnected, reconnecting…');
    if (source.readyState === EventSource.CLOSED) {
      // the browser gave up (the server answered with an error): try again ourselves
      setTimeout(connect, 2000);
    }
  };
  source.addEventListener('frame', m => onFrame(JSON.parse(m.data)));
  source.addEventListener('event', m => onEvent(JSON.parse(m.data)));
}

connect();
