'use strict';
// The report of a few-shot episode folder (`mode: few-shot`, summary.json schema
// monet.episode/1): its figures, where the episode's time goes by part (one run × its repeats),
// the parts table, and links to each part's run report (<part>/).

function renderEpisode(data, app) {
  const s = data.summary;
  const p = s.power || {};
  const m = s.memory || {};
  const ft = s.finetune || {};
  const parts = s.parts || [];
  const cards = [];
  const latency = card('card-latency', 'episode time', fmt.seconds(s.latency_s),
                       parts.map((q) => q.name + (q.repeat > 1 ? ' ×' + q.repeat : '')).join(', '));
  latency.setAttribute('data-value', String(s.latency_s));
  cards.push(latency);
  cards.push(card('card-energy', 'dynamic energy', fmt.energyPj(s.energy_pj), 'at the chip'));
  if (p.average_w !== undefined)
    cards.push(card('card-power', 'average power', fmt.byUnit(p.average_w, 'W'),
                    'supply energy ' + fmt.byUnit(p.supply_energy_j, 'J') +
                    (p.static_described ? '' : ' (dynamic only)'),
                    p.over_budget ? 'bad' : ''));
  cards.push(card('card-episode', 'episode', s.ways + '-way ' + s.shots + '-shot',
                  s.support_images + ' support and ' + s.query_images + ' query images; ' +
                  (s.features ? s.features.dim + '-d features (' + s.features.tensor + ')' : '')));
  cards.push(card('card-finetune', 'fine-tuning',
                  ft.steps > 0 ? ft.steps + ' steps' : 'none',
                  ft.steps > 0 ? 'trains: ' + ft.trains : 'features compared as they come'));
  cards.push(card('card-memory', 'peak footprint', fmt.bytes(m.peak_footprint_bytes),
                  m.capacity_violation_bytes > 0 ? 'over DRAM by ' + fmt.bytes(m.capacity_violation_bytes)
                                                 : 'largest of any part',
                  m.capacity_violation_bytes > 0 ? 'bad' : ''));
  app.appendChild(el('div', {class: 'cards'}, cards));

  app.appendChild(section('Time by part', 'time', chartBox('chart-parts', 80 + 40 * parts.length,
    'each part\'s share of the episode: the time of one run times its repeats')));
  later(() => barChart('chart-parts', 'episode time', parts.map((q) => [q.name, q.latency_s * q.repeat]),
                       's', (i) => [parts[i].repeat + ' × ' + fmt.seconds(parts[i].latency_s)]));

  const columns = [{key: 'name', label: 'part'}, {key: 'repeat', label: 'runs', numeric: true},
                   {key: 'latency_s', label: 'time per run', unit: 's', numeric: true},
                   {key: 'energy_pj', label: 'energy per run', unit: 'pJ', numeric: true},
                   {key: 'peak_dram_bytes', label: 'peak DRAM', unit: 'B', numeric: true},
                   {key: 'peak_onchip_bytes', label: 'peak on-chip', unit: 'B', numeric: true},
                   {key: 'macs', label: 'MACs per run', numeric: true}];
  const rows = parts.map((q) => columns.map((c) => q[c.key]));
  app.appendChild(section('Parts', 'parts',
                          dataTable(columns, rows, {id: 'parts-table', noun: 'parts'})));
  const links = data.part_links || {};
  const items = parts.filter((q) => links[q.name])
    .map((q) => el('li', {}, el('a', {href: links[q.name]}, q.name)));
  if (items.length)
    app.appendChild(section('Run reports', 'runs', el('ul', {}, items)));
}
