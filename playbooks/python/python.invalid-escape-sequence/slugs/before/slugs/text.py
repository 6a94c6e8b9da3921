"""Slugs for titles."""
import re

WORD = re.compile("[^\w\s-]")
SPACES = re.compile("[-\s]+")


def slugify(title):
    return SPACES.sub("-", WORD.sub("", title).strip().lower())
