"""Layout measured in the browser rather than judged by eye: what overflows, what is cut short, what overlaps.

`layout_problems(page)` returns one line per problem (empty: none), from the elements' bounding boxes:
- the page wider than the window (document or Streamlit's main area scrolls sideways);
- an element sticking out of its column, card or block (a sparkline wider than its card);
- text cut short: an element that hides part of its text (an ellipsis in a metric, a button, a chip);
- in every drawn chart: a title, legend, axis title, tick label, annotation, the headline's number or the chart
  toolbar (plotly's modebar, measured even while hidden: on a phone a tap shows it) outside the chart, or two of
  them overlapping; tick labels of one axis overlapping each other; the number overlapping the bullet.
Tables (drawn on a canvas that scrolls by design) are left out.
"""

from __future__ import annotations

PROBLEMS_JS = r"""() => {
  const problems = [];
  const main = document.querySelector('[data-testid="stMain"]');
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) problems.push(`page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
  if (main.scrollWidth > main.clientWidth + 1) problems.push(`main area scrolls sideways: ${main.scrollWidth} > ${main.clientWidth}`);
  const shown = r => r.width > 0.5 && r.height > 0.5;
  const label = e => {
    const id = e.getAttribute('data-testid') || e.getAttribute('class') || e.tagName.toLowerCase();
    const text = (e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `${String(id).slice(0, 40)}${text ? ` "${text}"` : ''}`;
  };
  const skipped = e => e.closest('[data-testid="stDataFrame"], [data-testid="stTable"], .js-plotly-plot, [data-testid="stSidebar"]');
  const invisible = e => { const s = getComputedStyle(e); return s.visibility === 'hidden' || s.opacity === '0' || s.position === 'fixed'; };
  const boxes = '[data-testid="stColumn"], [data-testid="stVerticalBlock"], [data-testid="stHorizontalBlock"], .kpi-card';

  for (const e of main.querySelectorAll('*')) {
    if (skipped(e) || invisible(e) || e.tagName === 'INPUT') continue;  // an input shows through its own box
    const r = e.getBoundingClientRect();
    if (!shown(r)) continue;
    let box = e.parentElement && e.parentElement.closest(boxes);
    while (box && getComputedStyle(box).display === 'contents') box = box.parentElement.closest(boxes);  // no box of its own
    if (box) {
      const b = box.getBoundingClientRect();
      if (r.right > b.right + 1.5 || r.left < b.left - 1.5) {
        problems.push(`${label(e)} sticks out of ${label(box).slice(0, 30)} by ${Math.round(Math.max(r.right - b.right, b.left - r.left))} px`);
      }
    }
    const s = getComputedStyle(e);
    const hides = s.textOverflow === 'ellipsis' || s.overflowX === 'hidden' || s.overflowX === 'clip';
    if (hides && e.scrollWidth > e.clientWidth + 1 && (e.textContent || '').trim()) {
      problems.push(`${label(e)} is cut short: ${e.scrollWidth} px of text in ${e.clientWidth} px`);
    }
  }

  const pairs = [
    ['title', 'legend'], ['title', 'toolbar'], ['legend', 'toolbar'], ['legend', 'axis title'], ['legend', 'tick'],
    ['legend', 'annotation'], ['toolbar', 'annotation'], ['toolbar', 'axis title'], ['toolbar', 'tick'],
    ['toolbar', 'number'], ['title', 'annotation'], ['title', 'tick'], ['axis title', 'tick'],
    ['number', 'gauge'], ['number', 'tick'], ['annotation', 'tick'],
  ];
  const meet = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  main.querySelectorAll('[data-testid="stPlotlyChart"]').forEach((chart, index) => {
    const svg = chart.querySelector('.main-svg');
    if (!svg) return;
    const frame = svg.getBoundingClientRect();
    if (!shown(frame)) return;  // in a tab not open
    const items = [];
    const add = (kind, selector, needsText = true) => chart.querySelectorAll(selector).forEach(el => {
      const b = el.getBoundingClientRect();
      if (shown(b) && (!needsText || (el.textContent || '').trim())) items.push({kind, b, el});
    });
    add('title', '.g-gtitle .gtitle');
    add('legend', 'g.legend', false);
    add('axis title', '.g-xtitle text, .g-ytitle text');
    add('tick', '.xtick text, .ytick text, .xbulletaxistick text');
    add('annotation', '.annotation');
    add('toolbar', '.modebar', false);
    add('number', 'text.number');
    add('gauge', 'g.bullet', false);
    const before = chart.closest('[data-testid="stElementContainer"]')?.previousElementSibling;
    const title = chart.querySelector('.gtitle')?.textContent || before?.textContent || '';
    const name = `chart ${index + 1} "${title.trim().slice(0, 30)}"`;
    for (const it of items) {
      const b = it.b;
      if (it.kind !== 'toolbar' && (b.left < frame.left - 1 || b.right > frame.right + 1 || b.top < frame.top - 1 || b.bottom > frame.bottom + 1)) {
        problems.push(`${name}: ${it.kind} "${(it.el.textContent || '').trim().slice(0, 30)}" is cut off at the chart's edge`);
      }
    }
    for (const [k1, k2] of pairs) {
      for (const a of items.filter(i => i.kind === k1)) for (const b of items.filter(i => i.kind === k2)) {
        if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
        if (meet(a.b, b.b)) problems.push(`${name}: ${k1} "${(a.el.textContent || '').trim().slice(0, 25)}" overlaps ${k2} "${(b.el.textContent || '').trim().slice(0, 25)}"`);
      }
    }
    for (const axis of ['.xtick text', '.ytick text']) {
      const ticks = [...chart.querySelectorAll(axis)].map(e => e.getBoundingClientRect()).filter(shown);
      for (let i = 1; i < ticks.length; i++) {
        if (meet(ticks[i - 1], ticks[i])) { problems.push(`${name}: tick labels overlap each other (${axis})`); break; }
      }
    }
  });
  return problems;
}"""


def layout_problems(page) -> list[str]:
    """Every layout problem on the page as drawn now (see the module's docstring); [] when there is none."""
    return page.evaluate(PROBLEMS_JS)
