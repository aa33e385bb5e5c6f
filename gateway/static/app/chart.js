// A title's figures as a small horizontal bar chart, drawn as inline SVG (no library).

const SVG = "http://www.w3.org/2000/svg";
const BARS = [
  ["registered", "Đăng ký", "bar-registered"],
  ["reviewed", "Bình xét", "bar-reviewed"],
  ["recognised", "Công nhận", "bar-recognised"],
];
const WIDTH = 300;
const ROW = 22;
const LABEL = 78;
const VALUE = 48;

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

export function titleChart(name, figures) {
  const height = BARS.length * ROW + 4;
  const most = Math.max(1, ...BARS.map(([field]) => figures[field]));
  const room = WIDTH - LABEL - VALUE;
  const summary = BARS.map(([field, label]) => `${label} ${figures[field]}`).join(", ");
  const chart = svg("svg", {
    class: "chart",
    viewBox: `0 0 ${WIDTH} ${height}`,
    role: "img",
    "aria-label": `Biểu đồ ${name}: ${summary}`,
    preserveAspectRatio: "xMinYMin meet",
  });
  BARS.forEach(([field, label, css], index) => {
    const y = index * ROW + 2;
    const value = figures[field];
    const length = value ? Math.max(2, (value / most) * room) : 0;
    chart.append(
      svg("text", { x: 0, y: y + 14, class: "chart-label" }, label),
      svg("rect", { x: LABEL, y: y + 3, width: room, height: ROW - 8, rx: 3, class: "bar-track" }),
      svg("rect", { x: LABEL, y: y + 3, width: length, height: ROW - 8, rx: 3, class: css }),
      svg("text", { x: WIDTH, y: y + 14, "text-anchor": "end", class: "chart-value" }, value.toLocaleString("vi-VN")),
    );
  });
  return chart;
}
