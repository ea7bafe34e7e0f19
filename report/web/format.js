'use strict';
// Number formatting. Units come from the documents: a field or column name ends in its unit
// (latency_s, energy_pj, used_bytes, average_w), and search and comparison documents state
// their units. These rules only turn base units into readable ones.

const fmt = (() => {
  const finite = (v) => typeof v === 'number' && Number.isFinite(v);

  // As core::format_seconds: three decimals in s, ms or us, one in ns.
  function seconds(s) {
    if (!finite(s)) return '—';
    if (s >= 1) return s.toFixed(3) + ' s';
    if (s >= 1e-3) return (s * 1e3).toFixed(3) + ' ms';
    if (s >= 1e-6) return (s * 1e6).toFixed(3) + ' us';
    return (s * 1e9).toFixed(1) + ' ns';
  }

  // Three significant digits; `steps` are [factor, name] pairs, ascending.
  function stepped(v, steps, digits) {
    if (!finite(v)) return '—';
    let i = 0;
    while (i + 1 < steps.length && Math.abs(v) >= steps[i + 1][0] * 0.9995) i++;
    const x = v / steps[i][0];
    return (digits === undefined ? Number(x.toPrecision(3)) : x.toFixed(digits)) + ' ' + steps[i][1];
  }

  const ENERGY_PJ = [[1, 'pJ'], [1e3, 'nJ'], [1e6, 'uJ'], [1e9, 'mJ'], [1e12, 'J']];
  const BYTES = [[1, 'B'], [1024, 'KiB'], [1024 ** 2, 'MiB'], [1024 ** 3, 'GiB'], [1024 ** 4, 'TiB']];
  const WATTS = [[1e-6, 'uW'], [1e-3, 'mW'], [1, 'W']];
  const JOULES = [[1e-12, 'pJ'], [1e-9, 'nJ'], [1e-6, 'uJ'], [1e-3, 'mJ'], [1, 'J']];
  const HERTZ = [[1, 'Hz'], [1e3, 'kHz'], [1e6, 'MHz'], [1e9, 'GHz']];
  const TIME = [[1e-9, 'ns'], [1e-6, 'us'], [1e-3, 'ms'], [1, 's']];

  function bytes(b) {
    if (!finite(b)) return '—';
    let i = 0;
    while (i + 1 < BYTES.length && Math.abs(b) >= BYTES[i + 1][0]) i++;
    return i === 0 ? Math.round(b) + ' B' : (b / BYTES[i][0]).toFixed(2) + ' ' + BYTES[i][1];
  }

  function count(n) {
    if (!finite(n)) return '—';
    if (Math.abs(n) >= 1e15) return n.toPrecision(4);
    return Math.round(n).toLocaleString('en-US');
  }

  function plain(v) {
    if (!finite(v)) return v === null || v === undefined ? '—' : String(v);
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return count(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toPrecision(4) : String(Number(v.toPrecision(4)));
  }

  // The unit a name ends in ('' when none is recognised).
  function unitOfName(name) {
    const n = String(name).toLowerCase();
    const rules = [['_s', 's'], ['_pj', 'pJ'], ['_bytes', 'B'], ['_w', 'W'], ['_j', 'J'],
                   ['_hz', 'Hz'], ['macs', 'MACs'], ['_cycles', 'cycles']];
    for (const [suffix, unit] of rules) if (n.endsWith(suffix)) return unit;
    return '';
  }

  // A readable label for a field name whose unit its values already show.
  function labelOfName(name) {
    return String(name).replace(/_(s|pj|w|j|hz)$/i, '').replace(/_/g, ' ');
  }

  function byUnit(v, unit) {
    switch (unit) {
      case 's': return seconds(v);
      case 'pJ': return stepped(v, ENERGY_PJ);
      case 'J': return stepped(v, JOULES);
      case 'B': return bytes(v);
      case 'W': return stepped(v, WATTS);
      case 'Hz': return stepped(v, HERTZ);
      case 'MACs': case 'cycles': return count(v) + ' ' + unit;
      case '': return plain(v);
      default: return plain(v) + ' ' + unit;
    }
  }

  // {factor, label}: multiply values in `unit` by factor to show them in `label` on an axis
  // whose largest value is `max`.
  function axisScale(unit, max) {
    const table = {s: TIME, pJ: ENERGY_PJ, B: BYTES, W: WATTS, J: JOULES, Hz: HERTZ}[unit];
    if (!table || !finite(max) || max <= 0) return {factor: 1, label: unit};
    let i = 0;
    while (i + 1 < table.length && max >= table[i + 1][0]) i++;
    return {factor: 1 / table[i][0], label: table[i][1]};
  }

  return {seconds, bytes, count, plain, unitOfName, labelOfName, byUnit, axisScale,
          energyPj: (v) => stepped(v, ENERGY_PJ)};
})();

// Safe text for HTML built from strings.
function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;',
                                                 '"': '&quot;', "'": '&#39;'}[c]));
}

// An element with attributes and children (strings become text nodes).
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null) continue;
    e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return e;
}

// Links in the documents are relative paths; each segment is URL-encoded.
function hrefOf(path) {
  return String(path).split('/').map(encodeURIComponent).join('/');
}
