/* index-Dm0F4rm1.js — bundle of the demo DVC single-page app (shape of dichvucong.gov.vn, 2026) */
const LIST_API = "{{ list_api }}";
const DETAIL_API = "{{ detail_api }}";
const PAGE_SIZE = {{ page_size }};
const LEVEL = (d) => d.isFullProcess ? "Dịch vụ công trực tuyến toàn trình"
  : ((d.executionMethods || []).some((m) => m.submissionMethod === "ONLINE") ? "Dịch vụ công trực tuyến một phần"
  : "Dịch vụ cung cấp thông tin trực tuyến");
const METHOD = { ONLINE: "Trực tuyến", DIRECT: "Trực tiếp", POSTAL: "Dịch vụ bưu chính" };

async function post(url, body) {
  const r = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return r.json();
}
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
  kids.forEach((k) => e.append(k));
  return e;
}

async function listPage(root) {
  const table = el("table", { class: "formality-list" }, el("tr", {}, el("th", {}, "Mã thủ tục"), el("th", {}, "Tên thủ tục"), el("th", {}, "Lĩnh vực")));
  const more = el("button", { class: "load-more", type: "button" }, "Xem thêm");
  root.append(el("h1", {}, "Thủ tục hành chính"), table, more);
  let lastId = "";
  async function load() {
    const res = await post(LIST_API, { lastId: lastId, size: PAGE_SIZE, q: "", categoryId: "", departmentCode: "" });
    (res.data.items || []).forEach((it) => table.append(el("tr", {},
      el("td", {}, it.code), el("td", {}, el("a", { href: "/thu-tuc-hanh-chinh/" + it.code }, it.name)),
      el("td", {}, (it.categories || []).join(", ")))));
    lastId = res.data.lastId;
    if (!lastId) more.remove();
  }
  more.addEventListener("click", load);
  await load();
}

async function detailPage(root, code) {
  const res = await post(DETAIL_API, { code: code });
  if (res.code !== "OK" || !res.data) {
    root.append(el("div", { class: "not-found" }, el("h1", {}, "Không tìm thấy thủ tục hành chính"), el("a", { href: "/" }, "Quay về trang chủ")));
    return;
  }
  const d = res.data;
  const rows = [
    ["Mã thủ tục", d.code], ["Mức độ", LEVEL(d)],
    ["Trình tự thực hiện", (d.executionSteps || []).map((s) => s.description).join("\n")],
    ["Cách thức thực hiện", (d.executionMethods || []).map((m) => METHOD[m.submissionMethod] + ": " + m.processingTime + " ngày làm việc").join("; ")],
    ["Cơ quan thực hiện", d.executingAgencies || ""],
    ["Căn cứ pháp lý", (d.legalBasisesDetails || []).map((l) => l.name).join("; ")],
  ];
  const t = el("table", { class: "formality-detail" });
  rows.forEach(([k, v]) => t.append(el("tr", {}, el("th", {}, k), el("td", {}, v))));
  root.append(el("h1", {}, d.name), t);
  if (LEVEL(d) !== "Dịch vụ cung cấp thông tin trực tuyến") root.append(el("a", { class: "btn-submit", href: "/dang-nhap?code=" + d.code }, "Nộp hồ sơ trực tuyến"));
}

const root = document.getElementById("root");
const m = location.pathname.match(/^\/thu-tuc-hanh-chinh\/([^/]+)/);
if (m) detailPage(root, decodeURIComponent(m[1])); else listPage(root);
