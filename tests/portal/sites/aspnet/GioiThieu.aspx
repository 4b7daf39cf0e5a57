<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>UBND XÃ MẪU SƠN</title>
</head>
<body>
<form name="aspnetForm" method="post" action="./Default.aspx" id="aspnetForm">
<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="">
<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="">
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPdDwtMTM0NjI1">
<div id="divHeader"><img src="images/banner.jpg" alt="UBND XÃ MẪU SƠN"></div>
<table class="tblMenu" cellpadding="0" cellspacing="0"><tr>
<td class="tdMenu"><a href="Default.aspx">TRANG CHU</a></td>
<td class="tdMenu"><a href="GioiThieu.aspx">GIOI THIEU</a></td>
<td class="tdMenu" onclick="location.href='TinTuc.aspx'">TIN TUC</td>
<td class="tdMenu"><a id="ctl00_ucMenu_lnkLich" href="javascript:__doPostBack('ctl00$ucMenu$lnkLich','')">LICH CONG TAC</a></td>
<td class="tdMenu"><a href="javascript:void(0)" onclick="window.open('HoiDap.aspx','_self')">HOI DAP</a></td>
<td class="tdMenu"><a href="#" onclick="return ShowSubMenu(5);">THU TUC HANH CHINH</a></td>
</tr></table>
<div id="divContent"><h2>GIỚI THIỆU XÃ MẪU SƠN</h2><p>Xã Mẫu Sơn có 8 thôn, diện tích 40 km², dân số 6.000 người. Xã Mẫu Sơn có 8 thôn, diện tích 40 km², dân số 6.000 người. Xã Mẫu Sơn có 8 thôn, diện tích 40 km², dân số 6.000 người. </p></div>
<table id="tblFooter" width="100%"><tr><td>UBND XÃ MẪU SƠN - Địa chỉ: Thôn 3, xã Mẫu Sơn. Điện thoại: 0209 3860 123 - Email: xamauson@mau.gov.vn</td></tr></table>
</form>
</body>
</html>
