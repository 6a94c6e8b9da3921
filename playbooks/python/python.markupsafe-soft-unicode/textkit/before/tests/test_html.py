from textkit.html import bold, plain


def test_bold_escapes():
    assert bold("<x>") == "<b>&lt;x&gt;</b>"


def test_plain_keeps_markup():
    assert plain(bold("a")) == "<b>a</b>"
