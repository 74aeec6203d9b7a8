"""The text a person reads in a page or a template, for the checks on translations."""

from html.parser import HTMLParser

# Attributes a person reads on screen or hears from a screen reader.
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "aria-placeholder"}


class _ReadText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []
        self._skipping = []  # the open tags whose content is not text to read

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # Scripts and styles are not text; a language's name in the switcher is written in that language.
        if tag in ("script", "style") or (tag == "option" and "lang" in attributes):
            self._skipping.append(tag)
        line = self.getpos()[0]
        self.found += [(line, value) for name, value in attrs if name in READ_ATTRIBUTES and value]
        if tag == "meta" and attributes.get("name") == "description" and attributes.get("content"):
            self.found.append((line, attributes["content"]))

    def handle_endtag(self, tag):
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.found.append((self.getpos()[0], data.strip()))


def read_text(html):
    """`(line, text)` of what a page shows: text outside scripts and styles, the attributes of
    READ_ATTRIBUTES and the meta description."""
    parser = _ReadText()
    parser.feed(html)
    parser.close()
    return parser.found
