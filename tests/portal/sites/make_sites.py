"""Regenerates the synthetic portals of this folder (index.html and pages of mau, moi,
soft404, jsmenu). The pages are committed; run this only to change them:
    .venv/bin/python tests/portal/sites/make_sites.py
Labels are written on purpose as numeric entities, in NFD, without diacritics, in title
or alt attributes only, in image file names and in slugs. truth.yaml files are hand-written."""
import os
import unicodedata

OUT=os.path.dirname(os.path.abspath(__file__))
def ent(s, hexa=False):
    return ''.join(c if ord(c)<128 else (f'&#x{ord(c):X};' if hexa else f'&#{ord(c)};') for c in s)
def nfd(s): return unicodedata.normalize('NFD', s)

def page(title, menu, body, footer, head_extra='', body_attrs=''):
    return f'''<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
{head_extra}<title>{title}</title>
</head>
<body{body_attrs}>
<div id="header"><a href="/"><img src="/img/logo.png" alt="Logo"></a></div>
{menu}
<div id="content">
{body}
</div>
{footer}
</body>
</html>
'''

# ---------------------------------------------------------------- model site
GOOD_MENU = f'''<nav id="main-menu"><ul class="menu">
<li><a href="/">Trang chủ</a></li>
<li><a href="/gioi-thieu">{ent("Giới thiệu")}</a></li>
<li><a href="/lanh-dao">{ent("Lãnh đạo", True)}</a></li>
<li><a href="/tin-tuc">TIN TỨC - SỰ KIỆN</a></li>
<li><a href="/hoi-dap">{nfd("Hỏi đáp")}</a></li>
<li><a href="/lien-he">LIEN HE</a></li>
<li><a href="/so-do-cong">Sơ đồ cổng</a></li>
<li><a href="/en/" hreflang="en">English</a></li>
</ul></nav>'''
GOOD_FOOTER = '''<div id="footer"><p>CỔNG THÔNG TIN ĐIỆN TỬ SỞ MẪU TỈNH THỬ NGHIỆM</p>
<p>Địa chỉ: 12 Đường Thử, Phường Mẫu - Điện thoại: (0210) 3812345 - Email: so@mau.gov.vn</p></div>'''
ARTICLES = [
 ("/tin-tuc/chuyen-doi-so-tai-tinh-mau-100234.html", "Chuyển đổi số tại tỉnh Mẫu đạt kết quả tích cực", "12/08/2025"),
 ("/tin-tuc/hoi-nghi-chuyen-doi-so-cap-xa-100235.html", "Hội nghị chuyển đổi số cấp xã năm 2025", "10/08/2025"),
 ("/tin-tuc/tap-huan-an-toan-thong-tin-100236.html", "Tập huấn an toàn thông tin cho cán bộ", "05/08/2025"),
]
def article_list():
    return '<div class="news-list"><h2>Tin mới</h2><ul>' + ''.join(
        f'<li><a href="{h}">{t}</a> <span class="date">{d}</span></li>' for h,t,d in ARTICLES) + '</ul></div>'

GOOD_INDEX_BODY = f'''
{article_list()}
<div class="sidebar">
  <div class="box"><h3 class="box-title">Văn bản</h3>
    <ul><li><a href="/van-ban">Xem tất cả</a></li></ul></div>
  <div class="banners">
    <a href="/lich-cong-tac" title="Lịch công tác lãnh đạo"><img src="/img/banner1.png" alt=""></a>
    <a href="/chi-dao-dieu-hanh"><img src="/img/banner2.png" alt=""></a>
    <a href="/muc/12"><img src="/img/x1.png" alt="{ent("Điều ước quốc tế")}"></a>
    <a href="/muc/13"><img src="/documents/10/PhoBienGiaoDucPhapLuat.png" alt=""></a>
    <a href="/-au-thau-mua-sam-cong"><img src="/img/banner5.png" alt=""></a>
  </div>
  <ul class="quick-links">
    <li><a href="/thu-tuc">Thủ tục hành chánh</a></li>
    <li><a href="/quy-hoach">Quy hoạch - Kế hoạch</a></li>
    <li><a href="/gop-y">Góp ý dự thảo văn bản</a></li>
    <li><a href="/so-lieu">Số liệu thống kê</a></li>
    <li><a href="/ngan-sach">Công khai ngân sách</a></li>
    <li><a href="/de-tai">Đề tài khoa học</a></li>
    <li><a href="/phat-ngon">Người phát ngôn</a></li>
  </ul>
  <div class="box"><h3 class="box-title">Liên kết website</h3>
    <select onchange="window.open(this.value)"><option value="#">Chọn liên kết</option>
    <option value="https://chinhphu.vn/">Cổng TTĐT Chính phủ</option>
    <option value="https://mic.gov.vn/">Bộ Thông tin và Truyền thông</option>
    <option value="https://dichvucong.gov.vn/">Cổng Dịch vụ công quốc gia</option></select></div>
  <form action="/tim-kiem" method="get" class="search-form"><input type="text" name="q" placeholder="Tìm kiếm"><button type="submit">Tìm</button></form>
</div>
'''
GOOD_HEAD = '''<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="alternate" type="application/rss+xml" title="Tin tức" href="/rss/tin-tuc.xml">
<script src="https://f-emc.ngsp.gov.vn/tracking/3a4b.js" async></script>
'''
def listing(title, items, intro=''):
    lis=''.join(f'<li><a href="#item-{i}">{t}</a><div class="date">Ngày đăng {d}</div></li>' for i,(t,d) in enumerate(items))
    return f'<div class="breadcrumb">Trang chủ » {title}</div><h1>{title}</h1>{intro}<ul class="list">{lis}</ul>'
def prose(title, text):
    return f'<div class="breadcrumb">Trang chủ » {title}</div><h1>{title}</h1><div class="article">{text}</div>'
LOREM = ("Sở Mẫu là cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh, thực hiện chức năng tham mưu, giúp "
         "Ủy ban nhân dân tỉnh quản lý nhà nước về thông tin và truyền thông; bưu chính; viễn thông; "
         "công nghệ thông tin; báo chí; xuất bản; phát thanh, truyền hình và thông tin cơ sở.")
GOOD_PAGES = {
 'gioi-thieu': prose('Giới thiệu', '<p>Cơ cấu tổ chức gồm Giám đốc, các Phó Giám đốc và các phòng chuyên môn.</p><p>'+LOREM+'</p>'),
 'lanh-dao': prose('Lãnh đạo Sở', '<table><tr><td>Giám đốc</td><td>Nguyễn Văn A</td><td>ĐT: 0210 3812 001</td></tr><tr><td>Phó Giám đốc</td><td>Trần Thị B</td><td>ĐT: 0210 3812 002</td></tr></table>'),
 'tin-tuc': listing('Tin tức sự kiện', [(t,d) for _,t,d in ARTICLES]),
 'hoi-dap': listing('Hỏi đáp', [("Hỏi về thủ tục cấp giấy phép bưu chính", "02/07/2025"), ("Hỏi về đăng ký tên miền .vn", "20/06/2025")]),
 'lien-he': prose('Liên hệ', '<p>Địa chỉ: 12 Đường Thử, Phường Mẫu</p><p>Điện thoại: (0210) 3812345</p><p>Email: so@mau.gov.vn</p>'),
 'van-ban': listing('Văn bản quy phạm pháp luật', [("Quyết định 12/2025/QĐ-UBND ban hành quy chế quản lý cổng thông tin", "01/07/2025"), ("Chỉ thị 03/CT-UBND về chuyển đổi số", "15/03/2025")]),
 'lich-cong-tac': listing('Lịch công tác lãnh đạo', [("Lịch công tác tuần 33 năm 2025", "11/08/2025"), ("Lịch công tác tuần 32 năm 2025", "04/08/2025")]),
 'chi-dao-dieu-hanh': listing('Chỉ đạo điều hành', [("Thông báo kết luận của Giám đốc Sở tại cuộc họp giao ban tháng 7", "30/07/2025")]),
 'muc/12': listing('Điều ước quốc tế', [("Thỏa thuận hợp tác về bưu chính với tỉnh kết nghĩa", "12/05/2024")]),
 'muc/13': listing('Phổ biến, giáo dục pháp luật', [("Tuyên truyền Luật Giao dịch điện tử 2023", "09/06/2025")]),
 '-au-thau-mua-sam-cong': listing('Đấu thầu mua sắm công', [("Kết quả lựa chọn nhà thầu gói thầu mua sắm thiết bị", "22/07/2025")]),
 'thu-tuc': listing('Thủ tục hành chính', [("Cấp giấy phép thiết lập mạng xã hội", "01/02/2025"), ("Cấp giấy phép bưu chính", "01/02/2025")]),
 'quy-hoach': listing('Quy hoạch - Kế hoạch', [("Kế hoạch chuyển đổi số năm 2025", "10/01/2025")]),
 'gop-y': listing('Lấy ý kiến dự thảo văn bản', [("Dự thảo quy chế bảo đảm an toàn thông tin mạng", "25/07/2025")]),
 'so-lieu': listing('Số liệu thống kê', [("Số liệu thống kê ngành thông tin và truyền thông 6 tháng đầu năm 2025", "15/07/2025")]),
 'ngan-sach': listing('Công khai ngân sách', [("Công khai dự toán ngân sách năm 2025", "20/01/2025")]),
 'de-tai': listing('Đề tài khoa học', [("Đề tài ứng dụng trí tuệ nhân tạo trong quản lý văn bản", "03/03/2025")]),
 'phat-ngon': prose('Người phát ngôn', '<p>Người phát ngôn: Nguyễn Văn A, Giám đốc Sở. Điện thoại: 0210 3812 001. Email: phatngon@mau.gov.vn</p>'),
 'so-do-cong': '<h1>Sơ đồ cổng</h1><ul class="sitemap">' + ''.join(f'<li><a href="/{p}">{p}</a></li>' for p in ['gioi-thieu','lanh-dao','tin-tuc','hoi-dap','lien-he','van-ban','lich-cong-tac','chi-dao-dieu-hanh','thu-tuc','quy-hoach','gop-y','so-lieu','ngan-sach']) + '</ul>',
}
for h,t,d in ARTICLES:
    GOOD_PAGES[h.strip('/')] = prose(t, f'<p class="date">{d}</p><p>{LOREM}</p><div class="tools"><a href="javascript:window.print()" class="btn-print">In bài</a></div>')

EN_PAGE = '''<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Department of Information and Communications</title></head>
<body><h1>Department of Information and Communications</h1><p>About the Department: the Department is a specialised agency of the Provincial People's Committee. Its functions and organization are set out below. Contact information of the leaders: the Director, phone and email, is listed on this page.</p>
<p>Address: 12 Thu Street. Phone: +84 210 3812345. Email: so@mau.gov.vn</p></body></html>'''
RSS = '''<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Tin tức - Sở Mẫu</title><link>/</link>
<item><title>Chuyển đổi số tại tỉnh Mẫu đạt kết quả tích cực</title><link>/tin-tuc/chuyen-doi-so-tai-tinh-mau-100234.html</link></item>
<item><title>Hội nghị chuyển đổi số cấp xã năm 2025</title><link>/tin-tuc/hoi-nghi-chuyen-doi-so-cap-xa-100235.html</link></item>
</channel></rss>
'''
def write(site, name, text):
    path=os.path.join(OUT, site, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path,'w',encoding='utf-8').write(text)

write('mau', 'index.html', page('Cổng thông tin điện tử Sở Mẫu', GOOD_MENU, GOOD_INDEX_BODY, GOOD_FOOTER, GOOD_HEAD))
for name, body in GOOD_PAGES.items():
    title = body.split('<h1>')[1].split('</h1>')[0] if '<h1>' in body else name
    write('mau', name if name.endswith('.html') else name + '.html', page(f'{title} - Sở Mẫu', GOOD_MENU, body, GOOD_FOOTER, '<meta name="viewport" content="width=device-width, initial-scale=1">\n'))
write('mau', 'en/index.html', EN_PAGE)
write('mau', 'rss/tin-tuc.xml', RSS)
write('mau', 'robots.txt', 'User-agent: *\nDisallow: /admin/\nSitemap: /sitemap.xml\n')
write('mau', 'sitemap.xml', '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/gioi-thieu</loc></url><url><loc>/van-ban</loc></url></urlset>\n')

# ---------------------------------------------------------------- decoy site
BAD_MENU = '''<div id="menu"><ul class="navi">
<li><a href="/">Trang chủ</a></li>
<li><a href="/gioi-thieu">Giới thiệu</a></li>
<li><a href="#">Tin tức</a><ul class="child-menu"><li><a href="/tin-tuc">Tin trong tỉnh</a></li><li><a href="/ke-hoach-tai-chinh">Kế hoạch tài chính</a></li></ul></li>
<li><a href="/hoi-dap">Hỏi đáp</a></li>
</ul></div>'''
BAD_FOOTER = '<div id="footer"><p>Bản quyền thuộc Sở Mồi. Ghi rõ nguồn khi phát hành lại thông tin.</p></div>'
BAD_INDEX_BODY = '''
<div class="hot-news"><h2>Tin nổi bật</h2><ul>
<li><a href="/tin/day-manh-dich-vu-cong-truc-tuyen-muc-do-4-200111.html">Đẩy mạnh cung cấp dịch vụ công trực tuyến mức độ 4 trên địa bàn tỉnh</a></li>
<li><a href="/tin/hoi-nghi-tong-ket-cong-tac-van-ban-200112.html">Hội nghị tổng kết công tác văn bản và lịch công tác lãnh đạo năm 2024</a></li>
<li><a href="/thong-bao-ve-viec-cong-bo-so-lieu-thong-ke-va-cong-khai-ngan-sach-nam-2024-cua-so-va-cac-don-vi-truc-thuoc-theo-quy-dinh">Thông báo về việc công bố số liệu thống kê và công khai ngân sách năm 2024 của Sở và các đơn vị trực thuộc theo quy định</a></li>
<li><a href="/tin/toa-dam-khoa-hoc-chuyen-doi-so-200113.html">Tọa đàm khoa học về chuyển đổi số</a></li>
</ul></div>
<div class="portlet"><div class="portlet-title"><span class="portlet-title-text">THĂM DÒ Ý KIẾN</span></div>
<div class="portlet-content"><p>Bạn thấy nội dung trang thế nào?</p><a href="/binh-chon">Lấy ý kiến bình chọn về nội dung trên trang</a></div></div>
<div class="portlet"><div class="portlet-title"><span class="portlet-title-text">Thống kê truy cập</span></div>
<div class="portlet-content"><a href="/thong-ke-truy-cap">Số lượng truy cập: 123.456</a></div></div>
<div class="banners">
<a href="/duong-day-nong"><img src="/img/hotline.png" alt=""></a>
<a href="/tthc"><img src="/img/tthc.png" alt=""></a>
</div>
'''
BAD_PAGES = {
 'gioi-thieu': prose('Giới thiệu', '<p>'+LOREM+'</p><p>Cơ cấu tổ chức gồm Giám đốc và các phòng.</p>'),
 'duong-day-nong': '<div class="breadcrumb">Trang chủ » Đường dây nóng</div>',
 'tthc': '<div class="breadcrumb">Trang chủ » Thủ tục hành chính</div><h1>Thủ tục hành chính</h1><form><label>Lĩnh vực</label><select><option>Tất cả</option></select><label>Từ khóa</label><input name="kw"><button>Tìm kiếm</button></form><p>Không có dữ liệu</p>',
 'binh-chon': prose('Thăm dò ý kiến', '<p>Kết quả bình chọn: Rất hay 40%, Hay 35%, Bình thường 25%. Tổng số 1.234 phiếu.</p><p>'+LOREM+'</p>'),
 'ke-hoach-tai-chinh': listing('Kế hoạch tài chính', [("Tin hoạt động phòng Kế hoạch tài chính", "01/06/2025")]),
 'tin/day-manh-dich-vu-cong-truc-tuyen-muc-do-4-200111.html': prose('Đẩy mạnh dịch vụ công', '<p>'+LOREM+'</p>'),
}
write('moi', 'index.html', page('Cổng thông tin điện tử Sở Mồi', BAD_MENU, BAD_INDEX_BODY, BAD_FOOTER))
for name, body in BAD_PAGES.items():
    fname = name if name.endswith('.html') else name + '.html'
    write('moi', fname, page('Sở Mồi', BAD_MENU, body, BAD_FOOTER))
write('moi', 'lich-hint.html', page('Lịch công tác - Sở Mồi', BAD_MENU, listing('Lịch công tác', [("Lịch công tác tuần 33", "11/08/2025")]), BAD_FOOTER))

# ---------------------------------------------------------------- soft-404 site (one title for every page)
SOFT_MENU = '<ul id="topmenu"><li><a href="/gioi-thieu">Giới thiệu</a></li><li><a href="/van-ban">Văn bản</a></li><li><a href="/lien-he">Liên hệ</a></li></ul>'
SOFT_FOOTER = '<footer><p>UBND XÃ MẪU - Địa chỉ: Thôn 1, xã Mẫu. Điện thoại: 0210 3999 999</p></footer>'
write('soft404', 'index.html', page('UBND xã Mẫu', SOFT_MENU, article_list().replace('/tin-tuc/','/tin/'), SOFT_FOOTER))
write('soft404', 'gioi-thieu.html', page('UBND xã Mẫu', SOFT_MENU, prose('Giới thiệu', '<p>Xã Mẫu có diện tích tự nhiên 25 km², dân số 12.000 người, gồm 8 thôn. Đảng ủy, Hội đồng nhân dân, Ủy ban nhân dân xã và các đoàn thể chính trị - xã hội.</p><p>'+LOREM+'</p>'), SOFT_FOOTER))
write('soft404', 'lien-he.html', page('UBND xã Mẫu', SOFT_MENU, prose('Liên hệ', '<p>Địa chỉ: Thôn 1, xã Mẫu. Điện thoại: 0210 3999 999. Email: xamau@mau.gov.vn</p>'), SOFT_FOOTER))
write('soft404', '_missing.html', page('UBND xã Mẫu', SOFT_MENU, '<div class="article"><p>Nội dung bạn yêu cầu hiện chưa có trên cổng. Vui lòng quay lại trang chủ hoặc dùng chức năng tìm kiếm để tra cứu thông tin cần thiết.</p></div>', SOFT_FOOTER))

# ---------------------------------------------------------------- menu drawn by JavaScript
JS_INDEX = '''<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Cổng JS</title></head>
<body><div id="header">Cổng thông tin điện tử Sở JS</div>
<ul id="main-menu"></ul>
<div id="content"><p>Chào mừng.</p></div>
<script>
var items = [["/gioi-thieu","Giới thiệu"],["/lien-he","Liên hệ"],["/van-ban","Văn bản"]];
var ul = document.getElementById("main-menu");
items.forEach(function (it) { var li = document.createElement("li"); var a = document.createElement("a");
  a.href = it[0]; a.textContent = it[1]; li.appendChild(a); ul.appendChild(li); });
</script>
<div id="footer">Sở JS - Địa chỉ: 1 Đường JS. Điện thoại: 0210 3777 777</div>
</body></html>
'''
write('jsmenu', 'index.html', JS_INDEX)
JS_MENU = '<ul id="main-menu"><li><a href="/gioi-thieu">Giới thiệu</a></li><li><a href="/lien-he">Liên hệ</a></li><li><a href="/van-ban">Văn bản</a></li></ul>'
JS_FOOTER = '<div id="footer">Sở JS - Địa chỉ: 1 Đường JS. Điện thoại: 0210 3777 777</div>'
write('jsmenu', 'gioi-thieu.html', page('Giới thiệu - Sở JS', JS_MENU, prose('Giới thiệu', '<p>'+LOREM+'</p>'), JS_FOOTER))
write('jsmenu', 'van-ban.html', page('Văn bản - Sở JS', JS_MENU, listing('Văn bản', [("Quyết định số 5/2025/QĐ-UBND", "02/05/2025")]), JS_FOOTER))
print('ok')
