'use strict';
// A sortable, filterable table. Columns: {key, label, unit, numeric, link (index → href),
// title}. Clicking a header sorts by it (numbers largest first, text A→Z; again reverses);
// the search box keeps rows whose text contains every word typed; a drop-down per text column
// with few distinct values keeps one value.

function dataTable(columns, rows, options) {
  options = options || {};
  const wrap = el('div', {class: 'table-wrap'});
  const filters = el('div', {class: 'filters'});
  const search = el('input', {type: 'search', class: 'filter-text',
                              placeholder: 'filter: words that must appear in a row'});
  filters.appendChild(search);
  const selects = [];
  columns.forEach((c, i) => {
    if (c.numeric || c.link || c.choices === false) return;
    const values = [...new Set(rows.map((r) => r[i]))].filter((v) => v !== null && v !== '');
    // A drop-down only where values repeat and are few (pass, core, kind, bound by).
    if (values.length < 2 || values.length > 40 || values.length === rows.length) return;
    values.sort();
    const s = el('select', {class: 'filter-column', 'data-col': c.key},
                 el('option', {value: ''}, 'all ' + c.label),
                 values.map((v) => el('option', {value: String(v)}, String(v))));
    selects.push([i, s]);
    filters.appendChild(s);
  });
  const counter = el('span', {class: 'count'});
  filters.appendChild(counter);
  const table = el('table', {class: 'data', id: options.id});
  const head = el('tr');
  const body = el('tbody');
  table.appendChild(el('thead', {}, head));
  table.appendChild(body);

  const text = rows.map((r) => columns.map((c, i) => cellText(c, r[i])).join(' ').toLowerCase());
  let order = rows.map((_, i) => i);
  let sortCol = -1;
  let descending = false;

  columns.forEach((c, i) => {
    const th = el('th', {'data-col': c.key, title: c.title || 'sort by ' + c.label,
                         class: c.numeric ? 'num' : ''},
                  c.label);
    th.addEventListener('click', () => sortBy(i));
    head.appendChild(th);
  });

  function cellText(c, v) {
    if (v === null || v === undefined) return '—';
    if (c.numeric) return c.format ? c.format(v) : fmt.byUnit(v, c.unit || '');
    return String(v);
  }

  function sortBy(i) {
    descending = sortCol === i ? !descending : !!columns[i].numeric;
    sortCol = i;
    const sign = descending ? -1 : 1;
    order.sort((a, b) => {
      const x = rows[a][i], y = rows[b][i];
      if (x === y) return a - b;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * sign;
    });
    head.querySelectorAll('th').forEach((th, k) => {
      th.removeAttribute('aria-sort');
      if (k === i) th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
    });
    draw();
  }

  function draw() {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const wanted = selects.map(([i, s]) => [i, s.value]).filter(([, v]) => v !== '');
    body.textContent = '';
    let shown = 0;
    const fragment = document.createDocumentFragment();
    for (const r of order) {
      if (!words.every((w) => text[r].includes(w))) continue;
      if (!wanted.every(([i, v]) => String(rows[r][i]) === v)) continue;
      shown++;
      const tr = el('tr');
      columns.forEach((c, i) => {
        const v = rows[r][i];
        const td = el('td', {class: c.numeric ? 'num' : ''});
        if (c.numeric && typeof v === 'number') td.setAttribute('data-value', String(v));
        const href = c.link ? c.link(r) : null;
        if (href) td.appendChild(el('a', {href: hrefOf(href)}, cellText(c, v)));
        else td.textContent = cellText(c, v);
        tr.appendChild(td);
      });
      fragment.appendChild(tr);
    }
    body.appendChild(fragment);
    counter.textContent = shown + ' of ' + rows.length + ' ' + (options.noun || 'rows');
  }

  search.addEventListener('input', draw);
  selects.forEach(([, s]) => s.addEventListener('change', draw));
  draw();
  wrap.appendChild(filters);
  wrap.appendChild(el('div', {class: 'table-scroll'}, table));
  return wrap;
}

// Columns of a CSV document ({columns, numeric, rows}) with units from their names.
function csvColumns(doc) {
  return doc.columns.map((name, i) => ({key: name, label: name, numeric: !!doc.numeric[i],
                                        unit: doc.numeric[i] ? fmt.unitOfName(name) : ''}));
}
