"""Why a service list cannot be judged, decided in checks/ without a network:
our failures and a portal that refuses us are never "no services"."""
from checks.service_figures import listing_problem, spa_problem, unread_problem


def test_no_portal_found_is_not_discovered_unless_a_link_could_not_be_read():
    assert listing_problem(None, 0, None, None) == "not_discovered"
    assert unread_problem([{"status": "not_found"}, {"status": "blocked"}]) == "blocked"
    assert listing_problem(unread_problem([{"status": "timeout"}]), 0, None, None) == "timeout"
    assert unread_problem([{"status": "not_found"}]) is None


def test_a_portal_that_does_not_answer_names_its_status_and_services_found_outweigh_a_problem():
    assert listing_problem(None, 0, "https://dvc.x.gov.vn/", "blocked") == "blocked"
    assert listing_problem("js_shell_unlisted", 0, "https://dvc.x.gov.vn/", "live") == "js_shell_unlisted"
    assert listing_problem("js_shell_unlisted", 3, "https://dvc.x.gov.vn/", "live") is None


def test_a_single_page_portal_unread_by_our_fault_is_not_a_portal_hiding_its_list():
    assert spa_problem("render_failed") == "render_failed"
    assert spa_problem("live", "timeout") == "timeout"
    assert spa_problem("live", "not_found") == "js_shell_unlisted"
    assert spa_problem(None) == "js_shell_unlisted"
