"""What a browser would send for a form of a page (the load run's users post the forms they read)."""

import html.parser


class FormFields(html.parser.HTMLParser):
    """The values a browser would send for the form that contains `name="revision"`: inputs (checked boxes only,
    no files or buttons), textareas and the selected options."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.current, self.textarea, self.select = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {}
            self.forms.append(self.current)
        elif tag == "option" and self.select and self.current is not None and "selected" in attrs:
            self.current[self.select] = attrs.get("value", "")
        elif self.current is None or not attrs.get("name"):
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("file", "submit", "button", "reset", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.current[attrs["name"]] = attrs.get("value") or ("on" if kind == "checkbox" else "")
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.current[self.textarea] = ""
        elif tag == "select":
            self.select = attrs["name"]
            self.current.setdefault(self.select, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "textarea":
            # A browser drops the newline that follows <textarea>.
            if self.current is not None and self.textarea:
                value = self.current[self.textarea]
                self.current[self.textarea] = value[1:] if value.startswith("\n") else value
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea and self.current is not None:
            self.current[self.textarea] += data


def form_with(page: str, field: str) -> dict:
    parser = FormFields()
    parser.feed(page)
    return next((form for form in parser.forms if field in form), {})
