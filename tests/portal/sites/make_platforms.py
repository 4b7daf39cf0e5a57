"""Regenerates the platform look-alike portals of this folder: drupal, sharepoint, liferay7,
aspnet. The pages are committed; run this only to change them:
    .venv/bin/python tests/portal/sites/make_platforms.py

Each is a class of real portal, written from the markup those platforms produce
(labels.md "Platform fingerprints"), not a copy of one site:
- drupal:     `/node/N` addresses for every menu item, "Skip to main content", Bootstrap
              breadcrumbs; labels with &nbsp; and in capitals; a "Góp ý" feedback form, a
              news category "Tin đầu tư", a "Danh bạ website" link directory; an empty section.
- sharepoint: SharePoint 2010 (Tân Dân) — `Pages/default.aspx?ItemID=N`, `Lists/…/AllItems.aspx`,
              web part titles, labels as numeric entities, a long mega menu; every page has one
              title, and an unknown address answers 200 with the full template (a soft 404
              repeating the menus, its message past the first 2,000 characters).
- liferay7:   Liferay 7 — friendly URLs and `p_l_id` layouts, banners whose file name sits in
              the folder before a UUID, icon links named only by aria-label, contact details
              at the end of the page in a portlet that no class calls a footer.
- aspnet:     ASP.NET WebForms — a header row of table cells as the menu, `__doPostBack`
              links, `onclick` cells, `javascript:` links, labels without diacritics.
truth.yaml beside each is hand-written from reading the pages.
"""
from __future__ import annotations

import os
import unicodedata

OUT = os.path.dirname(os.path.abspath(__file__))


def ent(text: str) -> str:
    return "".join(c if ord(c) < 128 else f"&#x{ord(c):X};" for c in text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def write(site: str, name: str, html: str) -> None:
    path = os.path.join(OUT, site, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)


def doc(title: str, body: str, head: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n{head}<title>{title}</title>\n'
            f"</head>\n<body>\n{body}\n</body>\n</html>\n")


def dated(items: list[tuple[str, str, str]]) -> str:
    return "<ul class=\"list\">" + "".join(
        f'<li><a href="{h}">{t}</a> <span class="date">{d}</span></li>' for h, t, d in items) + "</ul>"


NEWS = [("Huyện tổ chức hội nghị triển khai nhiệm vụ phát triển kinh tế xã hội năm 2024", "15/01/2024"),
        ("Kiểm tra tiến độ xây dựng nông thôn mới tại các xã vùng cao", "12/01/2024"),
        ("Tập huấn chuyển đổi số cho cán bộ, công chức cấp xã", "08/01/2024")]


# ------------------------------------------------------------------ drupal
def drupal() -> None:
    site = "drupal"
    menu = f'''<nav role="navigation" class="navbar navbar-default"><ul class="menu nav navbar-nav">
<li class="first leaf"><a href="/">Trang chủ</a></li>
<li class="expanded dropdown"><a href="/node/2" class="dropdown-toggle">GIỚI THIỆU</a><ul class="dropdown-menu">
<li><a href="/node/3">Cơ cấu tổ chức</a></li><li><a href="/node/4">LÃNH ĐẠO HUYỆN</a></li></ul></li>
<li><a href="/node/12">Tin&nbsp;tức -&nbsp;Sự kiện</a></li>
<li><a href="/node/15" title="Lịch tuần của lãnh đạo UBND huyện">Lịch tuần</a></li>
<li><a href="/node/16">Văn&#160;bản</a></li>
<li><a href="/node/18">{nfd("Hỏi đáp")}</a></li>
<li><a href="/node/40">Góp ý</a></li>
<li><a href="/taxonomy/term/5">Tin đầu tư</a></li>
<li class="last"><a href="/node/30">Điều ước quốc tế</a></li>
</ul></nav>'''
    header = '''<a href="#main-content" class="element-invisible element-focusable">Skip to main content</a>
<header id="navbar" role="banner"><a class="logo" href="/" title="Trang chủ"><img src="/sites/default/files/logo.png" alt="Trang chủ"></a>
<div class="site-name">UBND HUYỆN NÚI THÀNH MẪU</div>
<form action="/search/node" method="get" id="search-block-form"><input type="text" name="keys" title="Nhập từ khóa tìm kiếm"><button type="submit">Tìm kiếm</button></form></header>'''
    footer = '''<footer class="footer" role="contentinfo"><p>ỦY BAN NHÂN DÂN HUYỆN NÚI THÀNH MẪU</p>
<p>Địa chỉ: 01 Trần Phú, thị trấn Núi Thành, tỉnh Mẫu. Điện thoại: 0235 3871 234. Email: ubnd@nuithanh.gov.vn</p>
<p><a href="/sitemap">Sơ đồ trang</a> | <a href="/danh-ba-website">Danh bạ website</a></p></footer>'''

    def page(title: str, main: str, crumb: str) -> str:
        return doc(f"{title} | UBND huyện Núi Thành Mẫu", f'''{header}\n{menu}
<div class="main-container container"><ol class="breadcrumb"><li><a href="/">Trang chủ</a></li><li class="active">{crumb}</li></ol>
<section id="main-content"><h1 class="page-header">{title}</h1>{main}</section></div>\n{footer}''')

    news = [(f"/node/{101 + i}", t, d) for i, (t, d) in enumerate(NEWS)]
    home_main = f'''<section id="main-content">
<div class="block"><h2 class="block-title">Tin mới</h2>{dated(news)}</div>
<div class="block"><h2 class="block-title">Thủ tục hành chính</h2><ul><li><a href="/node/50">Bộ thủ tục hành chính cấp huyện</a></li></ul></div>
<div class="block"><a href="/node/60"><img src="/sites/default/files/styles/banner/public/banner-ngan-sach.png" alt=""></a></div>
<div class="block"><h2 class="block-title">Liên kết website</h2><select onchange="window.open(this.value)"><option>-- Chọn --</option>
<option value="https://chinhphu.vn">Cổng TTĐT Chính phủ</option><option value="https://mau.gov.vn">Cổng TTĐT tỉnh Mẫu</option></select></div>
</section>'''
    write(site, "index.html", doc("Trang chủ | UBND huyện Núi Thành Mẫu", f"{header}\n{menu}\n{home_main}\n{footer}",
                                  '<meta name="viewport" content="width=device-width, initial-scale=1">\n'))
    para = "<p>Huyện Núi Thành Mẫu có diện tích tự nhiên 530 km², dân số 150.000 người, gồm 16 xã và 1 thị trấn.</p>"
    write(site, "node/2.html", page("Giới thiệu chung", para * 3, "Giới thiệu"))
    write(site, "node/3.html", page("Cơ cấu tổ chức", "<p>Văn phòng HĐND và UBND huyện; Phòng Nội vụ; Phòng Tài chính - Kế hoạch; Phòng Tư pháp.</p>", "Cơ cấu tổ chức"))
    write(site, "node/4.html", page("Lãnh đạo huyện", "<p>Chủ tịch UBND huyện: Ông Nguyễn Văn A. Điện thoại: 0235 3871 001</p>", "Lãnh đạo huyện"))
    write(site, "node/12.html", page("Tin tức - Sự kiện", dated(news), "Tin tức - Sự kiện"))
    sched = "<table class='table'><tr><th>Ngày</th><th>Nội dung</th></tr><tr><td>15/01/2024</td><td>Chủ tịch UBND huyện họp giao ban</td></tr><tr><td>16/01/2024</td><td>Phó Chủ tịch kiểm tra công trình</td></tr></table>"
    write(site, "node/15.html", page("Lịch công tác tuần", sched, "Lịch tuần"))
    docs = dated([("/node/201", "Quyết định số 12/QĐ-UBND về việc ban hành quy chế làm việc", "10/01/2024")])
    write(site, "node/16.html", page("Văn bản", docs, "Văn bản"))
    write(site, "node/18.html", page("Hỏi đáp", dated([("/node/301", "Hỏi về thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ", "05/01/2024")]), "Hỏi đáp"))
    form = ('<form action="/node/40" method="post"><label>Họ và tên</label><input name="name"><label>Email</label>'
            '<input name="mail"><label>Nội dung góp ý</label><textarea name="body"></textarea><button>Gửi góp ý</button></form>'
            "<p>Mọi ý kiến góp ý về giao diện và nội dung của Cổng thông tin điện tử huyện xin gửi về Ban biên tập.</p>")
    write(site, "node/40.html", page("Góp ý", form, "Góp ý"))
    invest = dated([("/node/401", "Doanh nghiệp Nhật Bản tìm hiểu cơ hội đầu tư vào khu công nghiệp", "11/01/2024")])
    write(site, "taxonomy/term/5.html", page("Tin đầu tư", invest, "Tin đầu tư"))
    write(site, "node/30.html", page("Điều ước quốc tế", '<div class="view-empty"><p>Chưa có dữ liệu</p></div>', "Điều ước quốc tế"))
    write(site, "node/50.html", page("Bộ thủ tục hành chính cấp huyện", dated([("/node/501", "Thủ tục đăng ký khai sinh", "02/01/2024")]), "Thủ tục hành chính"))
    write(site, "node/60.html", page("Công khai ngân sách", dated([("/node/601", "Công khai dự toán ngân sách năm 2024", "03/01/2024")]), "Công khai ngân sách"))
    links = "".join(f'<li><a href="/node/{n}">Mục {n}</a></li>' for n in range(2, 14))
    write(site, "sitemap.html", page("Sơ đồ trang", f"<ul class='site-map'>{links}</ul>", "Sơ đồ trang"))
    write(site, "danh-ba-website.html", page("Danh bạ website", "<ul><li><a href='https://chinhphu.vn'>Chính phủ</a></li></ul>", "Danh bạ website"))
    article = '<p>Sáng 15/01/2024, UBND huyện tổ chức hội nghị.</p><a href="javascript:window.print()" class="print">In bài</a>'
    for href, title, _ in news:
        write(site, href.lstrip("/") + ".html", page(title, article, "Tin tức"))


# ------------------------------------------------------------------ sharepoint
def sharepoint() -> None:
    site = "sharepoint"
    units = ["Sở Nội vụ", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Xây dựng", "Sở Giao thông vận tải",
             "Sở Công Thương", "Sở Nông nghiệp và Phát triển nông thôn", "Sở Tài nguyên và Môi trường",
             "Sở Thông tin và Truyền thông", "Sở Lao động - Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch",
             "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Tư pháp", "Thanh tra tỉnh",
             "Ban Dân tộc", "Văn phòng UBND tỉnh", "Ban Quản lý các khu công nghiệp", "Đài Phát thanh và Truyền hình"]
    units += [f"UBND huyện {n}" for n in ("Bắc Mẫu", "Nam Mẫu", "Đông Mẫu", "Tây Mẫu", "Trung Mẫu", "Hải Mẫu",
                                          "Sơn Mẫu", "Lâm Mẫu", "Thủy Mẫu", "Hòa Mẫu")]

    def item(href: str, label: str, sub: str = "") -> str:
        return (f'<li class="static"><a class="static menu-item" href="{href}"><span class="additional-background">'
                f'<span class="menu-item-text">{ent(label)}</span></span></a>{sub}</li>')

    mega = "<ul class=\"static\">" + "".join(
        f'<li class="static"><a class="static menu-item" href="/Pages/default.aspx?ItemID={300 + i}">'
        f'<span class="menu-item-text">{ent(u)}</span></a></li>' for i, u in enumerate(units)) + "</ul>"
    menu = ('<div id="zz1_TopNavigationMenuV4" class="s4-tn"><div class="menu horizontal menu-horizontal"><ul class="root static">'
            + item("/Pages/default.aspx", "Trang chủ")
            + item("/Pages/default.aspx?ItemID=7", "Giới thiệu")
            + item("/Pages/default.aspx?ItemID=8", "Thông tin hoạt động")
            + item("#", "Cơ quan, đơn vị", mega)
            + item("/Pages/default.aspx?ItemID=21", "Công khai ngân sách - Tình hình thực hiện dự toán NSĐP")
            + item("/Pages/default.aspx?ItemID=99", "Thống kê")
            + "</ul></div></div>")
    top = ('<div id="s4-titlerow"><div class="tandan-logo"><h1>CỔNG THÔNG TIN ĐIỆN TỬ TỈNH MẪU</h1></div></div>')
    footer = ('<div class="tandan-footer footer"><p>Cơ quan chủ quản: Ủy ban nhân dân tỉnh Mẫu. Địa chỉ: 01 Hùng Vương, '
              'thành phố Mẫu. Điện thoại: 0233 3852 111. Email: ubnd@mau.gov.vn</p></div>')
    title = "CỔNG THÔNG TIN ĐIỆN TỬ TỈNH MẪU"

    def page(main: str) -> str:
        return doc(title, f'{top}\n{menu}\n<div id="s4-bodyContainer"><div class="ms-rtestate-field">{main}</div></div>\n{footer}')

    def webpart(heading_html: str, inner: str) -> str:
        return (f'<table class="s4-wpTopTable"><tr><td class="ms-WPHeader"><h3 class="ms-standardheader ms-WPTitle">'
                f'{heading_html}</h3></td></tr><tr><td class="ms-WPBody">{inner}</td></tr></table>')

    news = [(f"/portal/pages/2024-1-{15 - i}/Tin-{i}-a1b2c{i}.aspx", t, d) for i, (t, d) in enumerate(NEWS)]
    home = (webpart(f'<a href="/Lists/ThongBaoYKienThuTuong/AllItems.aspx"><nobr><span>{ent("Thông báo ý kiến Thủ tướng")}</span></nobr></a>',
                    dated([("/Lists/ThongBaoYKienThuTuong/DispForm.aspx?ID=4", "Thông báo ý kiến chỉ đạo của Thủ tướng về phòng chống thiên tai", "10/01/2024")]))
            + webpart(f'<nobr><span>{ent("Lịch làm việc")}</span></nobr>',
                      f'<a href="/Lists/LichCongTac/AllItems.aspx">{ent("Lịch làm việc tuần của Lãnh đạo tỉnh")}</a>')
            + webpart(f'<nobr><span>{ent("Tin nổi bật")}</span></nobr>', dated(news))
            + '<a href="/en/Pages/default.aspx" hreflang="en">English</a>')
    write(site, "index.html", page(home))
    write(site, "_urls.yaml", "".join(f'"/Pages/default.aspx?ItemID={n}": item{n}.html\n' for n in (7, 8, 21)))
    body = "<p>" + "Tỉnh Mẫu nằm ở vùng duyên hải, có diện tích 4.000 km² và 1,2 triệu dân. " * 3 + "</p>"
    write(site, "item7.html", page("<h2>Giới thiệu chung</h2>" + body))
    write(site, "item8.html", page("<h2>Thông tin hoạt động</h2>" + dated(news)))
    write(site, "item21.html", page("<h2>Công khai ngân sách</h2>" + dated([("/portal/pages/2024-1-5/Cong-khai-f00d1.aspx", "Công khai tình hình thực hiện dự toán ngân sách quý IV năm 2023", "05/01/2024")])))
    write(site, "Lists/ThongBaoYKienThuTuong/AllItems.aspx", page("<h2>Thông báo ý kiến Thủ tướng</h2>" + dated([("/Lists/ThongBaoYKienThuTuong/DispForm.aspx?ID=4", "Thông báo ý kiến chỉ đạo của Thủ tướng về phòng chống thiên tai", "10/01/2024")])))
    sched = "<table class='ms-listviewtable'><tr><td>Thứ Hai 15/01/2024</td><td>Chủ tịch UBND tỉnh làm việc với Sở Nội vụ</td></tr></table>"
    write(site, "Lists/LichCongTac/AllItems.aspx", page("<h2>Lịch làm việc của Lãnh đạo tỉnh</h2>" + sched))
    english = "<p>" + "The province of Mau is located on the coast. The People's Committee of the province is the executive body. " * 3 + "</p>"
    write(site, "en/Pages/default.aspx", page(english))
    # Unknown addresses: 200, the whole template (menus longer than 2,000 characters), one line of its own.
    write(site, "_missing.html", page("<p>Rất tiếc! Nội dung bạn đang truy cập hiện không còn trên hệ thống.</p>"))
    article = '<p>Ngày 15/01/2024, UBND tỉnh tổ chức hội nghị.</p><a href="#" onclick="window.print();return false;">In trang</a>'
    for href, t, _ in news:
        write(site, href.lstrip("/"), page(f"<h2>{t}</h2>{article}"))


# ------------------------------------------------------------------ liferay 7
def liferay7() -> None:
    site = "liferay7"
    uuid = "4b6c1e2a-8f3d-4c1e-9a7b-2f1d3c4b5a6e"
    menu = '''<nav class="sort-pages modify-pages" id="navigation" role="navigation"><ul aria-label="Site Pages" role="menubar">
<li class="lfr-nav-item" role="presentation"><a href="/web/guest/trang-chu" role="menuitem"><span>TRANG CHỦ</span></a></li>
<li class="lfr-nav-item" role="presentation"><a href="/web/guest/gioi-thieu" role="menuitem"><span>GIỚI THIỆU</span></a></li>
<li class="lfr-nav-item" role="presentation"><a href="/web/guest/tin-tuc" role="menuitem"><span>TIN TỨC</span></a></li>
<li class="lfr-nav-item" role="presentation"><a href="/c/portal/layout?p_l_id=40321" role="menuitem"><span>VĂN BẢN QUY PHẠM PHÁP LUẬT</span></a></li>
<li class="lfr-nav-item" role="presentation"><a href="/web/guest/-/asset_publisher/Xk9a/content/lay-y-kien-du-thao" role="menuitem"><span>Lấy ý kiến dự thảo</span></a></li>
</ul></nav>'''
    head = '<header id="banner" role="banner"><div class="site-title"><span>SỞ TÀI CHÍNH TỈNH MẪU</span></div></header>'
    end = ('<div class="portlet-boundary portlet-journal-content" id="p_p_id_thong_tin_cuoi_trang">'
           '<div class="journal-content-article"><p>SỞ TÀI CHÍNH TỈNH MẪU</p><p>Trụ sở: 25 Lê Lợi, thành phố Mẫu</p>'
           '<p>ĐT: (0233) 3852 345 - Fax: (0233) 3852 346</p><p>Email: stc@mau.gov.vn</p></div></div>')

    def page(title: str, main: str) -> str:
        return doc(f"{title} - Sở Tài chính tỉnh Mẫu", f'''{head}\n{menu}\n<section id="content"><div class="portlet-boundary">
<h2 class="portlet-title"><span class="portlet-title-text">{title}</span></h2><div class="portlet-body">{main}</div></div></section>\n{end}''')

    news = [(f"/web/guest/-/asset_publisher/Ab12/content/tin-{i}", t, d) for i, (t, d) in enumerate(NEWS)]
    banners = (f'<div class="banners"><a href="/web/guest/chuyen-muc?p_p_id=AssetPublisher_INSTANCE_q1&_categoryId=40123">'
               f'<img src="/documents/20126/0/lichcongtac.png/{uuid}?t=1600000000000" alt=""></a>'
               f'<a href="/web/guest/chuyen-muc?p_p_id=AssetPublisher_INSTANCE_q1&_categoryId=40124">'
               f'<img src="/documents/20126/0/Cong+khai+ngan+sach.jpg/{uuid[:-4]}9f9f?t=1600000000000" alt=""></a>'
               f'<a href="/c/portal/layout?p_l_id=40210" aria-label="Hỏi đáp trực tuyến"><span class="icon-comments"></span></a></div>')
    home = (f'<section id="content"><div class="portlet-boundary"><h2 class="portlet-title"><span class="portlet-title-text">Tin nổi bật</span></h2>'
            f'{dated(news)}</div>{banners}</section>')
    write(site, "index.html", doc("Trang chủ - Sở Tài chính tỉnh Mẫu", f"{head}\n{menu}\n{home}\n{end}"))
    write(site, "_urls.yaml", '"/web/guest/chuyen-muc?p_p_id=AssetPublisher_INSTANCE_q1&_categoryId=40123": lich.html\n'
                              '"/web/guest/chuyen-muc?p_p_id=AssetPublisher_INSTANCE_q1&_categoryId=40124": ngansach.html\n'
                              '"/c/portal/layout?p_l_id=40321": vanban.html\n"/c/portal/layout?p_l_id=40210": hoidap.html\n')
    write(site, "web/guest/trang-chu.html", doc("Trang chủ - Sở Tài chính tỉnh Mẫu", f"{head}\n{menu}\n{home}\n{end}"))
    write(site, "web/guest/gioi-thieu.html", page("Giới thiệu", "<p>" + "Sở Tài chính là cơ quan chuyên môn thuộc UBND tỉnh, tham mưu về tài chính, ngân sách. " * 3 + "</p>"))
    write(site, "web/guest/tin-tuc.html", page("Tin tức", dated(news)))
    write(site, "vanban.html", page("Văn bản quy phạm pháp luật", dated([("/web/guest/-/asset_publisher/Vb1/content/qd-05", "Quyết định số 05/2024/QĐ-UBND quy định phân cấp nguồn thu", "09/01/2024")])))
    write(site, "web/guest/-/asset_publisher/Xk9a/content/lay-y-kien-du-thao.html", page("Lấy ý kiến dự thảo", '<div class="alert alert-info">Không có dữ liệu</div>'))
    write(site, "lich.html", page("Lịch công tác", "<table><tr><td>15/01/2024</td><td>Giám đốc Sở họp giao ban</td></tr></table>"))
    write(site, "ngansach.html", page("Công khai ngân sách", dated([("/web/guest/-/asset_publisher/Ns1/content/du-toan-2024", "Công khai dự toán ngân sách tỉnh năm 2024", "04/01/2024")])))
    write(site, "hoidap.html", page("Hỏi đáp trực tuyến", dated([("/web/guest/-/asset_publisher/Hd1/content/cau-hoi-1", "Hỏi về thủ tục hoàn trả khoản thu ngân sách", "06/01/2024")])))
    for href, t, _ in news:
        write(site, href.lstrip("/") + ".html", page(t, "<p>Ngày 15/01/2024, Sở tổ chức hội nghị.</p>"))


# ------------------------------------------------------------------ aspnet
def aspnet() -> None:
    site = "aspnet"
    menu = '''<table class="tblMenu" cellpadding="0" cellspacing="0"><tr>
<td class="tdMenu"><a href="Default.aspx">TRANG CHU</a></td>
<td class="tdMenu"><a href="GioiThieu.aspx">GIOI THIEU</a></td>
<td class="tdMenu" onclick="location.href='TinTuc.aspx'">TIN TUC</td>
<td class="tdMenu"><a id="ctl00_ucMenu_lnkLich" href="javascript:__doPostBack('ctl00$ucMenu$lnkLich','')">LICH CONG TAC</a></td>
<td class="tdMenu"><a href="javascript:void(0)" onclick="window.open('HoiDap.aspx','_self')">HOI DAP</a></td>
<td class="tdMenu"><a href="#" onclick="return ShowSubMenu(5);">THU TUC HANH CHINH</a></td>
</tr></table>'''
    footer = ('<table id="tblFooter" width="100%"><tr><td>UBND XÃ MẪU SƠN - Địa chỉ: Thôn 3, xã Mẫu Sơn. '
              'Điện thoại: 0209 3860 123 - Email: xamauson@mau.gov.vn</td></tr></table>')

    def page(main: str, state: str = "dDwtMTM0NjI1") -> str:
        return doc("UBND XÃ MẪU SƠN", f'''<form name="aspnetForm" method="post" action="./Default.aspx" id="aspnetForm">
<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="">
<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="">
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEP{state}">
<div id="divHeader"><img src="images/banner.jpg" alt="UBND XÃ MẪU SƠN"></div>
{menu}
<div id="divContent">{main}</div>
{footer}
</form>''')

    box = f'<div class="BoxTitle">{nfd("CHỈ&nbsp;ĐẠO ĐIỀU HÀNH")}</div><ul><li><a href="ChiDaoDieuHanh.aspx?cat=3">Xem tất cả</a></li></ul>'
    write(site, "index.html", page(f'<div class="Box">{box}</div>' + dated([("ChiTiet.aspx?ID=501", t, d) for t, d in NEWS])))
    write(site, "_urls.yaml", '"POST /Default.aspx ctl00$ucMenu$lnkLich": lich.html\n"/ChiDaoDieuHanh.aspx?cat=3": chidao.html\n')
    write(site, "GioiThieu.aspx", page("<h2>GIỚI THIỆU XÃ MẪU SƠN</h2><p>" + "Xã Mẫu Sơn có 8 thôn, diện tích 40 km², dân số 6.000 người. " * 3 + "</p>"))
    write(site, "TinTuc.aspx", page("<h2>TIN TỨC</h2>" + dated([("ChiTiet.aspx?ID=501", t, d) for t, d in NEWS])))
    write(site, "lich.html", page("<h2>LỊCH CÔNG TÁC TUẦN</h2><table><tr><td>15/01/2024</td><td>Chủ tịch UBND xã tiếp công dân</td></tr></table>", "LichCongTac"))
    write(site, "HoiDap.aspx", page("<h2>HỎI ĐÁP</h2>" + dated([("HoiDap.aspx?ID=7", "Hỏi về đăng ký thường trú", "04/01/2024")])))
    write(site, "chidao.html", page("<h2>CHỈ ĐẠO ĐIỀU HÀNH</h2>" + dated([("ChiTiet.aspx?ID=601", "Chỉ thị về tăng cường phòng cháy rừng", "02/01/2024")])))


if __name__ == "__main__":
    drupal()
    sharepoint()
    liferay7()
    aspnet()
