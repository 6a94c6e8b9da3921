"""HTML helpers, written against MarkupSafe 1.x."""
from markupsafe import Markup, escape, soft_unicode


def bold(text):
    return Markup("<b>%s</b>") % escape(text)


def plain(value):
    return soft_unicode(value)
