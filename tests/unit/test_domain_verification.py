from server.domain.scanning import identify
from server.domain.verification import LineProgress, Verdict, check_item

LAMP, MUG, OTHER = "4006381333931", "5901234123457", "3760123456784"


def lines(*progress):
    return [LineProgress(i, gtin.zfill(14), qty, done) for i, (gtin, qty, done) in enumerate(progress, 1)]


def test_a_good_item_is_counted_on_its_first_open_line():
    check = check_item(lines((LAMP, 2, 0), (MUG, 1, 0)), identify(LAMP))
    assert check.verdict is Verdict.COUNTED and check.line_id == 1 and check.accepted


def test_the_last_unit_completes_the_task():
    check = check_item(lines((LAMP, 2, 2), (MUG, 1, 0)), identify(MUG))
    assert check.verdict is Verdict.TASK_COMPLETE and check.line_id == 2


def test_an_item_not_in_the_order_is_wrong_and_not_accepted():
    check = check_item(lines((LAMP, 1, 0)), identify(OTHER))
    assert check.verdict is Verdict.WRONG_ITEM and not check.accepted


def test_one_unit_too_many_is_refused():
    check = check_item(lines((LAMP, 1, 1), (MUG, 1, 0)), identify(LAMP))
    assert check.verdict is Verdict.TOO_MANY and check.line_id == 1


def test_a_bin_or_rma_where_an_item_is_expected_is_not_an_item():
    assert check_item(lines((LAMP, 1, 0)), identify("A-01-01-1")).verdict is Verdict.NOT_AN_ITEM
    assert check_item(lines((LAMP, 1, 0)), identify("RMA00000001")).verdict is Verdict.NOT_AN_ITEM


def test_garbage_is_unreadable():
    assert check_item(lines((LAMP, 1, 0)), identify("#@!")).verdict is Verdict.UNREADABLE

